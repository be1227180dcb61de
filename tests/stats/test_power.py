"""Months of data needed to detect a change in a Poisson rate."""

from __future__ import annotations

import math

import pytest
from statsmodels.stats.rates import power_poisson_ratio_2indep

from townsquare.stats.power import months_to_detect, power_at


def test_hand_computation_for_a_ten_percent_fall_at_fifty_a_month() -> None:
    """(1.959964 + 0.841621)^2 = 7.848879; log(0.9)^2 = 0.0111008; 1 + 1/0.9 = 2.111111;
    m = 7.848879 * 2.111111 / (50 * 0.0111008) = 29.85 -> 30 months."""
    z = 1.959964 + 0.841621
    by_hand = z**2 * (1 + 1 / 0.9) / (50 * math.log(0.9) ** 2)
    assert by_hand == pytest.approx(29.85, abs=0.01)
    assert months_to_detect(50, -0.10) == 30
    assert power_at(50, -0.10, by_hand) == pytest.approx(0.80, abs=1e-4)


def test_agrees_with_statsmodels() -> None:
    """statsmodels' power of the two-sample Poisson ratio test (variance under the
    alternative) at 29 and 30 months: just under and just over 0.8."""
    for months, expected in ((29, 0.7885), (30, 0.8019)):
        theirs = power_poisson_ratio_2indep(45, 50, months, nobs_ratio=1, exposure=1, value=1,
                                            alpha=0.05, alternative="two-sided",
                                            method_var="alt").power
        assert float(theirs) == pytest.approx(power_at(50, -0.10, months), abs=1e-9)
        assert power_at(50, -0.10, months) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize(("rate", "change", "months"), [
    (5, -0.10, 299),  # a quiet neighborhood: 25 years, i.e. the data cannot say
    (50, -0.20, 8),  # 7.09 months, rounded up
    (50, 0.10, 33),
    (500, -0.10, 3),
])
def test_smaller_rates_and_changes_need_more_months(rate, change, months) -> None:
    assert months_to_detect(rate, change) == months


@pytest.mark.parametrize(("args", "message"), [
    ((0, -0.1), "monthly rate must be positive"),
    ((10, 0), "change must be above -100% and not 0"),
    ((10, -1), "change must be above -100% and not 0"),
])
def test_bad_arguments_are_refused(args, message) -> None:
    with pytest.raises(ValueError, match=message):
        months_to_detect(*args)
