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
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from townsquare.core import ratelimit
from townsquare.core.errors import RateLimited

# name: (count, seconds). Windows are whole hours (see above). Settings may override them.
DEFAULT_RULES = {
    "tip_submit": (20, 3600),         # tips per client address and agency
    "tip_submit_agency": (2000, 3600),  # anonymous tips per agency from everywhere
    "tip_code_miss": (20, 3600),      # unknown codes tried per client address
}

_day_keys: dict[str, bytes] = {}


def _rule(name: str) -> tuple[int, int]:
    rules = getattr(settings, "TOWNSQUARE_TIP_RATE_LIMITS", None) or {}
    return rules.get(name, DEFAULT_RULES[name])


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


def _count(name: str, key: str) -> int:
    _limit, window = _rule(name)
    now = time.time()
    bucket = int(now // window)
    counter = ratelimit._window_key(name, key, bucket)  # noqa: SLF001 - same counters
    return ratelimit._increment(counter, (bucket + 1) * window, now)  # noqa: SLF001


def _peek(name: str, key: str) -> int:
    _limit, window = _rule(name)
    return ratelimit._peek(ratelimit._window_key(name, key, int(time.time() // window)))  # noqa: SLF001


def check_submission(agency_id: int, client_address: str | None, *, anonymous: bool) -> None:
    """Count one tip to the agency from this client; RateLimited past the limits."""
    message = _("Too many tips from here. Please wait and try again later.")
    limit, _window = _rule("tip_submit")
    if _count("tip_submit", f"{agency_id}:{client_key(client_address)}") > limit:
        raise RateLimited(message)
    if anonymous:
        limit, _window = _rule("tip_submit_agency")
        if _count("tip_submit_agency", str(agency_id)) > limit:
            raise RateLimited(message)


def guessing_blocked(client_address: str | None) -> bool:
    limit, _window = _rule("tip_code_miss")
    return _peek("tip_code_miss", client_key(client_address)) >= limit


def count_miss(client_address: str | None) -> None:
    _count("tip_code_miss", client_key(client_address))


def too_many_guesses() -> RateLimited:
    return RateLimited(_("Too many unknown codes tried. Please wait and try again later."))
