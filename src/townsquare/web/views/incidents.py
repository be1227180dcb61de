"""The crime pages of a neighborhood and of a city (docs/incidents.md): counts with their
exact intervals, a comparison as a rate ratio, a chart and a choropleth map drawn on the
server as SVG, and the latest incidents by block."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from townsquare import policy
from townsquare.incidents import selectors
from townsquare.places import selectors as places
from townsquare.places.models import City, Neighborhood
from townsquare.web import maps
from townsquare.web.errors import domain_errors

# ColorBrewer's 5-class YlGnBu: sequential, safe for colour-blind readers and in print.
PALETTE = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"]
CHART_W, CHART_H, LEFT, BOTTOM, TOP = 640.0, 260.0, 48.0, 40.0, 12.0


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    y: float  # top of the bar
    height: float
    lo_y: float
    hi_y: float
    mid: float
    cap_x1: float
    cap_x2: float
    label: str
    count: int
    lo: float
    hi: float
    partial: bool


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    ticks: list[tuple[float, int]]  # (y, value)
    baseline: float
    label_y: float
    tick_x: float


def _nice_max(value: float) -> int:
    for step in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return step * 4
    return int(value) + 1


def _label(period: selectors.Period, unit: str) -> str:
    if unit == "month":
        return formats.date_format(period.start, "M Y")
    return formats.date_format(period.start, "M j")


def bar_chart(bars: list[selectors.ChartBar], unit: str) -> Chart:
    """Bars of the counts with whiskers from the lower to the upper end of their intervals."""
    top = _nice_max(max([bar.ci[1] for bar in bars] + [1.0]))
    plot_h = CHART_H - BOTTOM - TOP
    step = (CHART_W - LEFT) / max(len(bars), 1)

    def y(value: float) -> float:
        return round(TOP + plot_h * (1 - value / top), 1)

    full = 7 if unit == "week" else 28
    drawn = [Bar(x=round(LEFT + i * step + step * 0.15, 1), width=round(step * 0.7, 1),
                 y=y(bar.count), height=round(y(0) - y(bar.count), 1),
                 lo_y=y(bar.ci[0]), hi_y=y(bar.ci[1]),
                 mid=round(LEFT + i * step + step / 2, 1),
                 cap_x1=round(LEFT + i * step + step / 2 - 5, 1),
                 cap_x2=round(LEFT + i * step + step / 2 + 5, 1),
                 label=_label(bar.period, unit),
                 count=bar.count, lo=bar.ci[0], hi=bar.ci[1],
                 partial=bar.period.days < full)
             for i, bar in enumerate(bars)]
    ticks = [(y(top * k / 4), int(top * k / 4)) for k in range(5)]
    return Chart(bars=drawn, ticks=ticks, baseline=y(0), label_y=y(0) + 18, tick_x=LEFT - 6)


@dataclass(frozen=True)
class Area:
    shape: maps.Shape
    count: int
    fill: str


@dataclass(frozen=True)
class Choropleth:
    map: maps.MapView
    areas: list[Area]
    legend: list[tuple[str, str]]  # (fill, "lo–hi")
    rows: list[tuple[Neighborhood, int]]  # the text alternative, most incidents first


def _breaks(counts: list[int]) -> list[int]:
    """Upper bounds of the classes: quintiles of the counts, without repeats."""
    values = sorted(counts)
    if not values or values[-1] == 0:
        return [0]
    bounds = []
    for k in range(1, len(PALETTE) + 1):
        bound = values[min(len(values) - 1, -(-k * len(values) // len(PALETTE)) - 1)]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def choropleth(city: City, neighborhoods: list[Neighborhood], counts: dict[int, int],
               current: Neighborhood | None) -> Choropleth | None:
    drawn = maps.city_map(city, neighborhoods)
    if drawn is None:
        return None
    per = {n.pk: counts.get(n.pk, 0) for n in neighborhoods}
    bounds = _breaks(list(per.values()))
    colours = PALETTE[:len(bounds)]  # few distinct counts: the lightest classes only

    def fill(count: int) -> str:
        return colours[next(i for i, bound in enumerate(bounds) if count <= bound)]

    shapes = [maps.Shape(s.neighborhood, s.d, s.url, s.launched,
                         current=current is not None and s.neighborhood.pk == current.pk)
              for s in drawn.shapes]
    shapes.sort(key=lambda s: s.current)
    areas = [Area(s, per[s.neighborhood.pk], fill(per[s.neighborhood.pk])) for s in shapes]
    legend, low = [], 0
    for colour, bound in zip(colours, bounds, strict=True):
        legend.append((colour, f"{low}–{bound}" if bound > low else f"{bound}"))
        low = bound + 1
    rows = sorted(((n, per[n.pk]) for n in neighborhoods), key=lambda r: (-r[1], r[0].name))
    return Choropleth(map=drawn, areas=areas, legend=legend, rows=rows)


def map_html(request: HttpRequest, city: City, nbhd: Neighborhood | None,
             report: selectors.CrimeReport) -> str:
    """The map section, drawn once per place, data window and geometry, and kept as long
    as the totals it shows (selectors.TOTALS_CACHE_SECONDS)."""
    if report.window is None:
        return ""
    key = (f"web:crimemap:{get_language()}:{city.pk}:{city.geometry_version}:"
           f"{selectors.data_version(city.pk)}:"
           f"{nbhd.pk if nbhd else 0}:{report.window.start}:{report.window.end}")
    html = cache.get(key)
    if html is None:
        neighborhoods = list(places.neighborhoods_for_city(city))
        drawn = choropleth(city, neighborhoods, report.per_neighborhood or {}, nbhd)
        html = "" if drawn is None else render_to_string(
            "web/incidents/crime_map.html",
            {"city": city, "nbhd": nbhd, "report": report, "choropleth": drawn}, request)
        cache.set(key, html, timeout=selectors.TOTALS_CACHE_SECONDS)
    return html


def _render(request: HttpRequest, city: City, nbhd: Neighborhood | None) -> HttpResponse:
    if not policy.can_view_crime_numbers(request.user):
        raise Http404(_("No such page."))
    report = selectors.crime_report(city, nbhd)
    return render(request, f"web/incidents/crime_{'neighborhood' if nbhd else 'city'}.html", {
        "city": city,
        "nbhd": nbhd,
        "report": report,
        "chart": bar_chart(report.bars, report.unit) if report.bars else None,
        "map_html": mark_safe(map_html(request, city, nbhd, report)),  # noqa: S308 (ours)
        "min_days": selectors.MIN_DAYS,
        "chart_w": CHART_W, "chart_h": CHART_H, "left": LEFT,
    })


@require_GET
@domain_errors
def neighborhood_crime(request: HttpRequest, city: str, slug: str) -> HttpResponse:
    nbhd = places.get_neighborhood(city, slug)
    return _render(request, nbhd.city, nbhd)


@require_GET
@domain_errors
def city_crime(request: HttpRequest, city: str) -> HttpResponse:
    return _render(request, places.get_city(city), None)


# This module's routes; web/urls.py adds them to the site's.
urlpatterns: list[URLPattern] = [
    path("n/<slug:city>/<slug:slug>/crime/", neighborhood_crime, name="neighborhood_crime"),
    path("c/<slug:city>/crime/", city_crime, name="city_crime"),
]
