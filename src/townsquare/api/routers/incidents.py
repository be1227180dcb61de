"""The incidents endpoints of /api/v1/ (docs/api.md, docs/incidents.md)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from townsquare import policy
from townsquare.api.incident_schemas import IncidentSummaryOut
from townsquare.api.responses import errors
from townsquare.core.errors import Invalid, NotFound
from townsquare.incidents import selectors
from townsquare.places import selectors as places

router = Router(tags=["incidents"])

DateText = Annotated[str | None, Query(description="A date, ISO 8601 (2006-01-31).")]


def _day(value: str | None, field: str) -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(_("Invalid date."),
                      fields={field: [_("Give a date as YYYY-MM-DD.")]}) from None


def _period(start: date | None, end: date | None, names: tuple[str, str]) -> selectors.Period:
    if start is None or end is None:
        missing = names[0] if start is None else names[1]
        raise Invalid(_("Invalid dates."), fields={missing: [_("This date is required.")]})
    if start >= end:
        raise Invalid(_("Invalid dates."),
                      fields={names[0]: [_("The start must be before the end.")]})
    return selectors.Period(start, end)


@router.get("/cities/{slug:city}/incidents/summary",
            response={200: IncidentSummaryOut, **errors(400, 404)},
            summary="Incidents of a period, with their intervals and a comparison")
def incidents_summary(
    request: HttpRequest, city: str,
    neighborhood: Annotated[str | None, Query(description="A neighborhood's slug.")] = None,
    category: Annotated[str | None, Query(description="A category (violent, property, ...)")]
    = None,
    from_: Annotated[str | None, Query(alias="from",
                                       description="First day, ISO 8601; default: the "
                                                   "first day of the city's data.")] = None,
    to: Annotated[str | None, Query(description="The day after the last, ISO 8601; "
                                                "default: the day after the city's last "
                                                "day of data.")] = None,
    compare_from: DateText = None,
    compare_to: DateText = None,
) -> dict:
    """Public. Counts in the half-open range [from, to) and, if both compare_from and
    compare_to are given, in [compare_from, compare_to): the ratio of the daily rates with
    its exact 95% interval and the E-test's two-sided p-value. Without a comparison its
    fields are null. 400 (with `fields`) for a bad date, a start not before its end, one
    compare date without the other, an unknown category; 404 for an unknown city or
    neighborhood."""
    if not policy.can_view_crime_numbers(request.user):
        raise NotFound(_("No such city."))
    found = places.get_city(city)
    nbhd = places.get_neighborhood(city, neighborhood) if neighborhood else None
    chosen = selectors.check_category(category)
    start, end = _day(from_, "from"), _day(to, "to")
    before_start, before_end = _day(compare_from, "compare_from"), _day(compare_to,
                                                                        "compare_to")
    if start is None or end is None:
        # Defaults: the days the city's data covers (the last year when it has none).
        span = selectors.data_span(found) or selectors.Period(
            timezone.localdate() - timedelta(days=364), timezone.localdate() + timedelta(days=1))
        start, end = start or span.start, end or span.end
    period = _period(start, end, ("from", "to"))
    compare = None
    if before_start is not None or before_end is not None:
        compare = _period(before_start, before_end, ("compare_from", "compare_to"))
    result = selectors.summary(found, nbhd, chosen, period, compare)
    return {
        "count": result.count,
        "compare_count": result.compare_count,
        "rate_ratio": result.rate_ratio,
        "rate_ratio_ci": None if result.rate_ratio_ci is None else list(result.rate_ratio_ci),
        "p_value": result.p_value,
        "count_ci": list(result.count_ci),
    }
