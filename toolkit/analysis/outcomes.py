"""Outcome rates on the per-defendant table: acquittal, exemption, non-prosecution, probation.

Every rate is a count k over a stated population n (the measure's denominator), with the
foundation's interval (toolkit.intervals). Rows whose outcome is unknown are excluded from
the denominator and counted, so a statement can say how many were left out.

Comparisons between two groups are small-sample correct:
- Fisher's exact test (two-sided, summing tables no more probable than the observed one —
  the rule R's fisher.test uses);
- the odds ratio with its conditional MLE and the exact conditional (Cornfield) interval, or
  the mid-p version of that interval (less conservative, still based on the exact
  distribution: the noncentral hypergeometric);
- the difference of proportions with Newcombe's square-and-add (MOVER) interval built from
  the two single-group intervals (Wilson: Newcombe 1998 method 10; Clopper-Pearson: a
  conservative exact-limits hybrid; mid-p: mid-p limits, between the two);
- the risk ratio with the MOVER-R interval (Donner & Zou 2012) from the same limits.

When nothing was observed (k = 0) the useful statement is an upper bound: with n defendants
and none acquitted, the one-sided (1 - alpha) exact bound is 1 - alpha**(1/n) (≈ 3/n for
alpha = 0.05, the "rule of three").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd
from scipy import optimize, stats
from scipy.stats.contingency import odds_ratio as scipy_odds_ratio

from toolkit.intervals import Interval, check_alpha, proportion_interval

ADJUDICATED = ("convicted", "exempted", "acquitted", "not_criminally_responsible")
CUSTODIAL_PENALTIES = ("fixed_term", "criminal_detention")

# Types of non-prosecution (Criminal Procedure Law 2018 numbering), for an optional
# `non_prosecution_type` column; the schema itself does not carry the type.
NON_PROSECUTION_TYPES: dict[str, tuple[str, str]] = {
    "statutory": ("法定不起诉", "mandatory (Art. 177 ¶1)"),
    "discretionary": ("酌定不起诉", "discretionary (Art. 177 ¶2)"),
    "insufficient_evidence": ("存疑不起诉", "insufficient evidence (Art. 175 ¶4)"),
    "conditional": ("附条件不起诉", "conditional, minors (Art. 282)"),
}
NON_PROSECUTION_TYPE_COLUMN = "non_prosecution_type"


@dataclass(frozen=True)
class OutcomeMeasure:
    """A rate's definition: which defendants count (numerator) among which (denominator)."""

    name: str
    zh: str  # the event, as it reads in a sentence: 宣告无罪
    en: str  # acquitted
    population_zh: str
    population_en: str
    definition: str
    numerator: Callable[[pd.DataFrame], pd.Series]
    denominator: Callable[[pd.DataFrame], pd.Series]
    # Rows that might belong to the denominator but lack the facts to tell (counted, not used).
    unknown: Callable[[pd.DataFrame], pd.Series] | None = None


def _outcome_in(frame: pd.DataFrame, values: tuple[str, ...]) -> pd.Series:
    return frame["outcome"].isin(list(values)).fillna(False).astype(bool)


def _is_adjudicated(frame: pd.DataFrame) -> pd.Series:
    return _outcome_in(frame, ADJUDICATED)


def _is_custodial_conviction(frame: pd.DataFrame) -> pd.Series:
    return (_outcome_in(frame, ("convicted",)) & frame["penalty_type"].isin(list(CUSTODIAL_PENALTIES)).fillna(False)).astype(bool)


def _outcome_unknown(frame: pd.DataFrame) -> pd.Series:
    outcome = frame["outcome"].astype("string")
    return (outcome.isna() | (outcome == "unknown")).fillna(True).astype(bool)


def _penalty_unknown(frame: pd.DataFrame) -> pd.Series:
    convicted = _outcome_in(frame, ("convicted",))
    return (_outcome_unknown(frame) | (convicted & frame["penalty_type"].isna())).astype(bool)


def _has_probation(frame: pd.DataFrame) -> pd.Series:
    months = pd.to_numeric(frame["probation_months"], errors="coerce")
    return (months > 0).fillna(False).astype(bool)


MEASURES: dict[str, OutcomeMeasure] = {
    m.name: m
    for m in (
        OutcomeMeasure(
            "acquittal", "宣告无罪", "acquitted", "名被告人", "defendants",
            "outcome = acquitted, among defendants decided on the merits "
            "(convicted, exempted, acquitted, not criminally responsible)",
            lambda f: _outcome_in(f, ("acquitted",)), _is_adjudicated,
        ),
        OutcomeMeasure(
            "exemption", "免予刑事处罚", "exempted from criminal punishment", "名被告人", "defendants",
            "outcome = exempted (Criminal Law Art. 37), among defendants decided on the merits",
            lambda f: _outcome_in(f, ("exempted",)), _is_adjudicated,
        ),
        OutcomeMeasure(
            "non_prosecution", "不起诉", "not prosecuted", "名犯罪嫌疑人或被告人", "suspects or defendants",
            "outcome = not_prosecuted, among defendants not prosecuted or decided on the merits",
            lambda f: _outcome_in(f, ("not_prosecuted",)),
            lambda f: _outcome_in(f, ADJUDICATED + ("not_prosecuted",)),
        ),
        OutcomeMeasure(
            "probation", "适用缓刑", "given probation", "名被判处有期徒刑或拘役的被告人",
            "defendants sentenced to fixed-term imprisonment or criminal detention",
            "probation_months > 0, among convicted defendants whose principal penalty is "
            "fixed-term imprisonment or criminal detention",
            _has_probation, _is_custodial_conviction, unknown=_penalty_unknown,
        ),
    )
}


def get_measure(measure: str | OutcomeMeasure) -> OutcomeMeasure:
    if isinstance(measure, OutcomeMeasure):
        return measure
    try:
        return MEASURES[measure]
    except KeyError:
        raise ValueError(f"unknown outcome measure {measure!r}; choose one of {sorted(MEASURES)}") from None


@dataclass(frozen=True)
class Rate:
    """k of n defendants with the event, its interval, and what was left out."""

    measure: OutcomeMeasure
    k: int
    n: int
    interval: Interval | None  # None when n = 0
    excluded_unknown: int = 0
    group_column: str | None = None
    group: str | None = None
    years: tuple[int, int] | None = None  # first and last judgment year in the denominator
    undated: int = 0  # defendants in the denominator without a judgment year
    alpha: float = 0.05
    one_sided_bound: float | None = None  # upper bound when k = 0, lower bound when k = n

    @property
    def estimate(self) -> float:
        return self.k / self.n if self.n else math.nan


def _check_frame(frame: pd.DataFrame, columns: tuple[str, ...]) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame (toolkit.schema columns), got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"the table lacks column(s) {missing}; build it with toolkit.schema.defendants_to_frame")


def judgment_years(frame: pd.DataFrame) -> pd.Series:
    """Year of judgment_date as an integer (nullable); non-dates give <NA>.

    Tables that carry only a `year` column (e.g. judge-sample) fill missing dates from it.
    """
    if "judgment_date" in frame.columns:
        dates = pd.to_datetime(frame["judgment_date"].astype("string"), errors="coerce", format="mixed")
        years = dates.dt.year.astype("Int64")
    else:
        years = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    if "year" in frame.columns:
        stated = pd.to_numeric(frame["year"], errors="coerce").astype("Float64").round().astype("Int64")
        years = years.fillna(stated)
    return years


def zero_event_upper_bound(n: int, alpha: float = 0.05) -> float:
    """One-sided (1 - alpha) exact upper bound for a proportion when 0 of n had the event.

    It is the upper end of the two-sided Clopper-Pearson interval at level 1 - 2*alpha,
    which at k = 0 equals 1 - alpha**(1/n).
    """
    check_alpha(alpha)
    if n <= 0:
        raise ValueError(f"n must be positive for an upper bound, got {n}")
    return proportion_interval(0, n, "clopper-pearson", 2 * alpha).high


def all_event_lower_bound(n: int, alpha: float = 0.05) -> float:
    """One-sided (1 - alpha) exact lower bound when all n had the event (= alpha**(1/n))."""
    check_alpha(alpha)
    if n <= 0:
        raise ValueError(f"n must be positive for a lower bound, got {n}")
    return proportion_interval(n, n, "clopper-pearson", 2 * alpha).low


def rate_from_counts(
    measure: str | OutcomeMeasure, k: int, n: int, method: str = "clopper-pearson",
    alpha: float = 0.05, **context,
) -> Rate:
    measure = get_measure(measure)
    if n == 0:
        return Rate(measure, 0, 0, None, alpha=alpha, **context)
    interval = proportion_interval(k, n, method, alpha)
    bound = None
    if k == 0:
        bound = zero_event_upper_bound(n, alpha)
    elif k == n:
        bound = all_event_lower_bound(n, alpha)
    return Rate(measure, int(k), int(n), interval, alpha=alpha, one_sided_bound=bound, **context)


def outcome_rate(
    frame: pd.DataFrame, measure: str | OutcomeMeasure = "acquittal",
    method: str = "clopper-pearson", alpha: float = 0.05,
    group_column: str | None = None, group: str | None = None,
) -> Rate:
    """The measure's rate over the whole frame: k events among the n rows in its denominator."""
    measure = get_measure(measure)
    _check_frame(frame, ("outcome", "penalty_type", "probation_months"))
    in_denominator = measure.denominator(frame)
    events = measure.numerator(frame) & in_denominator
    unknown = (measure.unknown or _outcome_unknown)(frame)
    all_years = judgment_years(frame[in_denominator])
    years = all_years.dropna()
    span = (int(years.min()), int(years.max())) if len(years) else None
    return rate_from_counts(
        measure, int(events.sum()), int(in_denominator.sum()), method, alpha,
        excluded_unknown=int((unknown & ~in_denominator).sum()),
        group_column=group_column, group=group, years=span, undated=int(all_years.isna().sum()),
    )


UNKNOWN_GROUP = "(unknown)"


def group_labels(frame: pd.DataFrame, by: str) -> pd.Series:
    """One label per row for grouping; 'year' and 'charge' are derived, other names are columns.

    'charge' explodes the charges list (a defendant with two charges is in both groups),
    so the returned Series may repeat index labels. Missing values become "(unknown)".
    """
    if by == "year":
        labels = judgment_years(frame).astype("string")
    elif by == "charge":
        labels = frame["charges"].map(lambda v: v if isinstance(v, list) and v else [UNKNOWN_GROUP]).explode()
        labels = labels.astype("string")
    elif by in frame.columns:
        labels = frame[by].astype("string")
    elif by == "tier":
        raise ValueError("the table has no 'tier' column: add it with toolkit.analysis.sentencing.add_tiers(frame)")
    else:
        raise ValueError(f"cannot group by {by!r}: not a column of the table (nor 'year' or 'charge')")
    return labels.fillna(UNKNOWN_GROUP)


def rates_by_group(
    frame: pd.DataFrame, measure: str | OutcomeMeasure, by: str,
    method: str = "clopper-pearson", alpha: float = 0.05,
) -> pd.DataFrame:
    """One row per group: k, n, rate, interval, one-sided bound, excluded unknowns.

    Groups with nobody in the measure's denominator are kept with n = 0 and NaN rate.
    """
    rates = [r for _, r in group_rates(frame, measure, by, method, alpha)]
    return rates_to_frame(rates)


def group_rates(
    frame: pd.DataFrame, measure: str | OutcomeMeasure, by: str,
    method: str = "clopper-pearson", alpha: float = 0.05,
) -> list[tuple[str, Rate]]:
    frame = frame.reset_index(drop=True)  # labels repeat index values when charges are exploded
    labels = group_labels(frame, by)
    rows = frame.loc[labels.index]
    rows = rows.reset_index(drop=True)
    labels = labels.reset_index(drop=True)
    out = []
    for label in sorted(labels.unique(), key=lambda v: (v == UNKNOWN_GROUP, str(v))):
        subset = rows[labels == label]
        out.append((str(label), outcome_rate(subset, measure, method, alpha, group_column=by, group=str(label))))
    return out


def rates_to_frame(rates: list[Rate]) -> pd.DataFrame:
    records = []
    for r in rates:
        records.append({
            "measure": r.measure.name,
            "group_column": r.group_column,
            "group": r.group,
            "k": r.k,
            "n": r.n,
            "rate": r.estimate,
            "low": r.interval.low if r.interval else math.nan,
            "high": r.interval.high if r.interval else math.nan,
            "method": r.interval.method if r.interval else None,
            "one_sided_bound": r.one_sided_bound if r.one_sided_bound is not None else math.nan,
            "excluded_unknown": r.excluded_unknown,
        })
    return pd.DataFrame.from_records(records, columns=[
        "measure", "group_column", "group", "k", "n", "rate", "low", "high", "method",
        "one_sided_bound", "excluded_unknown",
    ])


def outcome_summary(
    frame: pd.DataFrame, measures: tuple[str, ...] = tuple(MEASURES),
    method: str = "clopper-pearson", alpha: float = 0.05,
) -> pd.DataFrame:
    """All measures over the whole table, one row each."""
    return rates_to_frame([outcome_rate(frame, m, method, alpha) for m in measures])


def non_prosecution_by_type(frame: pd.DataFrame, type_column: str = NON_PROSECUTION_TYPE_COLUMN) -> pd.DataFrame:
    """Counts of not-prosecuted defendants by type of non-prosecution.

    The schema has no type field; a table may add `non_prosecution_type` with the keys of
    NON_PROSECUTION_TYPES. Rows without it are counted as "not recorded", never guessed.
    """
    _check_frame(frame, ("outcome",))
    subset = frame[_outcome_in(frame, ("not_prosecuted",))]
    if type_column in subset.columns:
        types = subset[type_column].astype("string")
        bad = sorted(set(types.dropna()) - set(NON_PROSECUTION_TYPES))
        if bad:
            raise ValueError(f"{type_column}: unknown value(s) {bad}; expected {sorted(NON_PROSECUTION_TYPES)}")
        types = types.fillna("not_recorded")
    else:
        types = pd.Series(["not_recorded"] * len(subset), dtype="string")
    counts = types.value_counts()
    total = len(subset)
    rows = []
    for key in (*NON_PROSECUTION_TYPES, "not_recorded"):
        zh, en = NON_PROSECUTION_TYPES.get(key, ("未载明类型", "type not recorded"))
        count = int(counts.get(key, 0))
        rows.append({"type": key, "zh": zh, "en": en, "count": count,
                     "share": count / total if total else math.nan})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- two-group comparisons


@dataclass(frozen=True)
class Comparison:
    """Group a against group b for one binary outcome."""

    k1: int
    n1: int
    k2: int
    n2: int
    label_a: str
    label_b: str
    fisher_p: float
    difference: Interval  # p1 - p2
    risk_ratio: Interval  # p1 / p2
    odds_ratio: Interval  # conditional MLE with exact or mid-p conditional interval
    measure: OutcomeMeasure | None = None
    group_column: str | None = None
    alpha: float = 0.05
    notes: tuple[str, ...] = field(default_factory=tuple)


def fisher_exact_p(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided Fisher exact p for events k1/n1 against k2/n2."""
    table = [[k1, n1 - k1], [k2, n2 - k2]]
    return float(stats.fisher_exact(table, alternative="two-sided").pvalue)


def _check_two_groups(k1: int, n1: int, k2: int, n2: int) -> None:
    for name, k, n in (("group a", k1, n1), ("group b", k2, n2)):
        if n <= 0:
            raise ValueError(f"{name} is empty (n = {n}): nothing to compare")
        if not 0 <= k <= n:
            raise ValueError(f"{name}: events k = {k} outside 0..n = {n}")


def newcombe_difference(
    k1: int, n1: int, k2: int, n2: int, method: str = "wilson", alpha: float = 0.05,
) -> Interval:
    """p1 - p2 with the square-and-add (MOVER) interval from the two single-group intervals.

    method="wilson" is Newcombe's (1998) method 10; "clopper-pearson" uses exact limits;
    "mid-p" uses mid-p limits (less conservative than exact, still from the binomial).
    """
    _check_two_groups(k1, n1, k2, n2)
    a = proportion_interval(k1, n1, method, alpha)
    b = proportion_interval(k2, n2, method, alpha)
    d = a.estimate - b.estimate
    low = d - math.hypot(a.estimate - a.low, b.high - b.estimate)
    high = d + math.hypot(a.high - a.estimate, b.estimate - b.low)
    return Interval(d, max(low, -1.0), min(high, 1.0), f"newcombe-mover({method})", alpha)


def mover_ratio(
    k1: int, n1: int, k2: int, n2: int, method: str = "wilson", alpha: float = 0.05,
) -> Interval:
    """p1 / p2 with the MOVER-R interval (Donner & Zou 2012) from the single-group limits.

    k2 = 0 gives an infinite estimate and upper limit; k1 = 0 gives estimate and lower limit 0.
    """
    _check_two_groups(k1, n1, k2, n2)
    a = proportion_interval(k1, n1, method, alpha)
    b = proportion_interval(k2, n2, method, alpha)
    p1, l1, u1, p2, l2, u2 = a.estimate, a.low, a.high, b.estimate, b.low, b.high
    if k1 == 0 and k2 == 0:
        return Interval(math.nan, 0.0, math.inf, f"mover-r({method})", alpha)
    estimate = math.inf if p2 == 0 else p1 / p2
    disc_low = max((p1 * p2) ** 2 - l1 * u2 * (2 * p1 - l1) * (2 * p2 - u2), 0.0)
    low = (p1 * p2 - math.sqrt(disc_low)) / (u2 * (2 * p2 - u2)) if u2 * (2 * p2 - u2) != 0 else 0.0
    if p1 == 0:
        low = 0.0
    denominator = l2 * (2 * p2 - l2)
    if denominator <= 0:
        high = math.inf
    else:
        disc_high = max((p1 * p2) ** 2 - u1 * l2 * (2 * p1 - u1) * (2 * p2 - l2), 0.0)
        high = (p1 * p2 + math.sqrt(disc_high)) / denominator
    return Interval(estimate, max(low, 0.0), high, f"mover-r({method})", alpha)


def _nchg_tail_probs(a: int, n1: int, n2: int, m1: int, log_or: float) -> tuple[float, float, float]:
    """P(X < a), P(X = a), P(X > a) for X ~ noncentral hypergeometric (Fisher) with this odds ratio.

    Computed on the support directly with log weights, so extreme odds ratios stay stable.
    """
    lo, hi = max(0, m1 - n2), min(n1, m1)
    x = np.arange(lo, hi + 1)
    log_w = (stats.hypergeom.logpmf(x, n1 + n2, n1, m1) + x * log_or)
    log_w -= log_w.max()
    w = np.exp(log_w)
    w /= w.sum()
    below = float(w[x < a].sum())
    at = float(w[x == a].sum())
    above = float(w[x > a].sum())
    return below, at, above


def conditional_odds_ratio(
    k1: int, n1: int, k2: int, n2: int, alpha: float = 0.05, mid_p: bool = False,
) -> Interval:
    """Conditional MLE of the odds ratio with the exact (or mid-p) conditional interval.

    The exact interval is Cornfield's, as in R's fisher.test; mid_p=True gives half weight to
    the observed table in each tail (Lancaster's mid-p), which is less conservative.
    """
    _check_two_groups(k1, n1, k2, n2)
    check_alpha(alpha)
    table = [[k1, n1 - k1], [k2, n2 - k2]]
    m1 = k1 + k2
    if m1 == 0 or m1 == n1 + n2:
        return Interval(math.nan, 0.0, math.inf, "conditional-mid-p" if mid_p else "conditional-exact", alpha)
    estimate = float(scipy_odds_ratio(table, kind="conditional").statistic)
    lo_support, hi_support = max(0, m1 - n2), min(n1, m1)
    half = 0.5 if mid_p else 1.0

    def upper_tail(log_or: float) -> float:  # P(X >= a) (mid-p: P(X > a) + P(X = a)/2) - alpha/2
        _, at, above = _nchg_tail_probs(k1, n1, n2, m1, log_or)
        return above + half * at - alpha / 2

    def lower_tail(log_or: float) -> float:  # P(X <= a) - alpha/2
        below, at, _ = _nchg_tail_probs(k1, n1, n2, m1, log_or)
        return below + half * at - alpha / 2

    bracket = (-60.0, 60.0)
    low = 0.0 if k1 == lo_support else math.exp(optimize.brentq(upper_tail, *bracket, xtol=1e-12))
    high = math.inf if k1 == hi_support else math.exp(optimize.brentq(lower_tail, *bracket, xtol=1e-12))
    return Interval(estimate, low, high, "conditional-mid-p" if mid_p else "conditional-exact", alpha)


def compare_counts(
    k1: int, n1: int, k2: int, n2: int, label_a: str = "a", label_b: str = "b",
    alpha: float = 0.05, difference_method: str = "wilson", mid_p: bool = False,
    measure: OutcomeMeasure | None = None, group_column: str | None = None,
) -> Comparison:
    """Fisher's exact test plus difference, risk ratio and odds ratio intervals."""
    _check_two_groups(k1, n1, k2, n2)
    notes = []
    if k1 + k2 == 0:
        notes.append("no events in either group: the test has no power and the ratios are undefined")
    elif k1 + k2 == n1 + n2:
        notes.append("every member of both groups had the event: the ratios are undefined")
    return Comparison(
        k1, n1, k2, n2, label_a, label_b,
        fisher_exact_p(k1, n1, k2, n2),
        newcombe_difference(k1, n1, k2, n2, difference_method, alpha),
        mover_ratio(k1, n1, k2, n2, difference_method, alpha),
        conditional_odds_ratio(k1, n1, k2, n2, alpha, mid_p),
        measure, group_column, alpha, tuple(notes),
    )


def compare_groups(
    frame: pd.DataFrame, measure: str | OutcomeMeasure, by: str, a: str, b: str,
    alpha: float = 0.05, difference_method: str = "wilson", mid_p: bool = False,
) -> Comparison:
    """Compare the measure between two values of a grouping column (e.g. by='court_level')."""
    measure = get_measure(measure)
    rates = dict(group_rates(frame, measure, by, alpha=alpha))
    for label in (a, b):
        if label not in rates:
            raise ValueError(f"no group {label!r} in column {by!r}; groups are {sorted(rates)}")
        if rates[label].n == 0:
            raise ValueError(f"group {label!r} of {by!r} has nobody in the {measure.name} denominator")
    ra, rb = rates[a], rates[b]
    return compare_counts(ra.k, ra.n, rb.k, rb.n, a, b, alpha, difference_method, mid_p, measure, by)
