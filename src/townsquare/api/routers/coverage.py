"""The coverage endpoints of /api/v1/ (docs/api.md, docs/coverage.md): public numbers."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from townsquare.api.responses import errors
from townsquare.coverage import projection, selectors
from townsquare.places import selectors as places

router = Router(tags=["coverage"])


class CoverageItem(Schema):
    slug: str
    launched: bool
    verified_members: int
    households: int | None = Field(description="The city's household count, if it gave one.")


class ProjectionOut(Schema):
    status: str = Field(description="complete, not_enough_history or projected.")
    remaining: int
    launches: int
    rate_per_day: float | None = Field(description="Launches per day since the first one.")
    rate_ci: list[float] | None = Field(description="The rate's exact 95% interval.")
    date: dt.date | None = Field(description="When the last neighborhood launches at "
                                             "this pace.")
    date_range: list[dt.date] | None = Field(description="Earliest and latest date, from the "
                                                         "ends of the rate's interval.")


class CoverageOut(Schema):
    neighborhoods: int
    launched: int
    share_launched: float
    households: int | None = Field(description="Households in the neighborhoods the city "
                                               "counted.")
    households_reached: int | None = Field(description="Of those, households in launched "
                                                       "neighborhoods.")
    share_households: float | None
    projection: ProjectionOut
    items: list[CoverageItem]


def _projection(found: projection.Projection) -> dict:
    return {
        "status": str(found.status), "remaining": found.remaining, "launches": found.launches,
        "rate_per_day": found.rate_per_day,
        "rate_ci": ([found.rate_low, found.rate_high]
                    if found.rate_low is not None and found.rate_high is not None else None),
        "date": found.central.date() if found.central else None,
        "date_range": ([found.earliest.date(), found.latest.date()]
                       if found.earliest and found.latest else None),
    }


@router.get("/cities/{slug:city}/coverage", response={200: CoverageOut, **errors(404)},
            summary="How much of a city has launched")
def city_coverage(request: HttpRequest, city: str) -> dict:
    """Neighborhoods launched and their share, households reached where the city counted
    them, each neighborhood's state, and when every neighborhood launches at this pace."""
    found = selectors.city_coverage(places.get_city(city))
    return {
        "neighborhoods": found.neighborhoods, "launched": found.launched,
        "share_launched": found.share_launched, "households": found.households,
        "households_reached": found.households_reached,
        "share_households": found.share_households,
        "projection": _projection(projection.project(found.launch_dates, found.neighborhoods,
                                                     timezone.now())),
        "items": [{"slug": item.slug, "launched": item.launched,
                   "verified_members": item.verified_members, "households": item.households}
                  for item in found.items],
    }
