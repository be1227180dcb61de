"""The weighted displacement difference (WDD) and its test.

The WDD (Bowers & Johnson 2003, "Measuring the geographical displacement and diffusion of
benefit effects of crime prevention activity", Journal of Quantitative Criminology 19(3))
compares the change in crime in a treated area with the change in a control area, and
the change in a displacement (buffer) area around the treated one with the change in its
own control:

    WDD = (T1 - T0) - (C1 - C0) + (D1 - D0) - (Dc1 - Dc0)

(0: before, 1: after). Negative means crime fell more where something was done than in
the comparison, after counting any crime pushed next door. Wheeler & Ratcliffe (2018), "A
simple weighted displacement difference test to evaluate place based crime
interventions", Crime Science 7:11 (https://doi.org/10.1186/s40163-018-0085-5), treat the
eight counts as independent Poisson variables: the variance of the WDD is the sum of the
counts, which gives a z-test and an interval. Periods of different lengths or areas of
different sizes divide each count by its weight (and its variance by the weight squared),
as in Wheeler's ptools package (`wdd(..., time_weights, area_weights)`).

What it does not say: that the intervention caused the difference. Areas chosen because
crime was high regress toward the mean; reporting changes; control areas differ.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.stats import norm


@dataclass(frozen=True)
class WDDResult:
    local: float  # (T1 - T0) - (C1 - C0): the change in the treated area against its control
    displacement: float  # (D1 - D0) - (Dc1 - Dc0): the change next door against its control
    estimate: float  # local + displacement: the WDD
    se: float
    z: float
    p_value: float  # two-sided
    ci: tuple[float, float]


def _pair(counts: Sequence[float], name: str) -> tuple[float, float]:
    if len(counts) != 2:
        raise ValueError(f"{name}: give the counts before and after")
    before, after = float(counts[0]), float(counts[1])
    if before < 0 or after < 0 or not (math.isfinite(before) and math.isfinite(after)):
        raise ValueError(f"{name}: counts must be finite and not negative")
    return before, after


def wdd(control: Sequence[float], treated: Sequence[float],
        displacement_control: Sequence[float] = (0, 0),
        displacement_treated: Sequence[float] = (0, 0), *,
        time_weights: Sequence[float] = (1, 1),
        area_weights: Sequence[float] = (1, 1, 1, 1), alpha: float = 0.05) -> WDDResult:
    """The WDD test. Each area is (count before, count after); `time_weights` are the
    lengths of the two periods and `area_weights` the sizes of (control, treated,
    displacement control, displacement treated), in any unit."""
    before_w, after_w = _pair(time_weights, "time_weights")
    if before_w <= 0 or after_w <= 0:
        raise ValueError("time_weights must be positive")
    if len(area_weights) != 4 or any(w <= 0 for w in area_weights):
        raise ValueError("area_weights: give four positive sizes")
    if not 0 < alpha < 1:
        raise ValueError("alpha must be between 0 and 1")

    areas = [_pair(control, "control"), _pair(treated, "treated"),
             _pair(displacement_control, "displacement_control"),
             _pair(displacement_treated, "displacement_treated")]
    changes, variance = [], 0.0
    for (before, after), area in zip(areas, area_weights, strict=True):
        b_w, a_w = before_w * area, after_w * area
        changes.append(after / a_w - before / b_w)
        variance += before / b_w**2 + after / a_w**2
    d_control, d_treated, d_disp_control, d_disp_treated = changes
    local = d_treated - d_control
    displacement = d_disp_treated - d_disp_control
    estimate = local + displacement
    se = math.sqrt(variance)
    z = estimate / se if se > 0 else math.nan
    p_value = float(2 * norm.sf(abs(z))) if se > 0 else math.nan
    half = float(norm.ppf(1 - alpha / 2)) * se
    return WDDResult(local=local, displacement=displacement, estimate=estimate, se=se, z=z,
                     p_value=p_value, ci=(estimate - half, estimate + half))
