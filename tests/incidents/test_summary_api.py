"""GET /api/v1/cities/{city}/incidents/summary: counts of half-open date ranges, the ratio
of daily rates, its exact interval, the E-test and the exact interval of the count. The
expected statistics come from scipy and statsmodels directly, the counts from the rows the
test wrote."""

from __future__ import annotations

from datetime import date

import pytest
from scipy.stats import beta, chi2
from statsmodels.stats.rates import test_poisson_2indep as statsmodels_etest

from tests import factories
from tests.api.conftest import ApiClient, error_of
from tests.incidents.helpers import add_incidents

URL = "/cities/testville/incidents/summary"
NOW = {"from": "2006-01-16", "to": "2006-01-31"}          # 15 days
BEFORE = {"compare_from": "2006-01-01", "compare_to": "2006-01-16"}  # 15 days


def garwood(k: int) -> list[float]:
    lo = 0.0 if k == 0 else chi2.ppf(0.025, 2 * k) / 2
    return [lo, chi2.ppf(0.975, 2 * k + 2) / 2]


@pytest.fixture
def world(city):
    alder, birch = factories.nbhd(city, "Alder"), factories.nbhd(city, "Birch")
    # Alder, property: 12 in [16th, 31st), 5 in [1st, 16th); the 31st is outside both.
    add_incidents(alder, date(2006, 1, 16), "property", 4)   # first day: in NOW only
    add_incidents(alder, date(2006, 1, 30), "property", 8)   # last day of NOW
    add_incidents(alder, date(2006, 1, 1), "property", 2)
    add_incidents(alder, date(2006, 1, 15), "property", 3)
    add_incidents(alder, date(2006, 1, 31), "property", 50)  # `to` is excluded
    # Alder, violent: 3 now, none before.
    add_incidents(alder, date(2006, 1, 20), "violent", 3)
    # Birch: 7 property incidents now, 1 before.
    add_incidents(birch, date(2006, 1, 22), "property", 7)
    add_incidents(birch, date(2006, 1, 2), "property", 1)
    return city


def get(**query) -> dict:
    response = ApiClient().get(URL, **query)
    assert response.status_code == 200, response.content
    return response.json()


def test_counts_and_comparison_of_a_neighborhood_and_category(world):
    body = get(neighborhood="alder", category="property", **NOW, **BEFORE)
    assert set(body) == {"count", "compare_count", "rate_ratio", "rate_ratio_ci", "p_value",
                         "count_ci"}
    assert body["count"] == 12
    assert body["compare_count"] == 5
    assert body["rate_ratio"] == pytest.approx(12 / 5, rel=1e-12)
    # Clopper-Pearson on 12 of 17, equal exposures: R = p / (1 - p)
    p_lo, p_hi = beta.ppf(0.025, 12, 6), beta.ppf(0.975, 13, 5)
    assert body["rate_ratio_ci"] == pytest.approx([p_lo / (1 - p_lo), p_hi / (1 - p_hi)],
                                                  rel=1e-9)
    expected_p = statsmodels_etest(12, 15, 5, 15, method="etest").pvalue
    assert body["p_value"] == pytest.approx(expected_p, rel=1e-12)
    assert body["count_ci"] == pytest.approx(garwood(12), rel=1e-12)


def test_rates_are_per_day_when_the_periods_differ_in_length(world):
    # 12 over 15 days against 2 over [1st, 8th) = 7 days
    body = get(neighborhood="alder", category="property", **NOW,
               compare_from="2006-01-01", compare_to="2006-01-08")
    assert (body["count"], body["compare_count"]) == (12, 2)
    assert body["rate_ratio"] == pytest.approx((12 / 15) / (2 / 7), rel=1e-12)
    p_lo, p_hi = beta.ppf(0.025, 12, 3), beta.ppf(0.975, 13, 2)
    scale = 7 / 15
    assert body["rate_ratio_ci"] == pytest.approx(
        [p_lo / (1 - p_lo) * scale, p_hi / (1 - p_hi) * scale], rel=1e-9)
    assert body["p_value"] == pytest.approx(
        statsmodels_etest(12, 15, 2, 7, method="etest").pvalue, rel=1e-12)


def test_whole_city_and_all_categories(world):
    body = get(**NOW, **BEFORE)
    assert (body["count"], body["compare_count"]) == (12 + 3 + 7, 5 + 1)


def test_without_a_comparison_its_fields_are_null(world):
    body = get(neighborhood="birch", **NOW)
    assert body == {"count": 7, "compare_count": None, "rate_ratio": None,
                    "rate_ratio_ci": None, "p_value": None,
                    "count_ci": pytest.approx(garwood(7), rel=1e-12)}


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
def test_no_incidents_before_gives_a_null_ratio_and_an_open_interval(world):
    body = get(neighborhood="alder", category="violent", **NOW, **BEFORE)
    assert (body["count"], body["compare_count"], body["rate_ratio"]) == (3, 0, None)
    p_lo = beta.ppf(0.025, 3, 1)
    assert body["rate_ratio_ci"] == [pytest.approx(p_lo / (1 - p_lo), rel=1e-9), None]
    assert body["p_value"] == pytest.approx(
        statsmodels_etest(3, 15, 0, 15, method="etest").pvalue, rel=1e-12)


def test_no_incidents_at_all(world):
    body = get(neighborhood="cedar", **NOW, **BEFORE)
    assert body == {"count": 0, "compare_count": 0, "rate_ratio": None,
                    "rate_ratio_ci": [0.0, None], "p_value": 1.0,
                    "count_ci": [0.0, pytest.approx(chi2.ppf(0.975, 2) / 2, rel=1e-12)]}


def test_without_dates_the_city_data_span_is_used(world):
    # the data run from the 1st to the 31st: every row counts
    assert get(neighborhood="alder")["count"] == 4 + 8 + 2 + 3 + 50 + 3


@pytest.mark.parametrize(("query", "field"), [
    ({"from": "2006-13-01", "to": "2006-01-31"}, "from"),
    ({"from": "yesterday", "to": "2006-01-31"}, "from"),
    ({**NOW, "compare_from": "2006-01-01", "compare_to": "soon"}, "compare_to"),
    ({"from": "2006-01-31", "to": "2006-01-31"}, "from"),
    ({"from": "2006-02-01", "to": "2006-01-31"}, "from"),
    ({**NOW, "compare_from": "2006-01-10", "compare_to": "2006-01-01"}, "compare_from"),
    ({**NOW, "compare_from": "2006-01-01"}, "compare_to"),
    ({**NOW, "compare_to": "2006-01-16"}, "compare_from"),
    ({**NOW, "category": "littering"}, "category"),
])
def test_bad_input_is_400_with_fields(world, query, field):
    response = ApiClient().get(URL, **query)
    assert response.status_code == 400
    body = error_of(response)
    assert body["error"] == "invalid"
    assert list(body["fields"]) == [field]


@pytest.mark.parametrize("path", [
    "/cities/nowhere/incidents/summary",
    URL + "?neighborhood=atlantis",
])
def test_unknown_city_or_neighborhood_is_404(world, path):
    response = ApiClient().call("GET", path)
    assert response.status_code == 404
    assert error_of(response)["error"] == "not_found"


def test_query_count_does_not_grow_with_the_data(world, django_assert_num_queries):
    alder = factories.nbhd(world, "Alder")
    with django_assert_num_queries(3):  # city, neighborhood, both counts in one
        get(neighborhood="alder", **NOW, **BEFORE)
    for day in range(1, 31):
        add_incidents(alder, date(2006, 1, day), "drugs", 2)
    with django_assert_num_queries(3):
        body = get(neighborhood="alder", **NOW, **BEFORE)
    assert body["count"] == 12 + 3 + 2 * 15
