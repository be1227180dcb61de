"""Cities and neighborhoods: public, no account needed."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from townsquare.api import pagination, serializers
from townsquare.api.responses import errors
from townsquare.api.schemas import LocateOut, NeighborhoodDetail, NeighborhoodPage
from townsquare.core.errors import NotFound
from townsquare.places import geoindex, selectors

router = Router(tags=["places"])


@router.get("/cities/{slug:city}/neighborhoods",
            response={200: NeighborhoodPage, **errors(400, 404)},
            summary="List a city's neighborhoods")
def city_neighborhoods(
    request: HttpRequest, city: str, cursor: pagination.Cursor = None,
    limit: pagination.Limit = pagination.MAX_LIMIT,
) -> dict:
    """Every neighborhood of the city, by name. The page size defaults to 200, so most
    cities come in one page."""
    found = selectors.get_city(city)
    items, next_cursor = pagination.by_name(
        list(selectors.neighborhoods_for_city(found)), cursor=cursor, limit=limit,
        key=lambda n: (n.name, n.pk),
    )
    return pagination.page([serializers.neighborhood_summary(n) for n in items], next_cursor)


@router.get("/locate", response={200: LocateOut, **errors(400, 404)},
            summary="Find the neighborhood at a point")
def locate(
    request: HttpRequest,
    lat: Annotated[float, Query(ge=-90, le=90, description="WGS84 latitude")],
    lon: Annotated[float, Query(ge=-180, le=180, description="WGS84 longitude")],
) -> dict:
    """The neighborhood (and its city) that contains the point; 404 outside every one."""
    nbhd = geoindex.locate_point(lat, lon)
    if nbhd is None:
        raise NotFound(_("That point is not inside any neighborhood."))
    return serializers.located(nbhd)


@router.get("/neighborhoods/{slug:city}/{slug:slug}",
            response={200: NeighborhoodDetail, **errors(404)},
            summary="A neighborhood's public page")
def neighborhood(request: HttpRequest, city: str, slug: str) -> dict:
    """Name, whether it has launched, its verified member count, the slugs of the
    neighborhoods that touch it, and its boundary as a GeoJSON MultiPolygon."""
    nbhd = selectors.get_neighborhood(city, slug)
    return serializers.neighborhood_detail(nbhd, selectors.nearby_slugs(nbhd))
