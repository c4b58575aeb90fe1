"""Sentencing of personal-information cases (Criminal Law Art. 253-1) on the per-defendant table
(toolkit.schema): tiers per row, terms by tier, the share of sentences inside the tier's statutory
range (tier compliance), regressions and figures.

Although it sits in toolkit.analysis, everything about tiers here is Art. 253-1's. Tiers come from
the personal-information crime plug-in (toolkit.crimes.personal_information.records.classify_record,
re-exported as toolkit.tiers.classify_record). The statutory ranges, the item thresholds of the 2017
Interpretation (50 / 500 / 5,000 items) and the charge names come from that plug-in's rules data
(toolkit/crimes/personal_information/rules.json), never from literals here. Rows charged with
another crime get no tier and say so. Drug cases have their own module,
toolkit.crimes.drug_trafficking.analysis, which reuses RegressionResult and the coefficient table
from this one.

Regressions (statsmodels):
- OLS of log(term in months) for custodial sentences, heteroskedasticity-robust (HC3) errors;
- logit of probation among custodial sentences;
- ordered logit (OrderedModel) of sentence severity (see SEVERITY_LEVELS).
Covariates: log item count, information category group (reference: the group with the
highest threshold), log(1 + illegal gains) with a missing-value indicator, and indicators of
mitigating / aggravating circumstances. A covariate without variation in the sample is
dropped and the drop is reported. Before a logit or ordered fit the design is checked for
(quasi-)complete separation with the linear program of Konis (2007); a separated sample
gives status "separated" and no coefficients (their MLE does not exist), never a huge
meaningless number.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from toolkit.analysis.outcomes import CUSTODIAL_PENALTIES, _outcome_in
from toolkit.intervals import Interval, proportion_interval
from toolkit.crimes.personal_information.rules import load_rules

TIER_ORDER = ("none", "serious", "especially_serious")
from toolkit.crimes.personal_information.engine import TIER_ZH as TIER_LABELS_ZH  # noqa: E402  (one source of tier names)

# Substrings of the `mitigating` / `aggravating` list entries -> indicator column.
MITIGATING_FACTORS: dict[str, tuple[str, ...]] = {
    "surrender": ("自首",),
    "confession": ("坦白",),
    "meritorious": ("立功",),
    "plea_leniency": ("认罪认罚",),
    "restitution": ("退赃", "退赔", "退缴"),
    "accessory": ("从犯",),
}
AGGRAVATING_FACTORS: dict[str, tuple[str, ...]] = {"recidivist": ("累犯",)}

SEVERITY_LEVELS = ("no_custody", "suspended", "custody_short", "custody_long")
SEVERITY_LABELS_ZH = {
    "no_custody": "免刑/单处罚金/管制",
    "suspended": "缓刑",
    "custody_short": "实刑三年以下",
    "custody_long": "实刑三年以上",
}


# ------------------------------------------------------------------------------ tiers


def tier_ranges() -> dict[str, tuple[int, int]]:
    """Custodial range in months per tier under the statute version now in force (rules.json)."""
    tiers = load_rules().current_statute_version()["tiers"]
    return {name: (int(t["custodial_months"][0]), int(t["custodial_months"][1])) for name, t in tiers.items()}


def long_custody_threshold_months() -> int:
    """Lower end of the especially-serious range (36 months): the line between short and long custody."""
    return tier_ranges()["especially_serious"][0]


def item_thresholds() -> list[tuple[str, str, int]]:
    """(group id, Chinese label, threshold items) for the 情节严重 count items, from rules.json."""
    return [(g.id, g.label_zh, g.threshold_items) for g in load_rules().groups]


def clause_label(group_id: str) -> str:
    """Short label of a category group for legends: its clause and first categories."""
    from toolkit.categories import chinese_name

    group = next(g for g in load_rules().groups if g.id == group_id)
    head = chinese_name(group.categories[0])
    return f"{group.clause} {head}等" if len(group.categories) > 1 else f"{group.clause} {head}"


def category_group(category: Any) -> str | None:
    if category is None or (isinstance(category, float) and math.isnan(category)) or category is pd.NA:
        return None
    try:
        return load_rules().group_of(str(category)).id
    except KeyError:
        return None


def _plain(value: Any) -> Any:
    """pd.NA / NaN -> None, so `value in (...)` comparisons are plain booleans."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _record_dict(row: pd.Series) -> dict[str, Any]:
    out = {}
    for key, value in row.items():
        if value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            value = None
        elif isinstance(value, np.generic):
            value = value.item()
        out[key] = value
    return out


def art_253_1_charges() -> tuple[str, ...]:
    """Charge names of Art. 253-1 in every statute version (rules.json), e.g. 侵犯公民个人信息罪."""
    names = [charge for version in load_rules().raw["statute_versions"] for charge in version.get("charges_zh", [])]
    return tuple(dict.fromkeys(names))


def _names_art_253_1(charges: Any) -> bool | None:
    """True / False when the charges are stated; None when the row states none."""
    if not isinstance(charges, (list, tuple)) or not charges:
        return None
    # 出售、非法提供公民个人信息罪 may be printed whole or as 非法提供公民个人信息罪: match on each
    # part that names 公民个人信息, without the final 罪.
    parts = [p.rstrip("罪") for name in art_253_1_charges() for p in name.split("、")]
    targets = [p for p in parts if "公民个人信息" in p]
    return any(any(t in str(c) for t in targets) for c in charges)


def is_art_253_1(frame: pd.DataFrame) -> pd.Series:
    """Rows charged under Art. 253-1, plus rows that state no charge (a topic corpus often omits it)."""
    if "charges" not in frame.columns:
        return pd.Series(True, index=frame.index)
    return frame["charges"].map(lambda c: _names_art_253_1(c) is not False).astype(bool)


TIER_COLUMNS = ("tier", "statutory_tier", "tier_low_months", "tier_high_months", "tier_fine_only_possible",
                "tier_clauses", "tier_notes")


def add_tiers(frame: pd.DataFrame, classify=None) -> pd.DataFrame:
    """A copy of the table with the tier engine's verdict per row (TIER_COLUMNS).

    - tier: the 2017 Interpretation's tier on the stated facts ("none", "serious",
      "especially_serious"), <NA> when the engine lacks the facts (never a guess);
    - statutory_tier and tier_low/high_months: the tier and custodial range under the
      Art. 253-1 version in force (Amendment VII had one tier, capped at 36 months);
    - tier_fine_only_possible: whether a fine alone is inside that range.
    `classify` defaults to the personal-information plug-in's classify_record (toolkit.tiers.classify_record).
    """
    if classify is None:
        from toolkit.tiers import classify_record as classify
    columns: dict[str, list] = {name: [] for name in TIER_COLUMNS}
    for position, (_, row) in enumerate(frame.iterrows()):
        record = _record_dict(row)
        if _names_art_253_1(record.get("charges")) is False:
            # The tiers of Art. 253-1 say nothing about a theft or a fraud.
            for name in TIER_COLUMNS:
                columns[name].append(None)
            columns["tier_notes"][-1] = "not charged under Art. 253-1: no tier"
            continue
        try:
            result = classify(record)
        except Exception as error:  # noqa: BLE001 - the engine's reason is kept, the row stays unknown
            for name in TIER_COLUMNS:
                columns[name].append(None)
            columns["tier_notes"][-1] = f"row {position} ({record.get('doc_id')}): {type(error).__name__}: {error}"
            continue
        if result.tier is not None and result.tier not in TIER_ORDER:
            raise ValueError(f"tier engine returned unknown tier {result.tier!r} for {record.get('doc_id')}")
        low, high = result.range_months if result.range_months else (None, None)
        columns["tier"].append(result.tier)
        columns["statutory_tier"].append(result.statutory_tier)
        columns["tier_low_months"].append(low)
        columns["tier_high_months"].append(high)
        columns["tier_fine_only_possible"].append(result.fine_only_possible)
        columns["tier_clauses"].append("; ".join(result.clauses) or None)
        columns["tier_notes"].append(" | ".join(result.notes) or None)
    out = frame.copy()
    dtypes = {"tier_low_months": "Int64", "tier_high_months": "Int64", "tier_fine_only_possible": "boolean"}
    for name, values in columns.items():
        out[name] = pd.array(values, dtype=dtypes.get(name, "string"))
    return out


def term_by_tier(frame: pd.DataFrame) -> pd.DataFrame:
    """Distribution of the imposed term (months) by tier, convicted custodial sentences only."""
    _need(frame, ("tier", "term_months", "penalty_type", "outcome"))
    subset = frame[_custodial(frame)].copy()
    subset["term"] = pd.to_numeric(subset["term_months"], errors="coerce").astype(float)
    subset = subset.dropna(subset=["term"])
    subset["tier"] = subset["tier"].astype("string").fillna("(unknown)")
    rows = []
    for tier in (*TIER_ORDER, "(unknown)"):
        terms = subset.loc[subset["tier"] == tier, "term"]
        rows.append({
            "tier": tier, "n": len(terms),
            "mean": terms.mean() if len(terms) else math.nan,
            "q25": terms.quantile(0.25) if len(terms) else math.nan,
            "median": terms.median() if len(terms) else math.nan,
            "q75": terms.quantile(0.75) if len(terms) else math.nan,
            "min": terms.min() if len(terms) else math.nan,
            "max": terms.max() if len(terms) else math.nan,
        })
    return pd.DataFrame(rows)


def _custodial(frame: pd.DataFrame) -> pd.Series:
    _need(frame, ("outcome", "penalty_type", "term_months", "probation_months"))
    return (_outcome_in(frame, ("convicted",)) & frame["penalty_type"].isin(list(CUSTODIAL_PENALTIES)).fillna(False)).astype(bool)


def _need(frame: pd.DataFrame, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        hint = " (add tiers with add_tiers(frame))" if "tier" in missing else ""
        raise ValueError(f"the table lacks column(s) {missing}{hint}")


def range_position(frame: pd.DataFrame) -> pd.Series:
    """Per row: 'below', 'inside' or 'above' its statutory range; <NA> when not applicable.

    Applicable: convicted or exempted defendants whose statutory tier (add_tiers) has a range
    and whose penalty is known. Exemption and 管制 (not a penalty of Art. 253-1) are below;
    a fine alone is inside only where the tier allows it (rules.json: fine_only_possible).
    Below the range is not unlawful in itself: statutory mitigation (减轻处罚) goes there.
    """
    _need(frame, ("tier_low_months", "tier_high_months", "tier_fine_only_possible", "term_months",
                  "penalty_type", "outcome"))
    positions = []
    for _, row in frame.iterrows():
        outcome, penalty = _plain(row["outcome"]), _plain(row["penalty_type"])
        low, high = row["tier_low_months"], row["tier_high_months"]
        if pd.isna(low) or pd.isna(high) or pd.isna(outcome) or outcome not in ("convicted", "exempted"):
            positions.append(None)
        elif outcome == "exempted":
            positions.append("below")
        elif penalty is None:
            positions.append(None)
        elif penalty in ("none", "public_surveillance"):
            positions.append("below")
        elif penalty == "fine_only":
            positions.append("inside" if row["tier_fine_only_possible"] is True else "below")
        elif penalty in ("life", "death", "death_suspended"):
            positions.append("above")
        elif pd.isna(row["term_months"]):
            positions.append(None)
        else:
            term = row["term_months"]
            positions.append("below" if term < low else "above" if term > high else "inside")
    return pd.Series(positions, index=frame.index, dtype="string")


@dataclass(frozen=True)
class Compliance:
    """Share of sentences inside their tier's statutory range."""

    inside: int  # counts over defendants with an applicable statutory range
    below: int
    above: int
    not_applicable: int
    interval: Interval | None  # inside / (inside + below + above)
    by_tier: pd.DataFrame

    @property
    def n(self) -> int:
        return self.inside + self.below + self.above


def tier_compliance(frame: pd.DataFrame, method: str = "clopper-pearson", alpha: float = 0.05) -> Compliance:
    positions = range_position(frame)
    counts = positions.value_counts()
    inside, below, above = (int(counts.get(k, 0)) for k in ("inside", "below", "above"))
    n = inside + below + above
    interval = proportion_interval(inside, n, method, alpha) if n else None
    rows = []
    for tier in ("serious", "especially_serious"):
        p = positions[(frame["statutory_tier"].astype("string") == tier).fillna(False)]
        c = p.value_counts()
        k_in, k_b, k_a = (int(c.get(key, 0)) for key in ("inside", "below", "above"))
        total = k_in + k_b + k_a
        iv = proportion_interval(k_in, total, method, alpha) if total else None
        rows.append({"tier": tier, "n": total, "inside": k_in, "below": k_b, "above": k_a,
                     "share_inside": k_in / total if total else math.nan,
                     "low": iv.low if iv else math.nan, "high": iv.high if iv else math.nan})
    return Compliance(inside, below, above, int(positions.isna().sum()), interval, pd.DataFrame(rows))


# ------------------------------------------------------------------------- covariates


def _list_has(values: Any, needles: tuple[str, ...]) -> bool:
    if not isinstance(values, (list, tuple)):
        return False
    return any(any(needle in str(v) for needle in needles) for v in values)


def sentencing_covariates(frame: pd.DataFrame) -> pd.DataFrame:
    """Covariate columns used by the regressions (one row per defendant, same index)."""
    _need(frame, ("info_count", "info_category", "illegal_gains_yuan"))
    out = pd.DataFrame(index=frame.index)
    not_recorded = [c for c in ("illegal_gains_yuan", "mitigating", "aggravating")
                    if c not in frame.columns or c in frame.attrs.get("absent_columns", ())]
    items = pd.to_numeric(frame["info_count"], errors="coerce").astype(float)
    out["log_items"] = np.log(items.where(items > 0))
    groups = frame["info_category"].map(category_group)
    ids = [g.id for g in load_rules().groups]
    reference = max(load_rules().groups, key=lambda g: g.threshold_items).id
    for gid in ids:
        if gid != reference:
            out[f"group_{gid}"] = (groups == gid).astype(float).where(groups.notna())
    if "illegal_gains_yuan" not in not_recorded:
        gains = pd.to_numeric(frame["illegal_gains_yuan"], errors="coerce").astype(float)
        out["gains_missing"] = gains.isna().astype(float)
        out["log1p_gains"] = np.log1p(gains.fillna(0.0).clip(lower=0))
    for column, factors in (("mitigating", MITIGATING_FACTORS), ("aggravating", AGGRAVATING_FACTORS)):
        if column in not_recorded:
            continue
        for name, needles in factors.items():
            out[name] = frame[column].map(lambda v, n=needles: _list_has(v, n)).astype(float)
    # Columns the table does not record at all: their covariates are left out, not set to "none".
    out.attrs["not_recorded"] = not_recorded
    return out


def sentence_severity(frame: pd.DataFrame) -> pd.Series:
    """Ordered sentence severity (SEVERITY_LEVELS) for convicted or exempted defendants."""
    threshold = long_custody_threshold_months()
    levels = []
    for _, row in frame.iterrows():
        outcome, penalty = _plain(row["outcome"]), _plain(row["penalty_type"])
        if outcome not in ("convicted", "exempted"):
            levels.append(None)
        elif outcome == "exempted" or penalty in ("none", "fine_only", "public_surveillance"):
            levels.append("no_custody")
        elif penalty in CUSTODIAL_PENALTIES:
            probation = row["probation_months"]
            term = row["term_months"]
            if not pd.isna(probation) and probation > 0:
                levels.append("suspended")
            elif pd.isna(term):
                levels.append(None)
            else:
                levels.append("custody_long" if term >= threshold else "custody_short")
        elif penalty in ("life", "death", "death_suspended"):
            levels.append("custody_long")
        else:
            levels.append(None)
    return pd.Series(pd.Categorical(levels, categories=list(SEVERITY_LEVELS), ordered=True), index=frame.index)


# ------------------------------------------------------------------------- regressions


@dataclass(frozen=True)
class RegressionResult:
    kind: str  # ols_log_term | probation_logit | ordered_severity
    status: str  # ok | separated | no_variation | too_few
    n: int
    table: pd.DataFrame | None  # index: term; coef, se, ci_low, ci_high, p, effect (exp(coef))
    dependent: str
    cov_type: str
    message: str = ""
    dropped: tuple[tuple[str, str], ...] = ()
    separating: tuple[str, ...] = ()
    alpha: float = 0.05
    fit_statistics: dict[str, float] = field(default_factory=dict)
    message_zh: str = ""  # the reason in Chinese when there are no coefficients

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _prepare(y: pd.Series, covariates: pd.DataFrame, with_constant: bool) -> tuple[pd.Series, pd.DataFrame, list[tuple[str, str]]]:
    dropped: list[tuple[str, str]] = [(c, "not recorded in this table") for c in covariates.attrs.get("not_recorded", [])]
    data = covariates.copy()
    data = data.loc[y.notna()]
    y = y.loc[y.notna()]
    for column in list(data.columns):
        if len(data) and data[column].isna().all():
            dropped.append((column, "no value in the sample"))
            data = data.drop(columns=column)
    # Complete cases only: a row missing the item count or the category group is left out.
    complete = data.notna().all(axis=1)
    data, y = data.loc[complete], y.loc[complete]
    for column in list(data.columns):
        if data[column].nunique() <= 1:
            dropped.append((column, "no variation in the sample"))
            data = data.drop(columns=column)
    # The constant takes part in the collinearity check even for the ordered model (whose cut
    # points play its role): indicators that sum to 1 would be collinear with it.
    data.insert(0, "const", 1.0)
    # Drop exactly collinear columns (e.g. two indicators that coincide), naming them.
    kept: list[str] = []
    for column in data.columns:
        trial = data[kept + [column]].to_numpy(dtype=float)
        if np.linalg.matrix_rank(trial) > len(kept):
            kept.append(column)
        else:
            dropped.append((column, "collinear with the other covariates"))
    if not with_constant and "const" in kept:
        kept.remove("const")
    return y, data[kept], dropped


KEY_COVARIATE = "log_items"
FIRTH = "Firth penalised likelihood (Wald)"


def _without_key(kind: str, y: pd.Series, X: pd.DataFrame, dependent: str, dropped, alpha: float) -> RegressionResult | None:
    """A result explaining the absence of the item count, the covariate every model is about."""
    reason = dict(dropped).get(KEY_COVARIATE)
    # Present, or merely constant, or no sample at all: the ordinary checks explain those cases.
    if KEY_COVARIATE in X.columns or reason == "no variation in the sample" or len(y) == 0 and reason is None:
        return None
    reason = reason or "no defendant in the sample has both the outcome and an item count"
    reason_zh = {"no value in the sample": "样本中没有任何取值", "not recorded in this table": "本表未记录该字段"}.get(
        reason, "样本中没有同时具备结果和信息条数的被告人")
    return RegressionResult(kind, "too_few", len(y), None, dependent, "none",
                            f"no usable item count (info_count): {reason}", tuple(dropped), alpha=alpha,
                            message_zh=f"没有可用的信息条数（info_count）：{reason_zh}")


def _coef_table(params, bse, pvalues, alpha: float, names) -> pd.DataFrame:
    z = stats.norm.isf(alpha / 2)
    params, bse, pvalues = (np.asarray(v, dtype=float) for v in (params, bse, pvalues))
    table = pd.DataFrame({
        "coef": params, "se": bse, "ci_low": params - z * bse, "ci_high": params + z * bse, "p": pvalues,
    }, index=list(names))
    table["effect"] = np.exp(table["coef"])
    table.index.name = "term"
    return table


def detect_separation(X: np.ndarray, y: np.ndarray, tolerance: float = 1e-7) -> tuple[bool, np.ndarray]:
    """(Quasi-)complete separation test of Konis (2007) by linear programming.

    Separation exists iff some direction b != 0 has s_i * x_i'b >= 0 for every row
    (s_i = +1 for y_i = 1, -1 for y_i = 0); the LP maximises sum_i s_i x_i'b over the box
    |b_j| <= 1. Returns (separated, direction). Columns are scaled to unit max so the
    tolerance means the same for every covariate.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    scale = np.abs(X).max(axis=0)
    scale[scale == 0] = 1.0
    Xs = X / scale
    signed = Xs * np.where(y > 0.5, 1.0, -1.0)[:, None]
    result = optimize.linprog(
        c=-signed.sum(axis=0), A_ub=-signed, b_ub=np.zeros(len(y)),
        bounds=[(-1, 1)] * X.shape[1], method="highs",
    )
    if result.status != 0:
        return False, np.zeros(X.shape[1])
    separated = -result.fun > tolerance * max(1, len(y))
    return bool(separated), np.where(np.abs(result.x) > 1e-9, result.x, 0.0)


def ols_log_term(frame: pd.DataFrame, alpha: float = 0.05, cov_type: str = "HC3") -> RegressionResult:
    """OLS of log(term months), custodial convictions with a positive term; robust (HC3) errors."""
    import statsmodels.api as sm

    custodial = _custodial(frame)
    term = pd.to_numeric(frame["term_months"], errors="coerce").astype(float)
    y = np.log(term.where(custodial & (term > 0)))
    y, X, dropped = _prepare(y, sentencing_covariates(frame), with_constant=True)
    missing = _without_key("ols_log_term", y, X, "log(term_months)", dropped, alpha)
    if missing:
        return missing
    if len(y) < X.shape[1] + 2:
        return RegressionResult("ols_log_term", "too_few", len(y), None, "log(term_months)", cov_type,
                                f"{len(y)} usable row(s) for {X.shape[1]} coefficients: OLS needs at least "
                                f"{X.shape[1] + 2}", tuple(dropped), alpha=alpha,
                                message_zh=f"可用样本{len(y)}人，估计{X.shape[1]}个系数至少需要{X.shape[1] + 2}人")
    fit = sm.OLS(y.to_numpy(), X.to_numpy(dtype=float)).fit(cov_type=cov_type)
    table = _coef_table(fit.params, fit.bse, fit.pvalues, alpha, X.columns)
    return RegressionResult("ols_log_term", "ok", len(y), table, "log(term_months)", cov_type,
                            "effect = exp(coef): multiplicative change in the term", tuple(dropped), alpha=alpha,
                            fit_statistics={"r_squared": float(fit.rsquared), "n": float(fit.nobs)})


def _separation_result(kind: str, n: int, dependent: str, X: pd.DataFrame, direction: np.ndarray,
                       dropped, alpha: float) -> RegressionResult:
    involved = tuple(name for name, b in zip(X.columns, direction) if b != 0 and name != "const")
    return RegressionResult(
        kind, "separated", n, None, dependent, "none",
        "the outcome is perfectly (or quasi-perfectly) predicted by "
        f"{', '.join(involved) or 'the covariates'}: maximum-likelihood coefficients do not exist; "
        "report the cross-tabulation, drop or merge the covariate, or use a penalised (Firth) fit",
        tuple(dropped), involved, alpha,
        message_zh=f"结果可由{'、'.join(involved) or '协变量'}完全（或准完全）预测（完全分离），最大似然系数不存在；"
                   "应报告交叉表、删除或合并该变量，或改用惩罚似然（Firth）估计",
    )


def firth_logit(X: np.ndarray, y: np.ndarray, maxiter: int = 200, tol: float = 1e-10) -> tuple[np.ndarray, np.ndarray]:
    """Firth's (1993) penalised-likelihood logit: finite estimates even under separation.

    Maximises l(b) + log|I(b)|/2 by Newton steps on the modified score
    X'(y - p + h (1/2 - p)), h the diagonal of the weighted hat matrix (Heinze & Schemper
    2002), with step halving. Returns (coefficients, inverse information = Wald covariance).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    beta = np.zeros(X.shape[1])

    def penalised(b: np.ndarray) -> float:
        eta = X @ b
        p = 1 / (1 + np.exp(-eta))
        w = p * (1 - p)
        sign, logdet = np.linalg.slogdet(X.T @ (X * w[:, None]))
        return float((y * eta - np.logaddexp(0, eta)).sum() + 0.5 * logdet)

    current = penalised(beta)
    for _ in range(maxiter):
        p = 1 / (1 + np.exp(-(X @ beta)))
        w = p * (1 - p)
        info = X.T @ (X * w[:, None])
        info_inv = np.linalg.inv(info)
        hat = np.einsum("ij,jk,ik->i", X * np.sqrt(w)[:, None], info_inv, X * np.sqrt(w)[:, None])
        step = info_inv @ (X.T @ (y - p + hat * (0.5 - p)))
        scale = 1.0
        while scale > 1e-6:
            candidate = beta + scale * step
            value = penalised(candidate)
            if value >= current - 1e-12:
                break
            scale /= 2
        beta, current = candidate, value
        if np.max(np.abs(scale * step)) < tol:
            break
    p = 1 / (1 + np.exp(-(X @ beta)))
    w = p * (1 - p)
    return beta, np.linalg.inv(X.T @ (X * w[:, None]))


def probation_logit(frame: pd.DataFrame, alpha: float = 0.05, on_separation: str = "report") -> RegressionResult:
    """Logit of probation (缓刑) among custodial convictions.

    on_separation="report" (default) returns status "separated" and no coefficients when the
    MLE does not exist; "firth" fits Firth's penalised likelihood instead (finite estimates,
    Wald intervals) and says so in the result.
    """
    if on_separation not in ("report", "firth"):
        raise ValueError(f"on_separation must be 'report' or 'firth', got {on_separation!r}")
    import statsmodels.api as sm

    custodial = _custodial(frame)
    probation = pd.to_numeric(frame["probation_months"], errors="coerce").astype(float)
    y = (probation.fillna(0) > 0).astype(float).where(custodial)
    y, X, dropped = _prepare(y, sentencing_covariates(frame), with_constant=True)
    dependent = "probation (1 = suspended)"
    missing = _without_key("probation_logit", y, X, dependent, dropped, alpha)
    if missing:
        return missing
    if len(y) == 0 or y.nunique() < 2:
        what = "no usable rows" if len(y) == 0 else f"every one of the {len(y)} row(s) has probation = {int(y.iloc[0])}"
        return RegressionResult("probation_logit", "no_variation", len(y), None, dependent, "none",
                                f"{what}: a logit needs both outcomes", tuple(dropped), alpha=alpha,
                                message_zh=f"可用样本{len(y)}人，结果没有变化（是否缓刑只出现一种），logit需要两种结果")
    if len(y) < X.shape[1] + 1:
        return RegressionResult("probation_logit", "too_few", len(y), None, dependent, "none",
                                f"{len(y)} row(s) for {X.shape[1]} coefficients", tuple(dropped), alpha=alpha,
                                message_zh=f"可用样本{len(y)}人，不足以估计{X.shape[1]}个系数")
    separated, direction = detect_separation(X.to_numpy(dtype=float), y.to_numpy())
    if separated and on_separation == "report":
        return _separation_result("probation_logit", len(y), dependent, X, direction, dropped, alpha)
    if separated:
        report = _separation_result("probation_logit", len(y), dependent, X, direction, dropped, alpha)
        beta, cov = firth_logit(X.to_numpy(dtype=float), y.to_numpy())
        se = np.sqrt(np.diag(cov))
        pvalues = 2 * stats.norm.sf(np.abs(beta / se))
        table = _coef_table(beta, se, pvalues, alpha, X.columns)
        return RegressionResult("probation_logit", "ok", len(y), table, dependent, FIRTH,
                                "separation: " + report.message.split(":")[0] + "; coefficients are Firth penalised-"
                                "likelihood estimates with Wald intervals. effect = exp(coef): odds ratio",
                                tuple(dropped), report.separating, alpha)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = sm.Logit(y.to_numpy(), X.to_numpy(dtype=float)).fit(disp=0, maxiter=200)
    table = _coef_table(fit.params, fit.bse, fit.pvalues, alpha, X.columns)
    return RegressionResult("probation_logit", "ok", len(y), table, dependent, "nonrobust (MLE)",
                            "effect = exp(coef): odds ratio", tuple(dropped), alpha=alpha,
                            fit_statistics={"pseudo_r_squared": float(fit.prsquared), "n": float(fit.nobs)})


def ordered_severity(frame: pd.DataFrame, alpha: float = 0.05) -> RegressionResult:
    """Ordered logit (statsmodels OrderedModel) of sentence severity (SEVERITY_LEVELS)."""
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    severity = sentence_severity(frame)
    y_codes = pd.Series(severity.cat.codes.astype(float), index=frame.index).where(severity.notna())
    y, X, dropped = _prepare(y_codes, sentencing_covariates(frame), with_constant=False)
    dependent = "sentence severity (" + " < ".join(SEVERITY_LEVELS) + ")"
    missing = _without_key("ordered_severity", y, X, dependent, dropped, alpha)
    if missing:
        return missing
    observed = sorted(int(v) for v in y.unique())
    if len(observed) < 2:
        return RegressionResult("ordered_severity", "no_variation", len(y), None, dependent, "none",
                                "fewer than two severity levels observed: nothing to order", tuple(dropped), alpha=alpha,
                                message_zh="观察到的刑罚轻重等级少于两个，无从排序")
    if X.shape[1] == 0 or len(y) < X.shape[1] + len(observed):
        return RegressionResult("ordered_severity", "too_few", len(y), None, dependent, "none",
                                f"{len(y)} row(s) for {X.shape[1]} coefficients and {len(observed) - 1} cut points",
                                tuple(dropped), alpha=alpha,
                                message_zh=f"可用样本{len(y)}人，不足以估计{X.shape[1]}个系数和{len(observed) - 1}个切点")
    # Separation at any cut point makes the ordered MLE diverge too.
    design = np.column_stack([np.ones(len(y)), X.to_numpy(dtype=float)])
    for cut in observed[1:]:
        separated, direction = detect_separation(design, (y.to_numpy() >= cut).astype(float))
        if separated:
            return _separation_result("ordered_severity", len(y), dependent,
                                      pd.DataFrame(design, columns=["const", *X.columns]), direction, dropped, alpha)
    labels = [SEVERITY_LEVELS[i] for i in observed]
    endog = pd.Series(pd.Categorical([SEVERITY_LEVELS[int(v)] for v in y], categories=labels, ordered=True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = OrderedModel(endog, X.reset_index(drop=True).astype(float), distr="logit").fit(method="bfgs", disp=0, maxiter=2000)
    names = list(fit.params.index)
    table = _coef_table(fit.params, fit.bse, fit.pvalues, alpha, names)
    # Cut-point parameters after the first are log-increments; their exp() is not an odds ratio.
    table.loc[[n for n in names if "/" in n], "effect"] = np.nan
    return RegressionResult("ordered_severity", "ok", len(y), table, dependent, "nonrobust (MLE)",
                            "effect = exp(coef): cumulative odds ratio of a more severe sentence", tuple(dropped),
                            alpha=alpha, fit_statistics={"n": float(len(y)), "log_likelihood": float(fit.llf)})


def coefficient_table(result: RegressionResult, digits: int = 3) -> pd.DataFrame:
    """A readable table for a notebook: rounded coefficients, or one row stating why there are none."""
    if result.table is None:
        return pd.DataFrame({"status": [result.status], "n": [result.n], "message": [result.message]})
    return result.table.round(digits)


# ---------------------------------------------------------------------------- figure


def plot_term_vs_items(frame: pd.DataFrame, ax=None, title: str | None = None):
    """Imposed term against the item count (log scale), thresholds from rules.json drawn.

    Solid vertical lines: the 情节严重 thresholds (50 / 500 / 5,000 by category group);
    dotted: ten times each (情节特别严重, Art. 5 ¶2(3)); horizontal: the 36-month line
    between the two statutory ranges.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 5))
    else:
        fig = ax.figure
    custodial = _custodial(frame)
    items = pd.to_numeric(frame["info_count"], errors="coerce").astype(float)
    term = pd.to_numeric(frame["term_months"], errors="coerce").astype(float)
    usable = custodial & (items > 0) & term.notna()
    groups = frame["info_category"].map(category_group)
    labels = {gid: f"{clause_label(gid)}（{threshold:,}条）" for gid, _, threshold in item_thresholds()}
    colours = {gid: f"C{i}" for i, gid in enumerate(labels)}
    for gid, label in labels.items():
        mask = usable & (groups == gid)
        if mask.any():
            ax.scatter(items[mask], term[mask], s=28, alpha=0.75, color=colours[gid], label=f"{label} (n={int(mask.sum())})")
    other = usable & groups.isna()
    if other.any():
        ax.scatter(items[other], term[other], s=28, alpha=0.6, color="0.5", marker="x", label=f"类别不明 (n={int(other.sum())})")
    ax.set_xscale("log")
    multiplier = load_rules().especially_serious_multiplier
    for gid, _, threshold in item_thresholds():
        ax.axvline(threshold, color=colours[gid], lw=1.2)
        ax.axvline(threshold * float(multiplier), color=colours[gid], lw=1, ls=":")
        ax.annotate(f"{threshold:,}", (threshold, 1.0), xycoords=("data", "axes fraction"),
                    ha="left", va="bottom", fontsize=8, color=colours[gid])
    boundary = long_custody_threshold_months()
    ax.axhline(boundary, color="0.4", lw=1, ls="--")
    ax.set_xlabel("信息条数（对数刻度）")
    ax.set_ylabel("刑期（月）")
    ax.set_title(title or f"刑期与信息条数（n={int(usable.sum())}）", pad=14)
    from matplotlib.lines import Line2D

    handles, _ = ax.get_legend_handles_labels()
    handles += [
        Line2D([], [], color="0.3", lw=1.2, label="实线：该类信息“情节严重”的条数标准"),
        Line2D([], [], color="0.3", lw=1, ls=":", label=f"点线：“情节特别严重”标准（×{float(multiplier):g}）"),
        Line2D([], [], color="0.4", lw=1, ls="--", label=f"虚线：{boundary}个月（两档法定刑的分界）"),
    ]
    ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    if not usable.any():
        ax.text(0.5, 0.5, "没有同时载明信息条数的实刑判决", transform=ax.transAxes, ha="center")
    return fig


def plot_term_by_tier(frame: pd.DataFrame, ax=None, title: str | None = None):
    """Imposed terms by tier (box and points), each tier's statutory range shaded behind its box.

    Needs add_tiers(frame). Ranges are those of the statute now in force (rules.json); a
    defendant under Amendment VII (one tier, up to 36 months) is shown with its engine tier.
    """
    import matplotlib.pyplot as plt

    _need(frame, ("tier",))
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 4.5))
    else:
        fig = ax.figure
    subset = frame[_custodial(frame)]
    terms = pd.to_numeric(subset["term_months"], errors="coerce").astype(float)
    tiers = subset["tier"].astype("string").fillna("(unknown)")
    order = [*TIER_ORDER, "(unknown)"]
    ranges = tier_ranges()
    for x, tier in enumerate(order, start=1):
        if tier in ranges:
            low, high = ranges[tier]
            ax.add_patch(plt.Rectangle((x - 0.4, low), 0.8, high - low, color="#DDE6F0", zorder=0, lw=0))
        values = terms[(tiers == tier).to_numpy()].dropna().to_numpy()
        if len(values):
            ax.boxplot([values], positions=[x], widths=0.5, showfliers=False, manage_ticks=False)
            jitter = np.linspace(-0.12, 0.12, len(values)) if len(values) > 1 else np.zeros(1)
            ax.scatter(x + jitter, values, s=14, color="#4C72B0", alpha=0.7, zorder=3)
    counts = [int(((tiers == t) & terms.notna()).sum()) for t in order]
    ax.set_xticks(range(1, len(order) + 1))
    ax.set_xticklabels([f"{TIER_LABELS_ZH.get(t, '档次不明')}\n(n={n})" for t, n in zip(order, counts)])
    ax.set_xlim(0.4, len(order) + 0.6)
    ax.set_xlabel("情节档次（按本工具的档次引擎）")
    ax.set_ylabel("刑期（月）")
    ax.set_title(title or "各档次的刑期（阴影：该档法定刑幅度）", fontsize=10)
    return fig
