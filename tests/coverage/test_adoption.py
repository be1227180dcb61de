"""Adoption evidence (coverage/adoption.py): the per-neighborhood rows, the weighted
displacement difference's groups and counts, the stacked staggered comparison and the power,
with exact values on a real database."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from scipy.stats import beta

from tests import factories
from tests.coverage.helpers import import_counts, launch
from tests.incidents.helpers import add_incidents
from townsquare.coverage import adoption
from townsquare.incidents.selectors import Period
from townsquare.stats import power
from townsquare.stats.wdd import wdd

pytestmark = pytest.mark.django_db

# The data run from 2025-01-01 to 2025-06-30: 181 days, so the comparison is the latest 90
# days (2025-04-02 .. 2025-06-30) against the 90 before (2025-01-02 .. 2025-04-01).
FIRST, LAST = dt.date(2025, 1, 1), dt.date(2025, 6, 30)
LATEST = Period(dt.date(2025, 4, 2), dt.date(2025, 7, 1))
EARLIER = Period(dt.date(2025, 1, 2), dt.date(2025, 4, 2))


@pytest.fixture(autouse=True)
def _threshold(settings) -> None:
    settings.TOWNSQUARE_LAUNCH_THRESHOLD = 2


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)


def _world() -> tuple:
    city = factories.make_city()
    n = {name: factories.nbhd(city, name) for name in factories.TREES}
    # The edges of the data.
    add_incidents(n["Ironwood"], FIRST, n=1)
    add_incidents(n["Ironwood"], LAST, n=1)
    # Alder: 20 in the earlier period, 10 in the latest.
    add_incidents(n["Alder"], dt.date(2025, 2, 1), n=20)
    add_incidents(n["Alder"], dt.date(2025, 5, 1), n=10)
    # Birch (next to Alder): 10 then 15. Cedar: 30 then 30. Fir: 3 then 1.
    add_incidents(n["Birch"], dt.date(2025, 2, 10), n=10)
    add_incidents(n["Birch"], dt.date(2025, 5, 10), n=15)
    add_incidents(n["Cedar"], dt.date(2025, 3, 1), n=30)
    add_incidents(n["Cedar"], dt.date(2025, 6, 1), n=30)
    add_incidents(n["Fir"], dt.date(2025, 3, 1), n=3)
    add_incidents(n["Fir"], dt.date(2025, 6, 1), n=1)
    # Alder launched in the earlier period; Elm launched in the latest one.
    launch(city, "Alder", 3, _at(dt.date(2025, 3, 15)))
    launch(city, "Elm", 2, _at(dt.date(2025, 5, 20)))
    import_counts(city, "neighborhood,households\nAlder,300\nBirch,400\n")
    return city, n


def test_each_neighborhood_has_its_adoption_beside_its_change():
    city, _n = _world()
    found = adoption.city_evidence(city)
    assert found.enough
    assert (found.latest, found.earlier, found.year_before) == (LATEST, EARLIER, False)
    rows = {row.slug: row for row in found.rows}
    alder = rows["alder"]
    assert (alder.verified_members, alder.households, alder.share_households) == (3, 300, 0.01)
    assert (alder.earlier, alder.latest) == (20, 10)
    assert alder.summary.rate_ratio == 0.5
    # Exact (Clopper-Pearson) interval of 10 of 30 events, mapped to the ratio p / (1 - p).
    p_lo, p_hi = beta.ppf(0.025, 10, 21), beta.ppf(0.975, 11, 20)
    assert alder.summary.rate_ratio_ci == pytest.approx((p_lo / (1 - p_lo), p_hi / (1 - p_hi)))
    assert alder.summary.rate_ratio_ci == pytest.approx((0.2090, 1.1192), abs=1e-4)
    assert alder.summary.change == "unclear"
    monthly = 20 / (90 / (365.25 / 12))
    assert alder.months_to_detect == power.months_to_detect(monthly, -0.10) == 221
    assert not alder.few
    assert rows["birch"].share_households == 0.0  # no verified residents of 400 households
    assert rows["birch"].verified_members == 0
    assert rows["fir"].few
    assert rows["fir"].months_to_detect == power.months_to_detect(3 / (90 / (365.25 / 12)),
                                                                  -0.10)
    assert rows["dogwood"].months_to_detect is None  # nothing to measure against
    assert rows["dogwood"].summary.rate_ratio is None
    assert rows["cedar"].households is None


def test_the_weighted_displacement_difference_uses_launched_nearby_and_control_groups():
    city, _n = _world()
    found = adoption.city_evidence(city)
    groups = {row.slug: row.group for row in found.rows}
    # Alder launched between the periods' starts: treated. Birch, Dogwood and Elm touch it,
    # but Elm launched during the latest period: left out. The rest are the control.
    assert groups == {"alder": "treated", "birch": "displacement", "dogwood": "displacement",
                      "elm": "excluded", "cedar": "control", "fir": "control",
                      "ginkgo": "control", "hazel": "control", "ironwood": "control"}
    assert found.wdd.sizes == {"treated": 1, "displacement": 2, "control": 5}
    assert found.wdd.counts == {"treated": (20, 10), "displacement": (10, 15),
                                "control": (33, 32)}
    expected = wdd((33, 32), (20, 10), (0, 0), (10, 15), time_weights=(90, 90),
                   area_weights=(2.5, 1, 1, 2))
    assert found.wdd.result == expected
    # Per neighborhood and day: treated -10/90, control -1/(5*90) counted twice, next door
    # +5/(2*90): -10/90 + 2/450 + 5/180.
    assert found.wdd.result.estimate == pytest.approx(-10 / 90 + 2 / 450 + 5 / 180)
    variance = 30 / 90**2 + 65 * 4 / (5 * 90) ** 2 + 25 / (2 * 90) ** 2
    assert found.wdd.result.se == pytest.approx(math.sqrt(variance))


def test_the_staggered_comparison_stacks_each_launch_against_the_not_yet_launched():
    city, _n = _world()
    found = adoption.city_evidence(city)
    # Alder, 2025-03-15: 73 days before it in the data, so [01-01, 03-15) and [03-15, 05-27);
    # Elm, 2025-05-20: 41 days after it, so [04-09, 05-20) and [05-20, 06-30 + 1 day).
    # Controls of Alder: all but Alder and Elm (Elm launched on 05-20, before 05-27).
    # Alder: 20 before, 10 after. Controls: Birch 10 / 15, Cedar 30 / 0, Fir 3 / 0,
    # Ironwood 1 / 0. Elm's cohort: Elm 0 / 0; controls Birch 15 / 0, Cedar 0 / 30, Fir 0 / 1,
    # Ironwood 0 / 1.
    assert found.staggered == adoption.Pooled(
        cohorts=2, treated_before=20, treated_after=10,
        control_before=44 + 15, control_after=15 + 32)
    ratio = (10 / 20) / (47 / 59)
    assert found.staggered.ratio == pytest.approx(ratio)
    se = math.sqrt(1 / 20 + 1 / 10 + 1 / 59 + 1 / 47)
    assert found.staggered.ci == pytest.approx((ratio * math.exp(-1.959964 * se),
                                                ratio * math.exp(1.959964 * se)))


def test_with_too_little_data_nothing_is_compared():
    city = factories.make_city()
    add_incidents(factories.nbhd(city, "Alder"), dt.date(2025, 1, 1), n=5)
    found = adoption.city_evidence(city)
    assert not found.enough
    assert found.wdd is None and found.staggered is None
    assert [row.summary for row in found.rows] == [None] * 9
    assert all(row.few for row in found.rows)


def test_a_city_without_incidents_has_no_evidence():
    city = factories.make_city()
    found = adoption.city_evidence(city)
    assert (found.span, found.enough, len(found.rows)) == (None, False, 9)


def test_pooled_ratio_needs_every_count():
    assert adoption.Pooled(1, 0, 5, 5, 5).ratio is None
    assert adoption.Pooled(1, 0, 5, 5, 5).ci is None


def test_the_page_shows_the_rows_the_comparisons_and_the_caveats(client):
    _world()
    response = client.get("/c/testville/evidence/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Adoption and crime in Testville" in text
    # Alder: 3 verified of 300 households, 20 then 10 incidents, 221 months for 10%.
    assert ('<td data-label="Rate ratio (95% interval)">0.50 (0.21–1.12)</td>'
            in text)
    assert '<td data-label="Months to detect a 10% change">221</td>' in text
    assert '<td data-label="Share of households">1.0%</td>' in text
    assert "Weighted displacement difference: -0.079 incidents per neighborhood per day" in text
    assert "Over 2 launch days: launched neighborhoods 20 incidents before, 10 after" in text
    for caveat in ("Self-selection", "Regression to the mean", "Reporting changes",
                   "Displacement", "None of these comparisons shows cause and effect."):
        assert caveat in text
    assert "Too little data" not in text


def test_with_too_little_data_the_page_says_so(client):
    factories.make_city()
    response = client.get("/c/testville/evidence/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "not enough published incidents in this city to compare two periods" in text
    assert "Weighted displacement difference" not in text


def test_the_api_gives_the_same_numbers(client):
    _world()
    body = client.get("/api/v1/cities/testville/adoption").json()
    assert body["enough"] is True
    assert (body["latest"], body["earlier"]) == (["2025-04-02", "2025-06-30"],
                                                 ["2025-01-02", "2025-04-01"])
    alder = next(row for row in body["rows"] if row["slug"] == "alder")
    assert {key: alder[key] for key in ("verified_members", "households", "share_households",
                                        "earlier", "latest", "rate_ratio",
                                        "months_to_detect", "few", "group")} == {
        "verified_members": 3, "households": 300, "share_households": 0.01, "earlier": 20,
        "latest": 10, "rate_ratio": 0.5, "months_to_detect": 221, "few": False,
        "group": "treated"}
    assert alder["rate_ratio_ci"] == pytest.approx([0.2090, 1.1192], abs=1e-4)
    assert body["wdd"]["sizes"] == {"treated": 1, "displacement": 2, "control": 5}
    assert body["wdd"]["counts"] == {"treated": [20, 10], "displacement": [10, 15],
                                     "control": [33, 32]}
    assert body["wdd"]["estimate"] == pytest.approx(-10 / 90 + 2 / 450 + 5 / 180)
    assert body["staggered"]["cohorts"] == 2
    assert body["staggered"]["ratio"] == pytest.approx((10 / 20) / (47 / 59))
    assert body["caveats"] == ["self-selection", "regression to the mean",
                               "reporting changes", "displacement", "not a causal claim"]


def test_the_api_says_when_there_is_too_little_data(client):
    factories.make_city()
    body = client.get("/api/v1/cities/testville/adoption").json()
    assert (body["enough"], body["latest"], body["wdd"], body["staggered"]) == (
        False, None, None, None)
    assert len(body["rows"]) == 9
