"""Reads about residents that need rules (who may see whom), for the web pages and the API.

Every function asks policy first. Member lists carry only what policy allows other
residents to know (display name and street); home addresses never leave this module except
through `own_home`, which is the resident's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.accounts.actions.postcards import postcard_queue
from townsquare.accounts.mailing import Mailing
from townsquare.accounts.models import PostcardBatch, Resident
from townsquare.core.errors import Forbidden, NotFound


@dataclass(frozen=True)
class Member:
    """A verified member as other members see them."""

    display_name: str
    street: str
    founding_member: bool
    lead: bool


def _verified_members(neighborhood_id: int) -> QuerySet[Resident]:
    return (
        Resident.objects.filter(neighborhood_id=neighborhood_id, verified_at__isnull=False,
                                user__is_active=True)
        .select_related("user", "neighborhood")
        .order_by("user__display_name", "pk")
    )


def neighborhood_members(user: Any, neighborhood_id: int) -> list[Member] | None:
    """The member list of a neighborhood, or None if `user` may not see it."""
    if not policy.can_view_members(user, neighborhood_id):
        return None
    members = []
    for resident in _verified_members(neighborhood_id):
        label = policy.public_resident_label(resident)
        members.append(Member(display_name=label["display_name"], street=label["street"],
                              founding_member=resident.founding_member, lead=resident.is_lead))
    return members


def own_home(user: Any) -> Resident | None:
    """The caller's own resident record, the one place their home address is shown."""
    resident = policy.resident_of(user)
    if resident is None or not policy.can_see_home_address(user, resident):
        return None
    return resident


# --- Operators ----------------------------------------------------------------------------
def _require_operator(user: Any) -> None:
    if not policy.is_operator(user):
        raise Forbidden(_("Only operators can see this."))


def pending_postcard_count(user: Any) -> int:
    """Residents waiting whose postcard can go out (complete mailing address)."""
    _require_operator(user)
    return len(postcard_queue()[0])


def postcard_overview(user: Any) -> tuple[int, list[Mailing]]:
    """How many postcards can go out, and the residents held back with the reason."""
    _require_operator(user)
    ready, held = postcard_queue()
    return len(ready), held


def postcard_batches(user: Any, limit: int = 50) -> list[PostcardBatch]:
    _require_operator(user)
    return list(
        PostcardBatch.objects.select_related("created_by")
        .annotate(resident_count=Count("residents"))
        .order_by("-created_at", "-pk")[:limit]
    )


def get_postcard_batch(user: Any, batch_id: int) -> PostcardBatch:
    _require_operator(user)
    batch = PostcardBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(_("No such batch."))
    return batch


def lead_candidates(user: Any, neighborhood_id: int) -> list[Resident]:
    """An operator's view of a neighborhood's verified members, to appoint leads from."""
    _require_operator(user)
    return list(_verified_members(neighborhood_id))


def current_leads(user: Any) -> list[Resident]:
    _require_operator(user)
    return list(
        Resident.objects.filter(lead_since__isnull=False)
        .select_related("user", "neighborhood__city")
        .order_by("neighborhood__city__name", "neighborhood__name", "user__display_name")
    )


def get_resident_for_operator(user: Any, resident_id: int) -> Resident:
    _require_operator(user)
    resident = (
        Resident.objects.select_related("user", "neighborhood").filter(pk=resident_id).first()
    )
    if resident is None:
        raise NotFound(_("No such resident."))
    return resident
