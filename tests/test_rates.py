"""Poisson rate intervals, rate ratios and inclusive month counting, with pinned references.

No R is available here: values attributed to R commands are computed independently with
scipy (chi-square / beta quantiles) and the command that would reproduce them is named.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from toolkit.rates import (
    monthly_rate_interval,
    monthly_rate_ratio,
    months_inclusive,
    poisson_rate_interval,
    rate_ratio_interval,
)

# --- month arithmetic -----------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end, months",
    [
        # the three regimes and the total as statistics.md (after the source) states them
        ("2009-02", "2015-10", 81),
        ("2015-11", "2017-05", 19),
        ("2017-06", "2017-12", 7),
        ("2009-02", "2017-12", 107),
        ("2020-01", "2020-01", 1),
        ("2019-12", "2020-01", 2),
    ],
)
def test_months_inclusive(start, end, months):
    assert months_inclusive(start, end) == months


@pytest.mark.parametrize("start, end, message", [("2017-06", "2017-05", "before it starts"), ("2017-6", "2017-07", "YYYY-MM"), ("2017-13", "2018-01", "out of range")])
def test_bad_periods_are_rejected(start, end, message):
    with pytest.raises(ValueError, match=message):
        months_inclusive(start, end)


# --- Garwood intervals ------------------------------------------------------------------

# Exact Poisson 95% limits for a count, as tabulated e.g. in Ulm K. (1990) Am. J. Epidemiol.
# 131:373-375 and in standard tables (Garwood 1936); 3-4 significant digits.
GARWOOD_TABLE = [
    (0, 0.0, 3.689),
    (1, 0.0253, 5.572),
    (2, 0.242, 7.225),
    (10, 4.795, 18.39),
]


@pytest.mark.parametrize("count, low, high", GARWOOD_TABLE)
def test_garwood_against_table(count, low, high):
    iv = poisson_rate_interval(count)
    assert iv.low == pytest.approx(low, abs=5e-4 if low < 1 else 5e-3)
    assert iv.high == pytest.approx(high, abs=5e-3)


def test_zero_count_has_exact_zero_lower_bound_and_closed_form_upper():
    # At k = 0 the upper limit solves exp(-mu) = alpha/2: mu = -ln(0.025) = 3.68887945...
    iv = poisson_rate_interval(0, exposure=7)
    assert iv.low == 0.0 and iv.estimate == 0.0
    assert iv.high == pytest.approx(-math.log(0.025) / 7, rel=1e-12)


def test_rate_interval_with_exposure_pinned():
    # R: poisson.test(137, 24.19893)$conf.int (the SMR example in R's ?poisson.test).
    # Computed here independently: chi2.ppf(0.025, 274)/2/24.19893, chi2.ppf(0.975, 276)/2/24.19893.
    iv = poisson_rate_interval(137, 24.19893)
    assert iv.estimate == pytest.approx(137 / 24.19893)
    assert iv.low == pytest.approx(stats.chi2.ppf(0.025, 274) / 2 / 24.19893, rel=1e-12)
    assert iv.low == pytest.approx(4.753125, abs=1e-6)
    assert iv.high == pytest.approx(6.692709, abs=1e-6)
    assert (iv.count, iv.exposure, iv.method) == (137, 24.19893, "garwood")


def test_monthly_rate_uses_inclusive_months():
    iv = monthly_rate_interval(2232, "2017-06", "2017-12")
    assert iv.exposure == 7 and iv.estimate == pytest.approx(2232 / 7)
    assert iv.low < iv.estimate < iv.high


@pytest.mark.parametrize("count, exposure, message", [(-1, 1, "non-negative"), (3, 0, "positive"), (3, float("inf"), "positive"), (2.5, 1, "whole number")])
def test_bad_rate_inputs(count, exposure, message):
    with pytest.raises(ValueError, match=message):
        poisson_rate_interval(count, exposure)


@settings(max_examples=150, deadline=None)
@given(count=st.integers(0, 100_000), exposure=st.floats(0.1, 1e4))
def test_rate_interval_brackets_estimate(count, exposure):
    iv = poisson_rate_interval(count, exposure)
    assert 0.0 <= iv.low <= iv.estimate <= iv.high
    assert math.isfinite(iv.high)


# --- rate ratios ------------------------------------------------------------------------


def test_rate_ratio_pinned_against_conditional_binomial():
    # R: poisson.test(c(11, 6+8+7), c(800, 1083+1050+878)) (eba1977 example in ?poisson.test).
    # Reference computed independently with scipy's beta: p bounds = Clopper-Pearson for
    # 11 of 32, i.e. beta.ppf(0.025, 11, 22) and beta.ppf(0.975, 12, 21); R = p t2 / ((1-p) t1).
    t1, t2 = 800, 1083 + 1050 + 878
    p_low, p_high = stats.beta.ppf(0.025, 11, 22), stats.beta.ppf(0.975, 12, 21)
    rr = rate_ratio_interval(11, t1, 21, t2)
    assert rr.estimate == pytest.approx((11 / t1) / (21 / t2))
    assert rr.low == pytest.approx(p_low * t2 / ((1 - p_low) * t1), rel=1e-10)
    assert rr.high == pytest.approx(p_high * t2 / ((1 - p_high) * t1), rel=1e-10)
    assert (round(rr.estimate, 6), round(rr.low, 6), round(rr.high, 6)) == (1.971488, 0.858426, 4.277266)


def test_rate_ratio_equal_exposure_matches_binomial_closed_form_at_zero():
    # k1 = 0, k2 = 5, t1 = t2: p_high = 1 - 0.025^(1/5) (CP at 0 events), R_high = p/(1-p).
    rr = rate_ratio_interval(0, 10, 5, 10)
    p_high = 1 - 0.025 ** (1 / 5)
    assert rr.estimate == 0.0 and rr.low == 0.0
    assert rr.high == pytest.approx(p_high / (1 - p_high), rel=1e-10)


def test_rate_ratio_with_zero_in_the_denominator_is_unbounded_above():
    rr = rate_ratio_interval(5, 10, 0, 10)
    assert rr.estimate == math.inf and rr.high == math.inf
    # mirror image of the k1 = 0 case: R_low = 1 / R_high(0 vs 5)
    assert rr.low == pytest.approx(1 / rate_ratio_interval(0, 10, 5, 10).high, rel=1e-10)


def test_rate_ratio_undefined_without_events():
    with pytest.raises(ValueError, match="no events"):
        rate_ratio_interval(0, 3, 0, 4)


@settings(max_examples=100, deadline=None)
@given(k1=st.integers(1, 5000), k2=st.integers(1, 5000), t1=st.floats(0.5, 200), t2=st.floats(0.5, 200))
def test_rate_ratio_is_symmetric_under_swapping(k1, k2, t1, t2):
    forward = rate_ratio_interval(k1, t1, k2, t2)
    backward = rate_ratio_interval(k2, t2, k1, t1)
    assert forward.low <= forward.estimate <= forward.high
    assert forward.low == pytest.approx(1 / backward.high, rel=1e-8)
    assert forward.high == pytest.approx(1 / backward.low, rel=1e-8)


def test_monthly_rate_ratio_persons_after_vs_before_interpretation():
    # Persons with effective judgments: 2,232 in 2017-06..12 (7 months) vs 1,295 in
    # 2015-11..2017-05 (19 months) -> ratio (2232/7)/(1295/19).
    rr = monthly_rate_ratio(2232, "2017-06", "2017-12", 1295, "2015-11", "2017-05")
    assert (rr.t1, rr.t2) == (7, 19)
    assert rr.estimate == pytest.approx((2232 / 7) / (1295 / 19))
    assert 1 < rr.low < rr.estimate < rr.high


def test_numpy_counts_and_exposures_are_accepted():
    import numpy as np

    assert poisson_rate_interval(np.int64(10), np.float64(2.0)) == poisson_rate_interval(10, 2.0)
    assert rate_ratio_interval(np.int64(11), np.int64(800), np.int64(21), 3011).estimate == pytest.approx((11 / 800) / (21 / 3011))


def test_monthly_rates_frame_helper_accepts_loaded_tables():
    import pandas as pd

    from toolkit.rates import monthly_rates

    frame = pd.DataFrame({
        "value": pd.array([988, 1295], dtype="Int64"),
        "period_start": pd.PeriodIndex(["2009-02", "2015-11"], freq="M"),
        "period_end": ["2015-10", "2017-05"],
    })
    out = monthly_rates(frame)
    assert out["months"].tolist() == [81, 19]
    assert out["per_month"].tolist() == pytest.approx([988 / 81, 1295 / 19])
    assert out.loc[1, "low"] == pytest.approx(monthly_rate_interval(1295, "2015-11", "2017-05").low)
    frame.loc[1, "value"] = pd.NA
    with pytest.raises(ValueError, match="row 1"):
        monthly_rates(frame)
