"""The channels: one module each, one small interface.

A channel gets a batch of `Notice`s (rendered messages, one per delivery row) and answers
one `Outcome` per notice, as soon as it knows it, through `report`: the engine
(delivery.py) records outcomes as they come, so a worker that dies mid-batch repeats as few
messages as possible. A channel never raises for one bad message: it reports it.

A channel tells a failure of the message (RETRY, FAILED: the attempt counts) from a failure
to reach its server at all (UNREACHABLE, with the `scope` that is down: the message waits,
no attempt counts, and the engine pauses that scope: notifications/breaker.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class Notice:
    """One message, rendered, for one recipient on one channel (notifications/render.py)."""

    delivery_id: int
    message_id: str
    kind: str
    urgent: bool
    subject: str
    text: str
    html: str
    url: str
    tag: str
    to_email: str = ""
    to_name: str = ""
    unsubscribe_url: str = ""
    unsubscribe_mailto: str = ""
    # Web Push: the subscription's endpoint and keys.
    subscription_id: int | None = None
    endpoint: str = ""
    p256dh: str = ""
    auth: str = ""
    ttl: int = 86400
    push_payload: dict[str, object] = field(default_factory=dict)


# Outcome.status values
DELIVERED = "delivered"  # accepted by the mail server / push service
SENT = "sent"            # written out where no server confirms (the file or memory backend)
RETRY = "retry"          # a transient problem: try again later (backoff)
FAILED = "failed"        # permanent for this message: do not try again
UNREACHABLE = "unreachable"  # the server could not be reached: not this message's fault


@dataclass(frozen=True)
class Outcome:
    status: str
    error: str = ""
    # Seconds the far end asked us to wait (Retry-After), for RETRY.
    retry_after: float | None = None
    # The address or subscription is dead for good: retire it (hard bounce, 404/410).
    retire: bool = False
    # For UNREACHABLE: what cannot be reached ("email", "push:<host>"; default the channel).
    scope: str = ""


Report = Callable[[Notice, Outcome], None]


class Channel(Protocol):
    name: str

    def send_batch(self, notices: Sequence[Notice], report: Report) -> None:
        """Hand every notice over, calling `report` once per notice."""

    def scope(self, notice: Notice) -> str:
        """The server this notice goes to, as the breaker names it (notifications/breaker.py)."""


def for_name(name: str) -> Channel:
    from townsquare.notifications.channels import email, inbox, push

    return {"email": email.EmailChannel, "push": push.PushChannel,
            "inbox": inbox.InboxChannel}[name]()
