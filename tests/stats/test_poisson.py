"""The Poisson statistics against published worked examples and an independent computation."""

from __future__ import annotations

import math

import pytest
from scipy.stats import chi2
from statsmodels.stats import rates
from statsmodels.stats.proportion import proportion_confint

from townsquare.stats.poisson import E_TEST_EXACT_UP_TO, e_test, exact_ci, rate_ratio_ci

# Exact 95% Poisson intervals as tabulated (Garwood 1936; e.g. Ulm 1990, Am J Epidemiol 131).
PUBLISHED_95 = [
    (0, 0.0, 3.689),
    (1, 0.0253, 5.572),
    (5, 1.624, 11.668),
    (10, 4.795, 18.390),
    (20, 12.217, 30.888),
]


@pytest.mark.parametrize(("count", "lo", "hi"), PUBLISHED_95)
def test_exact_interval_matches_the_published_table(count: int, lo: float, hi: float) -> None:
    got_lo, got_hi = exact_ci(count)
    assert got_lo == pytest.approx(lo, abs=6e-4)
    assert got_hi == pytest.approx(hi, abs=6e-4)


def test_exact_interval_of_zero_starts_at_zero() -> None:
    assert exact_ci(0)[0] == 0.0
    assert exact_ci(0, level=0.9)[1] == pytest.approx(-math.log(0.05), rel=1e-9)


def test_exact_interval_of_a_huge_count_is_the_chi_square_quantiles() -> None:
    lo, hi = exact_ci(10**9)
    assert lo == pytest.approx(chi2.ppf(0.025, 2 * 10**9) / 2, rel=1e-12)
    assert hi == pytest.approx(chi2.ppf(0.975, 2 * 10**9 + 2) / 2, rel=1e-12)
    # the normal limit: k +- 1.96 sqrt(k)
    assert lo == pytest.approx(10**9 - 1.959964 * math.sqrt(10**9), abs=2)
    assert hi == pytest.approx(10**9 + 1.959964 * math.sqrt(10**9), abs=2)


def test_e_test_krishnamoorthy_thomson_example() -> None:
    # 25 events against 16 over equal exposures: p = 0.165 (Krishnamoorthy & Thomson 2004).
    assert e_test(25, 1, 16, 1) == pytest.approx(0.165, abs=5e-4)
    # exposures in days: the same numbers per 30 days
    assert e_test(25, 30, 16, 30) == pytest.approx(0.165, abs=5e-4)


def test_e_test_is_symmetric_and_one_for_equal_rates() -> None:
    assert e_test(16, 1, 25, 1) == pytest.approx(e_test(25, 1, 16, 1), rel=1e-12)
    assert e_test(10, 5, 20, 10) == pytest.approx(1.0, abs=1e-12)
    assert e_test(0, 7, 0, 7) == 1.0


def test_e_test_with_one_zero_count() -> None:
    expected = rates.test_poisson_2indep(0, 10, 5, 1, method="etest").pvalue
    assert e_test(0, 10, 5, 1) == pytest.approx(expected, rel=1e-12)
    assert 0 < e_test(0, 10, 5, 1) < 1e-5


def test_e_test_above_the_threshold_uses_the_score_test_which_agrees() -> None:
    half = E_TEST_EXACT_UP_TO // 2
    for count1, exposure1, exposure2 in [(half - 40, 30, 30), (half + 40, 30, 31),
                                         (half, 7, 365)]:
        count2 = E_TEST_EXACT_UP_TO - count1
        exact = rates.test_poisson_2indep(count1, exposure1, count2, exposure2,
                                    method="etest").pvalue
        score = rates.test_poisson_2indep(count1, exposure1, count2 + 1, exposure2,
                                    method="score").pvalue
        assert e_test(count1, exposure1, count2, exposure2) == pytest.approx(exact, rel=1e-12)
        assert e_test(count1, exposure1, count2 + 1, exposure2) == pytest.approx(score,
                                                                                  rel=1e-12)
        assert abs(exact - score) < 0.002 + 0.02  # one more event moves p by less than 0.02


def test_e_test_of_huge_counts_is_quick_and_exact_enough() -> None:
    count1, count2 = 10_000_000, 10_010_000
    z = (count2 - count1) / math.sqrt(count1 + count2)
    p_normal = math.erfc(z / math.sqrt(2))
    assert e_test(count1, 365, count2, 365) == pytest.approx(p_normal, rel=1e-6)


def test_rate_ratio_interval_is_the_exact_conditional_interval() -> None:
    for count1, exposure1, count2, exposure2 in [(25, 1, 16, 1), (3, 30, 9, 31),
                                                 (120, 365, 80, 366), (1, 7, 1, 7)]:
        # Clopper-Pearson for the share of count1 among all events, mapped to the rate ratio
        p_lo, p_hi = proportion_confint(count1, count1 + count2, alpha=0.05, method="beta")
        lo = p_lo / (1 - p_lo) * exposure2 / exposure1
        hi = p_hi / (1 - p_hi) * exposure2 / exposure1
        got_lo, got_hi = rate_ratio_ci(count1, exposure1, count2, exposure2)
        assert got_lo == pytest.approx(lo, rel=1e-9)
        assert got_hi == pytest.approx(hi, rel=1e-9)


def test_rate_ratio_interval_with_zero_counts() -> None:
    lo, hi = rate_ratio_ci(0, 30, 12, 30)
    assert lo == 0.0
    # the upper end of p is 1 - (alpha / 2) ** (1 / n) when count1 = 0
    p_hi = 1 - 0.025 ** (1 / 12)
    assert hi == pytest.approx(p_hi / (1 - p_hi), rel=1e-9)
    lo, hi = rate_ratio_ci(12, 30, 0, 30)
    p_lo = 0.025 ** (1 / 12)
    assert lo == pytest.approx(p_lo / (1 - p_lo), rel=1e-9)
    assert hi == math.inf
    assert rate_ratio_ci(0, 30, 0, 30) == (0.0, math.inf)


def test_rate_ratio_interval_of_huge_counts_is_finite_and_tight() -> None:
    lo, hi = rate_ratio_ci(10_000_000, 365, 10_000_000, 365)
    assert lo == pytest.approx(1 - 1.959964 * math.sqrt(2 / 10_000_000), abs=1e-6)
    assert hi == pytest.approx(1 + 1.959964 * math.sqrt(2 / 10_000_000), abs=1e-6)


@pytest.mark.parametrize("call", [
    lambda: exact_ci(-1),
    lambda: exact_ci(2.5),  # type: ignore[arg-type]
    lambda: exact_ci(3, level=1.0),
    lambda: e_test(3, 0, 4, 30),
    lambda: e_test(3, 30, 4, -1),
    lambda: e_test(3, math.inf, 4, 30),
    lambda: e_test(-3, 30, 4, 30),
    lambda: rate_ratio_ci(3, 30, 4, 0),
    lambda: rate_ratio_ci(3, 30, 4, 30, level=0),
])
def test_bad_input_is_a_clear_value_error(call) -> None:  # noqa: ANN001
    with pytest.raises(ValueError, match="must be"):
        call()
