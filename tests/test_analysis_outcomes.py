"""Outcome rates and two-group comparisons: pinned references (origin stated) and degenerate edges."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats.contingency import odds_ratio as scipy_odds_ratio

from toolkit.analysis import outcomes as o
from toolkit.analysis.synthetic import defendant
from toolkit.intervals import proportion_interval
from toolkit.schema import defendants_to_frame


def frame_of(*specs: tuple[int, dict]) -> pd.DataFrame:
    """(count, fields) pairs -> a schema frame with that many copies of each record."""
    records = []
    for count, fields in specs:
        for _ in range(count):
            records.append(defendant(f"d{len(records)}", **fields))
    return defendants_to_frame(records)


CONVICTED = dict(outcome="convicted", penalty_type="fixed_term", term_months=12, judgment_date="2020-03-01")
ACQUITTED = dict(outcome="acquitted", penalty_type="none", judgment_date="2021-05-01")


# --------------------------------------------------------------------------- Fisher


def test_fisher_tea_tasting_closed_form():
    # Hypergeometric with margins 4/4/4: P(x) = C(4,x) C(4,4-x) / C(8,4) = (1,16,36,16,1)/70.
    # Two-sided p sums tables no more probable than x = 3: (1 + 16 + 16 + 1) / 70 = 0.4857
    # (R: fisher.test(matrix(c(3,1,1,3),2)) prints p-value = 0.4857).
    assert o.fisher_exact_p(3, 4, 1, 4) == pytest.approx(34 / 70, abs=1e-12)


def test_fisher_zero_against_five_closed_form():
    # 0/10 vs 5/10: margins N=20, 10 in group a, 5 events; P(x) = C(10,x) C(10,5-x) / C(20,5).
    # Tables at least as extreme: x = 0 and x = 5, each 252/15504.
    expected = 2 * math.comb(10, 0) * math.comb(10, 5) / math.comb(20, 5)
    assert o.fisher_exact_p(0, 10, 5, 10) == pytest.approx(expected, abs=1e-12)


def test_fisher_no_events_anywhere_is_one():
    assert o.fisher_exact_p(0, 5, 0, 7) == pytest.approx(1.0)


# ---------------------------------------------------------------- odds ratio (exact, mid-p)


def _tail_weights(a, n1, n2, m1, psi):
    """Closed-form noncentral hypergeometric: weights C(n1,x) C(n2,m1-x) psi^x, normalised."""
    xs = range(max(0, m1 - n2), min(n1, m1) + 1)
    w = {x: math.comb(n1, x) * math.comb(n2, m1 - x) * psi**x for x in xs}
    total = sum(w.values())
    return {x: v / total for x, v in w.items()}


def test_conditional_odds_ratio_tea_tasting():
    iv = o.conditional_odds_ratio(3, 4, 1, 4)
    # The conditional MLE makes the expected count under the noncentral hypergeometric equal
    # to the observed 3 (closed-form weights below). R's fisher.test prints 6.408309 for this
    # table (its help-page TeaTasting example; its root finder stops at a looser tolerance).
    weights = _tail_weights(3, 4, 4, 4, iv.estimate)
    assert sum(x * w for x, w in weights.items()) == pytest.approx(3.0, abs=1e-9)
    assert iv.estimate == pytest.approx(6.408309, rel=1e-5)
    ci = scipy_odds_ratio([[3, 1], [1, 3]], kind="conditional").confidence_interval(0.95)
    assert iv.low == pytest.approx(ci.low, rel=1e-6)
    assert iv.high == pytest.approx(ci.high, rel=1e-6)
    # The limits solve the exact tail equations, evaluated with closed-form weights.
    lower = _tail_weights(3, 4, 4, 4, iv.low)
    upper = _tail_weights(3, 4, 4, 4, iv.high)
    assert sum(v for x, v in lower.items() if x >= 3) == pytest.approx(0.025, abs=1e-9)
    assert sum(v for x, v in upper.items() if x <= 3) == pytest.approx(0.025, abs=1e-9)


def test_mid_p_odds_ratio_solves_mid_p_equations_and_is_narrower():
    exact = o.conditional_odds_ratio(7, 20, 2, 25)
    mid = o.conditional_odds_ratio(7, 20, 2, 25, mid_p=True)
    assert exact.low < mid.low < mid.estimate < mid.high < exact.high
    lower = _tail_weights(7, 20, 25, 9, mid.low)
    upper = _tail_weights(7, 20, 25, 9, mid.high)
    assert sum(v for x, v in lower.items() if x > 7) + 0.5 * lower[7] == pytest.approx(0.025, abs=1e-9)
    assert sum(v for x, v in upper.items() if x < 7) + 0.5 * upper[7] == pytest.approx(0.025, abs=1e-9)


def test_odds_ratio_zero_cell_gives_open_interval():
    iv = o.conditional_odds_ratio(0, 10, 4, 10)
    assert iv.estimate == 0 and iv.low == 0 and 0 < iv.high < math.inf
    iv = o.conditional_odds_ratio(4, 10, 0, 10)
    assert iv.estimate == math.inf and iv.high == math.inf and iv.low > 0


def test_odds_ratio_no_events_is_uninformative():
    iv = o.conditional_odds_ratio(0, 10, 0, 12)
    assert math.isnan(iv.estimate) and iv.low == 0 and iv.high == math.inf


# ------------------------------------------------------------------- difference, ratio


@pytest.mark.parametrize(
    "counts, expected",
    [
        # Newcombe (1998), Stat Med 17:873-890, Table II, method 10 (hybrid score, no CC).
        ((56, 70, 48, 80), (0.0524, 0.3339)),
        ((9, 10, 3, 10), (0.1705, 0.8090)),
        ((5, 56, 0, 29), (-0.0381, 0.1926)),
        ((0, 10, 0, 20), (-0.1611, 0.2775)),
        ((0, 10, 0, 10), (-0.2775, 0.2775)),
        ((10, 10, 0, 20), (0.6791, 1.0000)),
        ((10, 10, 0, 10), (0.6075, 1.0000)),
    ],
)
def test_newcombe_difference_matches_published_table(counts, expected):
    iv = o.newcombe_difference(*counts)
    assert (round(iv.low, 4), round(iv.high, 4)) == expected


def test_newcombe_with_exact_limits_is_wider_than_wilson():
    wilson = o.newcombe_difference(3, 40, 1, 50)
    exact = o.newcombe_difference(3, 40, 1, 50, method="clopper-pearson")
    assert exact.low < wilson.low and exact.high > wilson.high


def test_mover_ratio_limits_solve_the_defining_quadratics():
    # Donner & Zou (2012): L solves (p1 - L p2)^2 = (p1 - l1)^2 + L^2 (u2 - p2)^2, and U the
    # mirror equation; solved here independently with numpy.roots.
    k1, n1, k2, n2 = 12, 60, 5, 70
    iv = o.mover_ratio(k1, n1, k2, n2)
    from toolkit.intervals import proportion_interval

    a, b = proportion_interval(k1, n1, "wilson"), proportion_interval(k2, n2, "wilson")
    p1, l1, u1, p2, l2, u2 = a.estimate, a.low, a.high, b.estimate, b.low, b.high
    roots_low = np.roots([p2**2 - (u2 - p2) ** 2, -2 * p1 * p2, p1**2 - (p1 - l1) ** 2])
    roots_high = np.roots([p2**2 - (p2 - l2) ** 2, -2 * p1 * p2, p1**2 - (u1 - p1) ** 2])
    estimate = p1 / p2
    # The limits are the roots nearest the estimate on either side (the other root of each
    # quadratic is spurious: it lies on the wrong side or is negative).
    assert iv.low == pytest.approx(max(r.real for r in roots_low if r.real < estimate), rel=1e-9)
    assert iv.high == pytest.approx(min(r.real for r in roots_high if r.real > estimate), rel=1e-9)
    assert iv.low < estimate < iv.high


def test_mover_ratio_zero_edges():
    assert o.mover_ratio(0, 10, 3, 10).low == 0
    none_b = o.mover_ratio(3, 10, 0, 10)
    assert none_b.estimate == math.inf and none_b.high == math.inf and none_b.low > 0


def test_compare_rejects_empty_group():
    with pytest.raises(ValueError, match="empty"):
        o.compare_counts(1, 5, 0, 0)


def test_compare_no_events_says_so():
    c = o.compare_counts(0, 30, 0, 40)
    assert c.fisher_p == pytest.approx(1.0)
    assert any("no events" in n for n in c.notes)


# --------------------------------------------------------------------------- bounds


def test_zero_event_upper_bound_closed_form():
    # One-sided 95% exact bound at k = 0 is 1 - 0.05**(1/n) (closed form); ~3/n ("rule of three").
    assert o.zero_event_upper_bound(312) == pytest.approx(1 - 0.05 ** (1 / 312), rel=1e-9)
    assert o.zero_event_upper_bound(312) == pytest.approx(0.0095558, abs=1e-7)
    assert o.zero_event_upper_bound(1) == pytest.approx(0.95)


def test_all_event_lower_bound_closed_form():
    assert o.all_event_lower_bound(20) == pytest.approx(0.05 ** (1 / 20), rel=1e-9)


def test_upper_bound_needs_observations():
    with pytest.raises(ValueError):
        o.zero_event_upper_bound(0)


# --------------------------------------------------------------------------- rates


def test_acquittal_rate_zero_events():
    frame = frame_of((40, CONVICTED))
    rate = o.outcome_rate(frame, "acquittal")
    assert (rate.k, rate.n) == (0, 40)
    assert rate.interval.low == 0
    # Clopper-Pearson upper at k = 0 is 1 - (alpha/2)**(1/n) (closed form).
    assert rate.interval.high == pytest.approx(1 - 0.025 ** (1 / 40), rel=1e-9)
    assert rate.one_sided_bound == pytest.approx(1 - 0.05 ** (1 / 40), rel=1e-9)
    assert rate.years == (2020, 2020)


def test_acquittal_rate_all_events():
    rate = o.outcome_rate(frame_of((6, ACQUITTED)), "acquittal")
    assert (rate.k, rate.n) == (6, 6) and rate.interval.high == 1
    assert rate.one_sided_bound == pytest.approx(0.05 ** (1 / 6))


def test_single_observation():
    rate = o.outcome_rate(frame_of((1, CONVICTED)), "acquittal")
    assert (rate.k, rate.n) == (0, 1)
    assert rate.interval.high == pytest.approx(0.975)  # 1 - 0.025**(1/1)


def test_empty_denominator_is_a_result_not_a_crash():
    frame = frame_of((3, dict(outcome="not_prosecuted", judgment_date="2020-01-01")))
    rate = o.outcome_rate(frame, "acquittal")
    assert rate.n == 0 and rate.interval is None and math.isnan(rate.estimate)


def test_unknown_outcomes_are_excluded_and_counted():
    frame = frame_of((10, CONVICTED), (2, ACQUITTED), (3, dict(outcome="unknown")), (4, dict()))
    rate = o.outcome_rate(frame, "acquittal")
    assert (rate.k, rate.n, rate.excluded_unknown) == (2, 12, 7)


def test_non_prosecution_and_exemption_denominators():
    frame = frame_of((8, CONVICTED), (2, dict(outcome="exempted", penalty_type="none")),
                     (5, dict(outcome="not_prosecuted")))
    assert (o.outcome_rate(frame, "non_prosecution").k, o.outcome_rate(frame, "non_prosecution").n) == (5, 15)
    assert (o.outcome_rate(frame, "exemption").k, o.outcome_rate(frame, "exemption").n) == (2, 10)


def test_probation_share_among_custodial_convictions():
    frame = frame_of(
        (3, dict(CONVICTED, probation_months=24)),
        (5, CONVICTED),
        (2, dict(outcome="convicted", penalty_type="fine_only")),
        (1, ACQUITTED),
    )
    rate = o.outcome_rate(frame, "probation")
    assert (rate.k, rate.n) == (3, 8)


def test_rates_by_group_year_and_unknown_group():
    frame = frame_of((4, CONVICTED), (1, ACQUITTED), (2, dict(outcome="convicted", penalty_type="fixed_term")))
    table = o.rates_by_group(frame, "acquittal", "year")
    assert list(table["group"]) == ["2020", "2021", o.UNKNOWN_GROUP]
    assert list(table["n"]) == [4, 1, 2]
    assert list(table["k"]) == [0, 1, 0]


def test_rates_by_group_empty_denominator_row_kept():
    frame = frame_of((4, dict(CONVICTED, province="上海")), (2, dict(outcome="not_prosecuted", province="北京")))
    table = o.rates_by_group(frame, "acquittal", "province")
    row = table.set_index("group").loc["北京"]
    assert row["n"] == 0 and math.isnan(row["rate"])


def test_rates_by_charge_counts_each_charge():
    frame = frame_of((2, dict(CONVICTED, charges=["侵犯公民个人信息罪", "诈骗罪"])), (1, dict(CONVICTED, charges=["诈骗罪"])))
    table = o.rates_by_group(frame, "acquittal", "charge").set_index("group")
    assert table.loc["诈骗罪", "n"] == 3 and table.loc["侵犯公民个人信息罪", "n"] == 2


def test_group_by_tier_without_tiers_explains():
    with pytest.raises(ValueError, match="add_tiers"):
        o.rates_by_group(frame_of((2, CONVICTED)), "acquittal", "tier")


def test_compare_groups_by_court_level():
    frame = frame_of((3, dict(ACQUITTED, court_level="basic")), (1, dict(CONVICTED, court_level="basic")),
                     (1, dict(ACQUITTED, court_level="intermediate")), (3, dict(CONVICTED, court_level="intermediate")))
    c = o.compare_groups(frame, "acquittal", "court_level", "basic", "intermediate")
    assert (c.k1, c.n1, c.k2, c.n2) == (3, 4, 1, 4)
    assert c.fisher_p == pytest.approx(34 / 70)
    with pytest.raises(ValueError, match="no group"):
        o.compare_groups(frame, "acquittal", "court_level", "basic", "high")


def test_non_prosecution_types():
    frame = frame_of((2, dict(outcome="not_prosecuted")), (1, CONVICTED))
    table = o.non_prosecution_by_type(frame).set_index("type")
    assert table.loc["not_recorded", "count"] == 2 and table.loc["discretionary", "count"] == 0
    frame["non_prosecution_type"] = ["discretionary", "insufficient_evidence", None]
    table = o.non_prosecution_by_type(frame).set_index("type")
    assert table.loc["discretionary", "count"] == 1 and table.loc["insufficient_evidence", "share"] == 0.5
    frame["non_prosecution_type"] = ["lenient", None, None]
    with pytest.raises(ValueError, match="lenient"):
        o.non_prosecution_by_type(frame)


def test_missing_column_named():
    with pytest.raises(ValueError, match="outcome"):
        o.outcome_rate(pd.DataFrame({"x": [1]}), "acquittal")


def test_unknown_measure():
    with pytest.raises(ValueError, match="unknown outcome measure"):
        o.get_measure("parole")


def test_mid_p_single_limits_closed_forms():
    # k = 0: the upper mid-p limit solves (1 - p)^n / 2 = alpha / 2, i.e. 1 - alpha**(1/n).
    iv = proportion_interval(0, 20, "mid-p", 0.05)
    assert iv.low == 0 and iv.high == pytest.approx(1 - 0.05 ** (1 / 20), rel=1e-9)
    # k = n mirrors it.
    iv = proportion_interval(20, 20, "mid-p", 0.05)
    assert iv.high == 1 and iv.low == pytest.approx(0.05 ** (1 / 20), rel=1e-9)
    # n = 1, k = 1: lower limit solves p/2 = 0.025 -> 0.05.
    assert proportion_interval(1, 1, "mid-p", 0.05).low == pytest.approx(0.05, rel=1e-9)
    # Mid-p sits inside Clopper-Pearson (scipy beta quantiles, computed independently).
    from scipy import stats

    mid = proportion_interval(3, 30, "mid-p", 0.05)
    assert stats.beta.ppf(0.025, 3, 28) < mid.low < 0.1 < mid.high < stats.beta.ppf(0.975, 4, 27)


def test_mid_p_difference_and_ratio():
    exact = o.newcombe_difference(2, 25, 9, 30, method="clopper-pearson")
    mid = o.newcombe_difference(2, 25, 9, 30, method="mid-p")
    assert exact.low < mid.low < mid.estimate < mid.high < exact.high
    assert mid.method == "newcombe-mover(mid-p)"
    ratio = o.mover_ratio(2, 25, 9, 30, method="mid-p")
    assert ratio.low < (2 / 25) / (9 / 30) < ratio.high
    c = o.compare_counts(2, 25, 9, 30, difference_method="mid-p", mid_p=True)
    assert c.difference.method.endswith("(mid-p)") and c.odds_ratio.method == "conditional-mid-p"


def test_probation_unknowns_are_convictions_without_penalty():
    frame = frame_of(
        (2, dict(CONVICTED, probation_months=12)),
        (3, dict(outcome="convicted", judgment_date="2020-01-01")),   # penalty not stated
        (1, dict(outcome="acquitted")),                               # no penalty, not unknown
        (1, dict()),                                                  # outcome unknown
    )
    rate = o.outcome_rate(frame, "probation")
    assert (rate.k, rate.n, rate.excluded_unknown) == (2, 2, 4)


def test_grouping_survives_duplicate_index():
    frame = frame_of((2, dict(CONVICTED, charges=["诈骗罪"])), (1, dict(ACQUITTED, charges=["诈骗罪"])))
    frame.index = [0, 0, 1]
    table = o.rates_by_group(frame, "acquittal", "charge")
    assert list(table["n"]) == [3] and list(table["k"]) == [1]
