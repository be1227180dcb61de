"""Hostile input gets a clear 400 or 413, or is stored cleaned; never a 500.

The fuzz test walks every operation of the OpenAPI document and puts NUL and a lone
surrogate into each string it takes (path, query, header, JSON body), as every kind of
caller; run it on PostgreSQL too, which refuses both characters.
"""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests import factories
from tests.agencies.factories import publish
from tests.api.conftest import API, as_user, error_of
from tests.api.openapi_walk import SURROGATE, Walker, make_world, send
from townsquare.core.models import AuditLog
from townsquare.posts import actions as posts
from townsquare.posts.models import Post


@pytest.fixture
def world(roles, agency_roles, police) -> dict[str, Any]:
    return make_world(roles, agency_roles, police)


@pytest.fixture
def walker(anon, world) -> Walker:
    document = anon.get("/openapi.json").json()
    return Walker(document, world["path_values"])


@pytest.mark.parametrize("bad", ["poc\x00ket", "poc\ud800ket"], ids=["nul", "surrogate"])
def test_fuzz_every_operation_with_nul_and_lone_surrogates(walker, world, bad):
    failures, sent = [], 0
    for method, template, operation in walker.operations():
        for where, name, json_path in walker.string_slots(operation):
            if where == "header" and SURROGATE in bad:
                continue  # HTTP headers are bytes: a surrogate cannot be sent at all
            call = walker.with_value(method, template, operation, where, name, json_path, bad)
            for role, caller in world["callers"].items():
                response = send(caller, call)
                sent += 1
                if response.status_code >= 500 or not response["Content-Type"].startswith(
                        "application/json"):
                    failures.append((role, method, call.url(), call.slot,
                                     response.status_code))
                elif response.status_code == 400:
                    error_of(response)
    assert failures == [], "\n".join(map(str, failures))
    assert sent > 500  # every operation's strings, as nine callers


def test_nul_in_the_address_suggestions_is_400(client, city):
    response = client.get("/addresses/suggest?q=31%0008")

    assert response.status_code == 400
    assert "NUL" in response.content.decode()


@pytest.mark.parametrize("path", ["/agencies/{agency}/posts", "/agencies/{agency}/audience"])
@pytest.mark.parametrize("slug", ["poc\u0000ket", "poc\ud800ket"], ids=["nul", "surrogate"])
def test_nul_in_a_target_neighborhood_is_400(agency_roles, police, path, slug):
    body = {"kind": "news", "title": "Road works", "body": "Closed.", "neighborhoods": [slug]}

    response = as_user(agency_roles["publisher"]).post(path.format(agency=police.slug), body)

    assert response.status_code == 400
    assert error_of(response) == {
        "error": "invalid",
        "detail": "The JSON body contains a NUL character or a lone surrogate, which no "
                  "text may contain.",
        "fields": {"neighborhoods.0": ["Contains a NUL character or a lone surrogate."]}}


def test_nul_in_a_json_key_is_400(roles):
    response = as_user(roles["neighbor"]).post("/posts", raw=b'{"body": "hi", "x\\u0000": 1}')

    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "x": ["Contains a NUL character or a lone surrogate."]}


def test_audit_notes_are_scrubbed(roles):
    post = factories.make_post(roles["neighbor"], body="Selling a bike.")

    posts.hide_post(roles["lead"], post, note="spam\x00 \ud800again\u202e!")

    entry = AuditLog.objects.get(action="posts.hide_post")
    assert entry.data["note"] == "spam again!"


def test_text_is_stored_as_typed_minus_the_dangerous_characters(roles):
    typed = ("Family: \U0001F468\u200D\U0001F469\u200D\U0001F467 "  # ZWJ sequence
             "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645 "  # Persian, with a ZWNJ
             "\U0001FAE8 \U0001FAE9 "  # emoji newer than Python 3.11's Unicode tables
             "\u200E\uFEFF\uE000 "  # marks, BOM, private use: harmless, kept
             "line\ttab\r\nnext")
    # What can hurt: controls (NUL, BEL, ESC, DEL, NEL), bidi overrides, embeddings,
    # isolates. The API's guard refuses NUL outright (a test above); the action scrubs it.
    dangerous = "\x07\x1b\x7f\x85\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    body = dangerous + typed[:12] + dangerous + typed[12:] + dangerous
    expected = typed.replace("\r", "")  # a textarea's CR LF becomes LF

    response = as_user(roles["neighbor"]).post("/posts", {"body": body, "title": "\u202eTitle"})

    assert response.status_code == 201, response.content
    stored = Post.objects.get(pk=response.json()["id"])
    assert stored.body == expected
    assert stored.title == "Title"
    assert response.json()["body"] == expected
    direct = posts.create_post(roles["neighbor"], title="\x00\ud800Hi\u2066",
                               body=f"\x00{body}\ud800")
    direct.refresh_from_db()
    assert (direct.title, direct.body) == ("Hi", expected)


# --- item 10: parameter count ----------------------------------------------------------------

def _many(count: int) -> str:
    return "&".join(f"p{i}=1" for i in range(count))


def test_too_many_query_parameters_is_400_on_the_api(anon, city):
    response = anon.client.get(f"{API}/locate?lat=38.595&lon=-121.495&{_many(1000)}")

    assert response.status_code == 400
    assert error_of(response) == {"error": "invalid",
                                  "detail": "Too many parameters: at most 1000."}


def test_as_many_query_parameters_as_allowed_is_fine(anon, city):
    response = anon.client.get(f"{API}/locate?lat=38.595&lon=-121.495&{_many(998)}")

    assert response.status_code == 200


def test_too_many_form_fields_is_400_on_the_api(roles):
    token = as_user(roles["neighbor"])
    response = token.client.post(f"{API}/posts", data=_many(1001),
                                 content_type="application/x-www-form-urlencoded",
                                 headers=token.headers)

    assert response.status_code == 400
    assert error_of(response)["detail"] == "Too many parameters: at most 1000."


def test_too_many_query_parameters_is_a_400_page(client, city):
    response = client.get(f"/search/?{_many(1001)}")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Too many parameters: at most 1000." in response.content.decode()


# --- item 17: multipart without a boundary -----------------------------------------------------

def test_multipart_without_a_boundary_is_400_on_the_image_upload(agency_roles, police):
    post = publish(agency_roles["publisher"], police, kind="news", title="T", body="B")
    token = as_user(agency_roles["publisher"])

    response = token.client.post(
        f"{API}/agencies/{police.slug}/posts/{post.pk}/images", data=b"--x\r\n",
        content_type="multipart/form-data", headers=token.headers)

    assert response.status_code == 400
    assert error_of(response) == {
        "error": "invalid", "detail": "A multipart body needs a boundary in its Content-Type."}


def test_multipart_without_a_boundary_is_400_on_pages(client, city):
    response = client.post("/login/", data=b"x", content_type="multipart/form-data")

    assert response.status_code == 400
    assert "needs a boundary" in response.content.decode()


# --- item 12: body size ----------------------------------------------------------------------

class CountingStream(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk

    def readline(self, size: int | None = -1) -> bytes:
        line = super().readline(size)
        self.bytes_read += len(line)
        return line


@pytest.mark.parametrize(("path", "content_type"), [
    (f"{API}/residents", "application/json"),
    ("/login/", "application/x-www-form-urlencoded"),
    (f"{API}/agencies/x/posts/1/images", "multipart/form-data; boundary=abc"),
])
def test_oversized_body_is_refused_from_content_length_before_reading(db, path, content_type):
    stream = CountingStream(b"x" * 1024)
    declared = 6 * 1024 * 1024 + 1  # past the largest body any request may have

    response = Client().generic("POST", path, b"", content_type=content_type,
                                CONTENT_LENGTH=str(declared), **{"wsgi.input": stream})

    assert response.status_code == 413
    assert stream.bytes_read == 0
    if path.startswith(API):
        assert error_of(response) == {"error": "too_large",
                                      "detail": "The request body is too large."}


def test_a_json_body_just_over_the_limit_is_413(anon, db):
    body = b'{"email": "' + b"x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + b'"}'

    assert anon.post("/residents", raw=body).status_code == 413


def _asgi(scope_headers: list[tuple[bytes, bytes]], chunks: int, chunk_size: int = 65536,
          path: str = f"{API}/residents") -> tuple[int, int]:
    """Send a POST through the ASGI application; (status, body bytes it read)."""
    from townsquare.asgi import application

    read = 0
    sent = 0
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        nonlocal read, sent
        if sent >= chunks:
            return {"type": "http.disconnect"}
        sent += 1
        read += chunk_size
        return {"type": "http.request", "body": b"x" * chunk_size,
                "more_body": sent < chunks}

    async def send_message(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "headers": scope_headers,
             "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8000)}
    asyncio.run(asyncio.wait_for(application(scope, receive, send_message), timeout=60))
    return status[0], read


def test_asgi_refuses_a_large_content_length_without_reading(db):
    status, read = _asgi([(b"content-type", b"application/json"),
                          (b"content-length", str(10**9).encode())], chunks=10**6)

    assert (status, read) == (413, 0)


def test_asgi_stops_reading_a_streamed_body_at_the_limit(db):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    status, read = _asgi([(b"content-type", b"application/json"),
                          (b"transfer-encoding", b"chunked")], chunks=10**6)

    assert status == 413
    assert limit < read <= limit + 65536


# --- item 18: unknown paths and CSRF -----------------------------------------------------------

@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/nope", "/posts/", "/posts/abc/replies", "/feed/",
                                  "/agencies/x/posts/1/withdraw/"])
@pytest.mark.parametrize("bearer", [True, False], ids=["bearer", "no-token"])
def test_unsafe_methods_on_unknown_paths_are_json_404(roles, method, path, bearer):
    client = Client(enforce_csrf_checks=True)
    headers = as_user(roles["neighbor"]).headers if bearer else {}

    response = getattr(client, method)(API + path, data="{}", content_type="application/json",
                                       headers=headers)

    assert response.status_code == 404
    assert error_of(response) == {"error": "not_found", "detail": "No such endpoint."}


def test_unsafe_wrong_method_on_a_known_path_is_json_405(roles):
    client = Client(enforce_csrf_checks=True)
    client.force_login(roles["neighbor"])

    response = client.put(f"{API}/feed", data="{}", content_type="application/json")

    assert response.status_code == 405
    assert error_of(response)["error"] == "method_not_allowed"


def test_session_writes_still_need_the_csrf_token(roles):
    client = Client(enforce_csrf_checks=True)
    client.force_login(roles["neighbor"])

    response = client.post(f"{API}/posts", data=json.dumps({"body": "hello"}),
                           content_type="application/json")

    assert response.status_code == 403
    assert error_of(response)["error"] == "forbidden"
    assert Post.objects.count() == 0


# --- item 20: strict bodies --------------------------------------------------------------------

@pytest.mark.parametrize("raw", [b"[]", b'"x"', b"1", b"null"])
def test_notification_settings_take_only_an_object(roles, raw):
    response = as_user(roles["neighbor"]).call("PUT", "/me/notifications", raw=raw)

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"non_field_errors": ["A JSON object is required."]}


def test_notification_settings_refuse_unknown_fields(roles):
    response = as_user(roles["neighbor"]).call("PUT", "/me/notifications",
                                               {"chanels": {"email": False}})

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["chanels"]
