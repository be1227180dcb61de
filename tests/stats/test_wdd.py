"""The weighted displacement difference against its published worked examples."""

from __future__ import annotations

import math

import pytest

from townsquare.stats.wdd import wdd


def test_wheeler_ratcliffe_2018_worked_example() -> None:
    """Wheeler & Ratcliffe (2018), Crime Science 7:11, the Philadelphia foot patrol areas:
    control 308 -> 318, treated 207 -> 110, displacement control 150 -> 140, displacement
    treated 178 -> 157. Published: WDD = -118, variance 1568 (SE 39.6), z = -2.98, 95%
    interval -196 to -40 (the same figures are the test of Wheeler's ptools package)."""
    result = wdd((308, 318), (207, 110), (150, 140), (178, 157))
    assert result.local == -107.0  # (110 - 207) - (318 - 308)
    assert result.displacement == -11.0  # (157 - 178) - (140 - 150)
    assert result.estimate == -118.0
    assert result.se == pytest.approx(math.sqrt(1568))
    assert round(result.z, 2) == -2.98
    assert [round(v) for v in result.ci] == [-196, -40]
    assert result.p_value == pytest.approx(0.00288, abs=1e-5)


def test_periods_of_different_lengths() -> None:
    """Wheeler (2021), "The WDD test with different pre/post time periods": a pre period
    twice as long as the post one; WDD = -20, variance 115."""
    result = wdd((100, 50), (80, 20), time_weights=(2, 1))
    assert result.estimate == -20.0
    assert result.se == pytest.approx(math.sqrt(115))


def test_areas_of_different_sizes() -> None:
    """Wheeler (2021), "The WDD test with different area sizes" (ptools' test)."""
    result = wdd((308, 318), (207, 110), (150, 140), (178, 157),
                 area_weights=(0.9, 1.2, 1.6, 1.5))
    assert result.estimate == pytest.approx(-99.69444444)
    assert result.se == pytest.approx(35.4280755)
    assert result.z == pytest.approx(-2.813995483)
    assert result.ci == pytest.approx((-169.1321965, -30.25669241))


def test_bowers_johnson_without_displacement_areas() -> None:
    result = wdd((20, 20), (20, 10))
    assert (result.local, result.displacement, result.estimate) == (-10.0, 0.0, -10.0)
    assert result.se == pytest.approx(math.sqrt(70))


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(control=(1, 2, 3), treated=(1, 1)), "control: give the counts before and after"),
    (dict(control=(1, -2), treated=(1, 1)), "control: counts must be finite and not neg"),
    (dict(control=(1, 2), treated=(1, 1), time_weights=(0, 1)), "time_weights must be pos"),
    (dict(control=(1, 2), treated=(1, 1), area_weights=(1, 1)), "area_weights: give four"),
])
def test_bad_arguments_are_refused(kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        wdd(**kwargs)
