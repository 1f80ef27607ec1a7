"""The OpenAPI document: generated from the declarations, complete for the URL map, true to the server."""

import re

import pytest
from flask_restful import Resource

from resources import openapi
from resources.contract import Reply, UndeclaredOperation, operation
from resources.schemas import PASSWORD_MAX_CHARS, MovieInputSchema, MovieQuerySchema, MovieSchema, signup_schema
from tests.conftest import DEFAULT_PASSWORD

PLACEHOLDER = re.compile(r"\{[^}]+\}")
OPERATION_IDS = {
    "syncChanges",
    "streamEvents",
    "listMovies",
    "createMovie",
    "getMovie",
    "replaceMovie",
    "updateMovie",
    "deleteMovie",
    "signup",
    "login",
    "refreshToken",
    "logout",
    "getMe",
    "changePassword",
    "forgotPassword",
    "resetPassword",
    "listUsers",
    "createUser",
    "getUser",
    "updateUser",
    "deleteUser",
    "getHealth",
    "getReady",
    "getOpenApiDocument",
    "getApiDocs",
    "getApiDocsFile",
    "createBrowserSession",
    "refreshBrowserSession",
    "deleteBrowserSession",
    "updateMe",
    "getMoviePoster",
    "putMoviePoster",
    "deleteMoviePoster",
    "getMyRating",
    "rateMovie",
    "deleteMyRating",
    "listReviews",
    "createReview",
    "getReview",
    "updateReview",
    "deleteReview",
    "listWatchlist",
    "listMyRatings",
    "listMyReviews",
    "listGenres",
    "listDirectors",
    "isOnWatchlist",
    "addToWatchlist",
    "removeFromWatchlist",
    "importLetterboxd",
    "exportLetterboxd",
}
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "TRACE")
# Fields an answer schema may leave out, with the reason they are sometimes absent.
# errors: only on 400 and 409; viewer: only with a token.
OPTIONAL_ANSWER_FIELDS = {"Error": {"errors"}, "Movie": {"viewer"}, "WatchlistMovie": {"viewer"}}


@pytest.fixture
def spec(client):
    """The document as a client downloads it."""
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json


def documented(spec):
    """{(path, method)} for every operation in the document."""
    return {(path, method) for path, item in spec["paths"].items() for method in item if method != "parameters"}


def operations(spec):
    """Every operation object of the document."""
    return [spec["paths"][path][method] for path, method in sorted(documented(spec))]


def component(spec, ref):
    """The schema a $ref names."""
    return spec["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_every_api_route_and_method_is_in_the_spec(app, spec):
    in_url_map = {(openapi.openapi_path(rule), method) for rule, methods in openapi.api_rules(app) for method in methods}
    assert in_url_map and in_url_map == documented(spec)


class Undeclared(Resource):
    """A resource whose method has no @operation."""

    def get(self, thing_id):
        return {}


def test_a_route_without_a_declaration_stops_the_document(app):
    app.add_url_rule("/api/things/<thing_id>", view_func=Undeclared.as_view("undeclared"))
    with pytest.raises(UndeclaredOperation, match="GET of the view 'undeclared'"):
        openapi.build_spec(app)


def test_an_app_with_an_undeclared_route_refuses_to_start(monkeypatch):
    from resources import routes
    from tests.mongomock_app import make_app

    monkeypatch.setattr(routes, "ROUTES", [*routes.ROUTES, (Undeclared, "/api/things/<thing_id>")])
    with pytest.raises(UndeclaredOperation):
        make_app("testing")


def test_a_declaration_is_all_a_method_needs_to_be_documented(app):
    class Thing(Resource):
        @operation("getThing", "Read a thing", tag="Service", responses={200: Reply("The thing.")}, errors=[404], database=False)
        def get(self, thing_id):
            return {}

    app.add_url_rule("/api/things/<thing_id>", view_func=Thing.as_view("thing"))
    document = openapi.build_spec(app)
    get = document["paths"]["/api/things/{thing_id}"]["get"]
    assert (get["operationId"], set(get["responses"])) == ("getThing", {"200", "400", "404", "414", "431", "500"})


def test_operation_ids_are_the_stable_camel_case_names(spec):
    ids = [op["operationId"] for op in operations(spec)]
    assert len(ids) == len(set(ids))
    assert set(ids) == OPERATION_IDS
    assert all(re.fullmatch(r"[a-z][A-Za-z]+", i) for i in ids)


def test_every_operation_has_a_summary_a_description_and_a_declared_tag(spec):
    tags = {tag["name"] for tag in spec["tags"]}
    assert all(tag["description"] for tag in spec["tags"])
    for op in operations(spec):
        assert op["summary"] and op["description"]
        assert len(op["tags"]) == 1 and op["tags"][0] in tags


def test_every_operation_documents_the_500_envelope_with_its_request_id(spec):
    internal = spec["components"]["schemas"]["InternalError"]
    assert set(internal["required"]) == {"code", "message", "status", "request_id"}
    for op in operations(spec):
        answer = op["responses"]["500"]
        assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/InternalError"}
        assert "X-Request-ID" in answer["headers"]


def test_every_operation_documents_the_400_for_an_unknown_query_parameter(spec):
    assert "any other parameter" in spec["info"]["description"]
    for op in operations(spec):
        assert "unknown" in op["responses"]["400"]["description"]


def test_rate_limited_operations_document_429_and_the_rate_limit_headers(spec):
    limited = {op["operationId"] for op in operations(spec) if "429" in op["responses"]}
    assert limited == {
        "signup",
        "login",
        "refreshToken",
        "forgotPassword",
        "changePassword",
        "createBrowserSession",
        "refreshBrowserSession",
        "putMoviePoster",
        "importLetterboxd",
    }
    for op in operations(spec):
        if op["operationId"] in limited:
            assert "Retry-After" in op["responses"]["429"]["headers"]
            for answer in op["responses"].values():
                assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} <= set(answer.get("headers", {}))
    assert spec["components"]["headers"]["X-RateLimit-Remaining"]["required"] is False


def request_and_answer_schemas(spec):
    """(names of the schemas request bodies use, names of those JSON answers use)."""
    requests, answers = set(), set()
    for op in operations(spec):
        body = op.get("requestBody", {}).get("content", {}).get("application/json")
        if body:
            requests.add(body["schema"]["$ref"].rsplit("/", 1)[1])
        for answer in op["responses"].values():
            schema = answer.get("content", {}).get("application/json", {}).get("schema")
            if schema:
                ref = schema.get("$ref") or schema["items"]["$ref"]
                answers.add(ref.rsplit("/", 1)[1])
    return requests, answers


def test_request_and_answer_schemas_are_separate(spec):
    requests, answers = request_and_answer_schemas(spec)
    assert requests and answers and not requests & answers
    assert {"MovieInput", "MoviePatch", "Signup", "UserCreate", "UserPatch"} <= requests
    assert {"Movie", "User", "Token", "AccountCreated", "Error", "InternalError"} <= answers


def test_request_bodies_have_no_read_only_field_and_no_default(spec):
    requests, _ = request_and_answer_schemas(spec)
    for name in requests:
        for prop, definition in spec["components"]["schemas"][name]["properties"].items():
            assert not definition.get("readOnly"), (name, prop)
            assert "default" not in definition, (name, prop)


def test_answers_require_every_field_the_server_always_sends(spec):
    _, answers = request_and_answer_schemas(spec)
    for name in answers - {"OpenApiDocument"}:
        schema = spec["components"]["schemas"][name]
        expected = set(schema["properties"]) - OPTIONAL_ANSWER_FIELDS.get(name, set())
        assert set(schema.get("required", ())) == expected, name
        assert not any(p.get("writeOnly") for p in schema["properties"].values()), name


def test_the_document_itself_may_carry_more_than_it_lists(spec):
    assert spec["components"]["schemas"]["OpenApiDocument"]["additionalProperties"] is True
    assert {"servers", "components"} <= set(spec)


def test_document_is_openapi_3_1_with_bearer_scheme_and_this_server(app, spec):
    assert spec["openapi"] == "3.1.0"
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert spec["servers"] == [{"url": app.config["PUBLIC_URL"], "description": "This server"}]
    assert spec["info"]["contact"]["name"]


def test_document_is_built_once_per_app(client, app):
    first = client.get("/api/openapi.json").json
    assert app.extensions["openapi_spec"] is not None
    assert client.get("/api/openapi.json").json == first


def fill(path, ids):
    """A concrete URL for a documented path."""
    return PLACEHOLDER.sub(lambda match: ids[match.group(0)], path)


@pytest.fixture
def ids(make_user, make_movie):
    """Real values for every path parameter: an admin, a movie and a documentation file."""
    from database.reviews import Review

    admin = make_user(is_admin=True)
    movie = make_movie(added_by=admin)
    review = Review.create(movie.id, admin.id, "A review.")
    return {
        "{user_id}": str(admin.id),
        "{movie_id}": str(movie.id),
        "{review_id}": str(review["_id"]),
        "{filename}": "swagger-ui.css",
        "admin": admin,
    }


def test_exactly_the_operations_that_answer_401_without_a_token_declare_bearer(client, spec, ids):
    for path, method in sorted(documented(spec)):
        operation_object = spec["paths"][path][method]
        response = client.open(fill(path, ids), method=method.upper())
        needs_token = response.status_code == 401
        security = operation_object.get("security", [])
        # An optional token (the caller's viewer state) is declared with the empty alternative beside it.
        assert bool(security) == (needs_token or {} in security), (method, path, response.status_code)
        if security:
            assert "401" in operation_object["responses"]
        response.close()


def test_every_operation_refuses_an_unknown_query_parameter(client, spec, ids, login):
    tokens = login(ids["admin"])
    client.post("/api/auth/session", json={"email": ids["admin"].email, "password": DEFAULT_PASSWORD})
    csrf = client.get_cookie("movie_bag_csrf").value
    for path, method in sorted(documented(spec)):
        token = tokens["refresh_token" if path == "/api/auth/refresh" else "access_token"]
        headers = {"Authorization": f"Bearer {token}", "X-CSRF-Token": csrf}
        response = client.open(fill(path, ids) + "?per_pag=5", method=method.upper(), headers=headers)
        assert response.status_code == 400, (method, path)
        assert response.json["errors"] == {"per_pag": ["Unknown field."]}, (method, path)


def test_every_method_a_documented_path_lacks_is_405_with_allow(client, spec, ids):
    for path, item in spec["paths"].items():
        methods = {m.upper() for m in item if m != "parameters"}
        allowed = methods | {"OPTIONS"} | ({"HEAD"} if "GET" in methods else set())
        for method in set(HTTP_METHODS) - methods:
            response = client.open(fill(path, ids), method=method)
            assert response.status_code == 405, (method, path)
            assert set(response.headers["Allow"].split(", ")) == allowed, (method, path)
            assert response.json["status"] == 405


def test_movie_components_are_the_marshmallow_schemas(spec):
    movie, movie_input = spec["components"]["schemas"]["Movie"], spec["components"]["schemas"]["MovieInput"]
    assert set(movie["properties"]) == set(MovieSchema().fields)
    assert set(movie_input["properties"]) == set(MovieInputSchema().fields)
    assert set(movie_input["required"]) == {"name", "casts", "genres"}
    assert movie_input["properties"]["name"]["maxLength"] == MovieInputSchema().fields["name"].validators[0].max
    assert movie_input["additionalProperties"] is False
    assert movie["additionalProperties"] is False


def test_patch_body_is_the_partial_schema_with_nothing_required(spec):
    patch = spec["paths"]["/api/movies/{movie_id}"]["patch"]
    assert patch["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/MoviePatch"}
    assert "required" not in spec["components"]["schemas"]["MoviePatch"]


def test_put_body_is_the_input_schema_and_answers_the_movie(spec):
    put = spec["paths"]["/api/movies/{movie_id}"]["put"]
    assert put["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/MovieInput"}
    assert put["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Movie"}


def test_movie_list_query_parameters_come_from_the_query_schema(spec):
    parameters = spec["paths"]["/api/movies"]["get"]["parameters"]
    assert {p["name"] for p in parameters if p["in"] == "query"} == {f.data_key or name for name, f in MovieQuerySchema().fields.items()}
    sort = next(p for p in parameters if p["name"] == "sort")
    assert sort["schema"]["enum"] == ["name", "-name", "created_at", "-created_at", "year", "-year", "rating", "-rating"]
    added_by = next(p for p in parameters if p["name"] == "added_by")
    assert added_by["schema"]["pattern"] == "^[0-9a-fA-F]{24}$"


def test_password_rules_are_in_the_document_in_characters(spec):
    signup = spec["components"]["schemas"]["Signup"]
    password = signup["properties"]["password"]
    assert (password["minLength"], password["maxLength"]) == (8, PASSWORD_MAX_CHARS)
    assert password["writeOnly"] is True
    assert set(signup["properties"]) == set(signup_schema.fields)
    login = spec["components"]["schemas"]["Login"]["properties"]["password"]
    assert (login["minLength"], login["maxLength"]) == (1, PASSWORD_MAX_CHARS)


def test_signup_answers_only_the_new_account_id(spec):
    created = spec["paths"]["/api/auth/signup"]["post"]["responses"]["201"]
    assert created["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/AccountCreated"}
    assert spec["components"]["schemas"]["AccountCreated"]["properties"] == {"id": {"type": "string"}}
    assert created["headers"]["Location"] == {"$ref": "#/components/headers/Location"}


def test_errors_reference_the_error_envelope(spec):
    put = spec["paths"]["/api/movies/{movie_id}"]["put"]["responses"]
    assert set(put) == {"200", "400", "401", "403", "404", "409", "412", "413", "414", "415", "431", "500", "503"}
    assert set(spec["paths"]["/api/movies/{movie_id}"]["get"]["responses"]) >= {"200", "304", "404"}
    assert put["409"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert spec["components"]["schemas"]["Error"]["required"] == ["code", "message", "status"]


def test_movie_answers_declare_their_headers(spec):
    assert set(spec["paths"]["/api/movies"]["get"]["responses"]["200"]["headers"]) == {
        "X-Request-ID",
        "Cache-Control",
        "ETag",
        "X-Total-Count",
        "X-Total-Count-Exceeds",
        "Link",
    }
    assert set(spec["paths"]["/api/movies"]["post"]["responses"]["201"]["headers"]) == {"X-Request-ID", "Cache-Control", "ETag", "Location"}
    assert "If-Match" in {p["name"] for p in spec["paths"]["/api/movies/{movie_id}"]["delete"]["parameters"]}


def test_path_parameters_are_declared_once_per_path(spec):
    assert spec["paths"]["/api/movies/{movie_id}"]["parameters"] == [
        {"in": "path", "name": "movie_id", "required": True, "description": "The movie id.", "schema": {"type": "string"}}
    ]


def test_swagger_ui_page_loads_its_files_from_this_server_with_no_inline_script(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'src="/api/docs/swagger-ui-bundle.js"' in page
    assert '"url": "/api/openapi.json"' in page
    assert '"persistAuthorization": true' in page
    assert '"validatorUrl": null' in page
    assert not re.search(r"""(src|href)=["']https?://""", page)
    assert not re.search(r"<script>|<script [^>]*>[^<]|<style| on\w+=", page)


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("swagger-ui-bundle.js", "text/javascript"),
        ("swagger-initializer.js", "text/javascript"),
        ("swagger-ui.css", "text/css"),
        ("favicon-32x32.png", "image/png"),
    ],
)
def test_swagger_ui_files_are_bundled(client, name, content_type):
    with client.get(f"/api/docs/{name}") as response:
        assert response.status_code == 200
        assert response.mimetype == content_type
        assert len(response.data) > 300


def test_a_swagger_ui_file_not_changed_since_is_304(client):
    etag = client.get("/api/docs/swagger-ui.css").headers["ETag"]
    with client.get("/api/docs/swagger-ui.css", headers={"If-None-Match": etag}) as response:
        assert (response.status_code, response.data) == (304, b"")


def test_unknown_swagger_ui_file_is_a_json_404(client):
    response = client.get("/api/docs/nothing.js")
    assert response.status_code == 404
    assert response.json["status"] == 404


def test_every_operation_declares_414_and_431_in_the_envelope(spec):
    for op in operations(spec):
        for status in ("414", "431"):
            assert op["responses"][status]["content"] == {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


# --- every rule the server enforces on a request is stated ----------------------------------------------


def parameter(spec, path, method, name):
    """A documented query parameter's schema."""
    return next(p for p in spec["paths"][path][method]["parameters"] if p["name"] == name)["schema"]


def test_a_posters_version_documents_that_it_takes_no_nul(spec, client, make_movie):
    pattern = re.compile(parameter(spec, "/api/movies/{movie_id}/poster", "get", "v")["pattern"])
    assert pattern.search("0123abcd") and not pattern.search("0123\x00abcd")
    movie = make_movie()
    refused = client.get(f"/api/movies/{movie.id}/poster", query_string={"v": "0123\x00abcd"})
    assert (refused.status_code, refused.json["code"]) == (400, "validation_failed")


@pytest.mark.parametrize(("path", "name"), [("/api/movies", "q"), ("/api/movies", "cursor"), ("/api/users", "q")])
def test_every_text_query_parameter_documents_that_it_takes_no_nul(spec, path, name):
    assert not re.search(parameter(spec, path, "get", name)["pattern"], "a\x00b")


def test_a_required_name_documents_that_it_is_not_blank_nor_nul(spec):
    pattern = re.compile(spec["components"]["schemas"]["MovieInput"]["properties"]["name"]["pattern"])
    assert pattern.search(" The Godfather ")
    assert not pattern.search("   ") and not pattern.search("The\x00Godfather")


def test_the_inverted_year_range_is_documented_as_a_400(spec):
    listing = spec["paths"]["/api/movies"]["get"]
    assert "`year_to` must not come before `year_from`" in listing["description"]
    assert "year_to comes before year_from" in listing["responses"]["400"]["description"]
    year_to = next(p for p in listing["parameters"] if p["name"] == "year_to")
    assert "not before year_from" in year_to["description"]


def test_every_json_read_documents_its_etag_and_a_304(spec):
    reads = [
        op
        for item in spec["paths"].values()
        for method, op in item.items()
        if method == "get" and "application/json" in op["responses"].get("200", {}).get("content", {})
    ]
    assert len(reads) > 10
    for op in reads:
        assert "ETag" in op["responses"]["200"]["headers"], op["operationId"]
        assert "content" not in op["responses"]["304"] and "ETag" in op["responses"]["304"]["headers"], op["operationId"]


def test_every_answer_documents_its_cache_control(spec):
    for op in operations(spec):
        assert all("Cache-Control" in answer["headers"] for answer in op["responses"].values()), op["operationId"]


# --- `fields=`: a narrowed answer has a media type and a schema of its own ------------------------------

FIELDS_JSON = "application/vnd.movie-bag.fields+json"
# The reads that take `fields`, with the schema of their whole movie.
SELECTING = [("/api/movies/{movie_id}", "Movie"), ("/api/movies", "Movie"), ("/api/me/watchlist", "WatchlistMovie")]


def media_schema(content, media):
    """The component name a media type's schema names (itself, or its array's items)."""
    schema = content[media]["schema"]
    return (schema.get("$ref") or schema["items"]["$ref"]).rsplit("/", 1)[1]


@pytest.mark.parametrize(("path", "whole"), SELECTING)
def test_a_read_that_takes_fields_answers_json_or_the_fields_media_type(spec, path, whole):
    content = spec["paths"][path]["get"]["responses"]["200"]["content"]
    # JSON first: a generator that reads one media type per answer (openapi-python-client) types the whole one.
    assert list(content) == ["application/json", FIELDS_JSON]
    assert (media_schema(content, "application/json"), media_schema(content, FIELDS_JSON)) == (whole, whole + "Fields")


@pytest.mark.parametrize("whole", ["Movie", "WatchlistMovie"])
def test_a_narrowed_movie_has_every_field_of_the_whole_one_and_requires_only_its_id(spec, whole):
    schemas = spec["components"]["schemas"]
    narrowed = schemas[whole + "Fields"]
    assert narrowed["properties"] == schemas[whole]["properties"]
    assert narrowed["required"] == ["id"] and narrowed["additionalProperties"] is False
    assert "name" in schemas[whole]["required"]  # the whole movie keeps its contract


@pytest.mark.parametrize(("path", "whole"), SELECTING)
def test_the_fields_pattern_takes_exactly_the_answers_field_names(spec, path, whole):
    pattern = re.compile(parameter(spec, path, "get", "fields")["pattern"])
    names = list(spec["components"]["schemas"][whole]["properties"])
    assert pattern.search(",".join(names)) and pattern.search(" name , year ") and pattern.search("name,name")
    assert not any(pattern.search(bad) for bad in ("", ",", "name,", "budget", "name,budget", "name\x00", "name;year"))
    assert ("added_at" in names) == (whole == "WatchlistMovie")


def test_the_fields_media_type_is_compressed_like_json(app):
    assert FIELDS_JSON in app.config["COMPRESS_MIMETYPES"]
