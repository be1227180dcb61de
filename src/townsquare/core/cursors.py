"""Opaque keyset cursors: (created_at, id) of the last item a page returned."""

from __future__ import annotations

import base64
import binascii
import datetime as dt

from django.utils.translation import gettext as _

from townsquare.core.errors import Invalid


def encode(created_at: dt.datetime, pk: int) -> str:
    raw = f"{created_at.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> tuple[dt.datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        stamp, pk = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        created_at = dt.datetime.fromisoformat(stamp)
        if created_at.tzinfo is None:
            raise ValueError("naive timestamp")
        return created_at, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise Invalid(_("The cursor is not valid."), {"cursor": [_("Not a cursor.")]}) from exc
