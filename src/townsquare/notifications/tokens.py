"""Signed one-click unsubscribe tokens (RFC 8058): no login, no database row.

A token names an account, a channel and a kind, signed with the SECRET_KEY. It does not
expire: an unsubscribe link in an old message must keep working. Forging one needs the key.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.utils.translation import gettext as _

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
        raise NotFound(_("This unsubscribe link is not valid.")) from exc
    if not isinstance(user_id, int) or channel not in CHANNELS or kind not in KINDS:
        raise NotFound(_("This unsubscribe link is not valid."))
    return Unsubscribe(user_id, channel, kind)


# --- "opened": the link in a message -------------------------------------------------------------
# A message's link to its post goes through /open/<target>/<id>/<token>/: the token names the
# delivery and the post it leads to, signed, so following the link records that message as
# opened (docs/notifications.md: no tracking pixels). Its own salt: an unsubscribe token is
# never an open token, nor the reverse.
OPEN_SALT = "townsquare.notifications.open"
TARGETS = ("agency-post", "post")


@dataclass(frozen=True)
class Opened:
    delivery_id: int
    target: str
    target_id: int


def make_open(delivery_id: int, target: str, target_id: int) -> str:
    return signing.Signer(salt=OPEN_SALT).sign_object([delivery_id, target, target_id],
                                                      compress=True)


def read_open(token: str) -> Opened | None:
    """The token's content, or None for one that was not made here or was altered."""
    try:
        delivery_id, target, target_id = signing.Signer(salt=OPEN_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if (not isinstance(delivery_id, int) or not isinstance(target_id, int)
            or target not in TARGETS):
        return None
    return Opened(delivery_id, target, target_id)
