"""How much data a comparison of Poisson rates needs before it can see a change.

"A 10% change in this neighborhood would need N months of data to detect": the number of
months m, the same before and after, for a two-sided test of the ratio of two Poisson
rates at level alpha to reject with probability `power` when the rate truly changes by
`change` (-0.10: a 10% fall). The normal approximation on the log rate ratio (the Wald
test): with r = 1 + change and a monthly rate of `monthly_rate` events before,

    Var(log RR) = 1 / (rate * m) + 1 / (rate * r * m)
    m = (z_(1 - alpha/2) + z_power)^2 * (1 + 1/r) / (rate * log(r)^2)

rounded up to whole months. `power_at` gives the power of m months the same way, and
statsmodels' `power_poisson_ratio_2indep` cross-checks it in the tests.
"""

from __future__ import annotations

import math

from scipy.stats import norm


def _check(monthly_rate: float, change: float, alpha: float) -> float:
    if not monthly_rate > 0:
        raise ValueError("the monthly rate must be positive")
    if not -1 < change or change == 0:
        raise ValueError("the change must be above -100% and not 0")
    if not 0 < alpha < 1:
        raise ValueError("alpha must be between 0 and 1")
    return 1 + change


def months_to_detect(monthly_rate: float, change: float = -0.10, *, alpha: float = 0.05,
                     power: float = 0.80) -> int:
    """Whole months (before, and as many after) to detect `change` in a Poisson rate."""
    ratio = _check(monthly_rate, change, alpha)
    if not 0 < power < 1:
        raise ValueError("power must be between 0 and 1")
    z = norm.ppf(1 - alpha / 2) + norm.ppf(power)
    months = z**2 * (1 + 1 / ratio) / (monthly_rate * math.log(ratio) ** 2)
    return max(1, math.ceil(months - 1e-9))


def power_at(monthly_rate: float, change: float, months: float, *,
             alpha: float = 0.05) -> float:
    """The power of `months` before and after (same approximation, both tails)."""
    ratio = _check(monthly_rate, change, alpha)
    se = math.sqrt((1 + 1 / ratio) / (monthly_rate * months))
    shift = abs(math.log(ratio)) / se
    crit = norm.ppf(1 - alpha / 2)
    return float(norm.sf(crit - shift) + norm.cdf(-crit - shift))
