"""Segmented (interrupted time series) regression: closed forms, independent fits, edges."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from toolkit.analysis import its
from toolkit.analysis.synthetic import defendant
from toolkit.schema import defendants_to_frame


def monthly(values, start="2016-01"):
    return pd.Series(values, index=pd.period_range(start, periods=len(values), freq="M"))


def test_exact_geometric_segments_recover_closed_form():
    # Pre: 1, 2, 4, 8 (x2 per month). Counterfactual at the reform month: 16. Post: 48, 144,
    # 432, 1296 (x3 per month). Closed form: level change 48/16 = 3, slope change 3/2 = 1.5,
    # pre trend 2; the Poisson MLE fits exactly (all residuals 0).
    counts = monthly([1, 2, 4, 8, 48, 144, 432, 1296])
    r = its.segmented_regression(counts, "2016-05", hac_lags=1)
    assert r.reform_position == 4 and r.reform_label == "2016-05"
    assert r.level_change.estimate == pytest.approx(3.0, rel=1e-6)
    assert r.slope_change.estimate == pytest.approx(1.5, rel=1e-6)
    assert r.pre_trend.estimate == pytest.approx(2.0, rel=1e-6)
    assert r.counterfactual[4] == pytest.approx(16.0, rel=1e-6)
    assert r.effect_after(2).estimate == pytest.approx(3 * 1.5**2, rel=1e-6)
    # Simple before/after ratio of totals (toolkit.rates): (1920/4) / (15/4) = 128.
    assert r.simple_ratio.estimate == pytest.approx(128.0)


def _simulated(seed=7, n=60, reform=30, level=0.5, slope=0.02):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    post = (t >= reform).astype(float)
    mu = np.exp(1.5 + 0.01 * t + level * post + slope * (t - reform) * post)
    return monthly(rng.poisson(mu), start="2015-01"), t, post, reform


def test_hac_covariance_matches_hand_computed_newey_west():
    counts, t, post, reform = _simulated()
    r = its.segmented_regression(counts, "2017-07", hac_lags=3)
    X = np.column_stack([np.ones_like(t), t, post, (t - reform) * post]).astype(float)
    mu = np.exp(X @ r.params.to_numpy())
    scores = X * (counts.to_numpy() - mu)[:, None]
    meat = scores.T @ scores
    for lag in range(1, 4):
        weight = 1 - lag / 4  # Bartlett kernel
        gamma = scores[lag:].T @ scores[:-lag]
        meat += weight * (gamma + gamma.T)
    bread = np.linalg.inv(X.T @ (X * mu[:, None]))
    expected = bread @ meat @ bread
    np.testing.assert_allclose(r.cov.to_numpy(), expected, rtol=1e-6)
    # Interval for the level change: exp(b2 -/+ 1.96 se).
    se = math.sqrt(expected[2, 2])
    z = stats.norm.isf(0.025)
    assert r.level_change.low == pytest.approx(math.exp(r.params["level_change"] - z * se), rel=1e-6)


def test_poisson_fit_matches_independent_likelihood_maximisation():
    counts, t, post, reform = _simulated(seed=3)
    r = its.segmented_regression(counts, "2017-07")
    X = np.column_stack([np.ones_like(t), t, post, (t - reform) * post]).astype(float)
    y = counts.to_numpy()

    def negloglik(beta):
        eta = X @ beta
        return -(y * eta - np.exp(eta)).sum()

    best = optimize.minimize(negloglik, np.zeros(4), method="BFGS", options={"gtol": 1e-10})
    np.testing.assert_allclose(r.params.to_numpy(), best.x, atol=1e-4)


def test_negative_binomial_matches_independent_nb2_fit():
    rng = np.random.default_rng(11)
    n, reform = 48, 24
    t = np.arange(n)
    post = (t >= reform).astype(float)
    mu = np.exp(2.0 + 0.01 * t + 0.4 * post - 0.02 * (t - reform) * post)
    alpha = 0.3  # NB2: var = mu + alpha mu^2
    y = rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mu))
    counts = monthly(y, start="2014-01")
    r = its.segmented_regression(counts, "2016-01", family="negbin")
    X = np.column_stack([np.ones_like(t), t, post, (t - reform) * post]).astype(float)

    def negloglik(theta):
        beta, log_alpha = theta[:4], theta[4]
        a = math.exp(log_alpha)
        m = np.exp(X @ beta)
        return -stats.nbinom.logpmf(y, 1 / a, 1 / (1 + a * m)).sum()

    best = optimize.minimize(negloglik, np.append(np.zeros(4), np.log(0.5)), method="Nelder-Mead",
                             options={"maxiter": 20000, "xatol": 1e-9, "fatol": 1e-12})
    best = optimize.minimize(negloglik, best.x, method="BFGS", options={"gtol": 1e-9})
    np.testing.assert_allclose(r.params.to_numpy(), best.x[:4], atol=2e-3)
    assert r.nb_alpha == pytest.approx(math.exp(best.x[4]), rel=2e-2)
    assert r.pearson_dispersion > 1.5  # overdispersed by construction


def test_overdispersion_noted_for_poisson():
    rng = np.random.default_rng(5)
    y = rng.negative_binomial(2, 0.05, size=40)
    r = its.segmented_regression(monthly(y), "2017-09")
    assert any("overdispersed" in w for w in r.warnings)


def test_newey_west_default_lag():
    # floor(4 (T/100)^(2/9)): T = 60 -> floor(3.59) = 3; T = 100 -> 4.
    assert its.newey_west_lags(60) == 3 and its.newey_west_lags(100) == 4


def test_all_zero_counts_rejected():
    with pytest.raises(ValueError, match="no events"):
        its.segmented_regression(monthly([0] * 12), "2016-07")


def test_zero_segment_rejected_with_reason():
    with pytest.raises(ValueError, match="after the reform"):
        its.segmented_regression(monthly([3, 4, 2, 5, 3, 0, 0, 0, 0]), "2016-06")


def test_too_few_periods_and_reform_outside():
    with pytest.raises(ValueError, match="at least 3"):
        its.segmented_regression(monthly([3, 4, 5, 6, 7, 8]), "2016-02")
    with pytest.raises(ValueError, match="0 after"):
        its.segmented_regression(monthly([3, 4, 5, 6, 7, 8]), "2020-01")
    with pytest.raises(ValueError):
        its.segmented_regression(monthly([3]), "2016-01")


def test_bad_counts_rejected():
    with pytest.raises(ValueError, match="whole numbers"):
        its.segmented_regression(monthly([1.5, 2, 3, 4, 5, 6]), "2016-04")
    with pytest.raises(ValueError, match="family"):
        its.segmented_regression(monthly([1, 2, 3, 4, 5, 6]), "2016-04", family="gaussian")


def test_period_counts_fill_gaps_and_count_undated():
    records = [defendant(f"d{i}", judgment_date=d) for i, d in enumerate(
        ["2017-01-05", "2017-01-20", "2017-03-02", None, "not a date", "2018-02-01"])]
    frame = defendants_to_frame(records)
    monthly_counts = its.period_counts(frame, "M")
    assert monthly_counts.loc[pd.Period("2017-02", "M")] == 0
    assert monthly_counts.sum() == 4 and monthly_counts.attrs["undated_rows"] == 2
    yearly = its.period_counts(frame, "Y", start="2016", end="2018")
    assert list(yearly) == [0, 3, 1]
    with pytest.raises(ValueError, match="freq"):
        its.period_counts(frame, "W")


def test_yearly_series_from_integers_index():
    counts = pd.Series([5, 6, 7, 8, 12, 14, 16], index=range(2012, 2019))
    r = its.segmented_regression(counts, 2016)
    assert r.reform_position == 4


def test_figure_has_fitted_segments_and_counterfactual(tmp_path, monkeypatch):
    monkeypatch.setenv("JUDGSTAT_FIGURES_DIR", str(tmp_path))
    from toolkit import plotting

    plotting.setup()
    counts, *_ = _simulated()
    r = its.segmented_regression(counts, "2017-07")
    fig = its.plot_its(r)
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert any("counterfactual" in label for label in labels)
    assert sum("fitted" in label for label in labels) == 2
    paths = plotting.save_figure(fig, "its_test")
    assert all(p.exists() for p in paths)


def test_edge_only_segment_is_not_estimable():
    # Pre-reform counts 1, 0, 0: the Poisson likelihood keeps rising as the pre trend goes to
    # minus infinity (Haberman's condition), so no finite MLE exists.
    counts = pd.Series([1, 0, 0, 1, 2, 3, 1], index=pd.period_range("2014", periods=7, freq="Y"))
    with pytest.raises(ValueError, match="diverge"):
        its.segmented_regression(counts, "2017")
    assert not its.poisson_mle_exists(
        np.column_stack([np.ones(7), np.arange(7), np.arange(7) >= 3, np.clip(np.arange(7) - 3, 0, None)]),
        counts.to_numpy())


def test_interior_zeros_are_fine():
    counts = monthly([2, 0, 3, 1, 0, 4, 5, 0, 6, 4])
    r = its.segmented_regression(counts, "2016-06")
    assert math.isfinite(r.level_change.estimate)
