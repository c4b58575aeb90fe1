"""Proportion intervals: edge cases at 0 and n events, and pinned reference values.

Where each reference comes from is stated next to it. No R is available here, so R
outputs are not claimed; closed forms are recomputed in the test and published tables
are cited.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from toolkit.intervals import Interval, proportion_interval, proportion_intervals

METHODS = ["clopper-pearson", "wilson", "jeffreys"]


# --- edge cases -------------------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
def test_zero_events_lower_bound_is_exactly_zero_upper_finite_positive(method):
    iv = proportion_interval(0, 500, method)
    assert iv.low == 0.0
    assert iv.estimate == 0.0
    assert math.isfinite(iv.high) and 0.0 < iv.high < 1.0
    assert (iv.k, iv.n, iv.method) == (0, 500, method)


@pytest.mark.parametrize("method", METHODS)
def test_all_events_upper_bound_is_exactly_one(method):
    iv = proportion_interval(37, 37, method)
    assert iv.high == 1.0
    assert 0.0 < iv.low < 1.0
    assert iv.estimate == 1.0


@pytest.mark.parametrize("method", METHODS)
def test_n_zero_is_a_clear_error(method):
    with pytest.raises(ValueError, match="n \\(trials\\) is 0"):
        proportion_interval(0, 0, method)


@pytest.mark.parametrize(
    "k, n, message",
    [(5, 4, "exceeds"), (-1, 10, "non-negative"), (1.5, 10, "whole number"), (1, 10.2, "whole number")],
)
def test_invalid_counts_are_rejected(k, n, message):
    with pytest.raises(ValueError, match=message):
        proportion_interval(k, n)


def test_unknown_method_and_bad_alpha_are_rejected():
    with pytest.raises(ValueError, match="unknown method"):
        proportion_interval(1, 10, "wald")
    with pytest.raises(ValueError, match="alpha"):
        proportion_interval(1, 10, alpha=1.5)


def test_interval_is_frozen():
    iv = proportion_interval(3, 10)
    with pytest.raises(AttributeError):
        iv.low = 0.0  # type: ignore[misc]


# --- closed forms -------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 20, 500, 120_000])
def test_clopper_pearson_at_zero_events_matches_closed_form(n):
    # At k = 0 the exact upper bound solves (1 - p)^n = alpha/2: p = 1 - (alpha/2)^(1/n).
    assert proportion_interval(0, n).high == pytest.approx(1 - 0.025 ** (1 / n), rel=1e-10)


def test_clopper_pearson_0_of_500_pinned():
    # R: binom.test(0, 500)$conf.int. Its value is the closed form 1 - 0.025^(1/500)
    # = 0.0073506100519..., cross-checked independently with scipy's beta quantile
    # beta.ppf(0.975, 1, 500). (Printed to 9 digits: 0.000000000 0.007350610.)
    iv = proportion_interval(0, 500)
    assert iv.low == 0.0
    assert iv.high == pytest.approx(0.0073506100519, abs=1e-12)
    assert iv.high == pytest.approx(stats.beta.ppf(0.975, 1, 500), rel=1e-12)


@pytest.mark.parametrize("k, n", [(0, 500), (1, 29), (15, 148), (81, 263), (29, 29)])
def test_wilson_matches_its_closed_form(k, n):
    # Wilson (1927): (p + z^2/2n -/+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n), z = Phi^-1(0.975).
    z = stats.norm.ppf(0.975)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    iv = proportion_interval(k, n, "wilson")
    assert iv.low == pytest.approx(max(0.0, centre - half), abs=1e-12)
    assert iv.high == pytest.approx(min(1.0, centre + half), abs=1e-12)


@pytest.mark.parametrize("k, n", [(0, 500), (1, 29), (15, 148), (81, 263), (29, 29)])
def test_jeffreys_is_beta_quantiles_with_endpoint_convention(k, n):
    # Jeffreys: equal-tailed quantiles of Beta(k + 1/2, n - k + 1/2); by the convention of
    # Brown, Cai & DasGupta (2001, Stat. Sci. 16:101) low = 0 at k = 0 and high = 1 at k = n.
    iv = proportion_interval(k, n, "jeffreys")
    a, b = k + 0.5, n - k + 0.5
    expected_low = 0.0 if k == 0 else stats.beta.ppf(0.025, a, b)
    expected_high = 1.0 if k == n else stats.beta.ppf(0.975, a, b)
    assert iv.low == pytest.approx(expected_low, abs=1e-12)
    assert iv.high == pytest.approx(expected_high, abs=1e-12)


# --- published table ------------------------------------------------------------------

# Newcombe R.G. (1998) "Two-sided confidence intervals for the single proportion:
# comparison of seven methods", Statistics in Medicine 17:857-872, Table II,
# method 3 (Wilson score) and method 5 (exact Clopper-Pearson), 4 decimals.
NEWCOMBE_TABLE_II = [
    # k, n, wilson, clopper-pearson
    (81, 263, (0.2553, 0.3662), (0.2527, 0.3676)),
    (15, 148, (0.0624, 0.1605), (0.0578, 0.1617)),
    (0, 20, (0.0000, 0.1611), (0.0000, 0.1684)),
    (1, 29, (0.0061, 0.1718), (0.0009, 0.1776)),
]


@pytest.mark.parametrize("k, n, wilson, exact", NEWCOMBE_TABLE_II)
def test_against_newcombe_1998_table(k, n, wilson, exact):
    w = proportion_interval(k, n, "wilson")
    cp = proportion_interval(k, n, "clopper-pearson")
    assert (round(w.low, 4), round(w.high, 4)) == wilson
    assert (round(cp.low, 4), round(cp.high, 4)) == exact


# --- properties ------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 5000), data=st.data(), method=st.sampled_from(METHODS))
def test_interval_contains_estimate_and_stays_in_unit_range(n, data, method):
    k = data.draw(st.integers(0, n))
    iv = proportion_interval(k, n, method)
    assert 0.0 <= iv.low <= iv.estimate <= iv.high <= 1.0
    assert iv.low < iv.high


@settings(max_examples=100, deadline=None)
@given(n=st.integers(2, 2000), data=st.data())
def test_clopper_pearson_is_widest_of_the_three(n, data):
    # The exact interval is conservative: it contains the Jeffreys interval (a known
    # property: Jeffreys bounds lie within Clopper-Pearson bounds).
    k = data.draw(st.integers(0, n))
    ivs = proportion_intervals(k, n)
    assert ivs["clopper-pearson"].low <= ivs["jeffreys"].low + 1e-12
    assert ivs["clopper-pearson"].high >= ivs["jeffreys"].high - 1e-12


def test_wider_at_higher_confidence_and_scaled_to_percent():
    narrow = proportion_interval(3, 1000, alpha=0.10)
    wide = proportion_interval(3, 1000, alpha=0.01)
    assert wide.low < narrow.low and wide.high > narrow.high
    pct = narrow.scaled(100)
    assert isinstance(pct, Interval)
    assert pct.estimate == pytest.approx(0.3) and pct.high == pytest.approx(narrow.high * 100)


def test_numpy_and_pandas_counts_are_accepted():
    import numpy as np
    import pandas as pd

    counts = pd.Series([3, 10], dtype="Int64")
    iv = proportion_interval(counts.iloc[0], np.int64(10))
    assert iv == proportion_interval(3, 10)
    assert proportion_interval(3.0, 10.0).k == 3
    with pytest.raises(ValueError, match="whole number"):
        proportion_interval(float("nan"), 10)
    with pytest.raises(ValueError, match="whole number"):
        proportion_interval(True, 10)


@settings(max_examples=300, deadline=None)
@given(n=st.integers(1, 10**7), share=st.floats(0, 1), alpha=st.sampled_from([0.01, 0.05, 0.1]))
def test_clopper_pearson_agrees_with_statsmodels_beta(n, share, alpha):
    """The exact limits are computed with scipy.special (no statsmodels import); statsmodels' "beta" is the reference."""
    from statsmodels.stats.proportion import proportion_confint

    k = round(share * n)
    iv = proportion_interval(k, n, "clopper-pearson", alpha)
    low, high = proportion_confint(k, n, alpha=alpha, method="beta")
    assert iv.low == pytest.approx(0.0 if k == 0 else float(low), rel=1e-12, abs=0)
    assert iv.high == pytest.approx(1.0 if k == n else float(high), rel=1e-12, abs=0)


def test_importing_intervals_does_not_import_statsmodels():
    import subprocess
    import sys

    code = ("import sys, toolkit.intervals as i; i.proportion_interval(3, 40); "
            "print(any(m.startswith('statsmodels') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
