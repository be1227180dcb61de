"""Checks of an agency post's content and schedule, shared by publishing and editing.

Problems are collected per field, so a form (or an API client) sees them all at once.
Text is plain text: stored as typed (control characters removed), escaped on output.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from townsquare.accounts.validation import clean_text
from townsquare.agencies.models import AgencyPost
from townsquare.core.errors import Invalid

Kind = AgencyPost.Kind
EVENT_FIELDS = ("event_starts_at", "event_place")
RFI_FIELDS = ("rfi_area", "rfi_from", "rfi_until")
TEXT_LIMITS = {"title": 200, "body": 5000, "case_number": 60, "event_place": 200,
               "rfi_area": 300}
CONTENT_FIELDS = ("kind", "title", "body", "case_number", *EVENT_FIELDS, *RFI_FIELDS)


class Errors(dict[str, list[str]]):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def merge(self, exc: Invalid, default_field: str) -> None:
        for field, messages in (exc.fields or {default_field: [exc.detail]}).items():
            for message in messages:
                self.add(field, message)

    def raise_if_any(self) -> None:
        if self:
            raise Invalid(_("Please correct the highlighted fields."), dict(self))


def clean_content(values: dict[str, Any], errors: Errors) -> dict[str, Any]:
    """Kind, text and the kind's own fields. `values` has every CONTENT_FIELDS key."""
    cleaned: dict[str, Any] = {}
    kind = values["kind"]
    if kind not in Kind.values:
        errors.add("kind", f"Choose one of: {', '.join(Kind.values)}.")
    cleaned["kind"] = kind
    for field, limit in TEXT_LIMITS.items():
        try:
            cleaned[field] = clean_text(values[field], field=field, max_length=limit,
                                        required=field in ("title", "body"))
        except Invalid as exc:
            errors.merge(exc, field)
    for field in ("event_starts_at", "rfi_from", "rfi_until"):
        cleaned[field] = aware(values[field], field, errors)

    if kind == Kind.EVENT:
        if values["event_starts_at"] is None:
            errors.add("event_starts_at", _("An event needs its start time."))
        if not cleaned.get("event_place"):
            errors.add("event_place", _("An event needs its place."))
    elif kind in Kind.values:
        for field in EVENT_FIELDS:
            if values[field] not in (None, ""):
                errors.add(field, _("Only events have a start time and a place."))
    if kind != Kind.REQUEST_FOR_INFORMATION and kind in Kind.values:
        for field in RFI_FIELDS:
            if values[field] not in (None, ""):
                errors.add(field, _("Only requests for information have an area and a time "
                                  "window."))
    start, end = cleaned.get("rfi_from"), cleaned.get("rfi_until")
    if start is not None and end is not None and end < start:
        errors.add("rfi_until", _("The time window ends before it starts."))
    return cleaned


def clean_schedule(*, publish_at: object, expires_at: object, now: dt.datetime,
                   errors: Errors, scheduling: bool = True,
                   check_expiry: bool = True) -> tuple[dt.datetime, Any]:
    """(publish time, expiry). A schedule must be in the future; an expiry after it.

    `scheduling` False keeps an existing publish time unchecked (an edit that does not move
    it); `check_expiry` False likewise for an expiry the edit leaves alone."""
    when = aware(publish_at, "publish_at", errors)
    if when is not None and scheduling and when <= now:
        errors.add("publish_at", _("Schedule a time in the future, or leave it out to publish "
                                 "now."))
    start = when if when is not None else now
    until = aware(expires_at, "expires_at", errors)
    if until is not None and (check_expiry or scheduling) and until <= max(start, now):
        errors.add("expires_at", _("The expiry must come after the publish time."))
    return start, until


def aware(value: object, field: str, errors: Errors) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        errors.add(field, _("Must be a date and time (ISO 8601)."))
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        errors.add(field, _("Include the time zone offset, e.g. 2025-06-01T18:00:00-07:00."))
        return None
    return value
