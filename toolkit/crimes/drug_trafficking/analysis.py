"""Sentencing statistics for drug cases (Criminal Law Art. 347) on the per-defendant table of
datasets/cail-drug-cases (defendants.csv, or any table with its columns): notebook 06 is built on it.

- term_by_tier: per tier, N, life and death counts, the median fixed term with its distribution-free
  order-statistic interval and the mean with its t interval;
- range_shares: per tier and overall, sentences inside, below and above the tier's statutory range (the table's
  inside_range column), with a Clopper-Pearson interval (toolkit.intervals) for the share inside;
- fines_by_tier: the share with a fine and the median fine;
- term_model: OLS of log(term months) on log quantity (as a multiple of the drug's 数量较大 threshold), tier
  dummies, Art. 356 recidivism, the multiple_sales_cue column and other charges, with HC3 errors. It returns
  toolkit.analysis.sentencing.RegressionResult.

A group with fewer than MIN_GROUP values gets no interval (term_by_tier's note column says so). Tier order, tier names and
thresholds come from rules.json (toolkit.crimes.drug_trafficking.rules). The ranges come from the engine's columns
in the table, never from literals here.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from toolkit.analysis.sentencing import RegressionResult
from toolkit.crimes.drug_trafficking.rules import load_rules
from toolkit.intervals import proportion_interval

MIN_GROUP = 5  # fewer defendants in a group: the summary says so and gives no interval


def tier_order(article: str = "Art.347") -> list[str]:
    """The tiers of `article` from the lowest to the highest, as rules.json orders them."""
    return list(load_rules().statute(article)["order"])


def tier_label_zh(tier: str) -> str:
    """The Chinese name of a tier (数量大, 数量较大, 少量 …) from rules.json."""
    return load_rules().tier_name(tier)["zh"]


def median_interval(values: Sequence[float], alpha: float = 0.05) -> tuple[float, float, float]:
    """Median with the distribution-free order-statistic interval (binomial, coverage >= 1 - alpha)."""
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan
    median = float(np.median(x))
    if n < MIN_GROUP:
        return median, math.nan, math.nan
    j = int(stats.binom.ppf(alpha / 2, n, 0.5))  # P(B <= j-1) <= alpha/2 for the lower order statistic
    while j > 0 and stats.binom.cdf(j - 1, n, 0.5) > alpha / 2:
        j -= 1
    low_index, high_index = max(j - 1, 0), min(n - j, n - 1)
    return median, float(x[low_index]), float(x[high_index])


def mean_interval(values: Sequence[float], alpha: float = 0.05) -> tuple[float, float, float]:
    """Mean with its t interval; NaN bounds below MIN_GROUP values."""
    x = np.asarray(values, dtype=float)
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = float(x.mean())
    if n < MIN_GROUP:
        return mean, math.nan, math.nan
    half = stats.t.isf(alpha / 2, n - 1) * x.std(ddof=1) / math.sqrt(n)
    return mean, mean - half, mean + half


def term_by_tier(frame: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Per tier: N, life/death counts, median and mean fixed term (months) with intervals."""
    rows = []
    for tier in tier_order():
        sub = frame[frame["tier"].astype("string") == tier]
        term = pd.to_numeric(sub["term_months"], errors="coerce").dropna()
        life = int(sub["life_imprisonment"].fillna(False).astype(bool).sum())
        death = int(sub["death_penalty"].fillna(False).astype(bool).sum())
        med, mlo, mhi = median_interval(term, alpha)
        mean, lo, hi = mean_interval(term, alpha)
        rows.append({"tier": tier, "tier_zh": tier_label_zh(tier), "n": len(sub), "n_term": len(term),
                     "life": life, "death": death, "median": med, "median_low": mlo, "median_high": mhi,
                     "mean": mean, "mean_low": lo, "mean_high": hi,
                     "note": "" if len(term) >= MIN_GROUP else f"fewer than {MIN_GROUP} terms: no interval"})
    return pd.DataFrame(rows)


def range_shares(frame: pd.DataFrame, method: str = "clopper-pearson", alpha: float = 0.05) -> pd.DataFrame:
    """Per tier (and all): inside / below / above the statutory range, with an interval for the share inside."""
    term = pd.to_numeric(frame["term_months"], errors="coerce")
    low = pd.to_numeric(frame["range_low_months"], errors="coerce")
    high = pd.to_numeric(frame["range_high_months"], errors="coerce")
    inside = frame["inside_range"].astype("boolean")
    below = (term < low) & inside.eq(False)
    above = (term > high) & inside.eq(False)
    rows = []
    for tier in tier_order() + ["all"]:
        mask = inside.notna() & (frame["tier"].notna() if tier == "all" else frame["tier"].astype("string").eq(tier))
        mask = mask.fillna(False)
        n = int(mask.sum())
        k = int(inside[mask].sum()) if n else 0
        iv = proportion_interval(k, n, method, alpha) if n else None
        rows.append({"tier": tier, "tier_zh": tier_label_zh(tier) if tier != "all" else "全部", "n": n, "inside": k,
                     "below": int(below[mask].sum()), "above": int(above[mask].sum()),
                     "share_inside": k / n if n else math.nan, "low": iv.low if iv else math.nan,
                     "high": iv.high if iv else math.nan})
    return pd.DataFrame(rows)


def fines_by_tier(frame: pd.DataFrame, method: str = "clopper-pearson", alpha: float = 0.05) -> pd.DataFrame:
    """Per tier: share with a labelled fine (> 0) and the median fine among them with its interval."""
    rows = []
    for tier in tier_order():
        sub = frame[frame["tier"].astype("string") == tier]
        fine = pd.to_numeric(sub["fine_yuan"], errors="coerce").dropna()
        positive = fine[fine > 0]
        iv = proportion_interval(len(positive), len(fine), method, alpha) if len(fine) else None
        med, lo, hi = median_interval(positive, alpha)
        rows.append({"tier": tier, "tier_zh": tier_label_zh(tier), "n": len(fine), "with_fine": len(positive),
                     "share_with_fine": len(positive) / len(fine) if len(fine) else math.nan,
                     "share_low": iv.low if iv else math.nan, "share_high": iv.high if iv else math.nan,
                     "median_fine": med, "median_low": lo, "median_high": hi})
    return pd.DataFrame(rows)


def threshold_multiple(frame: pd.DataFrame) -> pd.Series:
    """Grams of the main drug over that drug's 数量较大 threshold (1.0 = at the threshold): one scale for all drugs."""
    rules = load_rules()
    floors = {d.id: float(d.thresholds["relatively_large"].grams) for d in rules.drugs}
    grams = pd.to_numeric(frame["grams"], errors="coerce")
    floor = frame["drug"].map(floors).astype(float)
    return grams / floor


def model_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows with a fixed term > 0, a tier and a positive quantity: log term, log quantity multiple, tier dummies
    (reference: the lowest tier present), circumstances."""
    term = pd.to_numeric(frame["term_months"], errors="coerce")
    multiple = threshold_multiple(frame)
    keep = (term > 0) & (multiple > 0) & frame["tier"].notna()
    data = pd.DataFrame({"log_term": np.log(term[keep]), "log_quantity_multiple": np.log(multiple[keep])})
    tiers = frame.loc[keep, "tier"].astype("string")
    present = [t for t in tier_order() if (tiers == t).any()]
    for tier in present[1:]:
        data[f"tier_{tier}"] = (tiers == tier).astype(float)
    data["drug_recidivist_art356"] = frame.loc[keep, "art356_cited"].astype(bool).astype(float)
    data["multiple_sales_cue"] = frame.loc[keep, "multiple_sales_cue"].astype(bool).astype(float)
    others = frame.loc[keep, "other_charges"]
    data["other_charges"] = others.map(lambda v: float(bool(v)) if isinstance(v, (list, tuple)) else 0.0)
    return data


def term_model(frame: pd.DataFrame, alpha: float = 0.05, cov_type: str = "HC3") -> RegressionResult:
    """OLS of log(term months) on log quantity (multiple of the 数量较大 threshold), tier and circumstances, HC3."""
    import statsmodels.api as sm

    from toolkit.analysis.sentencing import _coef_table  # the house coefficient table (coef, se, CI, p, exp)

    data = model_frame(frame)
    dropped = [(c, "no variation in the sample") for c in data.columns[1:] if data[c].nunique() <= 1]
    X = data.drop(columns=["log_term"] + [c for c, _ in dropped])
    X.insert(0, "const", 1.0)
    n = len(data)
    if n < X.shape[1] + 2:
        return RegressionResult("ols_log_term", "too_few", n, None, "log(term_months)", cov_type,
                                f"{n} usable rows for {X.shape[1]} coefficients", tuple(dropped), alpha=alpha)
    fit = sm.OLS(data["log_term"].to_numpy(), X.to_numpy(dtype=float)).fit(cov_type=cov_type)
    table = _coef_table(fit.params, fit.bse, fit.pvalues, alpha, X.columns)
    return RegressionResult("ols_log_term", "ok", n, table, "log(term_months)", cov_type,
                            "effect = exp(coef): multiplicative change in the term", tuple(dropped), alpha=alpha,
                            fit_statistics={"r_squared": float(fit.rsquared), "n": float(fit.nobs)})
