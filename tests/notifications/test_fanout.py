"""The fan-out keeps PostgreSQL's planner statistics of the delivery table current."""

from __future__ import annotations

import pytest
from django.db import connection

from tests import factories
from tests.notifications.conftest import alert
from townsquare.notifications.models import Delivery

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="PostgreSQL's planner statistics (pg_class.reltuples)")


def planner_rows() -> float:
    """The row count the planner believes the delivery table has (ANALYZE sets it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                       [Delivery._meta.db_table])
        return cursor.fetchone()[0]


@pytest.fixture
def four_residents(alder):
    return [factories.make_resident(alder) for _ in range(4)]


def test_a_large_fan_out_analyzes_the_table_so_claims_walk_the_index(
        settings, four_residents, publisher, police):
    settings.TOWNSQUARE_FANOUT_ANALYZE_ROWS = 4
    before = planner_rows()

    alert(publisher, police)

    assert Delivery.objects.count() == 4  # one email each; nobody subscribed a browser
    assert before != 4
    assert planner_rows() == 4


def test_a_small_fan_out_leaves_the_statistics_to_autovacuum(
        settings, four_residents, alder, publisher, police):
    # ANALYZE writes pg_class in place, outside the test's transaction: another test's
    # may have left 4. Five rows here, so that one run by this fan-out would show.
    factories.make_resident(alder)
    settings.TOWNSQUARE_FANOUT_ANALYZE_ROWS = 6
    before = planner_rows()

    alert(publisher, police)

    assert Delivery.objects.count() == 5
    assert before != 5
    assert planner_rows() == before
