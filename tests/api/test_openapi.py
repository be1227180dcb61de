"""The OpenAPI document: served at /api/v1/openapi.json, and complete."""

from __future__ import annotations

import pytest

EXPECTED = {
    "/api/v1/auth/token": {"post"},
    "/api/v1/auth/password-reset": {"post"},
    "/api/v1/auth/password-reset/confirm": {"post"},
    "/api/v1/cities/{city}/neighborhoods": {"get"},
    "/api/v1/feed": {"get"},
    "/api/v1/invitations": {"post"},
    "/api/v1/invitations/accept": {"post"},
    "/api/v1/locate": {"get"},
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
    "/api/v1/agency-posts/{id}/images/{image_id}": {"get"},
    "/api/v1/agency-posts/{id}/replies": {"get", "post"},
    "/api/v1/agency-posts/{id}/replies/{reply_id}": {"delete"},
    "/api/v1/agency-posts/{id}/replies/{reply_id}/hide": {"post"},
    "/api/v1/agency-posts/{id}/thanks": {"post", "delete"},
    "/api/v1/inbox": {"get"},
    "/api/v1/inbox/{id}/read": {"post"},
    "/api/v1/me/notifications": {"get", "put"},
    "/api/v1/push/subscriptions": {"post", "delete"},
}
PUBLIC = {"/api/v1/cities/{city}/neighborhoods", "/api/v1/locate", "/api/v1/residents",
          "/api/v1/auth/token", "/api/v1/neighborhoods/{city}/{slug}",
          "/api/v1/auth/password-reset", "/api/v1/auth/password-reset/confirm",
          "/api/v1/agencies/applications", "/api/v1/agencies/{agency}"}
ERROR_REF = "#/components/schemas/ErrorOut"


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
                ("/api/v1/inbox/{id}/read", "post")}
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
