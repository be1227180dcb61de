"""Every error the API answers has one shape: `{"error", "detail", "fields"?}`.

Domain errors carry their own status and code (core/errors.py); django-ninja's own errors
(unparsable JSON, schema validation, failed authentication, unknown routes) are mapped
here onto the same shape, so a client needs one error path. See docs/api.md.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from townsquare.core.errors import DomainError

logger = logging.getLogger("townsquare.api")

# Errors about the request body as a whole (not JSON, not an object) have no field name;
# they go under this key, as Django REST framework does.
NON_FIELD = "non_field_errors"
# The name every handler gives its JSON body parameter; it is not part of a field's path.
BODY_PARAM = "payload"
# Messages of ninja's parse error ("Cannot parse request body", "... (detail)" in DEBUG).
_PARSE_ERROR = "Cannot parse request body"


class NotAnObject(ValueError):
    """The body is JSON, but not an object: every operation's body is one."""


class ObjectParser(Parser):
    """ninja's JSON parser, refusing `[]`, `"x"`, `1` or `null` as a body: read as an
    object, they would pass for an object with every field left out."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise NotAnObject("not an object")
        return data


def error_body(code: str, detail: str, fields: dict[str, list[str]] | None = None) -> dict:
    body: dict[str, Any] = {"error": code, "detail": detail}
    if fields:
        body["fields"] = fields
    return body


def field_errors(errors: Sequence[dict[str, Any]]) -> dict[str, list[str]]:
    """ninja's `loc` ("body", "payload", "person", "top") becomes the field "person.top"."""
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        source, path = (loc[0], loc[1:]) if loc else ("", [])
        if source == "body" and path[:1] == [BODY_PARAM]:
            path = path[1:]
        name = ".".join(path) or NON_FIELD
        message = str(error.get("msg", _("Invalid value.")))
        if name == NON_FIELD and error.get("type") == "missing":
            message = _("A JSON object is required.")
        fields.setdefault(name, []).append(message)
    return fields


def install(api: NinjaAPI) -> None:
    """Replace ninja's default handlers (422, `{"detail": ...}`) with ours."""
    def respond(request: HttpRequest, status: int, body: dict) -> HttpResponse:
        response = api.create_response(request, body, status=status)
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="townsquare"'
        return response

    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return respond(request, exc.status, error_body(exc.code, exc.detail, exc.fields))

    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        body = error_body("invalid", _("Please correct the highlighted fields."),
                          field_errors(exc.errors))
        return respond(request, 400, body)

    def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return respond(request, 401, error_body(
            "not_authenticated", _("Sign in, or send an API token as a Bearer Authorization.")))

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and isinstance(exc.__cause__, NotAnObject):
            message = _("A JSON object is required.")
            return respond(request, 400, error_body("invalid", message, {NON_FIELD: [message]}))
        if exc.status_code == 400 and str(exc).startswith(_PARSE_ERROR):
            message = _("The request body is not valid JSON.")
            return respond(request, 400, error_body("invalid", message, {NON_FIELD: [message]}))
        return respond(request, exc.status_code, error_body(_code_for(exc.status_code), str(exc)))

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, error_body("not_found", _("Not found.")))

    def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return respond(request, 413, error_body("too_large", _("The request body is too large.")))

    def bad_request(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Too many parameters, a multipart body that cannot be read: the request guards
        # (web/guards.py) refuse most of these first; this is the net behind them.
        return respond(request, 400, error_body("invalid", _("The request could not be read.")))

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("Unhandled error in %s %s", request.method, request.path, exc_info=exc)
        return respond(request, 500, error_body(
            "server_error", _("Something went wrong on our side. Please try again later.")))

    api.add_exception_handler(DomainError, domain_error)
    api.add_exception_handler(ValidationError, validation_error)
    api.add_exception_handler(AuthenticationError, not_authenticated)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(RequestDataTooBig, too_large)
    api.add_exception_handler(SuspiciousOperation, bad_request)
    api.add_exception_handler(MultiPartParserError, bad_request)
    api.add_exception_handler(Exception, server_error)


def _code_for(status: int) -> str:
    return {400: "invalid", 401: "not_authenticated", 403: "forbidden", 404: "not_found",
            405: "method_not_allowed", 409: "conflict", 413: "too_large",
            429: "rate_limited"}.get(status, "error")


# --- errors raised outside any operation (routing) ------------------------------------------

def json_response(status: int, body: dict) -> HttpResponse:
    return HttpResponse(json.dumps(body), status=status,
                        content_type="application/json; charset=utf-8")


@csrf_exempt
def unknown_path(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """The last URL pattern under /api/v1/: no route matched.

    Exempt from Django's CSRF middleware, as every API operation is (the API checks the
    CSRF token itself, for session callers: api/auth.py); otherwise an unsafe method on a
    mistyped path would get the HTML "CSRF verification failed" page instead of this."""
    return json_response(404, error_body("not_found", _("No such endpoint.")))


def with_json_routing_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ninja answers a wrong method with a plain-text 405 and its root with an HTML 404."""
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return unknown_path(request)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = json_response(405, error_body(
                "method_not_allowed", _("This endpoint accepts: %(methods)s.")
                % {"methods": allowed}))
            response["Allow"] = allowed
        return response

    wrapped.csrf_exempt = getattr(view, "csrf_exempt", False)  # type: ignore[attr-defined]
    return wrapped
