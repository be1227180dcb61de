"""Reads about notifications: an account's settings, and an agency post's delivery report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Min, Q
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.agencies import selectors as agencies
from townsquare.agencies.models import AgencyPost
from townsquare.core.errors import Forbidden
from townsquare.notifications import kinds, reasons
from townsquare.notifications.models import Delivery, NotificationPreference, PushSubscription
from townsquare.notifications.sources import preference_of


@dataclass
class Settings:
    preference: NotificationPreference
    push_subscriptions: int
    city_time_zone: str

    @property
    def push_state(self) -> str:
        """What the settings page says of push, from the subscribed browsers (the rows), never
        from the switch alone: "on" (switched on and at least one browser subscribed),
        "no_browser" (switched on, nothing to send to) or "off" (switched off)."""
        if not self.preference.push_enabled:
            return "off"
        return "on" if self.push_subscriptions else "no_browser"


def settings_of(user: Any) -> Settings:
    """The caller's settings (the defaults if they never changed any)."""
    if not getattr(user, "is_authenticated", False):
        raise Forbidden(_("Sign in to see your notification settings."))
    preference = preference_of(user)
    resident = policy.resident_of(user)
    from django.conf import settings

    zone = resident.neighborhood.city.time_zone if resident else settings.TIME_ZONE
    count = PushSubscription.objects.filter(user=user, retired_at__isnull=True).count()
    return Settings(preference, count, zone)


@dataclass
class ChannelReport:
    channel: str
    total: int = 0
    queued: int = 0
    sending: int = 0
    retrying: int = 0
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    given_up: int = 0
    skipped: int = 0
    opened: int | None = None
    first_delivery_seconds: float | None = None
    last_delivery_seconds: float | None = None
    errors: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class DeliveryReport:
    post: AgencyPost
    audience_size: int
    channels: list[ChannelReport]


def _seconds(start: dt.datetime, end: dt.datetime | None) -> float | None:
    return None if end is None else round(max(0.0, (end - start).total_seconds()), 3)


def delivery_report(user: Any, post: AgencyPost,
                    totals: dict[str, int] | None = None) -> DeliveryReport:
    """Counts per channel and state, opened, and the time from publishing to the first and
    last delivery. A handful of grouped queries, whatever the audience. Counts only: never
    who (the privacy wall). Opened: for the inbox, residents who opened the post; for email
    and push, messages whose link was followed (no tracking pixels: docs/notifications.md).
    `totals`: the post's reach totals when the caller has them already."""
    if not policy.can_view_agency_internal(user, post.agency):
        raise Forbidden(_("Only the agency's staff can see this."))
    if totals is None:
        totals, _per_neighborhood = agencies.reach(user, post)
    inbox = ChannelReport(kinds.INBOX, total=post.audience_size,
                          delivered=post.audience_size if post.is_live() else 0,
                          opened=totals["seen"], first_delivery_seconds=0.0,
                          last_delivery_seconds=0.0)
    reports = {c: ChannelReport(c) for c in kinds.SENDING_CHANNELS}
    rows = (Delivery.objects.filter(agency_post=post)
            .values("channel", "state")
            .annotate(n=Count("pk"), retrying=Count("pk", filter=Q(
                state="failed", next_attempt_at__isnull=False)),
                opened=Count("opened_at"), first=Min("delivered_at"),
                last=Max("delivered_at"), first_sent=Min("sent_at"), last_sent=Max("sent_at")))
    firsts: dict[str, list[dt.datetime]] = {c: [] for c in reports}
    lasts: dict[str, list[dt.datetime]] = {c: [] for c in reports}
    for row in rows:
        report = reports[row["channel"]]
        state = row["state"]
        report.total += row["n"]
        if state == "failed":
            report.retrying += row["retrying"]
            report.failed += row["n"] - row["retrying"]
        else:
            setattr(report, state, getattr(report, state) + row["n"])
        report.opened = (report.opened or 0) + row["opened"]
        for moment in (row["first"], row["first_sent"]):
            if moment is not None:
                firsts[row["channel"]].append(moment)
        for moment in (row["last"], row["last_sent"]):
            if moment is not None:
                lasts[row["channel"]].append(moment)
    for name, report in reports.items():
        report.first_delivery_seconds = _seconds(post.publish_at, min(firsts[name], default=None))
        report.last_delivery_seconds = _seconds(post.publish_at, max(lasts[name], default=None))
        report.errors = _errors(post, name)
    return DeliveryReport(post, post.audience_size, [inbox, *reports.values()])


def _errors(post: AgencyPost, channel: str, limit: int = 5) -> list[tuple[str, int]]:
    """The commonest reasons of failures, with counts: texts from servers, never addresses
    (reasons are stored masked; masked again here for older rows, then merged)."""
    rows = (Delivery.objects.filter(agency_post=post, channel=channel,
                                    state__in=("failed", "given_up"))
            .exclude(last_error="").values("last_error").annotate(n=Count("pk"))
            .order_by("-n", "last_error")[:100])
    merged: dict[str, int] = {}
    for row in rows:
        reason = reasons.public(row["last_error"])
        merged[reason] = merged.get(reason, 0) + row["n"]
    return sorted(merged.items(), key=lambda item: (-item[1], item[0]))[:limit]


# --- the inbox badge --------------------------------------------------------------------------
def unread_count(user: Any, *, cap: int = 99) -> int:
    """Unread posts in the caller's inbox, as the header shows them (agencies/selectors/inbox.py:
    one query, counted up to cap + 1). The event stream polls this."""
    return agencies.unread_count(user, cap=cap)


def unread_label(count: int, *, cap: int = 99) -> str:
    return f"{cap}+" if count > cap else str(count)
