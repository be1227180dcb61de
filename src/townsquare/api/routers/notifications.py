"""Notifications: your settings, your browsers' push subscriptions, and for agency staff
the delivery report of a post (docs/notifications.md)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from townsquare.agencies import selectors as agencies
from townsquare.api.auth import caller
from townsquare.api.notification_schemas import (
    DeliveryReportOut,
    NotificationSettingsIn,
    NotificationSettingsOut,
    PushSubscriptionIn,
    PushSubscriptionOut,
    PushUnsubscribeIn,
)
from townsquare.api.params import Id
from townsquare.api.responses import AUTHED, errors
from townsquare.core.errors import Invalid
from townsquare.notifications import actions, kinds, selectors, vapid

router = Router(tags=["notifications"], auth=caller)


class InboxReadAllOut(Schema):
    marked: int
    unread: int


def _settings_out(user: Any) -> dict[str, Any]:
    found = selectors.settings_of(user)
    p = found.preference
    table: dict[str, dict[str, bool]] = {}
    for kind in kinds.KINDS:
        table[kind] = {}
        for channel in kinds.CHANNELS:
            if kind not in kinds.CHANNEL_KINDS[channel]:
                continue
            field = kinds.field_for(channel, kind)
            table[kind][channel] = True if field is None else getattr(p, field)
    return {
        "channels": {"inbox": {"on": True},
                     "email": {"on": p.email_enabled, "off_reason": p.email_off_reason},
                     "push": {"on": p.push_enabled, "browsers": found.push_subscriptions}},
        "kinds": table, "neighborhood_digest": p.neighborhood_digest,
        "quiet_hours": ({"start": p.quiet_start, "end": p.quiet_end}
                        if p.quiet_start is not None else None),
        "time_zone": p.time_zone, "city_time_zone": found.city_time_zone,
        "vapid_public_key": vapid.public_key(),
    }


def _api_field(name: str) -> str:
    """The action's setting name as the API spells its place in the request."""
    if name in ("email_enabled", "push_enabled"):
        return f"channels.{name.split('_')[0]}"
    if name.startswith(("quiet_", "time_")) or name == "neighborhood_digest":
        return "quiet_hours" if name.startswith("quiet_") else name
    channel, _, kind = name.partition("_")
    return f"kinds.{kind}.{channel}" if kind else name


@router.get("/me/notifications", response={200: NotificationSettingsOut, **errors(*AUTHED)},
            summary="Your notification settings")
def get_notification_settings(request: HttpRequest) -> dict:
    """The defaults until you change something: urgent alerts and agency posts in the inbox
    and by email, and by push once a browser is subscribed."""
    return _settings_out(request.auth)


@router.put("/me/notifications",
            response={200: NotificationSettingsOut, **errors(400, *AUTHED)},
            summary="Change your notification settings")
def put_notification_settings(request: HttpRequest, payload: NotificationSettingsIn) -> dict:
    """Send only what changes. Urgent alerts cannot be switched off on their own (400):
    turn the channel off instead."""
    sent = payload.dict(exclude_unset=True)
    changes: dict[str, Any] = {}
    for channel, on in (sent.get("channels") or {}).items():
        if on is not None:
            changes[f"{channel}_enabled"] = on
    for kind, channels in (sent.get("kinds") or {}).items():
        for channel, on in channels.items():
            changes[f"{channel}_{kind}"] = on
    if "neighborhood_digest" in sent and sent["neighborhood_digest"] is not None:
        changes["neighborhood_digest"] = sent["neighborhood_digest"]
    if "quiet_hours" in sent:
        hours = sent["quiet_hours"]
        changes["quiet_start"] = hours["start"] if hours else None
        changes["quiet_end"] = hours["end"] if hours else None
    if sent.get("time_zone") is not None:
        changes["time_zone"] = sent["time_zone"]
    try:
        actions.update_preferences(request.auth, changes)
    except Invalid as exc:
        raise Invalid(exc.detail, {_api_field(name): messages for name, messages in
                                   (exc.fields or {}).items()}) from exc
    return _settings_out(request.auth)


@router.post("/push/subscriptions",
             response={201: PushSubscriptionOut, **errors(400, *AUTHED)},
             summary="Subscribe this browser to push notifications")
def subscribe_push(request: HttpRequest, payload: PushSubscriptionIn) -> tuple[int, dict]:
    """Send `PushSubscription.toJSON()`. Subscribing again refreshes it."""
    subscription = actions.subscribe_push(
        request.auth, endpoint=payload.endpoint, p256dh=payload.keys.p256dh,
        auth=payload.keys.auth, user_agent=request.headers.get("User-Agent", ""))
    return 201, {"id": subscription.pk, "created_at": subscription.created_at}


@router.delete("/push/subscriptions", response={204: None, **errors(400, 404, *AUTHED)},
               summary="Unsubscribe a browser")
def unsubscribe_push(request: HttpRequest, payload: PushUnsubscribeIn) -> HttpResponse:
    """The subscription's endpoint, as the browser reports it."""
    actions.unsubscribe_push(request.auth, endpoint=payload.endpoint)
    return HttpResponse(status=204)


@router.get("/agencies/{slug:agency}/posts/{int:id}/delivery",
            response={200: DeliveryReportOut, **errors(403, 404, *AUTHED)},
            summary="Delivery of an agency post")
def agency_post_delivery(request: HttpRequest, agency: str, id: Id) -> dict:
    """Per channel (inbox, email, push): audience, queued, sent, delivered, failed, given
    up, opened, and the time from publishing to the first and the last delivery. Counts
    only, never who."""
    post = agencies.get_agency_post_internal(request.auth, agencies.get_agency(agency), id)
    report = selectors.delivery_report(request.auth, post)
    return {"post_id": post.pk, "audience_size": report.audience_size,
            "channels": [vars(c) for c in report.channels]}


@router.post("/inbox/read-all", response={200: InboxReadAllOut, **errors(*AUTHED)},
             summary="Mark your whole inbox read")
def inbox_read_all(request: HttpRequest) -> dict:
    """Every post now in your inbox counts as read. `marked`: how many were unread;
    `unread`: what the badge shows now. Marking again marks nothing (0)."""
    marked = actions.mark_all_read(request.auth)
    return {"marked": marked, "unread": selectors.unread_count(request.auth)}
