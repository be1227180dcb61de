"""Poisson counts with honest uncertainty: the exact (Garwood) interval of a count, the E-test
for two Poisson rates (Krishnamoorthy & Thomson 2004) and an exact interval for the ratio of
two rates. Pure functions over numbers; see docs/incidents.md, "Trends and the numbers"."""

from __future__ import annotations

import math
import warnings

from scipy.special import betaincinv, gammaincinv
from statsmodels.stats.rates import test_poisson_2indep

# Above this many events in both periods together the E-test's grid (quadratic in the counts)
# is replaced by the score test it is built on: their p-values differ by less than 0.002
# there (tests/stats/test_poisson.py checks it at the threshold), and a page stays fast.
E_TEST_EXACT_UP_TO = 200


def _check_count(count: int, name: str = "count") -> None:
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"{name} must be a whole number of events, 0 or more; got {count!r}")


def _check_exposure(exposure: float, name: str = "exposure") -> None:
    if isinstance(exposure, bool) or not isinstance(exposure, int | float):
        raise ValueError(f"{name} must be a number; got {exposure!r}")
    if not math.isfinite(exposure) or exposure <= 0:
        raise ValueError(f"{name} must be a positive, finite number; got {exposure!r}")


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1; got {level!r}")


def exact_ci(count: int, level: float = 0.95) -> tuple[float, float]:
    """The exact (Garwood 1936) interval of the mean of a Poisson count: the chi-square
    quantiles [chi2(a/2; 2k) / 2, chi2(1 - a/2; 2k + 2) / 2]; the lower end is 0 for k = 0.
    chi2(q; 2k) / 2 is the gamma(k) quantile, computed with scipy.special directly (the
    scipy.stats wrappers cost a millisecond a call, and a page asks for dozens)."""
    _check_count(count)
    _check_level(level)
    alpha = 1 - level
    lo = 0.0 if count == 0 else float(gammaincinv(count, alpha / 2))
    hi = float(gammaincinv(count + 1, 1 - alpha / 2))
    return lo, hi


def e_test(count1: int, exposure1: float, count2: int, exposure2: float) -> float:
    """The two-sided p-value of the E-test of equal rates, count1 / exposure1 against
    count2 / exposure2 (statsmodels' test_poisson_2indep, method "etest"). With more than
    E_TEST_EXACT_UP_TO events in all, the score test (its normal limit) is used instead."""
    _check_count(count1, "count1")
    _check_count(count2, "count2")
    _check_exposure(exposure1, "exposure1")
    _check_exposure(exposure2, "exposure2")
    if count1 + count2 == 0:
        return 1.0
    method = "etest" if count1 + count2 <= E_TEST_EXACT_UP_TO else "score"
    with warnings.catch_warnings():
        # statsmodels divides by a zero rate when one count is 0 (for a ratio it does not use).
        warnings.simplefilter("ignore", RuntimeWarning)
        result = test_poisson_2indep(count1, exposure1, count2, exposure2, method=method)
    return min(1.0, max(0.0, float(result.pvalue)))


def rate_ratio_ci(count1: int, exposure1: float, count2: int, exposure2: float,
                  level: float = 0.95) -> tuple[float, float]:
    """An exact conditional interval for (count1 / exposure1) / (count2 / exposure2).

    Given n = count1 + count2 events, count1 is binomial with p = R e1 / (R e1 + e2); the
    Clopper-Pearson interval of p (beta quantiles) maps to R = p / (1 - p) * e2 / e1. The
    lower end is 0 when count1 = 0; the upper end is infinite when count2 = 0 (and the
    interval is [0, inf) when there are no events at all: nothing can be said)."""
    _check_count(count1, "count1")
    _check_count(count2, "count2")
    _check_exposure(exposure1, "exposure1")
    _check_exposure(exposure2, "exposure2")
    _check_level(level)
    alpha = 1 - level
    scale = exposure2 / exposure1
    if count1 == 0:
        lo = 0.0
    else:
        p_lo = float(betaincinv(count1, count2 + 1, alpha / 2))  # the beta quantile
        lo = p_lo / (1 - p_lo) * scale
    if count2 == 0:
        hi = math.inf
    else:
        p_hi = float(betaincinv(count1 + 1, count2, 1 - alpha / 2))
        hi = p_hi / (1 - p_hi) * scale
    return lo, hi
