"""The trend reads over DailyCount: counts of half-open periods, by category, by week and
by month, per neighborhood, and the choice of the periods a crime page compares. Expected
counts are the rows the tests wrote."""

from __future__ import annotations

from datetime import date

import pytest

from tests import factories
from tests.incidents.helpers import add_incidents, add_many
from townsquare.incidents import selectors
from townsquare.incidents.models import Category, DailyCount, Incident
from townsquare.incidents.selectors import Period


@pytest.fixture
def world(city):
    alder, birch = factories.nbhd(city, "Alder"), factories.nbhd(city, "Birch")
    add_many(alder, {("property", date(2006, 1, 30)): 3, ("property", date(2006, 1, 31)): 4,
                     ("violent", date(2006, 2, 1)): 2, ("drugs", date(2006, 2, 14)): 5,
                     ("drugs", date(2006, 3, 1)): 1})
    add_many(birch, {("property", date(2006, 1, 31)): 10, ("traffic", date(2006, 2, 20)): 6})
    return city


def test_the_helper_keeps_daily_counts_true(world):
    for row in DailyCount.objects.all():
        assert row.count == Incident.objects.filter(
            neighborhood=row.neighborhood, category=row.category, occurred_on=row.day).count()


def test_counts_are_half_open(world):
    alder = factories.nbhd(world, "Alder")
    feb = Period(date(2006, 2, 1), date(2006, 3, 1))
    jan = Period(date(2006, 1, 1), date(2006, 2, 1))
    assert selectors.counts(world, alder, None, feb, jan) == (2 + 5, 3 + 4)
    assert selectors.counts(world, None, None, feb) == (2 + 5 + 6, None)
    assert selectors.counts(world, None, "property", jan) == (3 + 4 + 10, None)


def test_by_category_lists_every_category(world):
    alder = factories.nbhd(world, "Alder")
    got = selectors.by_category(world, alder, Period(date(2006, 1, 1), date(2006, 3, 1)))
    assert list(got) == list(Category.values)
    assert {k: v for k, v in got.items() if v} == {"property": 7, "violent": 2, "drugs": 5}


def test_by_neighborhood(world):
    alder, birch = factories.nbhd(world, "Alder"), factories.nbhd(world, "Birch")
    assert selectors.by_neighborhood(world, Period(date(2006, 1, 31), date(2006, 3, 1))) == {
        alder.pk: 4 + 2 + 5, birch.pk: 10 + 6}


def test_monthly_buckets_are_calendar_months_cut_to_the_period(world):
    alder = factories.nbhd(world, "Alder")
    got = selectors.monthly(world, alder, Period(date(2006, 1, 15), date(2006, 3, 2)))
    assert [(b.period.start, b.period.end, b.count) for b in got] == [
        (date(2006, 1, 15), date(2006, 2, 1), 7),
        (date(2006, 2, 1), date(2006, 3, 1), 7),
        (date(2006, 3, 1), date(2006, 3, 2), 1),
    ]


def test_weekly_buckets_end_at_the_period_end(world):
    alder = factories.nbhd(world, "Alder")
    got = selectors.weekly(world, alder, Period(date(2006, 1, 29), date(2006, 2, 15)))
    assert [(b.period.start, b.period.end, b.count) for b in got] == [
        (date(2006, 1, 29), date(2006, 2, 1), 7),
        (date(2006, 2, 1), date(2006, 2, 8), 2),
        (date(2006, 2, 8), date(2006, 2, 15), 5),
    ]


def test_data_span(world, city):
    assert selectors.data_span(world) == Period(date(2006, 1, 30), date(2006, 3, 2))


def test_no_data_no_span(city):
    assert selectors.data_span(city) is None
    assert selectors.crime_report(city, None).too_little is True


@pytest.mark.parametrize(("span", "expected"), [
    # two years of data: the latest 90 days against the same days a year before
    (Period(date(2005, 1, 1), date(2007, 1, 1)),
     (Period(date(2006, 10, 3), date(2007, 1, 1)), Period(date(2005, 10, 3), date(2006, 1, 1)),
      True)),
    # eight months: the latest 90 days against the 90 before
    (Period(date(2006, 1, 1), date(2006, 9, 1)),
     (Period(date(2006, 6, 3), date(2006, 9, 1)), Period(date(2006, 3, 5), date(2006, 6, 3)),
      False)),
    # a month (Sacramento's file): the latest 15 days against the 15 before
    (Period(date(2006, 1, 1), date(2006, 2, 1)),
     (Period(date(2006, 1, 17), date(2006, 2, 1)), Period(date(2006, 1, 2), date(2006, 1, 17)),
      False)),
    # 14 days: 7 against 7; 13 days: too little
    (Period(date(2006, 1, 1), date(2006, 1, 15)),
     (Period(date(2006, 1, 8), date(2006, 1, 15)), Period(date(2006, 1, 1), date(2006, 1, 8)),
      False)),
    (Period(date(2006, 1, 1), date(2006, 1, 14)), None),
])
def test_comparison_periods(span, expected):
    assert selectors.comparison_periods(span) == expected


def test_report_query_count_is_independent_of_the_data(world, django_assert_num_queries):
    alder = factories.nbhd(world, "Alder")
    selectors.crime_report(world, alder)  # the city's totals are cached after this
    # span, comparison counts, categories, the chart, the latest incidents
    with django_assert_num_queries(5):
        small = selectors.crime_report(world, alder)
    for day in range(1, 28):
        add_incidents(alder, date(2006, 2, day), "vandalism", 3)
    with django_assert_num_queries(5):
        large = selectors.crime_report(world, alder)
    # the span is unchanged (Jan 30 to Mar 1): the latest 15 days start on Feb 15
    assert large.period == small.period == Period(date(2006, 2, 15), date(2006, 3, 2))
    assert large.overall.count - small.overall.count == 3 * len(range(15, 28))
