"""Letterboxd's export files, read as strictly as a poster and written in their layout.

Letterboxd exports a zip (ratings.csv, reviews.csv, watchlist.csv, diary.csv, watched.csv, lists/, ...)
of UTF-8 CSV files with a header line. Only the three files below are read, each checked whole before
anything is written: its size, its encoding (UTF-8, a byte order mark allowed), its header (exactly
these columns, in this order) and every row. A problem is a 400 that names the file and the line
(the line a row starts on, counting the header as line 1), with up to MAX_PROBLEMS of them by file.

A zip is opened only within bounds, so that a small upload cannot cost much: the central directory is
measured from its end record before zipfile reads it (at most MAX_ZIP_MEMBERS entries in at most
MAX_ZIP_DIRECTORY bytes, no zip64), only the three known names at its top level are read, and each is
unpacked only if its entry says it is at most MAX_CSV_BYTES, and never further than that entry says
(zipfile stops there, and a member longer or shorter fails its checksum): MAX_EXPORT_BYTES in all.
"""

import codecs
import csv
import io
import lzma
import re
import struct
import zipfile
import zlib
from datetime import date, datetime

from werkzeug.exceptions import BadRequest

from database.letterboxd import KINDS

FILES = {
    "ratings": ("ratings.csv", ("Date", "Name", "Year", "Letterboxd URI", "Rating")),
    "reviews": ("reviews.csv", ("Date", "Name", "Year", "Letterboxd URI", "Rating", "Rewatch", "Review", "Tags", "Watched Date")),
    "watchlist": ("watchlist.csv", ("Date", "Name", "Year", "Letterboxd URI")),
}
MIB = 1024 * 1024
MAX_CSV_BYTES = 4 * MIB
MAX_EXPORT_BYTES = len(FILES) * MAX_CSV_BYTES
# The request as a whole: the export's zip (its other files too), or the three CSV files.
MAX_UPLOAD_BYTES = 12 * MIB
MAX_ROWS = 10_000
MAX_ZIP_MEMBERS = 2_000
MAX_ZIP_DIRECTORY = MIB
MAX_PROBLEMS = 20
MAX_NAME = 200  # the catalogue's longest name
MAX_REVIEW = 5000  # the longest review the API keeps
MAX_FIELD = 5000
YEARS = (1800, 9999)
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
RATING = re.compile(r"\d(\.\d+)?")
# The zip's end of central directory record: signature, disk numbers, entry counts, directory size and offset, comment length.
END_RECORD = struct.Struct("<4s4H2LH")
END_SIGNATURE = b"PK\x05\x06"
ZIP_FAILURES = (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError, EOFError, OSError, zlib.error, lzma.LZMAError)


class FilesRefused(BadRequest):
    """Upload problems by file: a 400 whose message is the first, with every one under `errors`."""

    def __init__(self, problems):
        filename, messages = next(iter(problems.items()))
        super().__init__(f"{filename}: {messages[0]} Nothing was imported.")
        self.errors = problems


def refuse(filename, message):
    """Refuse the upload for one problem of one file."""
    raise FilesRefused({filename: [message]})


# --- reading ---------------------------------------------------------------------------------------


def end_record(data):
    """The zip's end of central directory record as a tuple, or None when there is none."""
    at = data.rfind(END_SIGNATURE, max(0, len(data) - END_RECORD.size - 0xFFFF))
    return END_RECORD.unpack_from(data, at) if at >= 0 and at + END_RECORD.size <= len(data) else None


def open_zip(data, label):
    """The zip, once its central directory is known to be small: a 400 otherwise."""
    record = end_record(data)
    if record is None:
        refuse(label, "This is not a zip file: send the zip Letterboxd exports, or its CSV files.")
    _, _, _, _, entries, directory_size, _, _ = record
    if entries == 0xFFFF or directory_size == 0xFFFFFFFF:
        refuse(label, "A zip64 archive is not a Letterboxd export.")
    if entries > MAX_ZIP_MEMBERS or directory_size > MAX_ZIP_DIRECTORY:
        refuse(label, f"The zip holds more than {MAX_ZIP_MEMBERS} files; a Letterboxd export holds far fewer.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except ZIP_FAILURES:
        refuse(label, "This is not a zip file that can be read: send the zip Letterboxd exports, or its CSV files.")
    if len(archive.infolist()) > MAX_ZIP_MEMBERS:
        refuse(label, f"The zip holds more than {MAX_ZIP_MEMBERS} files; a Letterboxd export holds far fewer.")
    return archive


def read_member(archive, info):
    """A member's bytes, unpacked only when its size says at most MAX_CSV_BYTES.

    zipfile never unpacks a member past the size its entry says, and a member whose bytes do not end
    there, or do not match their checksum, fails to read: a lying header cannot unpack more.
    """
    if info.file_size > MAX_CSV_BYTES:
        refuse(info.filename, f"The file is larger than {MAX_CSV_BYTES // MIB} MiB unpacked.")
    try:
        with archive.open(info) as member:
            return member.read(info.file_size + 1)
    except ZIP_FAILURES:
        refuse(info.filename, "The file cannot be unpacked from the zip (damaged, encrypted or compressed in an unusual way).")


def files_in_zip(data, label="export"):
    """{kind: bytes} of the known files at the zip's top level (the others are never read)."""
    archive = open_zip(data, label)
    found = {}
    for kind, (filename, _) in FILES.items():
        infos = [info for info in archive.infolist() if info.filename == filename]
        if len(infos) > 1:
            refuse(label, f"The zip holds {filename} more than once.")
        if infos:
            found[kind] = read_member(archive, infos[0])
    if not found:
        names = ", ".join(filename for filename, _ in FILES.values())
        refuse(label, f"The zip holds none of {names} at its top level: is it a Letterboxd export?")
    return found


def text_of(filename, data):
    """The file's text: UTF-8 (a byte order mark allowed), without NUL characters; a 400 naming the line otherwise."""
    if len(data) > MAX_CSV_BYTES:
        refuse(filename, f"The file is larger than {MAX_CSV_BYTES // MIB} MiB.")
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        content = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        refuse(filename, f"line {line}: The file is not UTF-8 text (save it as UTF-8).")
    if "\x00" in content:
        line = content[: content.index("\x00")].count("\n") + 1
        refuse(filename, f"line {line}: The file holds a NUL character.")
    return content


def check_date(value, column, required=True):
    """A problem with a YYYY-MM-DD date, or None."""
    if not value and not required:
        return None
    if not DATE.fullmatch(value):
        return f"{column} must be a date as YYYY-MM-DD."
    try:
        date.fromisoformat(value)
    except ValueError:
        return f"{column} must be a date as YYYY-MM-DD."
    return None


def score_of(value, required):
    """(score 1 to 10 or None, problem or None) of a Rating: 0.5 to 5 stars in half stars."""
    if not value and not required:
        return None, None
    stars = float(value) if RATING.fullmatch(value) else None
    if stars is None or not 0.5 <= stars <= 5 or stars * 2 != int(stars * 2):
        return None, f"Rating must be 0.5 to 5 in half stars (as 3.5), not {value[:10]!r}."
    return int(stars * 2), None


def read_row(kind, fields):
    """(the row's entry, its problems) for one row of a file, its values by column."""
    problems = []
    name = fields["Name"].strip()
    if not name:
        problems.append("Name must not be empty.")
    elif len(name) > MAX_NAME:
        problems.append(f"Name is longer than {MAX_NAME} characters.")
    year = None
    if fields["Year"].strip():
        year = int(fields["Year"]) if fields["Year"].strip().isascii() and fields["Year"].strip().isdigit() else None
        if year is None or not YEARS[0] <= year <= YEARS[1]:
            problems.append("Year must be a year (as 1999), or empty.")
            year = None
    uri = fields["Letterboxd URI"]
    if uri and not uri.startswith(("https://", "http://")):
        problems.append("Letterboxd URI must be a web address, or empty.")
    problems.append(check_date(fields["Date"], "Date"))
    entry = {"name": name, "year": year, "date": fields["Date"]}
    if kind in ("ratings", "reviews"):
        entry["score"], problem = score_of(fields["Rating"], required=kind == "ratings")
        problems.append(problem)
    if kind == "reviews":
        review = fields["Review"].strip()
        if not review:
            problems.append("Review must not be empty.")
        elif len(review) > MAX_REVIEW:
            problems.append(f"Review is longer than {MAX_REVIEW:,} characters, the most a review here may have.")
        problems.append(check_date(fields["Watched Date"], "Watched Date", required=False))
        entry["review"] = review
    if any(len(value) > MAX_FIELD for column, value in fields.items() if column != "Review"):
        problems.append(f"A value is longer than {MAX_FIELD:,} characters.")
    return entry, [problem for problem in problems if problem]


def read_csv(kind, data):
    """The rows of one of the export's CSV files as entries; FilesRefused naming every problem's line."""
    filename, columns = FILES[kind]
    content = text_of(filename, data)
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    problems, entries, line = [], [], 1
    try:
        header = next(reader, None)
        if header is None:
            refuse(filename, f"line 1: The file is empty; its first line must be the header {','.join(columns)}.")
        if tuple(header) != columns:
            refuse(filename, f"line 1: The header must be exactly {','.join(columns)}.")
        while len(problems) < MAX_PROBLEMS:
            line = reader.line_num + 1
            row = next(reader, None)
            if row is None:
                break
            if not row:  # a blank line
                continue
            if len(entries) == MAX_ROWS:
                problems.append(f"line {line}: The file has more than {MAX_ROWS:,} rows.")
                break
            if len(row) != len(columns):
                problems.append(f"line {line}: {len(row)} values where the header has {len(columns)}.")
                continue
            entry, found = read_row(kind, dict(zip(columns, row, strict=True)))
            problems.extend(f"line {line}: {problem}" for problem in found)
            entries.append(entry)
    except csv.Error as error:  # its message names what broke (a quote, a field over the limit), never a value
        problems.append(f"line {line}: This is not CSV as Letterboxd writes it ({error}).")
    if problems:
        raise FilesRefused({filename: problems})
    return entries


def read_all(files):
    """{kind: entries} of every file uploaded ({kind: bytes}); every file checked before any is refused."""
    problems, read = {}, {}
    for kind in KINDS:
        if kind in files:
            try:
                read[kind] = read_csv(kind, files[kind])
            except FilesRefused as refused:
                problems.update(refused.errors)
    if problems:
        raise FilesRefused(problems)
    return read


# --- writing ---------------------------------------------------------------------------------------


def stars(score):
    """A score of 1 to 10 as Letterboxd writes its stars: 4, 4.5; empty for none."""
    if score is None:
        return ""
    return str(score // 2) if score % 2 == 0 else f"{score / 2:.1f}"


def day(value):
    """A stored datetime as YYYY-MM-DD."""
    return value.date().isoformat() if isinstance(value, datetime) else str(value)


def csv_bytes(columns, rows):
    """UTF-8 CSV of a header and rows, as Letterboxd writes it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def export_zip(rows_by_kind, when):
    """The zip of ratings.csv, reviews.csv and watchlist.csv in Letterboxd's layout (no Letterboxd URI)."""
    lines = {
        "ratings": [[day(r["date"]), r["name"], r["year"] or "", "", stars(r["score"])] for r in rows_by_kind["ratings"]],
        "reviews": [
            [day(r["date"]), r["name"], r["year"] or "", "", stars(r["score"]), "", r["review"], "", ""] for r in rows_by_kind["reviews"]
        ],
        "watchlist": [[day(r["date"]), r["name"], r["year"] or "", ""] for r in rows_by_kind["watchlist"]],
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for kind, (filename, columns) in FILES.items():
            info = zipfile.ZipInfo(filename, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, csv_bytes(columns, lines[kind]))
    return out.getvalue()
