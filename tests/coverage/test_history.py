"""The launch history: months for the table, and the step chart's geometry."""

from __future__ import annotations

import datetime as dt

from townsquare.coverage.history import Month, by_month, step_chart

UTC = dt.UTC


def test_months_run_from_the_first_launch_to_the_last_in_the_city_time_zone():
    dates = [dt.datetime(2026, 3, 1, 5, tzinfo=UTC),  # still February in Sacramento
             dt.datetime(2025, 12, 20, tzinfo=UTC), dt.datetime(2026, 3, 2, tzinfo=UTC)]

    rows = by_month(dates, 4, "America/Los_Angeles")

    assert rows == [Month(dt.date(2025, 12, 1), 1, 1, 0.25),
                    Month(dt.date(2026, 1, 1), 0, 1, 0.25),
                    Month(dt.date(2026, 2, 1), 1, 2, 0.5),
                    Month(dt.date(2026, 3, 1), 1, 3, 0.75)]
    assert by_month([], 4, "UTC") == []


def test_the_step_chart():
    start = dt.datetime(2026, 1, 1, tzinfo=UTC)
    dates = [start, start + dt.timedelta(days=10)]
    now = start + dt.timedelta(days=20)

    chart = step_chart(dates, 4, now)

    # The plot runs from x 48 to 624 and from y 224 (0) to 16 (4).
    assert chart.path == "M48.0 224.0H48.0V172.0H336.0V120.0H624.0"
    assert (chart.goal_y, chart.axis_y, chart.left, chart.right) == (16.0, 224.0, 48.0, 624.0)
    assert [(t.x, t.when) for t in chart.x_ticks] == [(48.0, start), (624.0, now)]
    assert [(t.y, t.count) for t in chart.y_ticks] == [(224.0, 0), (120.0, 2), (16.0, 4)]
    assert step_chart([], 4, now) is None
