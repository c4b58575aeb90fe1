"""Before/after a reform date: segmented (interrupted time series) regression on counts.

Model, for periods t = 0..T-1 with the reform taking effect at period t0:

    log E[y_t] = b0 + b1 * t + b2 * post_t + b3 * (t - t0) * post_t + log(exposure_t)

- exp(b2): level change, the rate ratio at t0 against the pre-reform trend extended (the
  counterfactual);
- exp(b3): slope change, the ratio by which the per-period growth factor changes;
- exp(b2 + b3 * k): the rate ratio k periods after the reform.

Several breakpoints (e.g. Amendment IX, 2015-11, and the 2017 Interpretation, 2017-06):
`segmented_fit` adds a level step and a slope change per breakpoint; each breakpoint's effect
is against the trend of the segment just before it. `its_feasibility` decides, with a reason,
whether a series can carry the model at all (enough periods per segment, events in every
segment, a finite maximum-likelihood fit) so a notebook says so instead of drawing a
counterfactual the data cannot support.

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
        return _coefficient_table(self.params, self.cov.values, self.alpha)


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
    start: str | None = None, end: str | None = None, allow_empty: bool = False,
) -> pd.Series:
    """Defendants per month ("M") or year ("Y") from a date column, with empty periods as 0.

    Rows without a parseable date are dropped; their number is in the result's attrs. With
    no parseable date at all this raises, unless `allow_empty` (then the series is empty, and
    `its_feasibility` says "no dated ...").
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
        if allow_empty:
            empty = pd.Series([], index=pd.PeriodIndex([], freq=freq, name="period"), dtype=int)
            empty.attrs.update(undated_rows=undated, outside_range=0)
            return empty
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


def _breakpoint_position(index: pd.Index, breakpoint) -> tuple[int, str]:
    """Index of the first period under the new regime, and the breakpoint's label."""
    if isinstance(index, pd.PeriodIndex):
        period = pd.Period(breakpoint, index.freq)
        position = int(np.searchsorted(index.asi8, period.ordinal))
        return position, str(period)
    values = np.asarray(index)
    position = int(np.searchsorted(values, breakpoint))
    return position, str(breakpoint)


def _as_breakpoints(breakpoints) -> list:
    if isinstance(breakpoints, (str, int, np.integer, pd.Period, pd.Timestamp)) or not hasattr(breakpoints, "__iter__"):
        return [breakpoints]
    listed = list(breakpoints)
    if not listed:
        raise ValueError("give at least one breakpoint")
    return listed


def _design(n_periods: int, positions: tuple[int, ...]) -> np.ndarray:
    """Columns: intercept, trend, then per breakpoint a level step and a slope change."""
    t = np.arange(n_periods, dtype=float)
    columns = [np.ones_like(t), t]
    for position in positions:
        post = (t >= position).astype(float)
        columns += [post, (t - position) * post]
    return np.column_stack(columns)


def _segment_bounds(n_periods: int, positions: tuple[int, ...]) -> list[tuple[int, int]]:
    edges = [0, *positions, n_periods]
    return [(edges[i], edges[i + 1]) for i in range(len(edges) - 1)]


@dataclass(frozen=True)
class Feasibility:
    """Whether a count series can carry a segmented regression at these breakpoints, and why not.

    `code` is "ok" or one of: "no_series" (no dated records at all), "too_few_periods",
    "no_events", "empty_segment", "mle_diverges". `reason` is a sentence a notebook can print
    as it stands. `segments` lists each segment's first and last period, periods and events.
    """

    ok: bool
    code: str
    reason: str | None
    segments: pd.DataFrame

    def __bool__(self) -> bool:
        return self.ok


def _check_counts(counts) -> tuple[pd.Series, np.ndarray]:
    if not isinstance(counts, pd.Series):
        counts = pd.Series(counts)
    y = counts.to_numpy(dtype=float)
    if np.any(~np.isfinite(y)) or np.any(y < 0) or np.any(y != np.round(y)):
        raise ValueError("counts must be non-negative whole numbers without gaps (use 0 for empty periods)")
    return counts, y


def its_feasibility(
    counts: pd.Series, breakpoints, min_periods: int = MIN_PERIODS_PER_SEGMENT, what: str = "events",
) -> Feasibility:
    """Decide whether `counts` can carry a segmented regression with these breakpoints.

    It cannot when the series is empty (no dated records), when a segment has fewer than
    `min_periods` periods (a breakpoint outside the series leaves a segment with none), when
    there are no events at all (e.g. no case of the crime), when a segment has no events (its
    log rate is minus infinity), or when zero counts make the likelihood diverge (Haberman's
    condition, `poisson_mle_exists`). `what` names the events in the reason ("personal-
    information judgments"). Badly formed input (negative or fractional counts, breakpoints
    not in increasing order) raises ValueError instead: that is a caller's error, not the data's.
    """
    counts, y = _check_counts(counts)
    if min_periods < 1:
        raise ValueError(f"min_periods must be at least 1, got {min_periods}")
    listed = _as_breakpoints(breakpoints)
    empty_frame = pd.DataFrame(columns=["segment", "first", "last", "periods", "events"])
    if len(y) == 0:
        return Feasibility(False, "no_series", f"no dated {what}: there is no time series to model", empty_frame)
    located = [_breakpoint_position(counts.index, b) for b in listed]
    positions = tuple(p for p, _ in located)
    labels = tuple(label for _, label in located)
    if list(positions) != sorted(positions) or len(set(labels)) != len(labels):
        raise ValueError(f"breakpoints must be distinct and in increasing order, got {labels}")
    bounds = _segment_bounds(len(y), positions)
    names = ([f"before {labels[0]}"] + [f"{labels[i]} to before {labels[i + 1]}" for i in range(len(labels) - 1)]
             + [f"from {labels[-1]}"])
    periods = [str(p) for p in counts.index]
    segments = pd.DataFrame([
        {"segment": name, "first": periods[a] if b > a else None, "last": periods[b - 1] if b > a else None,
         "periods": b - a, "events": int(y[a:b].sum())}
        for name, (a, b) in zip(names, bounds)
    ])
    if y.sum() == 0:
        return Feasibility(False, "no_events", f"no {what} in any period: there is no rate to model (no events)",
                           segments)
    sizes = [b - a for a, b in bounds]
    if min(sizes) < min_periods:
        if len(labels) == 1:
            reason = (f"reform {labels[0]}: {sizes[0]} period(s) before and {sizes[1]} after; the segmented model "
                      f"needs at least {min_periods} on each side")
        else:
            short = "; ".join(f"{n}: {s}" for n, s in zip(names, sizes) if s < min_periods)
            reason = (f"breakpoints {', '.join(labels)} over {periods[0]} to {periods[-1]}: the segmented model "
                      f"needs at least {min_periods} periods per segment, and these have fewer ({short})")
        return Feasibility(False, "too_few_periods", reason, segments)
    for name, (a, b) in zip(names, bounds):
        if y[a:b].sum() == 0:
            if len(labels) == 1:
                where = f"{'before' if a == 0 else 'after'} the reform ({labels[0]})"
            else:
                where = f"of the segment {name}"
            return Feasibility(False, "empty_segment", (
                f"no {what} in any period {where}: the log rate of that segment is minus infinity, so level "
                "and slope change are not estimable; report the counts and an exact upper bound instead"), segments)
    if not poisson_mle_exists(_design(len(y), positions), y):
        return Feasibility(False, "mle_diverges", (
            f"{'reform' if len(labels) == 1 else 'breakpoints'} {', '.join(labels)}: the zero counts make the "
            "maximum-likelihood fit diverge (e.g. a segment whose counts are positive only at one end, such as "
            "1, 0, 0): a segment's trend would be minus infinity. Use a longer or coarser series, or report the "
            "counts with exact intervals instead"), segments)
    return Feasibility(True, "ok", None, segments)


@dataclass(frozen=True)
class SegmentedResult:
    """A segmented regression with one or more breakpoints (see the module docstring).

    With breakpoints p_1 < ... < p_k the model is
        log E[y_t] = b0 + b1 t + sum_j [c_j post_j(t) + d_j (t - p_j) post_j(t)] + log(exposure_t),
    so exp(c_j) is the rate ratio at p_j against the preceding segment's trend extended, and
    exp(d_j) the ratio by which the per-period growth factor changes at p_j. `at(j)` gives the
    result for breakpoint j as an ITSResult (statements and plots for one reform take it).
    """

    family: str
    periods: pd.Index
    counts: np.ndarray
    exposure: np.ndarray
    positions: tuple[int, ...]
    labels: tuple[str, ...]
    params: pd.Series  # log scale: intercept, trend, then level_change@<label>, slope_change@<label> per breakpoint
    cov: pd.DataFrame  # HAC covariance
    hac_lags: int
    fitted: np.ndarray
    pearson_dispersion: float
    nb_alpha: float | None
    alpha: float = 0.05
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def n_periods(self) -> int:
        return len(self.counts)

    @property
    def method(self) -> str:
        return f"HAC({self.hac_lags})"

    def _index(self, breakpoint) -> int:
        if isinstance(breakpoint, (int, np.integer)) and 0 <= breakpoint < len(self.labels):
            return int(breakpoint)
        label = str(breakpoint)
        if label not in self.labels:
            raise KeyError(f"no breakpoint {breakpoint!r}; breakpoints are {self.labels}")
        return self.labels.index(label)

    def _interval(self, weights: np.ndarray) -> Interval:
        return _ratio_interval(self.params.values, self.cov.values, weights, self.alpha, self.method)

    def _weights(self, name: str) -> np.ndarray:
        weights = np.zeros(len(self.params))
        weights[list(self.params.index).index(name)] = 1.0
        return weights

    def level_change(self, breakpoint) -> Interval:
        return self._interval(self._weights(f"level_change@{self.labels[self._index(breakpoint)]}"))

    def slope_change(self, breakpoint) -> Interval:
        return self._interval(self._weights(f"slope_change@{self.labels[self._index(breakpoint)]}"))

    def segment_trend(self, segment: int) -> Interval:
        """Growth factor per period within segment 0..k (0: before the first breakpoint)."""
        weights = self._weights("trend")
        for label in self.labels[:segment]:
            weights += self._weights(f"slope_change@{label}")
        return self._interval(weights)

    def _local_transform(self, j: int) -> np.ndarray:
        """Rows: intercept and trend of segment j's line (before breakpoint j), level c_j, slope d_j."""
        names = list(self.params.index)
        L = np.zeros((4, len(names)))
        L[0, names.index("intercept")] = 1.0
        L[1, names.index("trend")] = 1.0
        for label, position in zip(self.labels[:j], self.positions[:j]):
            L[0, names.index(f"level_change@{label}")] = 1.0
            L[0, names.index(f"slope_change@{label}")] = -float(position)
            L[1, names.index(f"slope_change@{label}")] = 1.0
        L[2, names.index(f"level_change@{self.labels[j]}")] = 1.0
        L[3, names.index(f"slope_change@{self.labels[j]}")] = 1.0
        return L

    def counterfactual(self, breakpoint) -> np.ndarray:
        """The line of the segment before `breakpoint` extended over every period (no change there)."""
        local = self._local_transform(self._index(breakpoint)) @ self.params.values
        t = np.arange(self.n_periods, dtype=float)
        return np.exp(local[0] + local[1] * t + np.log(self.exposure))

    def at(self, breakpoint) -> ITSResult:
        """Breakpoint j as a one-reform ITSResult: its level and slope change against the preceding segment."""
        j = self._index(breakpoint)
        L = self._local_transform(j)
        params = L @ self.params.values
        cov = L @ self.cov.values @ L.T
        method = self.method
        bounds = _segment_bounds(self.n_periods, self.positions)
        (a, b), (c, d) = bounds[j], bounds[j + 1]
        notes = list(self.warnings)
        if len(self.labels) > 1:
            notes.append(f"one of {len(self.labels)} breakpoints ({', '.join(self.labels)}); the comparison is "
                         f"with the segment {self.periods[a]}–{self.periods[b - 1]}")
        simple = None
        try:
            simple = rate_ratio_interval(int(self.counts[c:d].sum()), float(self.exposure[c:d].sum()),
                                         int(self.counts[a:b].sum()), float(self.exposure[a:b].sum()), self.alpha)
        except ValueError as error:
            notes.append(f"simple before/after ratio not available: {error}")
        return ITSResult(
            family=self.family, periods=self.periods, counts=self.counts, exposure=self.exposure,
            reform_position=self.positions[j], reform_label=self.labels[j],
            params=pd.Series(params, index=list(PARAM_NAMES)),
            cov=pd.DataFrame(cov, index=list(PARAM_NAMES), columns=list(PARAM_NAMES)), hac_lags=self.hac_lags,
            level_change=_ratio_interval(params, cov, np.array([0, 0, 1.0, 0]), self.alpha, method),
            slope_change=_ratio_interval(params, cov, np.array([0, 0, 0, 1.0]), self.alpha, method),
            pre_trend=_ratio_interval(params, cov, np.array([0, 1.0, 0, 0]), self.alpha, method),
            fitted=self.fitted, counterfactual=self.counterfactual(j), pearson_dispersion=self.pearson_dispersion,
            nb_alpha=self.nb_alpha, simple_ratio=simple, alpha=self.alpha, warnings=tuple(notes),
        )

    def effects(self) -> pd.DataFrame:
        """One row per breakpoint: level change and slope change (ratios) with their intervals."""
        rows = []
        for j, label in enumerate(self.labels):
            level, slope = self.level_change(j), self.slope_change(j)
            rows.append({"breakpoint": label, "level_change": level.estimate, "level_low": level.low,
                         "level_high": level.high, "slope_change": slope.estimate, "slope_low": slope.low,
                         "slope_high": slope.high, "method": level.method})
        return pd.DataFrame(rows)

    def table(self) -> pd.DataFrame:
        """Coefficients on the log scale and as ratios, with HAC standard errors."""
        return _coefficient_table(self.params, self.cov.values, self.alpha)


def _coefficient_table(params: pd.Series, cov: np.ndarray, alpha: float) -> pd.DataFrame:
    z = stats.norm.isf(alpha / 2)
    se = np.sqrt(np.diag(cov))
    values = params.values
    return pd.DataFrame({
        "coef": values,
        "se_hac": se,
        "z": values / se,
        "p": 2 * stats.norm.sf(np.abs(values / se)),
        "ratio": np.exp(values),
        "ratio_low": np.exp(values - z * se),
        "ratio_high": np.exp(values + z * se),
    }, index=list(params.index))


def segmented_fit(
    counts: pd.Series, breakpoints, family: str = "poisson", exposure: pd.Series | np.ndarray | None = None,
    hac_lags: int | None = None, alpha: float = 0.05, min_periods: int = MIN_PERIODS_PER_SEGMENT,
) -> SegmentedResult:
    """Fit the segmented regression with one or more breakpoints (e.g. ["2015-11", "2017-06"]).

    Each breakpoint is the first period under its new regime. Raises ValueError with the
    reason `its_feasibility` gives when the series cannot carry the model.
    """
    check_alpha(alpha)
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")
    counts, y = _check_counts(counts)
    feasibility = its_feasibility(counts, breakpoints, min_periods=min_periods)
    if not feasibility.ok:
        raise ValueError(feasibility.reason)
    located = [_breakpoint_position(counts.index, b) for b in _as_breakpoints(breakpoints)]
    positions = tuple(p for p, _ in located)
    labels = tuple(label for _, label in located)
    if exposure is None:
        exposure_values = np.ones_like(y)
    else:
        exposure_values = np.asarray(exposure, dtype=float)
        if exposure_values.shape != y.shape or np.any(exposure_values <= 0):
            raise ValueError("exposure must be positive and have one value per period")

    design = _design(len(y), positions)
    k = design.shape[1]
    names = ["intercept", "trend"] + [f"{kind}@{label}" for label in labels for kind in ("level_change", "slope_change")]
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
            params = np.asarray(fit.params)[:k]
            cov = np.asarray(fit.cov_params())[:k, :k]
            nb_alpha = float(np.asarray(fit.params)[k])
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
    return SegmentedResult(
        family=family, periods=counts.index, counts=y.astype(int), exposure=exposure_values,
        positions=positions, labels=labels, params=pd.Series(params, index=names),
        cov=pd.DataFrame(cov, index=names, columns=names), hac_lags=lags,
        fitted=np.exp(design @ params + offset), pearson_dispersion=dispersion, nb_alpha=nb_alpha,
        alpha=alpha, warnings=tuple(notes),
    )


def segmented_regression(
    counts: pd.Series, reform, family: str = "poisson", exposure: pd.Series | np.ndarray | None = None,
    hac_lags: int | None = None, alpha: float = 0.05,
) -> ITSResult:
    """Fit the segmented regression to a count series indexed by period (see module docstring).

    `reform` is the first period under the new regime (e.g. "2017-06" for monthly counts
    and the 2017 Interpretation). Raises ValueError, with the reason, when the series cannot
    identify the model: too few periods on either side, no events at all, or a segment with
    no events (its log rate would be minus infinity). Several breakpoints: `segmented_fit`.
    """
    return segmented_fit(counts, [reform], family=family, exposure=exposure, hac_lags=hac_lags, alpha=alpha).at(0)


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


_PLOT_TEXT = {
    "zh": {"observed": "观测值", "fitted": "拟合：{first}至{last}", "counterfactual": "反事实：{first}至{last}的趋势延续",
           "breakpoint": "断点：{label}", "ylabel": "数量", "title": "分段{family}回归（HAC标准误，滞后{lags}期）",
           "poisson": "泊松", "negbin": "负二项"},
    "en": {"observed": "observed", "fitted": "fitted, {first} to {last}",
           "counterfactual": "counterfactual: trend of {first} to {last} extended", "breakpoint": "breakpoint: {label}",
           "ylabel": "count", "title": "Segmented {family} regression (HAC errors, {lags} lags)",
           "poisson": "Poisson", "negbin": "negative-binomial"},
}


def plot_segmented(result: SegmentedResult, ax=None, lang: str = "zh", ylabel: str | None = None,
                   title: str | None = None, breakpoint_names: dict[str, str] | None = None):
    """Observed counts, each segment's fit, and at each breakpoint the preceding trend extended (dashed).

    Every line has a legend entry; `breakpoint_names` maps a breakpoint label (e.g. "2017-06")
    to the name shown for it. All text is in one language (`lang`: "zh" or "en").
    """
    import matplotlib.pyplot as plt

    if lang not in _PLOT_TEXT:
        raise ValueError(f"lang must be one of {sorted(_PLOT_TEXT)}, got {lang!r}")
    text = _PLOT_TEXT[lang]
    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 4.5))
    else:
        fig = ax.figure
    x = np.arange(result.n_periods)
    periods = [str(p) for p in result.periods]
    bounds = _segment_bounds(result.n_periods, result.positions)
    ax.scatter(x, result.counts, color="0.35", s=14, label=text["observed"], zorder=3)
    for i, (a, b) in enumerate(bounds):
        ax.plot(x[a:b], result.fitted[a:b], color=f"C{i}", lw=2,
                label=text["fitted"].format(first=periods[a], last=periods[b - 1]))
    for j in range(len(result.labels)):
        (a, b), (c, d) = bounds[j], bounds[j + 1]
        ax.plot(x[c:d], result.counterfactual(j)[c:d], color=f"C{j}", lw=1.5, ls="--",
                label=text["counterfactual"].format(first=periods[a], last=periods[b - 1]))
    for j, label in enumerate(result.labels):
        name = (breakpoint_names or {}).get(label, label)
        ax.axvline(result.positions[j] - 0.5, color="0.3", lw=1, ls=(0, (1, 1 + 2 * j)),
                   label=text["breakpoint"].format(label=name))
    step = max(1, len(periods) // 12)
    ax.set_xticks(x[::step])
    ax.set_xticklabels(periods[::step], rotation=45, ha="right")
    ax.set_ylabel(ylabel or text["ylabel"])
    ax.set_title(title or text["title"].format(family=text[result.family], lags=result.hac_lags), fontsize=10)
    ax.legend(fontsize=7, loc="upper left")
    return fig
