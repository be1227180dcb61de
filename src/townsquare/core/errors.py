"""Domain errors. Actions raise these; the API and the web layer translate them.

The API turns them into `{"error", "detail", "fields"}` with the status code below.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.functional import Promise


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, detail: str | Promise,
                 fields: Mapping[str, Sequence[str | Promise]] | None = None) -> None:
        # Messages are marked for translation; lazy ones (module constants) are read here,
        # in the language active where the error is raised.
        detail = str(detail)
        super().__init__(detail)
        self.detail = detail
        self.fields: dict[str, list[str]] | None = None if fields is None else {
            name: [str(message) for message in messages] for name, messages in fields.items()}


class Invalid(DomainError):
    status = 400
    code = "invalid"


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    """Absent, or not visible to the caller: the two are never told apart."""

    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class TooLarge(DomainError):
    status = 413
    code = "too_large"


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
