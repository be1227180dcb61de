"""Staff reads that the audit log must show: reading replies in bulk, and exports."""

from __future__ import annotations

from typing import Any, Literal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.agencies import exports, selectors
from townsquare.agencies.models import Agency, AgencyPost
from townsquare.core import audit
from townsquare.core.errors import Forbidden
from townsquare.core.models import AuditLog


def record_replies_read(user: Any, post: AgencyPost, *, count: int) -> None:
    """Staff (or an operator) listed a post's replies: one audit entry per listing.

    Residents reading their neighbors' replies are not audited: the log is about what the
    agency (and the operators) saw of residents.
    """
    if not policy.can_read_replies(user, post.agency):
        return
    audit.record(user, "agencies.replies_read", post, agency=post.agency, count=count)


def export_agency(user: Any, agency: Agency, fmt: Literal["csv", "json"]) -> bytes:
    """All the agency's posts and the replies to them, for a public-records request."""
    if not policy.can_export(user, agency):
        raise Forbidden(_("Only the agency's admins export its records."))
    now = timezone.now()
    with transaction.atomic(durable=True):
        records = selectors.export_records(agency)
        audit.record(user, "agencies.export", agency, agency=agency, format=fmt,
                     posts=len(records), replies=sum(len(p["replies"]) for p in records))
    if fmt == "csv":
        return exports.to_csv(records)
    return exports.to_json(agency, records, now)


def export_audit_log(user: Any, agency: Agency) -> list[AuditLog]:
    """The agency's whole audit log, for its CSV download; the download is logged first, so
    the file includes its own entry."""
    if not policy.can_view_audit(user, agency):
        raise Forbidden(_("Only the agency's admins and operators read its audit log."))
    with transaction.atomic(durable=True):
        audit.record(user, "agencies.audit_exported", agency, agency=agency)
        return selectors.audit_entries(user, agency, limit=None)
