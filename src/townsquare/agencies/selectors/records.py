"""The records an agency keeps: its audit log and the public-records export."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.agencies import exports
from townsquare.agencies.models import Agency, AgencyPost, AgencyPostTarget, AgencyReply
from townsquare.core import cursors
from townsquare.core.errors import Forbidden
from townsquare.core.models import AuditLog


def audit_entries(user: Any, agency: Agency, *, cursor: str | None = None,
                  limit: int | None = 25) -> list[AuditLog]:
    """The agency's audit log, newest first (`limit + 1` rows; None: all of it)."""
    if not policy.can_view_audit(user, agency):
        raise Forbidden(_("Only the agency's admins and operators read its audit log."))
    qs: QuerySet[AuditLog] = AuditLog.objects.filter(agency_id=agency.pk)
    if cursor:
        at, pk = cursors.decode(cursor)
        qs = qs.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
    qs = qs.order_by("-created_at", "-pk")
    return list(qs if limit is None else qs[:limit + 1])


def export_records(agency: Agency) -> list[dict[str, Any]]:
    """Every post of the agency with its (not deleted) replies, oldest first, as plain data
    for agencies/exports.py. Callers check policy.can_export first (the export action)."""
    posts = list(AgencyPost.objects.filter(agency=agency).select_related("author")
                 .order_by("created_at", "pk"))
    targets: dict[int, list[str]] = {p.pk: [] for p in posts}
    for post_id, slug in (AgencyPostTarget.objects.filter(post__agency=agency)
                          .order_by("neighborhood__name")
                          .values_list("post_id", "neighborhood__slug")):
        targets[post_id].append(slug)
    by_post: dict[int, list[dict[str, Any]]] = {p.pk: [] for p in posts}
    for reply in (AgencyReply.objects.filter(post__agency=agency, deleted_at__isnull=True)
                  .select_related("author__user", "neighborhood").order_by("created_at", "pk")):
        by_post[reply.post_id].append(exports.reply_record(reply))
    return [{**exports.post_record(p, targets[p.pk]), "replies": by_post[p.pk]} for p in posts]
