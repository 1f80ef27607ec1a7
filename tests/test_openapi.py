"""The OpenAPI document: complete for the URL map, built from the live schemas, served with Swagger UI."""

import re

import pytest

from resources import openapi
from resources.schemas import MovieQuerySchema, MovieSchema, credentials_schema

PLACEHOLDER = re.compile(r"\{[^}]+\}")


@pytest.fixture
def spec(client):
    """The document as a client downloads it."""
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json


def documented(spec):
    """{(path, method)} for every operation in the document."""
    return {(path, method) for path, item in spec["paths"].items() for method in item if method != "parameters"}


def missing_from(app, spec):
    """The (path, method) pairs of the URL map under /api that the document leaves out."""
    in_url_map = {
        (openapi.openapi_path(rule), method)
        for rule, methods in openapi.api_rules(app)
        for method in methods
    }
    assert in_url_map, "the URL map walk found no /api routes"
    return in_url_map - documented(spec)


def test_every_api_route_and_method_is_in_the_spec(app, spec):
    assert missing_from(app, spec) == set(), "add these to OPERATIONS in resources/openapi.py"


def test_a_route_missing_from_the_table_is_caught(app):
    app.add_url_rule("/api/_undocumented/<thing_id>", "undocumented", lambda thing_id: "", methods=["GET", "POST"])
    spec = openapi.build_spec(app)
    assert missing_from(app, spec) == {("/api/_undocumented/{thing_id}", "get"), ("/api/_undocumented/{thing_id}", "post")}


def test_no_operation_in_the_table_is_left_without_a_route(app):
    routed = {(openapi.view_of(app, rule), method) for rule, methods in openapi.api_rules(app) for method in methods}
    assert set(openapi.OPERATIONS) - routed == set()


def test_document_is_openapi_3_1_with_bearer_scheme(spec):
    assert spec["openapi"] == "3.1.0"
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }


def test_document_is_built_once_per_app(client, app):
    first = client.get("/api/openapi.json").json
    assert app.extensions["openapi_spec"] is not None
    assert client.get("/api/openapi.json").json == first


def fill(path):
    """A concrete URL for a documented path: any value will do for ids (they answer 401 or 404)."""
    return PLACEHOLDER.sub("000000000000000000000000", path)


def test_exactly_the_operations_that_answer_401_without_a_token_declare_bearer(client, spec):
    for path, method in sorted(documented(spec)):
        operation = spec["paths"][path][method]
        response = client.open(fill(path), method=method.upper())
        needs_token = response.status_code == 401
        assert ("security" in operation) == needs_token, (method, path, response.status_code)
        if needs_token:
            assert "401" in operation["responses"]
        response.close()


def test_movie_component_is_the_marshmallow_schema(spec):
    movie = spec["components"]["schemas"]["Movie"]
    schema = MovieSchema()
    assert set(movie["properties"]) == set(schema.fields)
    assert set(movie["required"]) == {name for name, field in schema.fields.items() if field.required}
    assert {name for name, prop in movie["properties"].items() if prop.get("readOnly")} == {
        name for name, field in schema.fields.items() if field.dump_only
    }
    assert movie["properties"]["name"]["maxLength"] == schema.fields["name"].validators[0].max
    assert movie["additionalProperties"] is False


def test_patch_body_is_the_partial_schema_with_nothing_required(spec):
    patch = spec["paths"]["/api/movies/{movie_id}"]["patch"]
    assert patch["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/MoviePatch"}
    assert "required" not in spec["components"]["schemas"]["MoviePatch"]


def test_movie_list_query_parameters_come_from_the_query_schema(spec):
    parameters = spec["paths"]["/api/movies"]["get"]["parameters"]
    assert {p["name"] for p in parameters if p["in"] == "query"} == set(MovieQuerySchema().fields)
    sort = next(p for p in parameters if p["name"] == "sort")
    assert sort["schema"]["enum"] == ["name", "-name", "created_at", "-created_at"]
    added_by = next(p for p in parameters if p["name"] == "added_by")
    assert added_by["schema"]["pattern"] == "^[0-9a-fA-F]{24}$"


def test_password_rules_of_custom_validators_are_in_the_document(spec):
    signup = spec["paths"]["/api/auth/signup"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    password = signup["properties"]["password"]
    assert password["minLength"] == 8
    assert password["writeOnly"] is True
    assert "72 bytes" in password["description"]
    assert set(signup["properties"]) == set(credentials_schema.fields)


def test_signup_answers_only_the_id_field_of_the_user_schema(spec):
    created = spec["paths"]["/api/auth/signup"]["post"]["responses"]["201"]
    assert created["content"]["application/json"]["schema"]["properties"] == {"id": {"type": "string", "readOnly": True}}
    assert created["headers"]["Location"] == {"$ref": "#/components/headers/Location"}


def test_errors_reference_the_error_envelope(spec):
    put = spec["paths"]["/api/movies/{movie_id}"]["put"]["responses"]
    assert set(put) == {"200", "400", "401", "403", "404", "409", "412", "413", "414", "415", "503"}
    conflict = spec["components"]["responses"]["Conflict"]
    assert conflict["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert spec["components"]["schemas"]["Error"]["required"] == ["message", "status"]


def test_movie_answers_declare_their_headers(spec):
    assert set(spec["paths"]["/api/movies"]["get"]["responses"]["200"]["headers"]) == {"X-Request-ID", "X-Total-Count", "Link"}
    assert set(spec["paths"]["/api/movies"]["post"]["responses"]["201"]["headers"]) == {"X-Request-ID", "ETag", "Location"}
    assert "If-Match" in {p["name"] for p in spec["paths"]["/api/movies/{movie_id}"]["delete"]["parameters"]}


def test_path_parameters_are_declared_once_per_path(spec):
    assert spec["paths"]["/api/movies/{movie_id}"]["parameters"] == [
        {"in": "path", "name": "movie_id", "required": True, "description": "The movie id.", "schema": {"type": "string"}}
    ]


def test_swagger_ui_page_loads_its_files_from_this_server(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'src="/api/docs/swagger-ui-bundle.js"' in page
    assert '"url": "/api/openapi.json"' in page
    assert '"persistAuthorization": true' in page
    assert '"validatorUrl": null' in page
    assert not re.search(r"""(src|href)=["']https?://""", page)


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("swagger-ui-bundle.js", "text/javascript"), ("swagger-ui.css", "text/css"), ("favicon-32x32.png", "image/png")],
)
def test_swagger_ui_files_are_bundled(client, name, content_type):
    with client.get(f"/api/docs/{name}") as response:
        assert response.status_code == 200
        assert response.mimetype == content_type
        assert len(response.data) > 500


def test_unknown_swagger_ui_file_is_a_json_404(client):
    response = client.get("/api/docs/nothing.js")
    assert response.status_code == 404
    assert response.json["status"] == 404


def test_only_operations_with_path_or_query_parameters_declare_the_servers_414(spec):
    answers_414 = {(path, method) for path, method in documented(spec) if "414" in spec["paths"][path][method]["responses"]}
    assert ("/api/movies", "get") in answers_414
    assert ("/api/movies/{movie_id}", "delete") in answers_414
    assert ("/api/movies", "post") not in answers_414
    assert ("/api/auth/me", "get") not in answers_414
    assert spec["components"]["responses"]["UriTooLong"]["content"] == {"text/html": {"schema": {"type": "string"}}}
