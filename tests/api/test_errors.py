"""Every error has the shape {"error", "detail", "fields"?}, whatever raised it."""

from __future__ import annotations

import pytest

from tests.api.conftest import as_user, error_of

JSON_ERROR = {"error": "invalid", "detail": "The request body is not valid JSON.",
              "fields": {"non_field_errors": ["The request body is not valid JSON."]}}


@pytest.mark.parametrize("raw", ['{"email": ', "{'single': 'quotes'}", "\xff\xfe", "nul\x00"])
def test_malformed_json_is_400_with_fields(anon, city, raw):
    response = anon.post("/residents", raw=raw.encode("latin-1"))

    assert response.status_code == 400
    assert error_of(response) == JSON_ERROR


@pytest.mark.parametrize(("path", "method"), [("/posts", "POST"), ("/posts/1", "PATCH"),
                                              ("/invitations", "POST"),
                                              ("/verification/code", "POST")])
def test_malformed_json_is_400_for_signed_in_callers_too(roles, path, method):
    response = as_user(roles["neighbor"]).call(method, path, raw=b"{nope")

    assert response.status_code == 400
    assert error_of(response) == JSON_ERROR


@pytest.mark.parametrize("raw", [b"[]", b"null", b'"text"', b"42"])
def test_a_body_that_is_not_an_object_is_400(roles, raw):
    response = as_user(roles["neighbor"]).post("/posts", raw=raw)

    assert response.status_code == 400
    assert error_of(response)["error"] == "invalid"
    assert len(error_of(response)["fields"]) >= 1


def test_empty_body_is_400(roles):
    response = as_user(roles["neighbor"]).post("/posts")

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"non_field_errors": ["A JSON object is required."]}


def test_nested_field_errors_are_dotted(roles):
    response = as_user(roles["neighbor"]).post(
        "/posts", {"body": "x", "category": "crime_safety", "person": {"top": 5}})

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["person.top"]


def test_too_large_body_is_413(anon, db, settings):
    response = anon.post("/residents", raw=b'{"email": "' + b"x" * (2 * 1024 * 1024) + b'"}')

    assert response.status_code == 413
    assert error_of(response) == {"error": "too_large", "detail": "The request body is too large."}


@pytest.mark.parametrize(
    "path", ["/nope", "/", "/posts/1/nope", "/feed/", "/cities/a b/neighborhoods"])
def test_unknown_path_is_json_404(anon, path):
    response = anon.get(path)

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert error_of(response) == {"error": "not_found", "detail": "No such endpoint."}


def test_wrong_method_is_json_405(anon):
    response = anon.call("PUT", "/feed")

    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert error_of(response)["error"] == "method_not_allowed"


def test_unverified_resident_cannot_post_403(roles):
    response = as_user(roles["unverified"]).post("/posts", {"body": "hi"})

    assert response.status_code == 403
    assert error_of(response) == {
        "error": "forbidden",
        "detail": "Only verified residents can post. Verify your address first."}
