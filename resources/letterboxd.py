"""Letterboxd in and out: import one's export (ratings, reviews, watchlist), export one's own in its layout."""

from flask import current_app, request
from flask_restful import Resource
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from database import letterboxd
from database.common import utcnow
from resources import limits
from resources.contract import ACCESS, Reply, Upload, operation
from resources.letterboxd_files import FILES, MAX_CSV_BYTES, MAX_UPLOAD_BYTES, MIB, export_zip, files_in_zip, read_all
from resources.schemas import letterboxd_report_schema
from resources.tokens import NO_STORE, current_user_id, require_account

TAG = "Letterboxd"
FORM = "multipart/form-data"
ZIP = "application/zip"
EXPORT_PART = "export"
PARTS = (EXPORT_PART, *FILES)
BINARY = {"type": "string", "format": "binary"}
LETTERBOXD_UPLOAD = Upload(
    (FORM,),
    MAX_UPLOAD_BYTES,
    f"A form with the export as Letterboxd gives it, the zip as the part `export`; or any of its files `ratings.csv`, "
    f"`reviews.csv` and `watchlist.csv` as the parts `ratings`, `reviews` and `watchlist`. At most {MAX_UPLOAD_BYTES // MIB} "
    f"MiB in all; each CSV file at most {MAX_CSV_BYTES // MIB} MiB, UTF-8 (a byte order mark allowed), with Letterboxd's "
    "header line exactly. The zip's other files are never read.",
    content={
        FORM: {
            "schema": {
                "type": "object",
                "properties": {
                    EXPORT_PART: {**BINARY, "description": "The zip Letterboxd exports (Settings > Data > Export your data)."},
                    **{
                        kind: {**BINARY, "description": f"Its {filename}: {','.join(columns)}."}
                        for kind, (filename, columns) in FILES.items()
                    },
                },
                "additionalProperties": False,
            },
            "encoding": {
                EXPORT_PART: {"contentType": f"{ZIP}, application/octet-stream"},
                **{kind: {"contentType": "text/csv"} for kind in FILES},
            },
        }
    },
)
ZIP_CONTENT = {ZIP: {"schema": BINARY}}


def part(name):
    """The bytes of one part of the form (a file, or a plain field); the request's own size limit bounds it."""
    if len(request.files.getlist(name)) + len(request.form.getlist(name)) > 1:
        raise BadRequest(f"Send the part {name!r} once.")
    if name in request.files:
        return request.files[name].stream.read(MAX_UPLOAD_BYTES + 1)
    return request.form[name].encode("utf-8")


def uploaded_files():
    """{kind: bytes} of the files sent: the export's zip, or its CSV files."""
    if request.mimetype != FORM:
        raise UnsupportedMediaType(
            f"Send the files as {FORM}: the zip as the part 'export', or CSV files as 'ratings', 'reviews', 'watchlist'."
        )
    names = set(request.files) | set(request.form)
    unknown = sorted(names - set(PARTS))
    if unknown:
        raise BadRequest(f"Unknown part {unknown[0]!r}: send 'export' (the zip), or 'ratings', 'reviews' and 'watchlist' (its CSV files).")
    if not names:
        raise BadRequest("Send the export's zip as the part 'export', or its CSV files as 'ratings', 'reviews', 'watchlist'.")
    if EXPORT_PART in names:
        if len(names) > 1:
            raise BadRequest("Send either the export's zip or its CSV files, not both.")
        return files_in_zip(part(EXPORT_PART))
    return {kind: part(kind) for kind in FILES if kind in names}


class LetterboxdImportResource(Resource):
    """Bringing one's Letterboxd ratings, reviews and watchlist in."""

    @operation(
        "importLetterboxd",
        "Import one's Letterboxd export",
        description="Every file is checked whole first: a malformed one is a 400 naming its file and line (every problem "
        "under `errors`, by file) and nothing is imported. Then each row is matched to the catalogue by its name (in any "
        "letter case or accents) and year: ratings.csv's stars (0.5 to 5) become scores (1 to 10) replacing one's "
        "earlier ones, reviews.csv's latest review of each movie becomes one's review of it (changing the one there), "
        "watchlist.csv's movies go on the watchlist. The same export imported again changes nothing. The titles the "
        "catalogue lacks are listed: add them, then import again. Limited per account.",
        tag=TAG,
        responses={200: Reply("What was imported, and the titles not in the catalogue.", letterboxd_report_schema)},
        body=LETTERBOXD_UPLOAD,
        auth=ACCESS,
        limits=[limits.LETTERBOXD_IMPORT],
    )
    def post(self):
        """Check every file, then write what matches."""
        rows = read_all(uploaded_files())
        return letterboxd_report_schema.dump(letterboxd.import_rows(require_account(), rows)), 200


class LetterboxdExportResource(Resource):
    """Taking one's ratings, reviews and watchlist out, in Letterboxd's layout."""

    @operation(
        "exportLetterboxd",
        "Export one's ratings, reviews and watchlist for Letterboxd",
        description="A zip of ratings.csv, reviews.csv and watchlist.csv in the layout of Letterboxd's own export (its "
        "importer takes them), oldest first; the Letterboxd URI column is empty. Scores of 1 to 10 are written as 0.5 to "
        "5 stars; reviews.csv's Rating is one's score of the movie now.",
        tag=TAG,
        responses={200: Reply("The zip.", headers=("Cache-Control", "Pragma", "Content-Disposition"), content=ZIP_CONTENT)},
        auth=ACCESS,
    )
    def get(self):
        """Never kept by a cache: it is one person's own data."""
        now = utcnow()
        data = letterboxd.export_rows(current_user_id())
        response = current_app.response_class(export_zip(data, now), mimetype=ZIP)
        response.headers["Content-Disposition"] = f'attachment; filename="movie-bag-letterboxd-{now.date().isoformat()}.zip"'
        response.headers.update(NO_STORE)
        return response
