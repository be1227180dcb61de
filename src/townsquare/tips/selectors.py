"""Reading tips: the tipster's thread by code, and the staff's inbox and tip pages.

Every staff view of a tip is written to the audit log (tip_for_staff). Search over the
encrypted text goes through the keyed word index (TipSearchToken): whole words only, no
prefixes or phrases; the text itself is decrypted only for the page shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.core import audit, cursors
from townsquare.core.errors import NotFound
from townsquare.tips import actions, crypto
from townsquare.tips.models import (
    Outcome,
    Tip,
    TipAttachment,
    TipMessage,
    TipNote,
    TipSearchToken,
    TipStatus,
)

MAX_LIMIT = 200
MAX_QUERY_WORDS = 8


@dataclass(frozen=True)
class ThreadMessage:
    sender: str  # "tipster" | "agency"
    body: str
    created_at: dt.datetime
    outcome: bool = False


@dataclass
class TipThread:
    tip: Tip
    status: str
    messages: list[ThreadMessage] = field(default_factory=list)


def thread_for_code(code: str, *, client_address: str | None = None) -> TipThread:
    """What the holder of a code sees: the status and the two-way thread (with the
    outcomes the agency posted on the post the tip answers). Never the notes."""
    tip = actions.tip_by_code(code, client_address=client_address)
    messages = [ThreadMessage(m.sender, m.body, m.created_hour)
                for m in TipMessage.objects.filter(tip=tip).order_by("created_hour", "id")]
    if tip.agency_post_id is not None:
        messages += [ThreadMessage(TipMessage.Sender.AGENCY, o.body, o.created_at, outcome=True)
                     for o in Outcome.objects.filter(agency_post_id=tip.agency_post_id)]
        messages.sort(key=lambda m: m.created_at)  # stable: same-hour messages keep order
    return TipThread(tip=tip, status=tip.status, messages=messages)


def _inbox_rows(agency: Any) -> QuerySet[Tip]:
    return (Tip.objects.filter(agency=agency)
            .select_related("agency", "agency_post", "assignee__user", "sender__user",
                            "sender__neighborhood"))


def inbox(user: Any, agency: Any, *, status: str | None = None, assignee: str | None = None,
          tag: str | None = None, q: str | None = None, cursor: str | None = None,
          limit: int = 25, include_hidden: bool = False,
          include_merged: bool = False) -> tuple[list[Tip], str | None]:
    """The agency's tips, newest first, a page at a time: one query whatever the filters
    and the number of tips (the bodies of the page are decrypted, nothing else)."""
    actions.require_triage(user, agency)
    limit = max(1, min(int(limit), MAX_LIMIT))
    rows = _inbox_rows(agency)
    if status:
        if status not in TipStatus.values:
            from townsquare.core.errors import Invalid

            raise Invalid(_("Not a status."), {"status": [_("One of: %(values)s.") % {
                "values": ", ".join(TipStatus.values)}]})
        rows = rows.filter(status=status)
    if not include_hidden:
        rows = rows.filter(hidden=False)
    if not include_merged:
        rows = rows.filter(merged_into__isnull=True)
    if assignee is not None:
        rows = (rows.filter(assignee__isnull=True) if assignee == ""
                else rows.filter(assignee__user__email__iexact=assignee))
    if tag:
        rows = rows.filter(_has_token(crypto.digest("tag", tag.strip().casefold())[:16]))
    if q:
        digests = sorted(crypto.word_digests(q))[:MAX_QUERY_WORDS]
        if not digests:
            return [], None
        for digest in digests:
            rows = rows.filter(_has_token(digest))
    if cursor:
        hour, pk = cursors.decode(cursor)
        rows = rows.filter(Q(created_hour__lt=hour) | Q(created_hour=hour, id__lt=pk))
    items = list(rows.order_by("-created_hour", "-id")[:limit + 1])
    next_cursor = None
    if len(items) > limit:
        items = items[:limit]
        next_cursor = cursors.encode(items[-1].created_hour, items[-1].pk)
    if items:  # the staff read these tips: one audit entry for the page
        audit.record(user, "tip.list", agency=agency, tips=[t.pk for t in items])
    return items, next_cursor


def _has_token(digest: str) -> Exists:
    return Exists(TipSearchToken.objects.filter(tip_id=OuterRef("pk"), digest=digest))


def tip_for_staff(user: Any, agency: Any, tip_id: int) -> Tip:
    """One tip of the agency for its tips staff (403 for the agency's other staff, 404 for
    everyone else), hidden and merged ones included. Every view is audited."""
    actions.require_triage(user, agency)
    tip = _inbox_rows(agency).filter(pk=tip_id).first() if isinstance(tip_id, int) else None
    if tip is None:
        raise NotFound(_("No such tip."))
    audit.record(user, "tip.view", tip, agency=tip.agency)
    return tip


def _check(user: Any, tip: Tip) -> None:
    actions.require_triage(user, tip.agency)


def messages(user: Any, tip: Tip) -> list[TipMessage]:
    """The tip's thread, with the threads of the tips merged into it, oldest first."""
    _check(user, tip)
    return list(TipMessage.objects.filter(Q(tip=tip) | Q(tip__merged_into=tip))
                .select_related("author__user").order_by("created_hour", "id"))


def notes(user: Any, tip: Tip) -> list[TipNote]:
    _check(user, tip)
    return list(TipNote.objects.filter(tip=tip).select_related("author__user")
                .order_by("created_hour", "id"))


def attachments(user: Any, tip: Tip) -> list[TipAttachment]:
    _check(user, tip)
    return list(TipAttachment.objects.filter(tip=tip).order_by("id"))


def duplicates(user: Any, tip: Tip) -> list[Tip]:
    _check(user, tip)
    return list(Tip.objects.filter(merged_into=tip).order_by("created_hour", "id"))


def outcomes(agency_post_id: int) -> list[Outcome]:
    return list(Outcome.objects.filter(agency_post_id=agency_post_id))


def token_user(token: str) -> Any:
    """The active account of an API token, read without writing its last use (see the
    tips router): None for an unknown token."""
    from townsquare.accounts import codes
    from townsquare.accounts.models import ApiToken

    if not token or len(token) > 200:
        return None
    record = (ApiToken.objects.select_related("user")
              .filter(key_hash=codes.hash_token(token), user__is_active=True).first())
    return record.user if record is not None else None


def sender_label(tip: Tip) -> dict[str, str] | None:
    return policy.tip_sender_label(tip)
