"""The adoption evidence endpoint of /api/v1/ (docs/api.md, docs/incidents.md, "Adoption
evidence"): public numbers, and never a causal claim."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema

from townsquare.api.responses import errors
from townsquare.coverage import adoption
from townsquare.places import selectors as places

router = Router(tags=["coverage"])


class AdoptionRow(Schema):
    slug: str
    launched_at: dt.datetime | None
    verified_members: int
    households: int | None = Field(description="The city's household count, if it gave one.")
    share_households: float | None = Field(description="Verified residents over households.")
    earlier: int | None = Field(description="Incidents in the earlier period.")
    latest: int | None = Field(description="Incidents in the latest period.")
    rate_ratio: float | None = Field(description="Daily rate, latest over earlier (None "
                                                 "without incidents before).")
    rate_ratio_ci: list[float | None] | None = Field(
        description="Its exact 95% interval; the upper end is null when unbounded.")
    p_value: float | None = Field(description="The E-test's two-sided p-value.")
    months_to_detect: int | None = Field(
        description="Months of data (before, and as many after) a 10% change would need to be "
                    "detected with 80% power at the 5% level.")
    few: bool = Field(description="Too few incidents to say anything.")
    group: str = Field(description="treated, displacement, control or excluded in the "
                                   "weighted displacement difference.")


class WDDOut(Schema):
    sizes: dict[str, int]
    counts: dict[str, list[int]] = Field(description="Group -> [earlier, latest] incidents.")
    estimate: float | None = Field(description="Incidents per neighborhood per day.")
    ci: list[float] | None
    p_value: float | None


class StaggeredOut(Schema):
    cohorts: int
    treated_before: int
    treated_after: int
    control_before: int
    control_after: int
    ratio: float | None = Field(description="(treated after / before) / (control after / "
                                            "before).")
    ci: list[float] | None = Field(description="Its 95% interval (normal on the log).")


class AdoptionOut(Schema):
    enough: bool = Field(description="False: too little data to compare anything.")
    latest: list[dt.date] | None = Field(description="First and last day of the latest period.")
    earlier: list[dt.date] | None
    rows: list[AdoptionRow]
    wdd: WDDOut | None
    staggered: StaggeredOut | None
    caveats: list[str]


CAVEATS = ["self-selection", "regression to the mean", "reporting changes", "displacement",
           "not a causal claim"]


def _row(row: adoption.Row) -> dict:
    summary = row.summary
    return {
        "slug": row.slug, "launched_at": row.launched_at,
        "verified_members": row.verified_members, "households": row.households,
        "share_households": row.share_households, "earlier": row.earlier, "latest": row.latest,
        "rate_ratio": summary.rate_ratio if summary else None,
        "rate_ratio_ci": list(summary.rate_ratio_ci) if summary and summary.rate_ratio_ci
        else None,
        "p_value": summary.p_value if summary else None,
        "months_to_detect": row.months_to_detect, "few": row.few, "group": row.group,
    }


@router.get("/cities/{slug:city}/adoption", response={200: AdoptionOut, **errors(404)},
            summary="Adoption beside the change in crime")
def city_adoption(request: HttpRequest, city: str) -> dict:
    """Per neighborhood, verified residents and their share of households beside the change
    in crime (rate ratio with its exact interval); the weighted displacement difference of
    launched, next-door and other neighborhoods; the stacked before / after comparison of
    launched against not yet launched; the power. Descriptive only: see the caveats."""
    found = adoption.city_evidence(places.get_city(city))
    groups, pooled = found.wdd, found.staggered
    return {
        "enough": found.enough,
        "latest": [found.latest.start, found.latest.last] if found.latest else None,
        "earlier": [found.earlier.start, found.earlier.last] if found.earlier else None,
        "rows": [_row(row) for row in found.rows],
        "wdd": None if groups is None else {
            "sizes": groups.sizes,
            "counts": {name: list(pair) for name, pair in groups.counts.items()},
            "estimate": groups.result.estimate if groups.result else None,
            "ci": list(groups.result.ci) if groups.result else None,
            "p_value": groups.result.p_value if groups.result else None,
        },
        "staggered": None if pooled is None else {
            "cohorts": pooled.cohorts, "treated_before": pooled.treated_before,
            "treated_after": pooled.treated_after, "control_before": pooled.control_before,
            "control_after": pooled.control_after, "ratio": pooled.ratio,
            "ci": list(pooled.ci) if pooled.ci else None,
        },
        "caveats": CAVEATS,
    }
