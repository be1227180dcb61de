"""The crime pages of a neighborhood and a city: counts with their exact intervals, the
comparison in plain words, the chart and the map with their numbers beside them, the latest
incidents by block only. Expected numbers come from scipy and from the rows written here."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from django.test import Client
from scipy.stats import beta, chi2

from tests import factories
from tests.incidents.helpers import add_incidents

NBHD = "/n/testville/alder/crime/"
CITY = "/c/testville/crime/"


def interval(k: int) -> tuple[str, str]:
    lo = 0.0 if k == 0 else chi2.ppf(0.025, 2 * k) / 2
    return f"{lo:.1f}", f"{chi2.ppf(0.975, 2 * k + 2) / 2:.1f}"


def page(url: str) -> str:
    response = Client().get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def squash(text: str) -> str:
    """The page's words: inline emphasis dropped, every other tag a space, the SVG out."""
    text = re.sub(r"<svg.*?</svg>", " ", text, flags=re.S)
    text = re.sub(r"</?strong>", "", text)
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


@pytest.fixture
def january(city):
    """Data for January 2006 only, as the Sacramento file: the comparison is the latest 15
    days [Jan 17, Feb 1) against the 15 before [Jan 2, Jan 17)."""
    alder, birch = factories.nbhd(city, "Alder"), factories.nbhd(city, "Birch")
    add_incidents(alder, date(2006, 1, 1), "property", 1, block="1 BLOCK OF OAK ST")
    add_incidents(alder, date(2006, 1, 5), "property", 6)
    add_incidents(alder, date(2006, 1, 20), "property", 9, block="2400 BLOCK OF J ST")
    add_incidents(alder, date(2006, 1, 31), "vandalism", 2, block="J ST / 24TH ST")
    add_incidents(birch, date(2006, 1, 10), "drugs", 30)
    add_incidents(birch, date(2006, 1, 25), "drugs", 3)
    return city


def test_neighborhood_page_counts_with_intervals_and_no_clear_change(january):
    text = squash(page(NBHD))
    # Alder: 11 in the latest 15 days (9 + 2), 6 in the 15 before (the 1st is outside).
    lo, hi = interval(11)
    assert (f"From Jan 17, 2006 to Jan 31, 2006: 11 incidents (95% interval {lo} to {hi})."
            in text)
    assert "The days just before (Jan 2, 2006 to Jan 16, 2006): 6." in text
    p_lo, p_hi = beta.ppf(0.025, 11, 7), beta.ppf(0.975, 12, 6)
    assert p_lo / (1 - p_lo) < 1 < p_hi / (1 - p_hi)  # the interval holds 1
    assert (f"No clear change. Incidents per day were {11 / 6:.2f} times the earlier rate, "
            f"but anything from {p_lo / (1 - p_lo):.2f} to {p_hi / (1 - p_hi):.2f} times "
            "fits the data") in text
    assert "%" not in text.replace("95%", "")  # never a bare percent


def test_a_clear_fall_is_said_so(january):
    text = squash(page("/n/testville/birch/crime/"))
    # Birch: 3 latest against 30 before
    p_hi = beta.ppf(0.975, 4, 30)
    assert p_hi / (1 - p_hi) < 1
    assert f"Fewer incidents. Incidents per day were {3 / 30:.2f} times the earlier rate" in text
    assert "E-test p-value: below 0.001." in text
    assert "unlikely if the underlying rate had stayed the same" in text


def test_city_page_adds_up_the_neighborhoods(january):
    text = squash(page(CITY))
    lo, hi = interval(11 + 3)
    assert f"Jan 31, 2006: 14 incidents (95% interval {lo} to {hi})." in text
    assert "The days just before (Jan 2, 2006 to Jan 16, 2006): 36." in text


def test_category_table_and_weekly_chart(january):
    text = squash(page(NBHD))
    lo, hi = interval(9)
    assert f"Property 9 {lo}–{hi} 6" in text
    # weeks end on the last day of data: [Jan 25, Feb 1), [Jan 18, 25), ..., [Jan 1, 4)
    for start, days, count in [("Jan 25, 2006", 7, 2), ("Jan 18, 2006", 7, 9),
                               ("Jan 11, 2006", 7, 0), ("Jan 4, 2006", 7, 6),
                               ("Jan 1, 2006", 3, 1)]:
        c_lo, c_hi = interval(count)
        assert f"{start} {days} {count} {c_lo}–{c_hi}" in text
    assert "Week by week" in text


def test_chart_and_map_are_accessible_svg(january):
    raw = Client().get(NBHD).content.decode()
    assert raw.count('role="img"') == 2
    assert '<title id="chart-svg-title">Incidents in Alder</title>' in raw
    assert "<caption>" in raw
    # the map's numbers, as a table
    text = squash(html.unescape(raw))
    assert "Birch 33" in text and "Alder 18" in text and "Cedar 0" in text


def test_choropleth_classes(january):
    from townsquare.web.views.incidents import PALETTE, _breaks

    assert _breaks([0, 0, 0, 0, 0, 0, 0, 18, 33]) == [0, 18, 33]
    raw = Client().get(CITY).content.decode()
    assert raw.count(f'fill="{PALETTE[0]}"') == 7 + 1  # seven shapes and the legend swatch
    assert raw.count(f'fill="{PALETTE[2]}"') == 1 + 1


def test_latest_incidents_show_block_day_and_category_only(january):
    raw = page(NBHD)
    assert "J ST / 24TH ST" in raw and "2400 BLOCK OF J ST" in raw
    lat, lon = factories.center_of(factories.nbhd(january, "Alder"))
    assert f"{lat}"[:7] not in raw and f"{lon}"[:8] not in raw
    assert "TEST PROPERTY" not in raw  # the offense text is not shown either


def test_year_before_comparison_when_the_data_reach_back(city):
    alder = factories.nbhd(city, "Alder")
    end = date(2007, 3, 31)
    add_incidents(alder, end - timedelta(days=500), "property", 1)  # the data start here
    add_incidents(alder, end - timedelta(days=400), "property", 4)  # a year before
    add_incidents(alder, end - timedelta(days=30), "property", 5)   # the latest 90 days
    add_incidents(alder, end, "property", 1)
    text = squash(page(NBHD))
    assert "The same days a year before (Jan 1, 2006 to Mar 31, 2006): 4." in text
    assert "Jan 1, 2007 to Mar 31, 2007: 6 incidents" in text
    assert "Month by month" in text


def test_too_little_data_says_so(city):
    add_incidents(factories.nbhd(city, "Alder"), date(2006, 1, 1), "drugs", 3)
    add_incidents(factories.nbhd(city, "Alder"), date(2006, 1, 10), "drugs", 1)
    text = squash(page(NBHD))
    assert ("There is too little data to show a trend: the published incidents cover 10 days, "
            "and a comparison needs at least 14.") in text
    assert "Has it changed?" not in text


def test_no_data_says_so(city):
    assert "No incidents have been published for Testville yet." in squash(page(CITY))


@pytest.mark.parametrize("url", ["/n/testville/atlantis/crime/", "/c/atlantis/crime/",
                                 "/n/atlantis/alder/crime/"])
def test_unknown_places_are_404(city, url):
    assert Client().get(url).status_code == 404


def test_neighborhood_page_links_to_its_crime_page(january):
    raw = Client().get("/n/testville/alder/").content.decode()
    assert 'href="/n/testville/alder/crime/"' in raw


def test_query_count_does_not_grow_with_the_data(january, django_assert_num_queries):
    Client().get(NBHD)  # the city map's shapes are cached after the first request
    with django_assert_num_queries(7) as before:  # the map section is cached
        page(NBHD)
    alder = factories.nbhd(january, "Alder")
    for day in range(1, 32):
        for category in ("violent", "traffic", "other"):
            add_incidents(alder, date(2006, 1, day), category, 2)
    with django_assert_num_queries(len(before.captured_queries)):
        page(NBHD)
