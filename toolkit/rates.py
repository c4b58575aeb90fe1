"""Poisson rates over periods of unequal length, and exact intervals for rates and rate ratios.

- `poisson_rate_interval(count, exposure)`: exact (Garwood 1936) interval for count/exposure,
  from chi-square quantiles: low = chi2(alpha/2; 2k)/2, high = chi2(1 - alpha/2; 2k + 2)/2,
  divided by the exposure. With count 0 the lower bound is exactly 0.
- `rate_ratio_interval(k1, t1, k2, t2)`: exact conditional interval for (k1/t1)/(k2/t2).
  Given the total N = k1 + k2, k1 ~ Binomial(N, p) with p = R t1 / (R t1 + t2); a
  Clopper-Pearson interval for p is mapped back through R = p t2 / ((1 - p) t1). This is
  what R's `poisson.test(c(k1, k2), c(t1, t2))` reports.
- Periods are given as inclusive "YYYY-MM" start and end months; `months_inclusive`
  counts them the way the sources do (2009-02 .. 2015-10 = 81 months).

Inference from per-period totals assumes a constant rate inside each period (a
homogeneous Poisson process); with only one total per period, overdispersion or a trend
within a period cannot be detected, and the intervals are then too narrow.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from scipy import stats

from toolkit.intervals import Interval, check_alpha, check_count, is_real_number, proportion_interval

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str) -> tuple[int, int]:
    """'2017-06' -> (2017, 6); ValueError naming the bad value otherwise."""
    match = _MONTH.match(str(value).strip())
    if not match:
        raise ValueError(f"month must look like YYYY-MM, got {value!r}")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"month out of range in {value!r}")
    return year, month


def months_inclusive(start: str, end: str) -> int:
    """Number of calendar months from start to end, both included ('2017-06'..'2017-12' = 7)."""
    (y0, m0), (y1, m1) = parse_month(start), parse_month(end)
    months = (y1 - y0) * 12 + (m1 - m0) + 1
    if months < 1:
        raise ValueError(f"period ends ({end}) before it starts ({start})")
    return months


def check_exposure(name: str, value: float) -> float:
    if not is_real_number(value) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


def poisson_rate_interval(count: int, exposure: float = 1.0, alpha: float = 0.05) -> Interval:
    """Exact (Garwood) two-sided interval for a Poisson rate count/exposure."""
    count = check_count("count", count)
    exposure = check_exposure("exposure", exposure)
    check_alpha(alpha)
    low = 0.0 if count == 0 else stats.chi2.ppf(alpha / 2, 2 * count) / 2
    high = stats.chi2.isf(alpha / 2, 2 * count + 2) / 2
    return Interval(
        count / exposure, float(low) / exposure, float(high) / exposure, "garwood", alpha,
        count=count, exposure=exposure,
    )


@dataclass(frozen=True)
class RateRatio:
    """Ratio of two Poisson rates (k1/t1)/(k2/t2) with an exact conditional interval."""

    estimate: float
    low: float
    high: float
    k1: int
    t1: float
    k2: int
    t2: float
    alpha: float = 0.05
    method: str = "conditional-binomial"

    @property
    def confidence(self) -> float:
        return 1.0 - self.alpha

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


def rate_ratio_interval(k1: int, t1: float, k2: int, t2: float, alpha: float = 0.05) -> RateRatio:
    """Exact conditional interval for the rate ratio (k1/t1)/(k2/t2).

    k1 = 0 gives estimate 0 and low 0; k2 = 0 gives estimate and high = inf.
    Both zero carries no information about the ratio: ValueError.
    """
    k1, k2 = check_count("k1", k1), check_count("k2", k2)
    t1, t2 = check_exposure("t1", t1), check_exposure("t2", t2)
    check_alpha(alpha)
    total = k1 + k2
    if total == 0:
        raise ValueError("k1 + k2 = 0: no events in either period, the rate ratio is undefined")

    p = proportion_interval(k1, total, "clopper-pearson", alpha)

    def to_ratio(share: float) -> float:
        if share >= 1.0:
            return math.inf
        return share * t2 / ((1.0 - share) * t1)

    estimate = math.inf if k2 == 0 else (k1 / t1) / (k2 / t2)
    low = 0.0 if k1 == 0 else to_ratio(p.low)
    high = math.inf if k2 == 0 else to_ratio(p.high)
    return RateRatio(estimate, low, high, k1, t1, k2, t2, alpha)


def monthly_rate_interval(count: int, period_start: str, period_end: str, alpha: float = 0.05) -> Interval:
    """Events per month over an inclusive period of months, with the exact Garwood interval."""
    return poisson_rate_interval(count, months_inclusive(period_start, period_end), alpha)


def monthly_rate_ratio(
    k1: int, start1: str, end1: str, k2: int, start2: str, end2: str, alpha: float = 0.05
) -> RateRatio:
    """Rate ratio of period 1 against period 2, each given as inclusive start/end months."""
    return rate_ratio_interval(k1, months_inclusive(start1, end1), k2, months_inclusive(start2, end2), alpha)


def monthly_rates(
    frame: "pd.DataFrame",
    count: str = "value",
    start: str = "period_start",
    end: str = "period_end",
    alpha: float = 0.05,
) -> "pd.DataFrame":
    """A copy of `frame` with months, per_month, low, high (exact Garwood) for each row's count and period.

    Periods may be "YYYY-MM" strings or pandas monthly Periods (as `toolkit.datasets.load_table`
    returns them). A row with a missing count or period raises ValueError naming the row.
    """
    import pandas as pd

    out = frame.copy()
    results = []
    for label, row in frame.iterrows():
        if pd.isna(row[count]) or pd.isna(row[start]) or pd.isna(row[end]):
            raise ValueError(f"row {label!r}: count, start and end month are all needed for a monthly rate")
        try:
            iv = monthly_rate_interval(row[count], str(row[start]), str(row[end]), alpha)
        except ValueError as exc:
            raise ValueError(f"row {label!r}: {exc}") from None
        results.append((int(iv.exposure), iv.estimate, iv.low, iv.high))
    out["months"] = [r[0] for r in results]
    out["per_month"] = [r[1] for r in results]
    out["low"] = [r[2] for r in results]
    out["high"] = [r[3] for r in results]
    return out
