"""An agency's staff, for its admins."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.agencies.models import Agency, AgencyStaff
from townsquare.core.errors import Forbidden, NotFound


def staff_members(user: Any, agency: Agency) -> list[AgencyStaff]:
    if not policy.can_manage_staff(user, agency):
        raise Forbidden(_("Only the agency's admins see its staff."))
    return list(AgencyStaff.objects.filter(agency=agency, active=True).select_related("user")
                .order_by("user__email", "pk"))


def get_staff_member(user: Any, agency: Agency, staff_id: int) -> AgencyStaff:
    if not policy.can_manage_staff(user, agency):
        raise Forbidden(_("Only the agency's admins manage its staff."))
    staff = (AgencyStaff.objects.select_related("user", "agency")
             .filter(pk=staff_id, agency=agency, active=True).first())
    if staff is None:
        raise NotFound(_("No such staff member."))
    return staff
