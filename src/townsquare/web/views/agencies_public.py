"""An agency's public page: its public posts (alerts, advisories, news, events) for anyone,
newest first, and each public post's page with its severity, area map, time limit and
thread of updates. What is public is decided by policy through agencies.selectors."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from townsquare import policy
from townsquare.agencies import selectors
from townsquare.agencies.models import AgencyPost
from townsquare.core.errors import NotFound
from townsquare.places import svg
from townsquare.places.geometry import Bounds
from townsquare.places.models import Neighborhood
from townsquare.web.errors import domain_errors

MAP_WIDTH = 600.0
MAP_HEIGHT = 400.0
MAP_MOST = 300  # a city-wide alert draws at most this many neighborhoods


@dataclass(frozen=True)
class AreaMap:
    view_box: str
    paths: list[tuple[str, str]]  # (neighborhood name, path data)


def area_map(area: list[Neighborhood]) -> AreaMap | None:
    """The targeted neighborhoods drawn on one server-rendered SVG (no tiles)."""
    items = area[:MAP_MOST]
    if not items:
        return None
    bounds = Bounds(min(n.min_lon for n in items), min(n.min_lat for n in items),
                    max(n.max_lon for n in items), max(n.max_lat for n in items))
    drawn = svg.city_map(items, MAP_WIDTH, MAP_HEIGHT, bounds=bounds)
    return AreaMap(view_box=drawn.projection.view_box(),
                   paths=[(n.name, d) for n, d in drawn.paths if d])


def alert_context(post: AgencyPost) -> dict[str, object]:
    """What an alert's page shows besides the post: area (map, words), thread, all-clear.
    Requests for information have no thread (their outcome is told to the repliers)."""
    if post.kind == AgencyPost.Kind.REQUEST_FOR_INFORMATION:
        return {"area": [], "area_words": "", "area_map": None, "updates": [],
                "all_clear": None}
    area = selectors.area_of(post)
    updates = selectors.updates_of(post)
    return {"area": area, "area_words": selectors.area_words([n.name for n in area]),
            "area_map": area_map(area), "updates": updates,
            "all_clear": next((u for u in updates if u.is_all_clear), None)}


@domain_errors
@require_GET
def agency_public(request: HttpRequest, slug: str) -> HttpResponse:
    agency = selectors.get_agency(slug)
    if not policy.can_view_public_agency_page(request.user, agency):
        raise NotFound(_("No such agency."))
    page = selectors.public_posts(agency, request.GET.get("page") or 1)
    return render(request, "web/agencies/public.html", {"agency": agency, "page": page})


@domain_errors
@require_GET
def agency_public_post(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    agency = selectors.get_agency(slug)
    post = selectors.get_public_post(request.user, agency, post_id)
    root = post.parent if post.parent_id is not None else post
    return render(request, "web/agencies/public_post.html",
                  {"agency": agency, "post": root, **alert_context(root)})


urlpatterns: list[URLPattern] = [
    path("agencies/<slug:slug>/", agency_public, name="agency_public"),
    path("agencies/<slug:slug>/posts/<int:post_id>/", agency_public_post,
         name="agency_public_post"),
]
