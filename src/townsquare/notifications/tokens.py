"""Signed one-click unsubscribe tokens (RFC 8058): no login, no database row.

A token names an account, a channel and a kind, signed with the SECRET_KEY. It does not
expire: an unsubscribe link in an old message must keep working. Forging one needs the key.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

from townsquare.core.errors import NotFound
from townsquare.notifications.kinds import CHANNELS, KINDS

SALT = "townsquare.notifications.unsubscribe"


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    channel: str
    kind: str


def make(user_id: int, channel: str, kind: str) -> str:
    # A plain Signer (no timestamp): the same link every time, so it can be compared.
    return signing.Signer(salt=SALT).sign_object([user_id, channel, kind], compress=True)


def read(token: str) -> Unsubscribe:
    """The token's content; NotFound for a token that was not made here (or was altered)."""
    try:
        user_id, channel, kind = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise NotFound("This unsubscribe link is not valid.") from exc
    if not isinstance(user_id, int) or channel not in CHANNELS or kind not in KINDS:
        raise NotFound("This unsubscribe link is not valid.")
    return Unsubscribe(user_id, channel, kind)
