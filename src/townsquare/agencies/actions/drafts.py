"""Drafts of agency posts: saved, resumed and deleted by the agency's publishers and admins.

A draft keeps the compose form's values as typed; nothing in it is checked until it is
published (through publish_agency_post, like any post). Reading drafts is here too: they
are the agency's working papers, never shown to residents.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.agencies.models import Agency, AgencyDraft
from townsquare.core.errors import Conflict, Forbidden, NotFound

MAX_DRAFTS = 100  # per agency
MAX_VALUE = 5000  # characters of one kept value (the longest field, the message)
MAX_ITEMS = 1000  # neighborhoods in one kept list


def _check(user: Any, agency: Agency) -> None:
    if not policy.can_publish(user, agency):
        raise Forbidden(_("Only the agency's publishers and admins keep drafts."))


def _kept(fields: dict[str, Any]) -> dict[str, Any]:
    """Text values and lists of text, trimmed to the form's sizes; anything else is left
    out."""
    kept: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, str):
            kept[name] = value[:MAX_VALUE]
        elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            kept[name] = [v[:200] for v in value[:MAX_ITEMS]]
    return kept


def save_draft(user: Any, agency: Agency, fields: dict[str, Any], *,
               draft_id: int | None = None) -> AgencyDraft:
    """Keep the form's values: a new draft, or (with draft_id) the same one updated."""
    _check(user, agency)
    kept = _kept(fields)
    now = timezone.now()
    title = str(kept.get("title") or "")[:200]
    if draft_id is not None:
        draft = get_draft(user, agency, draft_id)
        draft.fields, draft.title, draft.updated_at = kept, title, now
        draft.save(update_fields=["fields", "title", "updated_at"])
        return draft
    if AgencyDraft.objects.filter(agency=agency).count() >= MAX_DRAFTS:
        raise Conflict(_("Your agency keeps %(count)s drafts already: delete some first.")
                       % {"count": MAX_DRAFTS})
    return AgencyDraft.objects.create(agency=agency, author=user, title=title, fields=kept,
                                      created_at=now, updated_at=now)


def delete_draft(user: Any, agency: Agency, draft_id: int) -> None:
    get_draft(user, agency, draft_id).delete()


def get_draft(user: Any, agency: Agency, draft_id: int) -> AgencyDraft:
    _check(user, agency)
    draft = AgencyDraft.objects.filter(agency=agency, pk=draft_id).first()
    if draft is None:
        raise NotFound(_("No such draft."))
    return draft


def drafts(user: Any, agency: Agency) -> list[AgencyDraft]:
    """The agency's drafts, the latest first ([] for anyone who may not publish)."""
    if not policy.can_publish(user, agency):
        return []
    return list(AgencyDraft.objects.filter(agency=agency).select_related("author")
                .order_by("-updated_at", "-id")[:MAX_DRAFTS])
