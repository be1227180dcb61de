"""The error responses an operation documents, for the OpenAPI document."""

from __future__ import annotations

from townsquare.api.schemas import ErrorOut


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """`{400: ErrorOut, 404: ErrorOut}` for `errors(400, 404)`; merge into `response=`."""
    return dict.fromkeys(statuses, ErrorOut)


# Every operation that needs a caller can answer these.
AUTHED = (401, 429)
