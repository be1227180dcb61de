"""The home page (find your neighborhood by address, the cities and their maps) and the
public neighborhood pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from townsquare.accounts import selectors as accounts_selectors
from townsquare.places import selectors as places
from townsquare.places.models import City, Neighborhood
from townsquare.web import maps


@dataclass(frozen=True)
class Found:
    """What the home page's address search found: the typed address shown as a street
    address, and its neighborhood (None: the address is known but in no neighborhood)."""
    text: str
    city: City
    neighborhood: Neighborhood | None
    approximate: bool


def find_address(text: str) -> Found | None:
    """The home at a typed address, in the first city that knows it (None: no city does)."""
    for city in City.objects.order_by("name"):
        home = places.resolve_home_address(city, text)
        if home is not None:
            nbhd = (Neighborhood.objects.select_related("city")
                    .filter(pk=home.neighborhood_id).first()
                    if home.neighborhood_id else None)
            return Found(home.text, city, nbhd, home.approximate)
    return None


@dataclass(frozen=True)
class CityView:
    city: City
    neighborhoods: list[Neighborhood]
    launched: int
    map: maps.MapView | None


def home(request: HttpRequest) -> HttpResponse:
    cities = []
    for city in City.objects.order_by("name"):
        neighborhoods = list(places.neighborhoods_for_city(city))
        cities.append(CityView(
            city=city,
            neighborhoods=neighborhoods,
            launched=sum(1 for n in neighborhoods if n.launched),
            map=maps.city_map(city, neighborhoods),
        ))
    address = request.GET.get("address", "").strip()[:100]
    return render(request, "web/home.html", {
        "cities": cities,
        "address": address,
        "found": find_address(address) if address else None,
    })


def neighborhood(request: HttpRequest, city: str, slug: str) -> HttpResponse:
    nbhd = (
        Neighborhood.objects.select_related("city").filter(city__slug=city, slug=slug).first()
    )
    if nbhd is None:
        raise Http404("No such neighborhood.")
    nearby = list(nbhd.nearby.select_related("city").order_by("name"))
    threshold = settings.TOWNSQUARE_LAUNCH_THRESHOLD
    return render(request, "web/places/neighborhood.html", {
        "nbhd": nbhd,
        "nearby": nearby,
        "map": maps.neighborhood_map(nbhd, nearby),
        "threshold": threshold,
        "members_needed": max(0, threshold - nbhd.verified_members),
        "members": accounts_selectors.neighborhood_members(request.user, nbhd.pk),
    })
