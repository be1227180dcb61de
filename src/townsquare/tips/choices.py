"""What the tips pages offer to choose from: the staff a tip can be assigned to, the
agencies it can be forwarded to, and the count of new tips. Each answers the agency's tips
staff and admins only (tips.actions.require_triage)."""

from __future__ import annotations

from typing import Any

from townsquare import policy
from townsquare.agencies.models import Agency, AgencyStaff
from townsquare.tips import actions
from townsquare.tips.models import Tip, TipStatus


def tips_staff(user: Any, agency: Agency) -> list[AgencyStaff]:
    """Who may be assigned a tip: the agency's active tips staff and admins."""
    actions.require_triage(user, agency)
    return list(AgencyStaff.objects.select_related("user")
                .filter(agency=agency, active=True, role__in=[policy.ADMIN, policy.TIPS])
                .order_by("user__display_name", "pk"))


def forward_targets(user: Any, agency: Agency) -> list[Agency]:
    """Where a tip may be forwarded: the other approved agencies of the city."""
    actions.require_triage(user, agency)
    return list(Agency.objects.filter(city_id=agency.city_id, status=Agency.Status.APPROVED)
                .exclude(pk=agency.pk).order_by("name"))


def new_count(user: Any, agency: Agency) -> int:
    """Tips no one has looked at yet (status new, shown, not merged): the inbox's badge."""
    actions.require_triage(user, agency)
    return Tip.objects.filter(agency=agency, status=TipStatus.NEW, hidden=False,
                              merged_into__isnull=True).count()
