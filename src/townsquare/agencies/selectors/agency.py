"""An agency as everyone sees it (name, kind, badge, jurisdiction), and the gate of its
internal pages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.agencies.models import Agency
from townsquare.core.errors import Forbidden, NotFound
from townsquare.places.models import Neighborhood


def get_agency(slug: str) -> Agency:
    """An approved agency by slug (public: name, kind, badge); NotFound otherwise."""
    agency = (Agency.objects.select_related("city")
              .filter(slug=slug, status=Agency.Status.APPROVED).first())
    if agency is None:
        raise NotFound(_("No such agency."))
    return agency


def jurisdiction_slugs(agency: Agency) -> list[str]:
    if agency.all_neighborhoods:
        return list(Neighborhood.objects.filter(city_id=agency.city_id)
                    .order_by("name").values_list("slug", flat=True))
    return list(agency.jurisdiction.order_by("name").values_list("slug", flat=True))


def jurisdiction_neighborhoods(agency: Agency) -> list[Neighborhood]:
    """The neighborhoods the agency may reach, by name (names, slugs and outlines are
    public: the neighborhood pages show them)."""
    qs = (Neighborhood.objects.filter(city_id=agency.city_id) if agency.all_neighborhoods
          else agency.jurisdiction.all())
    return list(qs.select_related("city").order_by("name"))


def require_internal(user: Any, agency: Agency) -> None:
    """The agency's own pages are for its staff and operators: 403 for everyone else (the
    agency itself is public, so this says nothing that was not known)."""
    if not policy.can_view_agency_internal(user, agency):
        raise Forbidden(_("Only the agency's staff can see this."))
