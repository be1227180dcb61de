"""The projection against a hand computation, and its refusals with too little history."""

from __future__ import annotations

import datetime as dt

import pytest

from townsquare.coverage.projection import Status, project, rate_interval

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def days_ago(*days: float) -> list[dt.datetime]:
    return [NOW - dt.timedelta(days=d) for d in days]


def test_rate_interval_is_the_exact_poisson_interval():
    # Garwood's exact 95% interval of a count of 3 is 0.619 to 8.767 (as printed in the
    # usual tables of Poisson confidence limits); over 90 days the rate's is that over 90.
    low, high = rate_interval(3, 90.0)
    assert low * 90 == pytest.approx(0.6187, abs=1e-4)
    assert high * 90 == pytest.approx(8.7673, abs=1e-4)


def test_the_projection_by_hand():
    # 9 neighborhoods; launches 90, 60, 30 and 0 days ago. The first opens the window:
    # 3 launches in 90 days, one every 30 days. 5 to go: 150 days at this pace. The rate's
    # interval is [0.6187, 8.7673] / 90 per day, so the 5 take 5 * 90 / 8.7673 = 51.33 days
    # at the fastest, 5 * 90 / 0.6187 = 727.4 days at the slowest.
    found = project(days_ago(90, 60, 30, 0), 9, NOW)

    assert found.status == Status.PROJECTED
    assert (found.remaining, found.launches, found.span_days) == (5, 4, 90.0)
    assert found.rate_per_day == pytest.approx(1 / 30)
    assert found.per_month == pytest.approx(1.0)
    assert found.central == NOW + dt.timedelta(days=150)
    assert (found.earliest - NOW).total_seconds() / 86400 == pytest.approx(51.33, abs=0.01)
    assert (found.latest - NOW).total_seconds() / 86400 == pytest.approx(727.4, abs=0.1)


def test_the_order_of_the_dates_does_not_matter():
    assert project(days_ago(0, 90, 30, 60), 9, NOW) == project(days_ago(90, 60, 30, 0), 9, NOW)


@pytest.mark.parametrize(("dates", "total"), [
    ([], 9),                    # nothing launched
    (days_ago(100, 50), 9),     # two launches: too few
    (days_ago(29, 20, 10, 0), 9),  # four launches, but within 29 days
    ([], 0),                    # a city with no neighborhoods
])
def test_not_enough_history(dates, total):
    found = project(dates, total, NOW)
    assert found.status == Status.NOT_ENOUGH_HISTORY
    assert (found.central, found.earliest, found.latest, found.rate_per_day) == (
        None, None, None, None)
    assert found.remaining == max(total - len(dates), 0)


def test_complete():
    found = project(days_ago(3, 2, 1), 3, NOW)
    assert (found.status, found.remaining, found.central) == (Status.COMPLETE, 0, None)


def test_just_enough_history():
    found = project(days_ago(30, 15, 0), 4, NOW)
    # 2 launches in 30 days; 1 to go: 15 days.
    assert found.status == Status.PROJECTED
    assert found.central == NOW + dt.timedelta(days=15)
