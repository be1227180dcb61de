"""Send given-up messages again: after an outage that outlasted the attempts, or a fixed
bug. Operators with `townsquare redeliver` (any filter), an agency's admins for one of
their posts (the "Send again" button of its Delivery section). docs/notifications.md.

A message sent again goes back to `queued` with its attempts at 0 and keeps its
Message-ID; the engine renders it afresh, so one whose post was withdrawn or whose
recipient unsubscribed meanwhile is skipped, not sent. Each call is in the audit log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.core import audit
from townsquare.core.errors import Forbidden, Invalid
from townsquare.notifications.models import Delivery


def given_up(*, agency_post_id: int | None = None, channel: str | None = None,
             since: dt.datetime | None = None, reason: str | None = None) -> QuerySet[Delivery]:
    """The given-up deliveries that match every filter given: of one agency post, on one
    channel, queued at or after `since`, whose last error contains `reason`."""
    rows = Delivery.objects.filter(state=Delivery.State.GIVEN_UP)
    if agency_post_id is not None:
        rows = rows.filter(agency_post_id=agency_post_id)
    if channel:
        if channel not in Delivery.Channel.values:
            raise Invalid(_("Unknown channel."), fields={"channel": [
                _("One of: %(channels)s.") % {"channels": ", ".join(Delivery.Channel.values)}]})
        rows = rows.filter(channel=channel)
    if since is not None:
        rows = rows.filter(queued_at__gte=since)
    if reason:
        rows = rows.filter(last_error__icontains=reason)
    return rows


def _requeue(rows: QuerySet[Delivery]) -> int:
    return rows.update(state=Delivery.State.QUEUED, attempts=0, next_attempt_at=timezone.now(),
                       lease_until=None, leased_by="", last_error="")


def redeliver(actor: Any, *, agency_post_id: int | None = None, channel: str | None = None,
              since: dt.datetime | None = None, reason: str | None = None,
              dry_run: bool = False) -> int:
    """Queue again the given-up deliveries that match (see `given_up`); return how many.
    With `dry_run`, only count them. For operators (the command runs as the system)."""
    if actor is not None and not policy.is_operator(actor):
        raise Forbidden(_("Only operators send messages again across agencies."))
    rows = given_up(agency_post_id=agency_post_id, channel=channel, since=since,
                    reason=reason)
    if dry_run:
        return rows.count()
    with transaction.atomic(durable=True):
        count = _requeue(rows)
        audit.record(actor, "notifications.redeliver", None, count=count,
                     agency_post=agency_post_id, channel=channel or "",
                     since=since.isoformat() if since else "", reason=reason or "")
    return count


def redeliver_agency_post(user: Any, post: Any, *, channel: str | None = None) -> int:
    """An agency admin sends the given-up messages of one of the agency's posts again."""
    if not policy.can_redeliver_agency_post(user, post.agency):
        raise Forbidden(_("Only the agency's admins send messages again."))
    with transaction.atomic(durable=True):
        count = _requeue(given_up(agency_post_id=post.pk, channel=channel))
        audit.record(user, "notifications.redeliver", post, agency=post.agency, count=count,
                     channel=channel or "")
    return count
