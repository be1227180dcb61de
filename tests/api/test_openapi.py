"""The OpenAPI document: served at /api/v1/openapi.json, and complete."""

from __future__ import annotations

import pytest

EXPECTED = {
    "/api/v1/auth/token": {"post"},
    "/api/v1/auth/password-reset": {"post"},
    "/api/v1/auth/password-reset/confirm": {"post"},
    "/api/v1/cities/{city}/neighborhoods": {"get"},
    "/api/v1/cities/{city}/coverage": {"get"},  # tests/coverage
    "/api/v1/cities/{city}/adoption": {"get"},  # tests/coverage
    "/api/v1/feed": {"get"},
    "/api/v1/invitations": {"post"},
    "/api/v1/invitations/accept": {"post"},
    "/api/v1/locate": {"get"},
    "/api/v1/cities/{city}/incidents/summary": {"get"},  # tests/incidents
    "/api/v1/me": {"get"},
    "/api/v1/moderation/reports": {"get"},
    "/api/v1/neighborhoods/{city}/{slug}": {"get"},
    "/api/v1/posts": {"post"},
    "/api/v1/posts/{id}": {"get", "patch", "delete"},
    "/api/v1/posts/{id}/hide": {"post"},
    "/api/v1/posts/{id}/replies": {"get", "post"},
    "/api/v1/posts/{id}/reports": {"post"},
    "/api/v1/posts/{id}/thanks": {"post", "delete"},
    "/api/v1/posts/{id}/unhide": {"post"},
    "/api/v1/reports/{id}/dismiss": {"post"},
    "/api/v1/residents": {"post"},
    "/api/v1/search": {"get"},
    "/api/v1/verification/code": {"post"},
    # Agencies (tests/agencies/).
    "/api/v1/agencies/applications": {"post"},
    "/api/v1/agencies/applications/pending": {"get"},
    "/api/v1/agencies/applications/{id}/approve": {"post"},
    "/api/v1/agencies/applications/{id}/reject": {"post"},
    "/api/v1/agencies/{agency}": {"get"},
    "/api/v1/agencies/{agency}/audience": {"post"},
    "/api/v1/agencies/{agency}/audit": {"get"},
    "/api/v1/agencies/{agency}/audit.csv": {"get"},
    "/api/v1/agencies/{agency}/export.csv": {"get"},
    "/api/v1/agencies/{agency}/export.json": {"get"},
    "/api/v1/agencies/{agency}/posts": {"get", "post"},
    "/api/v1/agencies/{agency}/posts/{id}": {"get", "patch"},
    "/api/v1/agencies/{agency}/posts/{id}/images": {"post"},
    "/api/v1/agencies/{agency}/posts/{id}/reach": {"get"},
    "/api/v1/agencies/{agency}/posts/{id}/delivery": {"get"},
    "/api/v1/agencies/{agency}/posts/{id}/withdraw": {"post"},
    "/api/v1/agencies/{agency}/staff": {"get", "post"},
    "/api/v1/agencies/{agency}/staff/{id}": {"patch", "delete"},
    "/api/v1/agency-posts/{id}": {"get"},
    # Questions (tests/questions/).
    "/api/v1/agencies/{agency}/questions": {"get", "post"},
    "/api/v1/agencies/{agency}/questions/{id}": {"get"},
    "/api/v1/agencies/{agency}/questions/{id}/answer": {"post"},
    "/api/v1/agencies/{agency}/questions/{id}/vote": {"post", "delete"},
    "/api/v1/agencies/{agency}/questions/{id}/pin": {"post", "delete"},
    "/api/v1/agencies/{agency}/questions/{id}/hide": {"post"},
    "/api/v1/agency-posts/{id}/images/{image_id}": {"get"},
    "/api/v1/agency-posts/{id}/replies": {"get", "post"},
    "/api/v1/agency-posts/{id}/replies/{reply_id}": {"delete"},
    "/api/v1/agency-posts/{id}/replies/{reply_id}/hide": {"post"},
    "/api/v1/agency-posts/{id}/thanks": {"post", "delete"},
    "/api/v1/agency-posts/{id}/updates": {"post"},
    "/api/v1/inbox": {"get"},
    "/api/v1/inbox/{id}/read": {"post"},
    "/api/v1/inbox/read-all": {"post"},
    "/api/v1/me/notifications": {"get", "put"},
    "/api/v1/push/subscriptions": {"post", "delete"},
    # Tips (tests/tips).
    "/api/v1/agencies/{agency}/tips": {"get", "post"},
    "/api/v1/agencies/{agency}/tips/{id}": {"patch"},
    "/api/v1/agencies/{agency}/tips/{id}/messages": {"post"},
    "/api/v1/tips/{code}": {"get"},
    "/api/v1/tips/{code}/messages": {"post"},
}
PUBLIC = {"/api/v1/cities/{city}/neighborhoods", "/api/v1/locate", "/api/v1/residents",
          "/api/v1/auth/token", "/api/v1/neighborhoods/{city}/{slug}",
          "/api/v1/auth/password-reset", "/api/v1/auth/password-reset/confirm",
          "/api/v1/agencies/applications", "/api/v1/agencies/{agency}"}
# The coverage numbers are public (tests/coverage).
PUBLIC |= {"/api/v1/cities/{city}/coverage", "/api/v1/cities/{city}/adoption"}
# A tip's thread: the follow-up code is its only credential (tests/tips).
PUBLIC |= {"/api/v1/tips/{code}", "/api/v1/tips/{code}/messages"}
ERROR_REF = "#/components/schemas/ErrorOut"


# The crime numbers are public (tests/incidents).
PUBLIC |= {"/api/v1/cities/{city}/incidents/summary"}


@pytest.fixture
def document(anon, db):
    response = anon.get("/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_document_lists_every_endpoint(document):
    assert document["openapi"].startswith("3.")
    assert {path: set(item) for path, item in document["paths"].items()} == EXPECTED


def test_every_operation_documents_its_errors(document):
    for path, method, operation in operations(document):
        responses = operation["responses"]
        errors = {code for code in responses if code.startswith(("4", "5"))}
        assert errors, (path, method)
        for code in errors:
            schema = responses[code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": ERROR_REF}, (path, method, code)
        if path not in PUBLIC:
            assert "401" in responses, (path, method)


def test_every_success_has_a_schema(document):
    for path, method, operation in operations(document):
        successes = {c: r for c, r in operation["responses"].items() if c.startswith("2")}
        assert len(successes) == 1, (path, method)
        ((code, response),) = successes.items()
        if code == "204":
            assert "content" not in response, (path, method)
        else:
            # JSON, or a file's own type for downloads (CSV, images).
            assert all(m["schema"] for m in response["content"].values()), (path, method)


def test_every_write_documents_its_request_body(document):
    bodiless = {("/api/v1/posts/{id}/thanks", "post"), ("/api/v1/posts/{id}/thanks", "delete"),
                ("/api/v1/posts/{id}", "delete"), ("/api/v1/agency-posts/{id}/thanks", "post"),
                ("/api/v1/inbox/{id}/read", "post"), ("/api/v1/inbox/read-all", "post"),
                ("/api/v1/agencies/{agency}/questions/{id}/vote", "post"),
                ("/api/v1/agencies/{agency}/questions/{id}/pin", "post")}
    for path, method, operation in operations(document):
        if method in {"post", "patch"} and (path, method) not in bodiless:
            # JSON, or multipart/form-data for uploads.
            content = operation["requestBody"]["content"]
            assert all(m["schema"] for m in content.values()), (path, method)


def test_authenticated_operations_declare_bearer_and_session(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["BearerToken"] == {"type": "http", "scheme": "bearer"}
    assert schemes["BrowserSession"]["in"] == "cookie"
    for path, method, operation in operations(document):
        expected = None if path in PUBLIC else [{"BearerToken": []}, {"BrowserSession": []}]
        assert operation.get("security") == expected, (path, method)


def test_error_schema(document):
    schema = document["components"]["schemas"]["ErrorOut"]
    assert set(schema["properties"]) == {"error", "detail", "fields"}
    assert set(schema["required"]) == {"error", "detail"}


def test_every_operation_has_a_summary_and_an_id(document):
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids))
    for path, method, operation in operations(document):
        assert operation.get("summary"), (path, method)


# --- the document and the behaviour agree --------------------------------------------------

@pytest.fixture
def walker(document, roles, agency_roles, police):
    from tests.api.openapi_walk import Walker, make_world

    world = make_world(roles, agency_roles, police)
    return Walker(document, world["path_values"]), world["callers"]


def test_every_operation_declares_bad_input(document):
    """The request guards answer 400 to any operation (NUL in the query string, too many
    parameters) and 413 to any body that is too large."""
    for path, method, operation in operations(document):
        assert "400" in operation["responses"], (path, method)
        if "requestBody" in operation:
            assert "413" in operation["responses"], (path, method)


def _bad_inputs(walker, method, template, operation):
    """Requests with one bad input each: id 0, a bad cursor, limit 0, a body that is not
    an object, a body with every field of the wrong type."""
    from tests.api.openapi_walk import Call

    for param in operation.get("parameters", []):
        name, where = param["name"], param["in"]
        schema = walker.resolve(param["schema"])
        if where == "path" and schema.get("type") == "integer":
            yield walker.base(method, template, operation, path_override=(name, "0"))
        if where == "query":
            for bad in ({"cursor": "!!", "limit": "0"}.get(name, "") or "\x01", "x" * 300):
                call = walker.base(method, template, operation)
                call.query[name] = bad
                yield call
    base = walker.base(method, template, operation)
    if base.has_body:
        for body in ([], {key: [[]] for key in base.body or {}}):
            call: Call = walker.base(method, template, operation)
            call.body = body
            yield call


def test_every_status_that_bad_input_gets_is_declared(walker):
    from tests.api.openapi_walk import send

    walk, callers = walker
    undeclared = set()
    for method, template, operation in walk.operations():
        declared = set(operation["responses"])
        for call in _bad_inputs(walk, method, template, operation):
            for caller in callers.values():
                status = str(send(caller, call).status_code)
                assert not status.startswith("5"), (method, call.url(), status)
                if status not in declared:
                    undeclared.add((method, template, status))
    assert sorted(undeclared) == [], "\n".join(map(str, sorted(undeclared)))


def test_strings_that_refuse_the_empty_string_declare_a_minimum_length(walker):
    """A text field whose "" gets a 400 naming it says `minLength: 1` in the document."""
    from tests.api.openapi_walk import send, set_at

    walk, callers = walker
    undeclared = set()
    for method, template, operation in walk.operations():
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            continue
        for where, name, json_path in walk.string_slots(operation):
            if where != "body":
                continue
            call = walk.base(method, template, operation)
            set_at(call.body, json_path, "")
            refused = any(
                response.status_code == 400 and name in response.json().get("fields", {})
                for response in (send(caller, call) for caller in callers.values()))
            field = _field(walk, content["application/json"]["schema"], json_path)
            if refused and _plain_text(field) and _min_length(walk, field) < 1:
                undeclared.add((method, template, name))
    assert sorted(undeclared) == [], "\n".join(map(str, sorted(undeclared)))


def _field(walk, schema, json_path):
    for key in json_path:
        schema = walk.resolve(schema)
        schema = schema["items"] if isinstance(key, int) else schema["properties"][key]
    return schema


def _options(field):
    return [s for s in field.get("anyOf", [field]) if s.get("type") != "null"]


def _plain_text(field) -> bool:
    """Free text: an enum, a format (a time) or a pattern says what "" is on its own."""
    return all(s.get("type") == "string" and not {"enum", "format", "pattern"} & set(s)
               for s in _options(field))


def _min_length(walk, field) -> int:
    # On an optional field the schema's own keywords sit beside its anyOf.
    return field.get("minLength") or min(
        walk.resolve(s).get("minLength", 0) for s in _options(field))
