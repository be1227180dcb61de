"""A new agency's first steps, and the applications operators review."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.agencies.models import Agency, AgencyPost, AgencyStaff
from townsquare.agencies.selectors.agency import require_internal
from townsquare.core.errors import Forbidden, NotFound


@dataclass(frozen=True)
class Checklist:
    """A new agency's first steps, read from what it has done (nothing is ticked by hand)."""

    missing_profile: list[str]
    staff_count: int
    published_count: int
    practice_count: int

    @property
    def profile_complete(self) -> bool:
        return not self.missing_profile

    @property
    def has_other_staff(self) -> bool:
        return self.staff_count >= 2

    @property
    def has_published(self) -> bool:
        return self.published_count > 0

    @property
    def done(self) -> bool:
        return self.profile_complete and self.has_other_staff and self.has_published


def onboarding_checklist(user: Any, agency: Agency) -> Checklist:
    """Profile complete, at least one other staff member, a first (non-practice) post that
    went out. Counts only: no names of staff for roles that do not manage them."""
    require_internal(user, agency)
    missing = [label for label, value in ((_("the official website"), agency.website),
                                          (_("the staff email domain"), agency.email_domain))
               if not value]
    if not agency.all_neighborhoods and not agency.jurisdiction.exists():
        missing.append(_("the jurisdiction"))
    posts = AgencyPost.objects.filter(agency=agency)
    went_out = posts.filter(practice=False, publish_at__lte=timezone.now()).filter(
        Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=F("publish_at")))
    return Checklist(
        missing_profile=missing,
        staff_count=AgencyStaff.objects.filter(agency=agency, active=True).count(),
        published_count=went_out.count(),
        practice_count=posts.filter(practice=True).count(),
    )


def applications(user: Any, *, status: str = Agency.Status.PENDING) -> list[Agency]:
    if not policy.can_review_agencies(user):
        raise Forbidden(_("Only operators review agency applications."))
    return list(Agency.objects.select_related("city").filter(status=status)
                .order_by("created_at", "pk"))


def get_application(user: Any, agency_id: int) -> Agency:
    if not policy.can_review_agencies(user):
        raise Forbidden(_("Only operators review agency applications."))
    agency = Agency.objects.select_related("city").filter(pk=agency_id).first()
    if agency is None:
        raise NotFound(_("No such application."))
    return agency
