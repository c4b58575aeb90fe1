"""Segmented (interrupted time series) regression: closed forms, independent fits, edges."""

from __future__ import annotations

import json
import math
from pathlib import Path

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


# ----------------------------------------------------------------- several breakpoints

RESULTS = Path(__file__).parent / "results" / "its_two_breakpoints.json"


def test_two_breakpoints_exact_geometric_segments_recover_closed_form():
    # x2 per month (1, 2, 4, 8); at t=4 the counterfactual is 16 and 48 is observed (level 3),
    # then x3 (48, 144, 432); at t=7 the counterfactual is 1296 and 648 is observed (level 0.5),
    # then x1.5 (648, 972, 1458): slope changes 3/2 = 1.5 and 1.5/3 = 0.5. Exact fit.
    counts = monthly([1, 2, 4, 8, 48, 144, 432, 648, 972, 1458])
    r = its.segmented_fit(counts, ["2016-05", "2016-08"], hac_lags=1)
    assert r.labels == ("2016-05", "2016-08") and r.positions == (4, 7)
    assert r.level_change("2016-05").estimate == pytest.approx(3.0, rel=1e-6)
    assert r.slope_change(0).estimate == pytest.approx(1.5, rel=1e-6)
    assert r.level_change("2016-08").estimate == pytest.approx(0.5, rel=1e-6)
    assert r.slope_change(1).estimate == pytest.approx(0.5, rel=1e-6)
    assert [r.segment_trend(i).estimate for i in range(3)] == pytest.approx([2.0, 3.0, 1.5], rel=1e-6)
    assert r.counterfactual(0)[4] == pytest.approx(16.0, rel=1e-6)
    assert r.counterfactual(1)[7] == pytest.approx(1296.0, rel=1e-6)
    second = r.at("2016-08")
    assert second.reform_position == 7 and second.level_change.estimate == pytest.approx(0.5, rel=1e-6)
    assert second.pre_trend.estimate == pytest.approx(3.0, rel=1e-6)
    assert second.effect_after(2).estimate == pytest.approx(0.5 * 0.5**2, rel=1e-6)
    # Simple ratio of the segments' mean rates: (3078/3) / (624/3).
    assert second.simple_ratio.estimate == pytest.approx(3078 / 624)
    assert any("one of 2 breakpoints" in w for w in second.warnings)


def test_two_breakpoints_match_reference_fit_and_hand_computed_hac():
    data = json.loads(RESULTS.read_text(encoding="utf-8"))
    counts = monthly(data["counts"], start=data["start"])
    r = its.segmented_fit(counts, data["breakpoints"], hac_lags=data["hac_lags"])
    assert list(r.params.index) == data["param_names"]
    assert list(r.positions) == data["positions"]
    np.testing.assert_allclose(r.params.to_numpy(), data["reference"]["params"], atol=1e-7)
    np.testing.assert_allclose(np.sqrt(np.diag(r.cov.to_numpy())), data["reference"]["se_hac"], rtol=1e-6)
    table = r.table()
    assert table.loc["level_change@2017-06", "ratio"] == pytest.approx(math.exp(data["reference"]["params"][4]), rel=1e-6)
    effects = r.effects()
    assert list(effects["breakpoint"]) == ["2015-11", "2017-06"]


def test_view_of_a_breakpoint_is_the_local_reparametrisation():
    data = json.loads(RESULTS.read_text(encoding="utf-8"))
    counts = monthly(data["counts"], start=data["start"])
    r = its.segmented_fit(counts, data["breakpoints"], hac_lags=3)
    b = data["reference"]["params"]
    second = r.at(1)
    # Intercept and trend of the middle segment's line: b0 + c1 - d1 p1 and b1 + d1.
    assert second.params["intercept"] == pytest.approx(b[0] + b[2] - b[3] * 22, abs=1e-7)
    assert second.params["trend"] == pytest.approx(b[1] + b[3], abs=1e-7)
    assert second.level_change.estimate == pytest.approx(math.exp(b[4]), rel=1e-6)
    # Its trend interval is that of segment 1, computed directly from the full covariance.
    assert second.pre_trend.low == pytest.approx(r.segment_trend(1).low, rel=1e-9)
    np.testing.assert_allclose(second.fitted, r.fitted)


def test_one_breakpoint_fit_is_the_single_reform_model():
    counts, *_ = _simulated(seed=9)
    single = its.segmented_regression(counts, "2017-07", hac_lags=3)
    multi = its.segmented_fit(counts, ["2017-07"], hac_lags=3)
    np.testing.assert_allclose(multi.params.to_numpy(), single.params.to_numpy())
    assert multi.level_change(0).estimate == pytest.approx(single.level_change.estimate)


def test_negative_binomial_with_two_breakpoints_runs():
    data = json.loads(RESULTS.read_text(encoding="utf-8"))
    r = its.segmented_fit(monthly(data["counts"], start=data["start"]), data["breakpoints"], family="negbin")
    assert r.nb_alpha is not None and len(r.params) == 6


def test_unordered_breakpoints_are_a_caller_error():
    with pytest.raises(ValueError, match="increasing order"):
        its.segmented_fit(monthly(list(range(1, 20))), ["2016-10", "2016-05"])


# ----------------------------------------------------------------- feasibility


def test_feasibility_ok_lists_segments():
    f = its.its_feasibility(monthly([3] * 12), ["2016-04", "2016-08"])
    assert f.ok and f.code == "ok" and f.reason is None and bool(f)
    assert list(f.segments["periods"]) == [3, 4, 5]
    assert list(f.segments["events"]) == [9, 12, 15]
    assert f.segments["first"].iloc[1] == "2016-04" and f.segments["last"].iloc[1] == "2016-07"


def test_feasibility_too_few_months_per_segment():
    counts = monthly([4] * 30, start="2015-01")  # 2015-01 .. 2017-06: one month after 2017-06
    f = its.its_feasibility(counts, ["2015-11", "2017-06"], min_periods=6)
    assert not f.ok and f.code == "too_few_periods"
    assert "at least 6" in f.reason and "from 2017-06: 1" in f.reason
    # A breakpoint past the end leaves its segment with no period at all.
    f = its.its_feasibility(monthly([4] * 10, start="2019-01"), ["2015-11", "2017-06"])
    assert f.code == "too_few_periods" and "before 2015-11: 0" in f.reason


def test_feasibility_no_cases_of_the_crime():
    f = its.its_feasibility(monthly([0] * 40, start="2014-01"), ["2015-11", "2017-06"],
                            what="personal-information judgments")
    assert f.code == "no_events" and f.reason.startswith("no personal-information judgments in any period")


def test_feasibility_empty_segment_and_divergence():
    values = [2, 3, 1, 2, 0, 0, 0, 0, 4, 5, 3, 6]
    f = its.its_feasibility(monthly(values), ["2016-05", "2016-09"])
    assert f.code == "empty_segment" and "2016-05 to before 2016-09" in f.reason
    f = its.its_feasibility(monthly([2, 3, 1, 2, 1, 0, 0, 4, 5, 3, 6, 2]), ["2016-05", "2016-08"])
    assert f.code == "mle_diverges" and "diverge" in f.reason
    with pytest.raises(ValueError, match="diverge"):
        its.segmented_fit(monthly([2, 3, 1, 2, 1, 0, 0, 4, 5, 3, 6, 2]), ["2016-05", "2016-08"])


def test_feasibility_no_dated_records():
    frame = defendants_to_frame([defendant("d1", judgment_date=None), defendant("d2", judgment_date=None)])
    counts = its.period_counts(frame, "M", allow_empty=True)
    assert counts.empty and counts.attrs["undated_rows"] == 2
    f = its.its_feasibility(counts, ["2015-11", "2017-06"], what="dated judgments")
    assert f.code == "no_series" and not f.ok
    with pytest.raises(ValueError, match="no parseable dates"):
        its.period_counts(frame, "M")


def test_feasibility_rejects_bad_counts():
    with pytest.raises(ValueError, match="whole numbers"):
        its.its_feasibility(monthly([1, -1, 2]), "2016-02")


def test_segmented_figure_has_a_legend_entry_for_every_line(tmp_path, monkeypatch):
    monkeypatch.setenv("JUDGSTAT_FIGURES_DIR", str(tmp_path))
    from toolkit import plotting

    plotting.setup()
    data = json.loads(RESULTS.read_text(encoding="utf-8"))
    r = its.segmented_fit(monthly(data["counts"], start=data["start"]), data["breakpoints"])
    fig = its.plot_segmented(r, breakpoint_names={"2017-06": "法释〔2017〕10号"})
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    lines = [line.get_label() for line in ax.get_lines()]
    assert len(lines) == 3 + 2 + 2  # three fits, two counterfactuals, two breakpoints
    assert set(lines) <= set(legend) and "观测值" in legend
    assert "断点：法释〔2017〕10号" in legend and "断点：2015-11" in legend
    assert not any(c.isascii() and c.isalpha() for c in "".join(legend))  # one language: no Latin letters
    with pytest.raises(ValueError, match="lang"):
        its.plot_segmented(r, lang="fr")
