"""Sentencing: tiers, compliance, regressions (closed forms / independent fits), separation, figure."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from toolkit.analysis import sentencing as s
from toolkit.analysis.synthetic import defendant, synthetic_defendants
from toolkit.analysis.table import as_defendant_table
from toolkit.schema import defendants_to_frame
from toolkit.tiers import load_rules


def frame_of(records):
    return defendants_to_frame(records)


def sentenced(i, items, category, term, probation=None, penalty=None, outcome="convicted", **extra):
    penalty = penalty or ("criminal_detention" if term is not None and term <= 6 else "fixed_term")
    return defendant(
        f"s{i}", outcome=outcome, penalty_type=penalty, term_months=term, probation_months=probation,
        info_count=items, info_category=category, judgment_date="2020-06-01", **extra,
    )


# ------------------------------------------------------------------------------ tiers


def test_thresholds_come_from_rules_data():
    thresholds = sorted(t for _, _, t in s.item_thresholds())
    assert thresholds == sorted(g.threshold_items for g in load_rules().groups)
    assert thresholds == [50, 500, 5000]  # Interpretation Art. 5(1)(3)-(5), via rules.json
    assert s.long_custody_threshold_months() == 36
    assert s.tier_ranges() == {"serious": (1, 36), "especially_serious": (36, 84)}


def test_add_tiers_uses_the_engine_and_keeps_unknown_unknown():
    frame = frame_of([
        sentenced(0, 100, "trajectory", 24),        # >= 50, < 500 -> serious
        sentenced(1, 600, "trajectory", 48),        # >= 10 x 50 -> especially serious
        sentenced(2, 10, "other", 6),               # below every threshold -> none
        sentenced(3, None, None, 12),               # no facts -> unknown
    ])
    tiers = s.add_tiers(frame)
    assert list(tiers["tier"].astype(object).where(tiers["tier"].notna(), None)) == [
        "serious", "especially_serious", "none", None]
    assert tiers.loc[0, "tier_low_months"] == 1 and tiers.loc[0, "tier_high_months"] == 36
    assert tiers.loc[1, "tier_low_months"] == 36 and tiers.loc[1, "tier_high_months"] == 84
    assert pd.isna(tiers.loc[2, "tier_low_months"])


def test_add_tiers_engine_failure_is_recorded_not_raised():
    def broken(record):
        raise RuntimeError("engine down")

    tiers = s.add_tiers(frame_of([sentenced(0, 100, "trajectory", 24)]), classify=broken)
    assert pd.isna(tiers.loc[0, "tier"]) and "engine down" in tiers.loc[0, "tier_notes"]


def test_range_position_and_compliance():
    records = [
        sentenced(0, 100, "trajectory", 24),                               # serious, inside
        sentenced(1, 100, "trajectory", 40),                               # serious, above
        sentenced(2, 100, "trajectory", None, penalty="fine_only"),        # serious, fine alone: inside
        sentenced(3, 600, "trajectory", 24),                               # especially, below
        sentenced(4, 600, "trajectory", 60),                               # especially, inside
        sentenced(5, 600, "trajectory", None, penalty="fine_only"),        # especially, fine alone: below
        sentenced(6, 100, "trajectory", None, penalty="none", outcome="exempted"),  # below
        sentenced(7, 10, "other", 6),                                      # tier none: n/a
        sentenced(8, 100, "trajectory", 12, outcome="acquitted", penalty="none"),  # n/a
    ]
    frame = s.add_tiers(frame_of(records))
    positions = list(s.range_position(frame).astype(object).where(lambda x: x.notna(), None))
    assert positions == ["inside", "above", "inside", "below", "inside", "below", "below", None, None]
    c = s.tier_compliance(frame)
    assert (c.inside, c.below, c.above, c.not_applicable) == (3, 3, 1, 2)
    assert c.interval.k == 3 and c.interval.n == 7
    by = c.by_tier.set_index("tier")
    assert by.loc["serious", "n"] == 4 and by.loc["especially_serious", "inside"] == 1


def test_compliance_with_nobody_applicable():
    frame = s.add_tiers(frame_of([sentenced(0, 10, "other", 6)]))
    c = s.tier_compliance(frame)
    assert c.n == 0 and c.interval is None


def test_term_by_tier_quantiles():
    frame = s.add_tiers(frame_of([sentenced(i, 100, "trajectory", t) for i, t in enumerate([6, 12, 18, 24])]))
    row = s.term_by_tier(frame).set_index("tier").loc["serious"]
    assert row["n"] == 4 and row["median"] == 15 and row["min"] == 6 and row["max"] == 24


def test_term_by_tier_needs_tiers():
    with pytest.raises(ValueError, match="add_tiers"):
        s.term_by_tier(frame_of([sentenced(0, 100, "trajectory", 6)]))


def test_severity_levels():
    frame = frame_of([
        sentenced(0, 100, "other", 12, probation=24),
        sentenced(1, 100, "other", 12),
        sentenced(2, 100, "other", 36),
        sentenced(3, 100, "other", None, penalty="fine_only"),
        sentenced(4, 100, "other", None, penalty="none", outcome="acquitted"),
    ])
    levels = list(s.sentence_severity(frame).astype(object).where(lambda x: x.notna(), None))
    assert levels == ["suspended", "custody_short", "custody_long", "no_custody", None]


# ------------------------------------------------------------------------- regressions


def test_ols_matches_closed_form_with_hc3():
    frame = synthetic_defendants(150, seed=4)
    r = s.ols_log_term(frame)
    assert r.ok and r.cov_type == "HC3"
    covariates = s.sentencing_covariates(frame)
    custodial = s._custodial(frame)
    term = pd.to_numeric(frame["term_months"]).astype(float)
    y = np.log(term.where(custodial & (term > 0)))
    keep = y.notna() & covariates.notna().all(axis=1)
    X = covariates.loc[keep, [c for c in r.table.index if c != "const"]].to_numpy(float)
    X = np.column_stack([np.ones(len(X)), X])
    yv = y[keep].to_numpy()
    xtx_inv = np.linalg.inv(X.T @ X)
    beta = xtx_inv @ X.T @ yv  # normal equations
    resid = yv - X @ beta
    leverage = np.einsum("ij,jk,ik->i", X, xtx_inv, X)
    hc3 = xtx_inv @ (X.T * (resid**2 / (1 - leverage) ** 2)) @ X @ xtx_inv  # MacKinnon-White HC3
    np.testing.assert_allclose(r.table["coef"].to_numpy(), beta, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(r.table["se"].to_numpy(), np.sqrt(np.diag(hc3)), rtol=1e-8)


def test_ols_recovers_the_simulated_item_elasticity():
    r = s.ols_log_term(synthetic_defendants(400, seed=1))
    row = r.table.loc["log_items"]
    assert row["ci_low"] < 0.25 < row["ci_high"]  # synthetic model: 0.25 * log(items)


def test_ols_single_observation_is_too_few():
    r = s.ols_log_term(frame_of([sentenced(0, 100, "other", 12)]))
    assert r.status == "too_few" and r.table is None and "needs at least" in r.message


def test_logit_matches_independent_likelihood_maximisation():
    frame = synthetic_defendants(300, seed=2)
    r = s.probation_logit(frame)
    assert r.ok
    covariates = s.sentencing_covariates(frame)
    custodial = s._custodial(frame)
    y = (pd.to_numeric(frame["probation_months"]).astype(float).fillna(0) > 0).astype(float).where(custodial)
    keep = y.notna() & covariates.notna().all(axis=1)
    X = covariates.loc[keep, [c for c in r.table.index if c != "const"]].to_numpy(float)
    X = np.column_stack([np.ones(len(X)), X])
    yv = y[keep].to_numpy()

    def negloglik(beta):
        eta = X @ beta
        return -(yv * eta - np.logaddexp(0, eta)).sum()

    best = optimize.minimize(negloglik, np.zeros(X.shape[1]), method="BFGS", options={"gtol": 1e-9})
    np.testing.assert_allclose(r.table["coef"].to_numpy(), best.x, atol=1e-4)


def test_logit_perfect_separation_is_reported_not_estimated():
    # Probation exactly when the count is below 1,000: log_items separates the outcome.
    records = [sentenced(i, items, "other", 12, probation=24 if items < 1000 else None)
               for i, items in enumerate([60, 120, 300, 700, 900, 2000, 5000, 9000, 30000, 80000])]
    r = s.probation_logit(frame_of(records))
    assert r.status == "separated" and r.table is None
    assert "log_items" in r.separating and "do not exist" in r.message


def test_logit_quasi_complete_separation_detected():
    # One indicator level (restitution) always gets probation; the other level has both outcomes.
    records = []
    for i in range(12):
        restitution = i < 4
        probation = 24 if restitution or i % 2 else None
        records.append(sentenced(i, 100 * (i + 1), "other", 12, probation=probation,
                                 mitigating=["退赃"] if restitution else []))
    r = s.probation_logit(frame_of(records))
    assert r.status == "separated" and "restitution" in r.separating


def test_logit_no_variation():
    records = [sentenced(i, 100 * (i + 1), "other", 12, probation=24) for i in range(6)]
    r = s.probation_logit(frame_of(records))
    assert r.status == "no_variation" and "probation = 1" in r.message


def test_logit_empty_sample():
    r = s.probation_logit(frame_of([sentenced(0, 100, "other", None, penalty="fine_only")]))
    assert r.status == "no_variation" and "no usable rows" in r.message


def test_separation_lp_on_textbook_cases():
    x = np.array([1.0, 2, 3, 4, 5, 6])
    X = np.column_stack([np.ones(6), x])
    assert s.detect_separation(X, np.array([0, 0, 0, 1, 1, 1]))[0]          # complete
    assert s.detect_separation(X, np.array([0, 0, 1, 1, 1, 1]))[0]          # complete
    assert not s.detect_separation(X, np.array([0, 1, 0, 1, 0, 1]))[0]      # overlap
    Xq = np.column_stack([np.ones(6), [0, 0, 0, 1, 1, 1]])
    assert s.detect_separation(Xq, np.array([0, 1, 0, 1, 1, 1]))[0]         # quasi-complete


def test_ordered_model_fits_and_reports_cutpoints():
    r = s.ordered_severity(synthetic_defendants(300, seed=5))
    assert r.ok and "log_items" in r.table.index
    assert r.table.loc["log_items", "coef"] > 0  # more items, more severe (synthetic model)
    cut_rows = [name for name in r.table.index if "/" in name]
    assert cut_rows and r.table.loc[cut_rows, "effect"].isna().all()


def test_ordered_model_single_level_and_separation():
    same = [sentenced(i, 100 * (i + 1), "other", 12) for i in range(5)]
    assert s.ordered_severity(frame_of(same)).status == "no_variation"
    split = [sentenced(i, items, "other", 60 if items > 1000 else 12, probation=None)
             for i, items in enumerate([60, 120, 300, 700, 2000, 5000, 9000, 30000])]
    r = s.ordered_severity(frame_of(split))
    assert r.status == "separated" and r.table is None


def test_covariates_not_recorded_are_left_out():
    frame = synthetic_defendants(80, seed=3).drop(columns=["mitigating", "aggravating"])
    frame = as_defendant_table(frame)
    r = s.ols_log_term(frame)
    assert ("mitigating", "not recorded in this table") in r.dropped
    assert "confession" not in r.table.index


def test_coefficient_table_for_failed_fit():
    r = s.probation_logit(frame_of([sentenced(0, 100, "other", 12, probation=24)]))
    table = s.coefficient_table(r)
    assert list(table.columns) == ["status", "n", "message"]


# ---------------------------------------------------------------------------- figure


def test_figure_draws_rule_thresholds(tmp_path, monkeypatch):
    monkeypatch.setenv("JUDGSTAT_FIGURES_DIR", str(tmp_path))
    from toolkit import plotting

    plotting.setup()
    fig = s.plot_term_vs_items(synthetic_defendants(120, seed=6))
    ax = fig.axes[0]
    vertical = sorted({round(line.get_xdata()[0]) for line in ax.get_lines() if line.get_xdata()[0] == line.get_xdata()[1]})
    multiplier = float(load_rules().especially_serious_multiplier)
    expected = sorted({g.threshold_items for g in load_rules().groups} | {round(g.threshold_items * multiplier) for g in load_rules().groups})
    assert vertical == expected
    paths = plotting.save_figure(fig, "term_vs_items_test")
    assert all(p.exists() and p.stat().st_size > 0 for p in paths)


def test_figure_with_no_usable_rows_still_draws():
    from toolkit import plotting

    plotting.setup()
    fig = s.plot_term_vs_items(frame_of([sentenced(0, None, "other", 12)]))
    assert any("没有同时载明信息条数的实刑判决" in t.get_text() for t in fig.axes[0].texts)


def test_term_by_tier_figure_shades_ranges():
    from matplotlib.patches import Rectangle

    from toolkit import plotting

    plotting.setup()
    frame = s.add_tiers(synthetic_defendants(80, seed=6))
    fig = s.plot_term_by_tier(frame)
    spans = sorted((round(p.get_y()), round(p.get_y() + p.get_height())) for p in fig.axes[0].patches
                   if isinstance(p, Rectangle) and p.get_width() < 1)
    assert spans == sorted(s.tier_ranges().values())


def test_legend_labels_name_the_clause():
    labels = [s.clause_label(gid) for gid, _, _ in s.item_thresholds()]
    assert labels == ["Art.5(1)(3) 行踪轨迹等", "Art.5(1)(4) 住宿等", "Art.5(1)(5) 其他"]


def test_regression_on_a_table_without_sentence_columns_names_them():
    with pytest.raises(ValueError, match="penalty_type"):
        s.ols_log_term(pd.DataFrame({"outcome": ["convicted"], "info_count": [3]}))


def test_table_without_item_counts_explains_instead_of_fitting():
    frame = as_defendant_table(synthetic_defendants(60, seed=3).drop(columns=["info_count"]))
    for fit in (s.ols_log_term, s.probation_logit, s.ordered_severity):
        r = fit(frame)
        assert r.status == "too_few" and r.table is None and "info_count" in r.message


def test_logit_no_usable_rows_on_empty_after_filter():
    r = s.probation_logit(frame_of([sentenced(0, None, "other", 12)]))
    assert r.status == "too_few" and "info_count" in r.message


def test_only_art_253_1_cases_get_a_tier():
    records = [
        sentenced(0, 100, "trajectory", 24, charges=["诈骗罪"]),
        sentenced(1, 100, "trajectory", 24, charges=["侵犯公民个人信息罪"]),
        sentenced(2, 100, "trajectory", 24, charges=["出售、非法提供公民个人信息罪"]),
        sentenced(3, 100, "trajectory", 24, charges=[]),
    ]
    frame = s.add_tiers(frame_of(records))
    assert pd.isna(frame.loc[0, "tier"]) and "not charged under Art. 253-1" in frame.loc[0, "tier_notes"]
    assert list(frame.loc[1:, "tier"]) == ["serious"] * 3
    assert list(s.is_art_253_1(frame)) == [False, True, True, True]
    assert "侵犯公民个人信息罪" in s.art_253_1_charges()


def test_ordered_logit_matches_independent_likelihood_maximisation():
    # Cumulative logit: P(Y <= j | x) = expit(theta_j - x'b), theta increasing; fitted here with
    # scipy on an unconstrained parameterisation (theta_1, log increments), independently of statsmodels.
    from scipy.special import expit

    frame = synthetic_defendants(250, seed=21)
    r = s.ordered_severity(frame)
    assert r.ok
    severity = s.sentence_severity(frame)
    covariates = s.sentencing_covariates(frame)
    names = [n for n in r.table.index if "/" not in n]
    keep = severity.notna() & covariates[names].notna().all(axis=1)
    X = covariates.loc[keep, names].to_numpy(float)
    codes = severity[keep].cat.codes.to_numpy()
    levels = sorted(set(codes))
    y = np.searchsorted(levels, codes)
    k = len(levels)

    def negloglik(params):
        beta, raw = params[: X.shape[1]], params[X.shape[1]:]
        theta = np.concatenate([[raw[0]], raw[0] + np.cumsum(np.exp(raw[1:]))])
        cuts = np.concatenate([[-np.inf], theta, [np.inf]])
        eta = X @ beta
        prob = expit(cuts[y + 1] - eta) - expit(cuts[y] - eta)
        return -np.log(np.clip(prob, 1e-300, None)).sum()

    start = np.concatenate([np.zeros(X.shape[1]), [0.0], np.zeros(k - 2)])
    best = optimize.minimize(negloglik, start, method="BFGS", options={"gtol": 1e-8, "maxiter": 5000})
    np.testing.assert_allclose(r.table.loc[names, "coef"].to_numpy(), best.x[: X.shape[1]], atol=2e-3)


def test_firth_two_by_two_closed_form():
    # For intercept + one binary covariate (a saturated 2x2 model), Firth's estimates equal the
    # cell counts plus 1/2 (Haldane-Anscombe): intercept = log((s0+.5)/(f0+.5)),
    # slope = log((s1+.5)(f0+.5) / ((f1+.5)(s0+.5))). Here x = 1 is all successes (separation).
    s0, f0, s1, f1 = 2, 4, 5, 0
    x = np.array([0] * (s0 + f0) + [1] * (s1 + f1), dtype=float)
    y = np.array([1] * s0 + [0] * f0 + [1] * s1 + [0] * f1, dtype=float)
    beta, cov = s.firth_logit(np.column_stack([np.ones_like(x), x]), y)
    assert beta[0] == pytest.approx(math.log((s0 + 0.5) / (f0 + 0.5)), abs=1e-8)
    assert beta[1] == pytest.approx(math.log((s1 + 0.5) * (f0 + 0.5) / ((f1 + 0.5) * (s0 + 0.5))), abs=1e-8)
    assert np.all(np.isfinite(cov))


def test_probation_logit_firth_option_under_separation():
    records = [sentenced(i, items, "other", 12, probation=24 if items < 1000 else None)
               for i, items in enumerate([60, 120, 300, 700, 900, 2000, 5000, 9000, 30000, 80000])]
    r = s.probation_logit(frame_of(records), on_separation="firth")
    assert r.ok and r.cov_type == s.FIRTH and "log_items" in r.separating
    assert np.isfinite(r.table["coef"]).all() and r.table.loc["log_items", "coef"] < 0
    with pytest.raises(ValueError, match="on_separation"):
        s.probation_logit(frame_of(records), on_separation="ignore")


def test_firth_without_separation_is_close_to_mle():
    frame = synthetic_defendants(400, seed=2)
    mle = s.probation_logit(frame)
    covariates = s.sentencing_covariates(frame)
    names = [n for n in mle.table.index if n != "const"]
    custodial = s._custodial(frame)
    y = (pd.to_numeric(frame["probation_months"]).astype(float).fillna(0) > 0).astype(float).where(custodial)
    keep = y.notna() & covariates[names].notna().all(axis=1)
    X = np.column_stack([np.ones(int(keep.sum())), covariates.loc[keep, names].to_numpy(float)])
    beta, _ = s.firth_logit(X, y[keep].to_numpy())
    # Firth shrinks towards 0 by O(1/n): with n = 400 the two agree to within a few hundredths.
    np.testing.assert_allclose(beta, mle.table["coef"].to_numpy(), atol=0.15)
