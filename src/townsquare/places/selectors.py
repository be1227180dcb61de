"""Read-only queries about places, shared by the web pages and the API."""

from __future__ import annotations

import re

from django.db.models import Max, Min, QuerySet
from django.utils.translation import gettext as _

from townsquare.core.errors import NotFound
from townsquare.places.geometry import Bounds
from townsquare.places.models import Address, City, Neighborhood

_SPACES = re.compile(r"\s+")
SEARCH_LIMIT_MAX = 50


def normalise_address(text: str) -> str:
    """The gazetteer key: upper-case, whitespace collapsed, stripped.

    "3108  occidental dr " and "3108 OCCIDENTAL DR" are the same address; the import
    and every lookup go through this one function so they cannot drift apart.
    """
    return _SPACES.sub(" ", text).strip().upper()


def find_address(city: City, text: str) -> Address | None:
    key = normalise_address(text)
    if not key:
        return None
    return Address.objects.filter(city=city, key=key).select_related("neighborhood").first()


def search_addresses(city: City, prefix: str, limit: int = 10) -> list[Address]:
    """Gazetteer entries whose key starts with the normalised prefix, alphabetically."""
    key = normalise_address(prefix)
    if not key:
        return []  # an empty prefix would list the whole gazetteer
    limit = max(1, min(limit, SEARCH_LIMIT_MAX))
    return list(
        Address.objects.filter(city=city, key__startswith=key)
        .select_related("neighborhood")
        .order_by("key")[:limit]
    )


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
