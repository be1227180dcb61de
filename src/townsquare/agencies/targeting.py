"""Who an agency post reaches: the whole jurisdiction, chosen neighborhoods, or every
neighborhood of the jurisdiction that an area drawn on the map overlaps.

`resolve` checks everything before anything is written and reports problems per field
(`neighborhoods`, `area`), so a publishing form can show them all at once. The audience
is the sum of the targets' denormalised `Neighborhood.verified_members`: one query over
the targeted neighborhoods, whatever the number of residents (docs/agencies.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.utils.translation import gettext as _
from shapely.geometry import shape

from townsquare.agencies.models import Agency
from townsquare.core.errors import Invalid
from townsquare.places import geoindex
from townsquare.places.models import Neighborhood

# A drawn area is a shape from a map, not a boundary file: a few hundred points at most.
MAX_AREA_POINTS = 5000
MAX_NEIGHBORHOODS = 500


@dataclass(frozen=True)
class Targets:
    neighborhood_ids: list[int]
    target_all: bool
    area: dict[str, Any] | None


def jurisdiction_ids(agency: Agency) -> list[int]:
    if agency.all_neighborhoods:
        return list(Neighborhood.objects.filter(city_id=agency.city_id)
                    .order_by("pk").values_list("pk", flat=True))
    return list(agency.jurisdiction.order_by("pk").values_list("pk", flat=True))


def resolve(agency: Agency, *, neighborhoods: object = None, area: object = None) -> Targets:
    """The targeted neighborhood ids. `neighborhoods` None and `area` None: the whole
    jurisdiction. Raises Invalid (fields `neighborhoods` / `area`) for a bad target."""
    if neighborhoods is not None and area is not None:
        raise Invalid(_("Target either neighborhoods or an area, not both."), {
            "area": [_("Target either chosen neighborhoods or an area drawn on the map, "
                       "not both.")]})
    allowed = jurisdiction_ids(agency)
    if area is not None:
        ids = _area_targets(agency, area, set(allowed))
        return Targets(ids, target_all=False, area=dict(area))  # type: ignore[call-overload]
    if neighborhoods is not None:
        return Targets(_chosen(agency, neighborhoods, set(allowed)), target_all=False,
                       area=None)
    if not allowed:
        raise Invalid(_("Your agency has no jurisdiction yet."), {"neighborhoods": [
            _("Your agency's jurisdiction has no neighborhoods; ask an operator to set it.")]})
    return Targets(allowed, target_all=True, area=None)


def audience(neighborhood_ids: list[int]) -> dict[int, int]:
    """Verified residents per targeted neighborhood, from the denormalised counts."""
    return dict(Neighborhood.objects.filter(pk__in=neighborhood_ids)
                .values_list("pk", "verified_members"))


def _chosen(agency: Agency, slugs: object, allowed: set[int]) -> list[int]:
    if not isinstance(slugs, list | tuple) or not all(isinstance(s, str) for s in slugs):
        raise Invalid(_("Neighborhoods must be a list of slugs."),
                      {"neighborhoods": [_("Must be a list of neighborhood slugs.")]})
    wanted = list(dict.fromkeys(s.strip().lower() for s in slugs))
    if not wanted:
        raise Invalid(_("Choose at least one neighborhood."), {"neighborhoods": [
            _("Choose at least one neighborhood, or leave the field out to reach your whole "
              "jurisdiction.")]})
    if len(wanted) > MAX_NEIGHBORHOODS:
        raise Invalid(_("Too many neighborhoods."),
                      {"neighborhoods": [_("At most %(count)s.") % {"count": MAX_NEIGHBORHOODS}]})
    found = dict(Neighborhood.objects.filter(city_id=agency.city_id, slug__in=wanted)
                 .values_list("slug", "pk"))
    problems = []
    for slug in wanted:
        if slug not in found:
            problems.append(_("No neighborhood %(slug)s in %(city)s.")
                            % {"slug": repr(slug), "city": agency.city.name})
        elif found[slug] not in allowed:
            problems.append(_("%(slug)s is outside your agency's jurisdiction.")
                            % {"slug": repr(slug)})
    if problems:
        raise Invalid(_("Some neighborhoods cannot be targeted."), {"neighborhoods": problems})
    return sorted(found[slug] for slug in wanted)


def _area_targets(agency: Agency, area: object, allowed: set[int]) -> list[int]:
    geometry = parse_area(area)
    # The index is shared by every request thread: it runs the GEOS calls on its prepared
    # polygons itself, one thread at a time (places/geoindex.py, "Threads"). Touching a
    # neighborhood only along its edge is not reaching into it.
    city_ids = {int(i) for i in geoindex.index_for(agency.city_id).overlapping(geometry)}
    if not city_ids:
        raise Invalid(_("The area is outside the city."), {"area": [
            _("The area drawn does not overlap any neighborhood of %(city)s.")
            % {"city": agency.city.name}]})
    ids = sorted(city_ids & allowed)
    if not ids:
        raise Invalid(_("The area is outside your jurisdiction."), {"area": [
            _("The area drawn overlaps no neighborhood of your agency's jurisdiction.")]})
    return ids


def parse_area(area: object) -> shapely.Geometry:
    """A GeoJSON Polygon or MultiPolygon (or a Feature holding one), WGS84 lon/lat."""
    def bad(message: str) -> Invalid:
        return Invalid(_("The area is not usable."), {"area": [message]})

    if isinstance(area, Mapping) and area.get("type") == "Feature":
        area = area.get("geometry")
    if not isinstance(area, Mapping) or area.get("type") not in ("Polygon", "MultiPolygon"):
        raise bad(_("Draw the area as a GeoJSON Polygon or MultiPolygon."))
    try:
        geometry = shapely.force_2d(shape(area))
    except (ValueError, TypeError, IndexError, AttributeError,
            shapely.errors.ShapelyError) as exc:
        raise bad(_("The area's coordinates are malformed.")) from exc
    xy = shapely.get_coordinates(geometry)
    if len(xy) > MAX_AREA_POINTS:
        raise bad(f"The area has more than {MAX_AREA_POINTS} points.")
    if geometry.is_empty or not len(xy):
        raise bad(_("The area is empty."))
    if not np.isfinite(xy).all() or (np.abs(xy[:, 0]) > 180).any() or (
            np.abs(xy[:, 1]) > 90).any():
        raise bad(_("Coordinates must be WGS84 [longitude, latitude] within range."))
    if geometry.area == 0:
        raise bad(_("The area has no surface."))
    if not geometry.is_valid:
        raise bad(f"The area is not a valid shape ({shapely.is_valid_reason(geometry)}).")
    return geometry
