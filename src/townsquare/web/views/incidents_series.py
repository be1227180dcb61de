"""The agency's series page: the Knox test over the incidents of its jurisdiction, explained
in plain words, the candidate series on small maps, and for each a link that opens the
compose page with a request for information to exactly the series' neighborhoods.
The numbers come from incidents.series; who may see them, from policy. See
docs/incidents-series.md."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET

from townsquare import policy
from townsquare.agencies import selectors as agencies
from townsquare.agencies.models import Agency, AgencyPost
from townsquare.incidents import series as series_finder
from townsquare.incidents.models import Category
from townsquare.places import svg
from townsquare.places.geometry import Bounds
from townsquare.stats.knox import KnoxResult
from townsquare.web.forms import PageForm
from townsquare.web.views.agencies_access import agency_page
from townsquare.web.views.agencies_dashboard import agency_context

DEFAULT_CATEGORY = Category.VANDALISM
DEFAULT_DAYS = 28
MAX_DAYS = 366
MAP_WIDTH = 360.0
BLOCKS_IN_BODY = 5
# A dot on the map is rounded to about 100 m: the page never places an incident finer than
# its block.
DOT_DECIMALS = 3


class SeriesForm(PageForm):
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=Category.choices,
                                 required=False)
    start = forms.DateField(label=gettext_lazy("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("Until (not included)"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end <= start:
                raise forms.ValidationError(_("The end must come after the start."))
            if (end - start).days > MAX_DAYS:
                raise forms.ValidationError(
                    _("Choose at most %(days)s days.") % {"days": MAX_DAYS})
        return data


@dataclass(frozen=True)
class Cell:
    observed: int
    expected: float
    ratio: float | None
    p_value: float
    significant: bool


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Cell]


@dataclass(frozen=True)
class SeriesMap:
    view_box: str
    paths: list[tuple[str, str]]  # (neighborhood name, path data)
    dots: list[tuple[float, float]]


@dataclass(frozen=True)
class SeriesView:
    series: series_finder.CandidateSeries
    map: SeriesMap
    ask_url: str | None


def _band_labels(edges: tuple[float, ...], unit: str) -> list[str]:
    labels = []
    for k, low in enumerate(edges):
        if k + 1 < len(edges):
            labels.append(f"{low:g}–{edges[k + 1]:g} {unit}")
        else:
            labels.append(_("%(low)s %(unit)s or more") % {"low": f"{low:g}", "unit": unit})
    return labels


def _day_labels(edges: tuple[float, ...]) -> list[str]:
    """Whole days apart: [0, 4) is "0–3 days"."""
    whole = [math.ceil(e) for e in edges]
    labels = []
    for k, low in enumerate(whole):
        if k + 1 < len(whole):
            labels.append(_("%(low)s–%(high)s days") % {"low": low, "high": whole[k + 1] - 1})
        else:
            labels.append(_("%(low)s days or more") % {"low": low})
    return labels


def knox_rows(result: KnoxResult) -> list[Row]:
    """The table as the page shows it; a cell is marked when it has significantly more
    pairs than chance (p <= alpha) in a finite band."""
    labels = _band_labels(result.distance_edges, "m")
    last_row, last_col = len(labels) - 1, result.observed.shape[1] - 1
    rows = []
    for r, label in enumerate(labels):
        cells = []
        for c in range(last_col + 1):
            ratio = float(result.knox_ratio[r, c])
            observed, expected = int(result.observed[r, c]), float(result.expected[r, c])
            p_value = float(result.p_value[r, c])
            cells.append(Cell(
                observed=observed, expected=expected,
                ratio=None if math.isnan(ratio) else ratio, p_value=p_value,
                significant=(r < last_row and c < last_col and observed > expected
                             and p_value <= series_finder.ALPHA)))
        rows.append(Row(label, cells))
    return rows


def series_map(found: series_finder.CandidateSeries) -> SeriesMap:
    """The series' neighborhoods and its incidents (rounded to about a block) as SVG."""
    items = found.neighborhoods
    bounds = Bounds(min(n.min_lon for n in items), min(n.min_lat for n in items),
                    max(n.max_lon for n in items), max(n.max_lat for n in items))
    mid = math.radians((bounds.min_lat + bounds.max_lat) / 2)
    span_x = max(bounds.max_lon - bounds.min_lon, 1e-6) * max(math.cos(mid), 0.01)
    span_y = max(bounds.max_lat - bounds.min_lat, 1e-6)
    height = float(round(min(max(MAP_WIDTH * span_y / span_x, 200.0), 480.0)))
    drawn = svg.city_map(items, MAP_WIDTH, height, bounds=bounds)
    lons = [round(i.lon, DOT_DECIMALS) for i in found.incidents]
    lats = [round(i.lat, DOT_DECIMALS) for i in found.incidents]
    xs, ys = drawn.projection.to_svg(lons, lats)
    return SeriesMap(view_box=drawn.projection.view_box(),
                     paths=[(n.name, d) for n, d in drawn.paths if d],
                     dots=sorted({(round(float(x), 1), round(float(y), 1))
                                  for x, y in zip(xs, ys, strict=True)}))


def ask_url(agency: Agency, found: series_finder.CandidateSeries, category: str) -> str:
    """The compose page, filled in: a request for information to the series' neighborhoods
    with its time window (the publisher reads, edits and publishes it)."""
    blocks = list(dict.fromkeys(i.block for i in found.incidents if i.block))
    shown = ", ".join(blocks[:BLOCKS_IN_BODY])
    if len(blocks) > BLOCKS_IN_BODY:
        shown += ", …"
    label = Category(category).label
    first, last = date_format(found.first, "DATE_FORMAT"), date_format(found.last,
                                                                       "DATE_FORMAT")
    title = _("Did you see anything? %(category)s, %(first)s to %(last)s") % {
        "category": label, "first": first, "last": last}
    body = ngettext(
        "Between %(first)s and %(last)s, %(count)s incident (%(category)s) was reported "
        "near %(blocks)s.",
        "Between %(first)s and %(last)s, %(count)s incidents (%(category)s) were reported "
        "near %(blocks)s.", found.size) % {
        "first": first, "last": last, "count": found.size, "category": label.lower(),
        "blocks": shown}
    body += " " + _("If you saw or recorded anything in that time (a doorbell or dashboard "
                    "camera included), please reply to this message or call us.")
    query = {
        "kind": AgencyPost.Kind.REQUEST_FOR_INFORMATION, "title": title, "body": body,
        "neighborhoods": [n.slug for n in found.neighborhoods],
        "rfi_area": shown,
        "rfi_from": f"{found.first.isoformat()}T00:00",
        "rfi_until": f"{found.last.isoformat()}T23:59",
    }
    return f"{reverse('web:agency_compose', args=[agency.slug])}?{urlencode(query, doseq=True)}"


def _window(form: SeriesForm, agency: Agency, category: str,
            neighborhood_ids: list[int] | None) -> tuple[date, date] | None:
    data = form.cleaned_data
    end = data.get("end")
    if end is None:
        latest = series_finder.latest_day(agency.city_id, category, neighborhood_ids)
        if latest is None:
            return None
        end = latest + timedelta(days=1)
    start = data.get("start") or end - timedelta(days=DEFAULT_DAYS)
    if end <= start:
        start = end - timedelta(days=DEFAULT_DAYS)
    return start, end


@agency_page
@require_GET
def series_page(request: HttpRequest, slug: str) -> HttpResponse:
    agency = agencies.get_agency(slug)
    if not policy.can_view_series(request.user, agency):
        raise PermissionDenied(_("Only the agency's staff see its series."))
    data = request.GET.copy()
    if not data.get("category"):
        data["category"] = DEFAULT_CATEGORY
    form = SeriesForm(data)
    context: dict[str, object] = {**agency_context(request, agency, "series"), "form": form,
                                  "report": None, "rows": [], "views": []}
    if not form.is_valid():
        return render(request, "web/incidents/series.html", context, status=400)
    category = form.cleaned_data["category"]
    neighborhood_ids = (None if agency.all_neighborhoods
                        else [n.pk for n in agencies.jurisdiction_neighborhoods(agency)])
    window = _window(form, agency, category, neighborhood_ids)
    context["category_label"] = Category(category).label
    if window is not None:
        data["start"], data["end"] = window[0].isoformat(), window[1].isoformat()
        report = series_finder.find_series(agency.city_id, category, *window,
                                           neighborhood_ids=neighborhood_ids)
        may_ask = policy.can_publish(request.user, agency)
        context.update(
            form=SeriesForm(data), report=report, last_day=window[1] - timedelta(days=1),
            time_labels=_day_labels(report.knox.time_edges) if report.knox else [],
            rows=knox_rows(report.knox) if report.knox else [],
            views=[SeriesView(s, series_map(s), ask_url(agency, s, category) if may_ask
                              else None) for s in report.series])
    return render(request, "web/incidents/series.html", context)


# This module's routes; web/urls.py adds them to the site's.
urlpatterns: list[URLPattern] = [
    path("agency/<slug:slug>/series/", series_page, name="agency_series"),
]
