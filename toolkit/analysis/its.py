"""Before/after a reform date: segmented (interrupted time series) regression on counts.

Model, for periods t = 0..T-1 with the reform taking effect at period t0:

    log E[y_t] = b0 + b1 * t + b2 * post_t + b3 * (t - t0) * post_t + log(exposure_t)

- exp(b2): level change, the rate ratio at t0 against the pre-reform trend extended (the
  counterfactual);
- exp(b3): slope change, the ratio by which the per-period growth factor changes;
- exp(b2 + b3 * k): the rate ratio k periods after the reform.

Families: Poisson (GLM) and negative binomial (NB2, dispersion estimated by maximum
likelihood). Standard errors are HAC (Newey-West, Bartlett kernel), because monthly court
counts are autocorrelated; the default lag is floor(4 * (T/100)**(2/9)) (Newey & West 1994).

The simple before/after comparison of total rates (exact conditional interval from
toolkit.rates) is reported alongside; it ignores trends and is there for context only.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, stats

from toolkit.intervals import Interval, check_alpha
from toolkit.rates import RateRatio, rate_ratio_interval

MIN_PERIODS_PER_SEGMENT = 3
FAMILIES = ("poisson", "negbin")
PARAM_NAMES = ("intercept", "trend", "level_change", "slope_change")


@dataclass(frozen=True)
class ITSResult:
    family: str
    periods: pd.Index  # labels of the periods (PeriodIndex or ints)
    counts: np.ndarray
    exposure: np.ndarray
    reform_position: int  # index of the first post-reform period
    reform_label: str
    params: pd.Series  # on the log scale, PARAM_NAMES
    cov: pd.DataFrame  # HAC covariance of params
    hac_lags: int
    level_change: Interval  # rate ratio exp(b2)
    slope_change: Interval  # ratio per period exp(b3)
    pre_trend: Interval  # growth factor per period before the reform exp(b1)
    fitted: np.ndarray
    counterfactual: np.ndarray  # pre-reform segment extended, no level/slope change
    pearson_dispersion: float  # Pearson chi2 / df of the Poisson fit (>1: overdispersed)
    nb_alpha: float | None  # NB2 dispersion when family = negbin
    simple_ratio: RateRatio | None  # post total rate / pre total rate, exact conditional
    alpha: float = 0.05
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def effect_after(self, k: int) -> Interval:
        """Rate ratio against the counterfactual k periods after the reform (k = 0: the level change)."""
        weights = np.array([0.0, 0.0, 1.0, float(k)])
        return _ratio_interval(self.params.values, self.cov.values, weights, self.alpha, f"HAC({self.hac_lags})")

    @property
    def n_periods(self) -> int:
        return len(self.counts)

    def table(self) -> pd.DataFrame:
        """Coefficients on the log scale and as ratios, with HAC standard errors."""
        z = stats.norm.isf(self.alpha / 2)
        se = np.sqrt(np.diag(self.cov.values))
        out = pd.DataFrame({
            "coef": self.params.values,
            "se_hac": se,
            "z": self.params.values / se,
            "p": 2 * stats.norm.sf(np.abs(self.params.values / se)),
            "ratio": np.exp(self.params.values),
            "ratio_low": np.exp(self.params.values - z * se),
            "ratio_high": np.exp(self.params.values + z * se),
        }, index=list(PARAM_NAMES))
        return out


def _ratio_interval(params: np.ndarray, cov: np.ndarray, weights: np.ndarray, alpha: float, method: str) -> Interval:
    estimate = float(weights @ params)
    se = float(math.sqrt(weights @ cov @ weights))
    z = stats.norm.isf(alpha / 2)
    if abs(estimate) + z * se > 700:  # exp() would overflow: the fit is degenerate, not informative
        raise ValueError(f"segmented regression is degenerate: log rate ratio {estimate:.3g} ± {z * se:.3g}")
    return Interval(math.exp(estimate), math.exp(estimate - z * se), math.exp(estimate + z * se), method, alpha)


def poisson_mle_exists(design: np.ndarray, y: np.ndarray, tolerance: float = 1e-7) -> bool:
    """Whether the Poisson (and NB) log-linear MLE is finite for this design and these counts.

    It is not (Haberman 1974) when some direction b != 0 has x_i'b = 0 wherever y_i > 0 and
    x_i'b <= 0 wherever y_i = 0, strictly for at least one: moving along b raises the
    likelihood forever. The linear program looks for such a b inside the box |b_j| <= 1.
    """
    X = np.asarray(design, dtype=float)
    scale = np.abs(X).max(axis=0)
    scale[scale == 0] = 1.0
    X = X / scale
    zero = np.asarray(y) == 0
    if not zero.any():
        return True
    result = optimize.linprog(
        c=X[zero].sum(axis=0),  # minimise sum of x_i'b over zero rows (<= 0 each)
        A_ub=X[zero], b_ub=np.zeros(int(zero.sum())),
        A_eq=X[~zero] if (~zero).any() else None, b_eq=np.zeros(int((~zero).sum())) if (~zero).any() else None,
        bounds=[(-1, 1)] * X.shape[1], method="highs",
    )
    return not (result.status == 0 and -result.fun > tolerance)


def newey_west_lags(n_periods: int) -> int:
    return int(math.floor(4 * (n_periods / 100) ** (2 / 9)))


def period_counts(
    frame: pd.DataFrame, freq: str = "M", date_column: str = "judgment_date",
    start: str | None = None, end: str | None = None,
) -> pd.Series:
    """Defendants per month ("M") or year ("Y") from a date column, with empty periods as 0.

    Rows without a parseable date are dropped; their number is in the result's attrs.
    """
    if freq not in ("M", "Y"):
        raise ValueError(f"freq must be 'M' (monthly) or 'Y' (yearly), got {freq!r}")
    if date_column not in frame.columns and not (freq == "Y" and "year" in frame.columns):
        raise ValueError(f"the table has no {date_column!r} column")
    if freq == "Y":
        # Yearly counts may also use a table's `year` column where the date is missing.
        from toolkit.analysis.outcomes import judgment_years

        years = judgment_years(frame.rename(columns={date_column: "judgment_date"}))
        undated = int(years.isna().sum())
        dates = pd.to_datetime(years.dropna().astype(int).astype(str) + "-01-01")
    else:
        dates = pd.to_datetime(frame[date_column].astype("string"), errors="coerce", format="mixed")
        undated = int(dates.isna().sum())
        dates = dates.dropna()
    if dates.empty and (start is None or end is None):
        raise ValueError(f"no parseable dates in {date_column!r}: cannot build a time series")
    periods = dates.dt.to_period(freq)
    first = pd.Period(start, freq) if start else periods.min()
    last = pd.Period(end, freq) if end else periods.max()
    index = pd.period_range(first, last, freq=freq)
    counts = periods.value_counts().reindex(index, fill_value=0).astype(int)
    counts.index.name = "period"
    counts.attrs["undated_rows"] = undated
    counts.attrs["outside_range"] = int((~periods.isin(index)).sum())
    return counts


def _reform_position(index: pd.Index, reform) -> tuple[int, str]:
    if isinstance(index, pd.PeriodIndex):
        reform_period = pd.Period(reform, index.freq)
        position = int(np.searchsorted(index.asi8, reform_period.ordinal))
        return position, str(reform_period)
    values = np.asarray(index)
    position = int(np.searchsorted(values, reform))
    return position, str(reform)


def segmented_regression(
    counts: pd.Series, reform, family: str = "poisson", exposure: pd.Series | np.ndarray | None = None,
    hac_lags: int | None = None, alpha: float = 0.05,
) -> ITSResult:
    """Fit the segmented regression to a count series indexed by period (see module docstring).

    `reform` is the first period under the new regime (e.g. "2017-06" for monthly counts
    and the 2017 Interpretation). Raises ValueError, with the reason, when the series cannot
    identify the model: too few periods on either side, no events at all, or a segment with
    no events (its log rate would be minus infinity).
    """
    check_alpha(alpha)
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")
    if not isinstance(counts, pd.Series):
        counts = pd.Series(counts)
    y = counts.to_numpy(dtype=float)
    if np.any(~np.isfinite(y)) or np.any(y < 0) or np.any(y != np.round(y)):
        raise ValueError("counts must be non-negative whole numbers without gaps (use 0 for empty periods)")
    position, label = _reform_position(counts.index, reform)
    n_pre, n_post = position, len(y) - position
    if n_pre < MIN_PERIODS_PER_SEGMENT or n_post < MIN_PERIODS_PER_SEGMENT:
        raise ValueError(
            f"reform {label}: {n_pre} period(s) before and {n_post} after; the segmented model needs "
            f"at least {MIN_PERIODS_PER_SEGMENT} on each side"
        )
    if y.sum() == 0:
        raise ValueError("no events in any period: there is no rate to model")
    for name, segment in (("before", y[:position]), ("after", y[position:])):
        if segment.sum() == 0:
            raise ValueError(
                f"no events in any period {name} the reform ({label}): the log rate of that segment is "
                "minus infinity, so level and slope change are not estimable; report the counts and "
                "an exact upper bound instead"
            )
    if exposure is None:
        exposure_values = np.ones_like(y)
    else:
        exposure_values = np.asarray(exposure, dtype=float)
        if exposure_values.shape != y.shape or np.any(exposure_values <= 0):
            raise ValueError("exposure must be positive and have one value per period")

    t = np.arange(len(y), dtype=float)
    post = (t >= position).astype(float)
    since = (t - position) * post
    design = np.column_stack([np.ones_like(t), t, post, since])
    if not poisson_mle_exists(design, y):
        raise ValueError(
            f"reform {label}: the zero counts make the maximum-likelihood fit diverge (e.g. a segment whose "
            "counts are positive only at one end, such as 1, 0, 0): a segment's trend would be minus infinity. "
            "Use a longer or coarser series, or report the counts with exact intervals instead"
        )
    offset = np.log(exposure_values)
    lags = newey_west_lags(len(y)) if hac_lags is None else int(hac_lags)
    notes: list[str] = []

    nb_alpha = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        poisson = sm.GLM(y, design, family=sm.families.Poisson(), offset=offset).fit()
        dispersion = float(poisson.pearson_chi2 / poisson.df_resid) if poisson.df_resid > 0 else math.nan
        if family == "poisson":
            fit = sm.GLM(y, design, family=sm.families.Poisson(), offset=offset).fit(
                cov_type="HAC", cov_kwds={"maxlags": lags}
            )
            params = np.asarray(fit.params)
            cov = np.asarray(fit.cov_params())
            if dispersion > 1.5:
                notes.append(
                    f"Pearson dispersion {dispersion:.2f} > 1.5: counts are overdispersed; HAC errors "
                    "are robust to this, but consider family='negbin'"
                )
        else:
            model = sm.NegativeBinomial(y, design, loglike_method="nb2", offset=offset)
            start = np.append(poisson.params, 0.1)
            fit = model.fit(start_params=start, cov_type="HAC", cov_kwds={"maxlags": lags}, disp=0, maxiter=500)
            params = np.asarray(fit.params)[:4]
            cov = np.asarray(fit.cov_params())[:4, :4]
            nb_alpha = float(np.asarray(fit.params)[4])
            if not fit.mle_retvals.get("converged", True):
                notes.append("negative-binomial fit did not converge; the Poisson fit is more reliable here")
            if nb_alpha < 1e-6:
                notes.append("estimated NB dispersion is ~0: no overdispersion, the Poisson model suffices")
    for w in caught:
        text = f"{w.category.__name__}: {w.message}"
        if text not in notes:
            notes.append(text)
    if not np.all(np.isfinite(cov)) or np.any(np.diag(cov) <= 0):
        raise ValueError("the HAC covariance is not positive (too few periods for the lag chosen?)")

    params_s = pd.Series(params, index=list(PARAM_NAMES))
    cov_df = pd.DataFrame(cov, index=list(PARAM_NAMES), columns=list(PARAM_NAMES))
    method = f"HAC({lags})"
    fitted = np.exp(design @ params + offset)
    counterfactual = np.exp(design[:, :2] @ params[:2] + offset)
    simple = None
    try:
        simple = rate_ratio_interval(
            int(y[position:].sum()), float(exposure_values[position:].sum()),
            int(y[:position].sum()), float(exposure_values[:position].sum()), alpha,
        )
    except ValueError as error:
        notes.append(f"simple before/after ratio not available: {error}")
    return ITSResult(
        family=family, periods=counts.index, counts=y.astype(int), exposure=exposure_values,
        reform_position=position, reform_label=label, params=params_s, cov=cov_df, hac_lags=lags,
        level_change=_ratio_interval(params, cov, np.array([0, 0, 1.0, 0]), alpha, method),
        slope_change=_ratio_interval(params, cov, np.array([0, 0, 0, 1.0]), alpha, method),
        pre_trend=_ratio_interval(params, cov, np.array([0, 1.0, 0, 0]), alpha, method),
        fitted=fitted, counterfactual=counterfactual, pearson_dispersion=dispersion,
        nb_alpha=nb_alpha, simple_ratio=simple, alpha=alpha, warnings=tuple(notes),
    )


def plot_its(result: ITSResult, ax=None, title: str | None = None, ylabel: str = "人数 / count"):
    """Observed counts, fitted segments and the counterfactual (pre-reform trend extended)."""
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 4.5))
    else:
        fig = ax.figure
    x = np.arange(result.n_periods)
    p = result.reform_position
    ax.scatter(x, result.counts, color="0.35", s=18, label="观测 observed", zorder=3)
    ax.plot(x[:p], result.fitted[:p], color="C0", lw=2, label="拟合（改革前）fitted, before")
    ax.plot(x[p:], result.fitted[p:], color="C3", lw=2, label="拟合（改革后）fitted, after")
    ax.plot(x[p:], result.counterfactual[p:], color="C0", lw=1.5, ls="--", label="反事实 counterfactual")
    ax.axvline(p - 0.5, color="0.5", lw=1, ls=":")
    ax.annotate(f"{result.reform_label}", (p - 0.5, ax.get_ylim()[1]), ha="left", va="top", fontsize=9, color="0.3")
    labels = [str(v) for v in result.periods]
    step = max(1, len(labels) // 10)
    ax.set_xticks(x[::step])
    ax.set_xticklabels(labels[::step], rotation=45, ha="right")
    ax.set_ylabel(ylabel)
    lc = result.level_change
    ax.set_title(title or (
        f"{'Poisson' if result.family == 'poisson' else 'NB'} segmented regression: level change "
        f"RR {lc.estimate:.2f} ({lc.low:.2f}–{lc.high:.2f}), {lc.method}"
    ))
    ax.legend(fontsize=8, loc="upper left")
    return fig
