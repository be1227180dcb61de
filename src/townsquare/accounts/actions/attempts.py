"""Limits on guessing a password or a second-factor code (core.ratelimit).

- `login` / `second_factor`: per account and client address, tight. Someone guessing from
  one place is stopped after a few tries; the owner elsewhere is not affected.
- `login_client`: per client address over every account (one address trying many).
- `login_account` / `second_factor_account`: per account from anywhere, much higher. Past
  it the account is slowed, not closed: addresses it signed in from lately (`login_known`)
  go on as before, and every other address shares one attempt per `*_slowed` window. An
  attacker with many addresses gets a trickle of guesses and cannot keep the owner out.
Each attempt is counted before the check, so a guess costs the same right or wrong. The
numbers are in settings.TOWNSQUARE_RATE_LIMITS and docs/privacy.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from townsquare.core import ratelimit


def account_key(email: str) -> str:
    return f"email:{email.strip().lower()}"


def limit_attempt(kind: str, account: str, client: str) -> None:
    """Count one attempt of `kind` ("login" or "second_factor") on `account` (account_key)
    from `client`; raise RateLimited past the limits above."""
    if kind == "second_factor":
        message = _("Too many codes tried. Wait a few minutes and try again.")
    else:
        message = _("Too many sign-in attempts. Wait a few minutes and try again.")
    ratelimit.hit(kind, f"{account}|{client}", message=message)
    if kind == "login":
        ratelimit.hit("login_client", client, message=message)
    ceiling = int(settings.TOWNSQUARE_RATE_LIMITS[f"{kind}_account"].split("/")[0])
    if (ratelimit.count(f"{kind}_account", account) > ceiling
            and not ratelimit.seen("login_known", f"{account}|{client}")):
        ratelimit.hit(f"{kind}_slowed", account, message=_(
            "This account is receiving many sign-in attempts. "
            "Wait a few seconds and try again."))


def remember_client(user: Any, client: str) -> None:
    """A right password from `client`: it keeps working while the account is slowed."""
    ratelimit.count("login_known", f"{account_key(user.email)}|{client}")
