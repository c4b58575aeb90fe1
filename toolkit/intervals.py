"""Confidence intervals for a binomial proportion k/n, correct at 0 and at n events.

Rare events are the normal case in this project (national acquittal rates are a few
hundredths of a percent), so the endpoints matter: with k = 0 the lower bound is exactly
0 and the upper bound is finite and positive; with k = n the upper bound is exactly 1.

Methods
- "clopper-pearson": exact (inverts two one-sided binomial tests); never below nominal coverage.
- "wilson": score interval; good average coverage, can dip below nominal for tiny k.
- "mid-p": Lancaster's mid-p limits (Berry & Armitage 1995): the exact tails with half the
  probability of the observed count; less conservative than Clopper-Pearson, still binomial.
- "jeffreys": equal-tailed Beta(k + 1/2, n - k + 1/2) posterior interval, with the
  Brown-Cai-DasGupta (2001) convention lower = 0 at k = 0 and upper = 1 at k = n.

The Clopper-Pearson limits are beta quantiles, Beta(k, n - k + 1) at alpha/2 and Beta(k + 1, n - k) at
1 - alpha/2, taken from scipy.special (what statsmodels' method "beta" computes, without importing
statsmodels, which costs half a second at the end of every `judgstat dataset` run); Wilson and Jeffreys come
from statsmodels (`proportion_confint`). The endpoint conventions are applied here explicitly so they do not
depend on the library version.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

PROPORTION_METHODS: dict[str, str] = {
    "clopper-pearson": "beta",  # computed here (_clopper_pearson_limits), equal to statsmodels' "beta"
    "wilson": "wilson",
    "jeffreys": "jeffreys",
    "mid-p": "",  # computed here: statsmodels has no mid-p interval
}


@dataclass(frozen=True)
class Interval:
    """A point estimate with a two-sided (1 - alpha) interval.

    For proportions `k`/`n` are set; for Poisson rates `count`/`exposure` are set
    (the other pair is None).
    """

    estimate: float
    low: float
    high: float
    method: str
    alpha: float = 0.05
    k: int | None = None
    n: int | None = None
    count: int | None = None
    exposure: float | None = None

    @property
    def confidence(self) -> float:
        return 1.0 - self.alpha

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    def scaled(self, factor: float) -> "Interval":
        """The same interval on another scale (e.g. factor 100 for percent)."""
        if factor <= 0:
            raise ValueError(f"scale factor must be positive, got {factor}")
        return Interval(
            self.estimate * factor, self.low * factor, self.high * factor, self.method,
            self.alpha, self.k, self.n, self.count, self.exposure,
        )


def is_real_number(value: object) -> bool:
    """True for Python and NumPy numbers (counts often arrive as numpy.int64 from pandas); False for bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def check_alpha(alpha: float) -> None:
    if not (is_real_number(alpha) and 0 < alpha < 1):
        raise ValueError(f"alpha must be strictly between 0 and 1, got {alpha!r}")


def check_count(name: str, value: int) -> int:
    """Counts must be non-negative whole numbers (3, numpy.int64(3) and 3.0 are accepted; 3.5 and NaN are not)."""
    if not is_real_number(value) or not math.isfinite(value) or float(value) != int(value):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be non-negative, got {value!r}")
    return int(value)


def proportion_interval(k: int, n: int, method: str = "clopper-pearson", alpha: float = 0.05) -> Interval:
    """Two-sided (1 - alpha) interval for the proportion k/n.

    >>> iv = proportion_interval(0, 500)
    >>> iv.low, round(iv.high, 9)   # closed form 1 - 0.025 ** (1 / 500)
    (0.0, 0.00735061)
    """
    k = check_count("k (events)", k)
    n = check_count("n (trials)", n)
    check_alpha(alpha)
    if n == 0:
        raise ValueError("n (trials) is 0: a proportion needs at least one trial")
    if k > n:
        raise ValueError(f"k (events) = {k} exceeds n (trials) = {n}")
    if method not in PROPORTION_METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {sorted(PROPORTION_METHODS)}")

    if method == "mid-p":
        low, high = _mid_p_limits(k, n, alpha)
    elif method == "clopper-pearson":
        low, high = _clopper_pearson_limits(k, n, alpha)
    else:
        from statsmodels.stats.proportion import proportion_confint

        low, high = proportion_confint(k, n, alpha=alpha, method=PROPORTION_METHODS[method])
    low, high = float(low), float(high)
    # Endpoint conventions, stated rather than inherited: at k = 0 nothing supports a
    # positive lower bound; at k = n nothing supports an upper bound below 1.
    if k == 0:
        low = 0.0
    if k == n:
        high = 1.0
    low, high = max(low, 0.0), min(high, 1.0)
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ArithmeticError(f"non-finite interval for k={k}, n={n}, method={method}")
    return Interval(k / n, low, high, method, alpha, k=k, n=n)


def _clopper_pearson_limits(k: int, n: int, alpha: float) -> tuple[float, float]:
    """The exact limits: the alpha/2 quantile of Beta(k, n - k + 1) and the 1 - alpha/2 quantile of Beta(k + 1, n - k)."""
    from scipy.special import betainccinv, betaincinv

    low = 0.0 if k == 0 else float(betaincinv(k, n - k + 1, alpha / 2))
    high = 1.0 if k == n else float(betainccinv(k + 1, n - k, alpha / 2))
    return low, high


def _mid_p_limits(k: int, n: int, alpha: float) -> tuple[float, float]:
    """Lower limit solves P(X > k) + P(X = k)/2 = alpha/2, upper P(X < k) + P(X = k)/2 = alpha/2."""
    from scipy import optimize, stats

    def upper_tail(p: float) -> float:
        return stats.binom.sf(k, n, p) + 0.5 * stats.binom.pmf(k, n, p) - alpha / 2

    def lower_tail(p: float) -> float:
        return stats.binom.cdf(k - 1, n, p) + 0.5 * stats.binom.pmf(k, n, p) - alpha / 2

    low = 0.0 if k == 0 else optimize.brentq(upper_tail, 1e-15, 1 - 1e-15, xtol=1e-14)
    high = 1.0 if k == n else optimize.brentq(lower_tail, 1e-15, 1 - 1e-15, xtol=1e-14)
    return low, high


def proportion_intervals(k: int, n: int, alpha: float = 0.05) -> dict[str, Interval]:
    """Every method side by side (useful for showing how much the choice matters)."""
    return {method: proportion_interval(k, n, method, alpha) for method in PROPORTION_METHODS}
