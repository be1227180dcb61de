"""Request and response schemas of the notification endpoints (docs/notifications.md)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from townsquare.api.schemas import NON_EMPTY

Kind = Literal["urgent_alert", "agency_post", "reply_to_me", "neighborhood_post",
               "question_answered", "request_outcome"]
ChannelName = Literal["inbox", "email", "push"]


class QuietHours(Schema):
    model_config = ConfigDict(extra="forbid")

    start: dt.time = Field(examples=["22:00"])
    end: dt.time = Field(examples=["07:00"])


class ChannelState(Schema):
    on: bool
    off_reason: str = Field("", description="Why the site turned it off (a mail server "
                                             "rejected the address), if it did.")
    browsers: int | None = Field(None, description="Push: browsers subscribed.")


class NotificationSettingsOut(Schema):
    channels: dict[ChannelName, ChannelState]
    kinds: dict[Kind, dict[ChannelName, bool]] = Field(description=(
        "What each kind of news reaches you through. Urgent alerts are always on while the "
        "channel is on: to stop them, turn the channel off."))
    neighborhood_digest: bool = Field(description="Neighborhood posts by email come as one "
                                                  "message a day.")
    quiet_hours: QuietHours | None = Field(description="Non-urgent messages wait until the "
                                                       "end; urgent alerts do not.")
    time_zone: str = Field(description="Of the quiet hours; empty: the city's.")
    city_time_zone: str
    vapid_public_key: str = Field(description="The applicationServerKey for "
                                              "PushManager.subscribe().")


class ChannelSwitches(Schema):
    model_config = ConfigDict(extra="forbid")

    email: bool | None = None
    push: bool | None = None


class NotificationSettingsIn(Schema):
    """Only what is sent changes. `quiet_hours: null` removes the quiet hours. Unknown
    fields are refused (400), so a misspelt setting is not silently ignored."""

    model_config = ConfigDict(extra="forbid")

    channels: ChannelSwitches | None = None
    kinds: dict[Kind, dict[ChannelName, bool]] | None = None
    neighborhood_digest: bool | None = None
    quiet_hours: QuietHours | None = Field(None)
    time_zone: str | None = Field(None, max_length=64)


class PushSubscriptionKeys(Schema):
    p256dh: str = Field(max_length=200)
    auth: str = Field(max_length=100)


class PushSubscriptionIn(Schema):
    """The browser's PushSubscription.toJSON()."""

    endpoint: str = Field(max_length=2000, json_schema_extra=NON_EMPTY)
    keys: PushSubscriptionKeys
    expirationTime: int | None = None  # noqa: N815 (the browser's own name)


class PushSubscriptionOut(Schema):
    id: int
    created_at: dt.datetime


class PushUnsubscribeIn(Schema):
    endpoint: str = Field(max_length=2000, json_schema_extra=NON_EMPTY)


class ChannelDeliveryOut(Schema):
    channel: ChannelName
    total: int
    queued: int
    sending: int
    retrying: int = Field(description="Failed for now; tried again at the next attempt.")
    sent: int = Field(description="Handed over where nothing confirms (files, tests).")
    delivered: int = Field(description="Accepted by the mail server or the push service "
                                       "(the inbox: at once).")
    failed: int = Field(description="Refused for good (a bad address, a gone browser).")
    given_up: int
    skipped: int = Field(description="Not sent: withdrawn, unsubscribed, moved away.")
    opened: int | None = Field(description=(
        "Inbox: residents who opened it. Email and push: messages whose link to the post "
        "was followed (there are no tracking pixels)."))
    first_delivery_seconds: float | None = Field(description="From publishing.")
    last_delivery_seconds: float | None
    errors: list[tuple[str, int]] = Field(description="Commonest reasons of failure, with "
                                                      "counts (never an address).")


class DeliveryReportOut(Schema):
    post_id: int
    audience_size: int
    channels: list[ChannelDeliveryOut]
