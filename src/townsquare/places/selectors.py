"""Read-only queries about places, shared by the web pages and the API."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Max, Min, QuerySet
from django.utils.translation import gettext as _

from townsquare.core.errors import NotFound
from townsquare.places import streets
from townsquare.places.geometry import Bounds
from townsquare.places.models import Address, City, Neighborhood

_SPACES = re.compile(r"\s+")
SEARCH_LIMIT_MAX = 50


def normalise_address(text: str) -> str:
    """The gazetteer key: upper-case, whitespace collapsed, USPS abbreviations.

    "3108  occidental drive " and "3108 OCCIDENTAL DR" are the same address; the imports
    and every lookup go through this one function so they cannot drift apart. An
    intersection ("3RD ST / O ST") is only upper-cased and collapsed.
    """
    collapsed = _SPACES.sub(" ", text).strip().upper()
    if not collapsed or streets.is_intersection(collapsed):
        return collapsed
    return streets.parse(collapsed).key or collapsed


def find_address(city: City, text: str) -> Address | None:
    key = normalise_address(text)
    if not key:
        return None
    return Address.objects.filter(city=city, key=key).select_related("neighborhood").first()


def search_addresses(city: City, prefix: str, limit: int = 10, *,
                     homes_only: bool = False) -> list[Address]:
    """Gazetteer entries whose key starts with the normalised prefix, alphabetically.

    The prefix is upper-cased and collapsed, not abbreviated: "7421 pocket ro" must still
    find "7421 POCKET RD" while the suffix is being typed ("7421 pocket r"). With `homes_only`,
    intersections are left out.
    """
    key = _SPACES.sub(" ", prefix).strip().upper()
    if not key:
        return []  # an empty prefix would list the whole gazetteer
    limit = max(1, min(limit, SEARCH_LIMIT_MAX))
    found = Address.objects.filter(city=city, key__startswith=key)
    full = normalise_address(prefix)
    if full != key:  # "7421 pocket road": also the abbreviated form
        found = Address.objects.filter(city=city, key__startswith=full) | found
    if homes_only:
        found = found.filter(is_intersection=False)
    return list(
        found
        .select_related("neighborhood")
        .order_by("key")[:limit]
    )


# Interpolate only between known numbers at most this far apart (about four blocks).
INTERPOLATION_MAX_GAP = 400


@dataclass(frozen=True)
class HomeAddress:
    """Where a typed home address is: a known point, or one interpolated along its street.

    `text` is the address for people ("7421 Pocket Rd Apt 3"); `approximate` is true for
    an interpolated point. `locality`, `state` and `postcode` are "" when unknown (block
    points from incident data carry none).
    """

    text: str
    street: str
    lat: float
    lon: float
    neighborhood_id: int | None
    approximate: bool
    locality: str = ""
    state: str = ""
    postcode: str = ""


def resolve_home_address(city: City, text: str) -> HomeAddress | None:
    """The home at a typed street address, or None; intersections are never homes.

    An exact key wins (a unit typed but unknown takes the building's point). Otherwise a
    house number between two known numbers of the same street and parity (the same side)
    gets a point interpolated linearly between them, marked approximate, and the ZIP
    code they share.
    """
    if streets.is_intersection(text):
        return None
    parsed = streets.parse(text)
    if not parsed.number or not parsed.street:
        return None
    found = Address.objects.filter(city=city, key=parsed.key, is_intersection=False).first()
    if found is None:  # the building: without the unit, or under another unit's point
        found = Address.objects.filter(
            city=city, street=parsed.street, number=parsed.number, is_intersection=False,
        ).order_by("unit", "key").first()
    if found is not None:
        return HomeAddress(
            text=streets.display_address(parsed.number, parsed.street, parsed.unit),
            street=found.street, lat=found.lat, lon=found.lon,
            neighborhood_id=found.neighborhood_id, approximate=False,
            locality=found.locality, state=found.state, postcode=found.postcode)
    return _interpolate(city, parsed)


def _interpolate(city: City, parsed: streets.ParsedAddress) -> HomeAddress | None:
    from townsquare.places.geoindex import locate_point

    value = parsed.number_value
    if value is None:
        return None
    same_side = Address.objects.filter(
        city=city, street=parsed.street, is_intersection=False,
        number_value__gte=value - INTERPOLATION_MAX_GAP,
        number_value__lte=value + INTERPOLATION_MAX_GAP,
    ).order_by("number_value", "source", "key")
    below = above = None
    for point in same_side:
        if point.number_value is None or point.number_value % 2 != value % 2:
            continue
        if point.number_value < value:
            below = point  # ascending: the last one below is the closest
        elif point.number_value > value and above is None:
            above = point
    if below is None or above is None or below.number_value is None \
            or above.number_value is None:
        return None
    if above.number_value - below.number_value > INTERPOLATION_MAX_GAP:
        return None
    share = (value - below.number_value) / (above.number_value - below.number_value)
    lat = below.lat + share * (above.lat - below.lat)
    lon = below.lon + share * (above.lon - below.lon)
    hood = locate_point(lat, lon, city)
    near = below if share <= 0.5 else above

    def agreed(name: str) -> str:
        first, second = getattr(below, name), getattr(above, name)
        return first if first == second else getattr(near, name)

    return HomeAddress(
        text=streets.display_address(parsed.number, parsed.street, parsed.unit),
        street=parsed.street, lat=lat, lon=lon,
        neighborhood_id=hood.pk if hood is not None else None, approximate=True,
        locality=agreed("locality"), state=agreed("state"), postcode=agreed("postcode"))


def neighborhoods_for_city(city: City) -> QuerySet[Neighborhood]:
    return Neighborhood.objects.filter(city=city).order_by("name")


def city_bounds(city: City) -> Bounds | None:
    """The box around all of the city's neighborhoods, or None if it has none yet."""
    box = Neighborhood.objects.filter(city=city).aggregate(
        min_lon=Min("min_lon"), min_lat=Min("min_lat"),
        max_lon=Max("max_lon"), max_lat=Max("max_lat"),
    )
    if box["min_lon"] is None:
        return None
    return Bounds(box["min_lon"], box["min_lat"], box["max_lon"], box["max_lat"])


def get_city(slug: str) -> City:
    """The city with this slug; NotFound otherwise."""
    city = City.objects.filter(slug=slug).first()
    if city is None:
        raise NotFound(_("No such city."))
    return city


def get_neighborhood(city_slug: str, slug: str) -> Neighborhood:
    """A neighborhood by its city's slug and its own; NotFound otherwise."""
    nbhd = (
        Neighborhood.objects.select_related("city")
        .filter(city__slug=city_slug, slug=slug)
        .first()
    )
    if nbhd is None:
        raise NotFound(_("No such neighborhood."))
    return nbhd


def nearby_slugs(nbhd: Neighborhood) -> list[str]:
    """Slugs of the neighborhoods that touch `nbhd`, alphabetically."""
    return sorted(nbhd.nearby.values_list("slug", flat=True))
