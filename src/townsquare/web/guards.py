"""Guards at the door, for the pages and the API alike: a request that no view could serve
is answered here with a clear 400 or 413 before anything reads it further.

- A body larger than the limit is refused from its `Content-Length`, before it is read
  (the ASGI handler below also stops reading a streamed body at the limit).
- More query or form parameters than `DATA_UPLOAD_MAX_NUMBER_FIELDS`: 400.
- A multipart body without a valid boundary: 400.
- NUL or a lone surrogate in the path, the query string, a form field or a JSON string:
  400. No database stores them; the actions also scrub every text they keep
  (core/text.py), so this guard is the first line, not the only one.

The API answers in its JSON error shape; pages get the site's error page. See
docs/operations.md (the proxy's own body limit) and docs/api.md.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.shortcuts import render
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext as _

from townsquare.agencies.images import MAX_BYTES as MAX_IMAGE_BYTES
from townsquare.api.errors import NON_FIELD, error_body, json_response
from townsquare.core.text import is_storable, scrub

API_PREFIX = "/api/"
# One image (the largest upload any form takes) and the rest of its form.
MAX_UPLOAD_BYTES = MAX_IMAGE_BYTES + 1024 * 1024
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class Refused(Exception):
    def __init__(self, status: int, code: str, detail: str,
                 fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.fields = status, code, detail, fields


def body_limit(content_type: str) -> int | None:
    """The largest body accepted with this Content-Type (None: no limit)."""
    if content_type.lower().startswith("multipart/"):
        return MAX_UPLOAD_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def too_large() -> Refused:
    return Refused(413, "too_large", _("The request body is too large."))


def _bad(detail: str) -> Refused:
    return Refused(400, "invalid", detail)


def _unstorable(where: str, names: list[str] | None = None) -> Refused:
    detail = _("The %(where)s contains a NUL character or a lone surrogate, which no text "
               "may contain.") % {"where": where}
    message = _("Contains a NUL character or a lone surrogate.")
    fields = {name: [message] for name in names} if names else None
    return Refused(400, "invalid", detail, fields)


def check_request(request: HttpRequest) -> None:
    """Raise Refused for a request that no view should see."""
    content_type = request.META.get("CONTENT_TYPE", "")
    _check_length(request.META.get("CONTENT_LENGTH"), content_type)
    if not is_storable(request.path):
        raise _unstorable(_("address"))
    _check_query(request.META.get("QUERY_STRING", ""))
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type.startswith("multipart/"):
        _check_boundary(content_type)
    if request.method == "POST" and media_type in FORM_TYPES:
        _check_form(request)
    elif media_type not in FORM_TYPES and _declared_length(request) > 0:
        _check_json(request.body)


def _check_length(raw: str | None, content_type: str) -> None:
    if not raw:
        return
    try:
        length = int(raw)
    except ValueError:
        length = -1
    if length < 0:
        raise _bad(_("The Content-Length header is not a number."))
    limit = body_limit(content_type)
    if limit is not None and length > limit:
        raise too_large()


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _check_query(query: str) -> None:
    if not query:
        return
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    if limit is not None and sum(1 for part in query.split("&") if part) > limit:
        raise _bad(_("Too many parameters: at most %(limit)d.") % {"limit": limit})
    if b"\x00" in unquote_to_bytes(query):
        names = []
        for part in query.split("&"):
            name = part.partition("=")[0]
            if b"\x00" in unquote_to_bytes(part.replace("+", " ")):
                names.append(_printable(unquote_to_bytes(name.replace("+", " "))))
        raise _unstorable(_("query string"), names)


def _check_boundary(content_type: str) -> None:
    _media_type, params = parse_header_parameters(content_type)
    boundary = params.get("boundary")
    if not boundary or not MultiPartParser.boundary_re.fullmatch(boundary):
        raise _bad(_("A multipart body needs a boundary in its Content-Type."))


def _check_form(request: HttpRequest) -> None:
    try:
        fields = request.POST
        names = list(request.FILES)
    except RequestDataTooBig as exc:
        raise too_large() from exc
    except MultiPartParserError as exc:
        raise _bad(_("The multipart body could not be read.")) from exc
    except SuspiciousOperation as exc:  # TooManyFieldsSent, TooManyFilesSent
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        raise _bad(_("Too many parameters: at most %(limit)d.") % {"limit": limit}) from exc
    bad = [name for name, values in fields.lists()
           if not all(is_storable(text) for text in (name, *values))]
    bad += [name for name in names if not is_storable(name)]
    if bad:
        raise _unstorable(_("form"), [_printable(name) for name in bad])


def _check_json(body: bytes) -> None:
    try:
        data = json.loads(body)
    except RecursionError as exc:
        raise _bad(_("The JSON body is nested too deeply.")) from exc
    except ValueError:
        return  # not JSON: the view says so in its own words
    bad: list[str] = []
    stack: list[tuple[tuple[str, ...], Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if not is_storable(value):
                bad.append(".".join(path))
        elif isinstance(value, dict):
            for key, item in value.items():
                stack.append(((*path, _printable(key)), item))
                if not is_storable(key):
                    bad.append(".".join((*path, _printable(key))))
        elif isinstance(value, list):
            stack.extend(((*path, str(i)), item) for i, item in enumerate(value))
    if bad:
        # A body that is not an object has no field names: the body as a whole.
        raise _unstorable(_("JSON body"), sorted({name or NON_FIELD for name in bad}))


def _printable(name: str | bytes) -> str:
    """A field name as the answer can show it (without the characters it is refused for)."""
    text = name.decode("utf-8", "replace") if isinstance(name, bytes) else name
    return scrub(text)


def refusal_response(request: HttpRequest | None, path: str, refused: Refused) -> HttpResponse:
    if path.startswith(API_PREFIX):
        return json_response(refused.status,
                             error_body(refused.code, refused.detail, refused.fields))
    if request is None:  # refused before Django made a request of it
        return HttpResponse(refused.detail, status=refused.status,
                            content_type="text/plain; charset=utf-8")
    titles = {413: _("Too large"), 400: _("That request did not work")}
    return render(request, "web/error.html",
                  {"title": titles.get(refused.status, titles[400]), "detail": refused.detail},
                  status=refused.status)


class RequestGuardMiddleware:
    """Last in MIDDLEWARE, so refusals still get the security headers; it runs before any
    view and before the CSRF check reads the form."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_request(request)
        except Refused as refused:
            return refusal_response(request, request.path, refused)
        return self.get_response(request)


# --- ASGI: Django reads the whole body before any middleware runs ---------------------------

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class _BodyTooLarge(Exception):
    pass


class GuardedASGIHandler(ASGIHandler):
    """Django's ASGI handler, refusing an oversized body from its Content-Length before
    reading it, and a streamed one (no Content-Length) as soon as it passes the limit."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = {name.lower(): value for name, value in scope.get("headers", [])}
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        limit = body_limit(content_type)
        try:
            _check_length(headers.get(b"content-length", b"").decode("latin-1"), content_type)
            await super().handle(scope, _capped(receive, limit), send)
        except (Refused, _BodyTooLarge) as exc:
            refused = exc if isinstance(exc, Refused) else too_large()
            await self.send_response(refusal_response(None, scope.get("path", ""), refused),
                                     send)


def _capped(receive: Receive, limit: int | None) -> Receive:
    received = 0

    async def capped() -> dict[str, Any]:
        nonlocal received
        message = await receive()
        received += len(message.get("body", b""))
        if limit is not None and received > limit:
            raise _BodyTooLarge
        return message

    return capped
