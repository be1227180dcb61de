"""Rate limits on tips that store no identity.

Guessing follow-up codes, and flooding an agency with anonymous tips, are limited per
client address, but the counters never hold the address, nor a plain hash of it (an IPv4
address is found from its SHA-256 in minutes): they are keyed by an HMAC of the address
under the day's key. Each day gets a new random key (TipLimitKey) and the keys of past
days are deleted, so yesterday's counters can no longer be tied to any address by anyone,
the operator included. The counters themselves are core/ratelimit.py's (Redis or the
database), in windows of whole hours, so that no counter tells the minute of a visit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from townsquare.core import ratelimit
from townsquare.core.errors import RateLimited

_day_keys: dict[str, bytes] = {}



def _day_key() -> bytes:
    """Today's key (UTC day): made once by whichever process needs it first; past days'
    keys deleted."""
    from townsquare.tips.models import TipLimitKey

    today = timezone.now().date()
    cached = _day_keys.get(today.isoformat())
    if cached is not None:
        return cached
    row = TipLimitKey.objects.filter(day=today).first()
    if row is None:
        try:
            with transaction.atomic():
                row = TipLimitKey.objects.create(day=today, key=secrets.token_hex(32))
        except IntegrityError:
            row = TipLimitKey.objects.get(day=today)
        TipLimitKey.objects.filter(day__lt=today).delete()
    _day_keys.clear()
    _day_keys[today.isoformat()] = bytes.fromhex(row.key)
    return _day_keys[today.isoformat()]


def forget_keys() -> None:
    """Drop the cached key (tests; a new day is noticed without this)."""
    _day_keys.clear()


def client_key(client_address: str | None) -> str:
    return hmac.new(_day_key(), (client_address or "unknown").encode(),
                    hashlib.sha256).hexdigest()


def check_submission(agency_id: int, client_address: str | None, *, anonymous: bool) -> None:
    """Count one tip to the agency from this client; RateLimited past the limits."""
    message = _("Too many tips from here. Please wait and try again later.")
    from_here = f"{agency_id}:{client_key(client_address)}"
    if ratelimit.count("tip_submit", from_here) > ratelimit.limit("tip_submit"):
        raise RateLimited(message)
    if anonymous and (ratelimit.count("tip_submit_agency", str(agency_id))
                      > ratelimit.limit("tip_submit_agency")):
        raise RateLimited(message)


def guessing_blocked(client_address: str | None) -> bool:
    return (ratelimit.used("tip_code_miss", client_key(client_address))
            >= ratelimit.limit("tip_code_miss"))


def count_miss(client_address: str | None) -> None:
    ratelimit.count("tip_code_miss", client_key(client_address))


def too_many_guesses() -> RateLimited:
    return RateLimited(_("Too many unknown codes tried. Please wait and try again later."))
