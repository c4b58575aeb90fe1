"""`judgstat sheet agree`: inter-coder agreement per field from two or more coders' sheets.

Per field, over the rows every coder coded (n): percent agreement (mean over rows of the share of coder
pairs that agree; for two coders the share of rows coded alike), Cohen's kappa (two coders only;
statsmodels.stats.inter_rater.cohens_kappa), Fleiss' kappa (statsmodels fleiss_kappa) and Krippendorff's
alpha (the `krippendorff` package; nominal for categories, ratio for counts, months and yuan) with a
percentile bootstrap interval over rows (fixed seed). Agreement with the parser is given for each
coder and, as `parser_agreement`, for the reference codes: the adjudicated codes when given, else the
rows where all coders agree.

NOT_STATED ("the judgment does not state this") is a category of its own for the nominal statistics. For a
numeric field it is not a number, so the field is reported in two parts:
- interval/ratio alpha on the numbers only: a NOT_STATED cell is missing, and a row with fewer than two
  numbers drops out of alpha (`alpha_units` = rows that enter it, `not_stated_cells` = cells left out);
- whether the value is stated at all: percent agreement and nominal alpha on stated vs NOT_STATED over the
  same n rows (`stated_percent_agreement`, `stated_alpha`).
Percent agreement and kappa of a numeric field compare codes as they are (NOT_STATED equals only NOT_STATED).
"""

from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any, Hashable, Sequence

import numpy as np

from toolkit.sheets.workbook import (
    NOT_CODED, NOT_STATED, REPORT_COLUMNS, CodedSheet, Key, SheetError, code_text, coded_field, comparable_sheets,
    level_of_measurement,
)

BOOTSTRAP_REPLICATES = 1000
BOOTSTRAP_SEED = 20110125  # any fixed number: the interval is the same on every run
CONFIDENCE = 0.95

Unit = Sequence[Hashable]  # one code per coder for one row; NOT_CODED where a coder left it empty


# ---------------------------------------------------------------- statistics on units


def complete(units: Sequence[Unit]) -> list[Unit]:
    return [u for u in units if all(c is not NOT_CODED for c in u)]


def percent_agreement(units: Sequence[Unit]) -> float:
    """Mean over units of the share of coder pairs with equal codes (units with ≥ 2 codes)."""
    shares = []
    for unit in units:
        codes = [c for c in unit if c is not NOT_CODED]
        pairs = list(combinations(codes, 2))
        if pairs:
            shares.append(sum(a == b for a, b in pairs) / len(pairs))
    return sum(shares) / len(shares) if shares else math.nan


def _categories(units: Sequence[Unit]) -> dict[Hashable, int]:
    seen: dict[Hashable, int] = {}
    for unit in units:
        for code in unit:
            if code is not NOT_CODED and code not in seen:
                seen[code] = len(seen)
    return seen


def cohen_kappa(units: Sequence[Unit]) -> float:
    """Cohen's kappa of two coders over the units both coded (statsmodels); nan when undefined
    (fewer than two coders' codes, or one category only so that chance agreement is 1)."""
    from statsmodels.stats.inter_rater import cohens_kappa

    pairs = [u for u in complete(units) if len(u) == 2]
    if not pairs or any(len(u) != 2 for u in units):
        return math.nan
    index = _categories(pairs)
    if len(index) < 2:
        return math.nan
    table = np.zeros((len(index), len(index)))
    for a, b in pairs:
        table[index[a], index[b]] += 1
    with np.errstate(divide="ignore", invalid="ignore"):
        value = float(cohens_kappa(table).kappa)
    return value if math.isfinite(value) else math.nan


def fleiss_kappa(units: Sequence[Unit]) -> float:
    """Fleiss' kappa over the units every coder coded (statsmodels); nan when undefined."""
    from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

    rows = complete(units)
    index = _categories(rows)
    if not rows or len(index) < 2 or len(rows[0]) < 2:
        return math.nan
    table = np.zeros((len(rows), len(index)))
    for i, unit in enumerate(rows):
        for code in unit:
            table[i, index[code]] += 1
    with np.errstate(divide="ignore", invalid="ignore"):
        value = float(sm_fleiss_kappa(table, method="fleiss"))
    return value if math.isfinite(value) else math.nan


STATED = "stated"


def stated_units(units: Sequence[Unit]) -> list[Unit]:
    """Numeric codes -> STATED / NOT_STATED (None), NOT_CODED kept: the nominal question "is a value stated?"."""
    return [tuple(c if c is NOT_CODED or c is None else STATED for c in u) for u in units]


def numeric_alpha_units(units: Sequence[Unit]) -> int:
    """Rows with at least two numbers: those that enter interval/ratio alpha."""
    return sum(1 for u in units if sum(1 for c in u if c is not NOT_CODED and c is not None) >= 2)


def not_stated_cells(units: Sequence[Unit]) -> int:
    return sum(1 for u in units for c in u if c is None)


def _value_counts(units: Sequence[Unit], level: str) -> tuple[np.ndarray, list[Any]]:
    """units × values counts for krippendorff.alpha; numeric levels drop NOT_STATED (None)."""
    if level == "nominal":
        index = _categories(units)
        domain = list(range(len(index)))
        counts = np.zeros((len(units), len(index)))
        for i, unit in enumerate(units):
            for code in unit:
                if code is not NOT_CODED:
                    counts[i, index[code]] += 1
        return counts, domain
    numbers = sorted({float(c) for u in units for c in u if c is not NOT_CODED and c is not None})
    position = {v: j for j, v in enumerate(numbers)}
    counts = np.zeros((len(units), len(numbers)))
    for i, unit in enumerate(units):
        for code in unit:
            if code is not NOT_CODED and code is not None:
                counts[i, position[float(code)]] += 1
    return counts, numbers


def _alpha_from_counts(counts: np.ndarray, domain: list[Any], level: str) -> float:
    import krippendorff

    pairable = counts[counts.sum(axis=1) >= 2]
    if len(domain) < 2 or pairable.sum() < 2:
        return math.nan
    used = pairable.sum(axis=0) > 0
    if used.sum() < 2:  # every pairable value is the same: alpha is 0/0
        return math.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        value = float(krippendorff.alpha(value_counts=pairable[:, used], value_domain=list(np.asarray(domain)[used]),
                                         level_of_measurement=level))
    return value if math.isfinite(value) else math.nan


def krippendorff_alpha(units: Sequence[Unit], level: str = "nominal") -> float:
    """Krippendorff's alpha (the `krippendorff` package) over units with missing codes allowed."""
    counts, domain = _value_counts(units, level)
    return _alpha_from_counts(counts, domain, level)


def alpha_interval(
    units: Sequence[Unit], level: str = "nominal", replicates: int = BOOTSTRAP_REPLICATES,
    seed: int = BOOTSTRAP_SEED, confidence: float = CONFIDENCE,
) -> tuple[float, float]:
    """Percentile bootstrap interval of alpha, resampling units with replacement (`seed` fixed);
    replicates where alpha is undefined (one value only) are left out."""
    counts, domain = _value_counts(units, level)
    if len(units) < 2 or math.isnan(_alpha_from_counts(counts, domain, level)):
        return math.nan, math.nan
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(replicates):
        sample = counts[rng.integers(0, len(units), len(units))]
        value = _alpha_from_counts(sample, domain, level)
        if not math.isnan(value):
            draws.append(value)
    if not draws:
        return math.nan, math.nan
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(draws, [tail, 100 - tail])
    return float(low), float(high)


# ---------------------------------------------------------------- per field over sheets


@dataclass
class FieldAgreement:
    field: str
    level: str
    n: int
    percent_agreement: float
    cohen_kappa: float
    fleiss_kappa: float
    krippendorff_alpha: float
    alpha_low: float
    alpha_high: float
    parser_agreement: float
    parser_reference: str  # "adjudicated" or "coders agree"
    parser_n: int
    coder_parser: dict[str, tuple[int, int]] = field(default_factory=dict)  # coder -> (agree, coded)
    partial_rows: int = 0  # rows some but not all coders coded (left out of n)
    number_vs_not_stated: int = 0  # numeric fields: rows where one coder gave a number, another NOT_STATED
    alpha_units: int | None = None  # numeric fields: rows with ≥ 2 numbers (the rows numeric alpha is computed on)
    not_stated_cells: int | None = None  # numeric fields: NOT_STATED cells among the n rows (missing for alpha)
    stated_percent_agreement: float = math.nan  # numeric fields: stated vs NOT_STATED
    stated_alpha: float = math.nan  # numeric fields: nominal alpha of stated vs NOT_STATED

    def row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in REPORT_COLUMNS}


@dataclass
class AgreementReport:
    coders: list[str]
    rows_matched: int  # rows present in every sheet
    rows_only_in_some: int
    fields: list[FieldAgreement]
    adjudicated: str | None = None
    notes: list[str] = field(default_factory=list)
    replicates: int = BOOTSTRAP_REPLICATES


def agreement(
    sheets: list[CodedSheet], adjudicated: dict[Key, dict[str, Hashable]] | None = None,
    replicates: int = BOOTSTRAP_REPLICATES, seed: int = BOOTSTRAP_SEED, adjudicated_name: str | None = None,
) -> AgreementReport:
    """Agreement per field; SheetError when fewer than two sheets or no row coded by every coder."""
    if len(sheets) < 2:
        raise SheetError("agreement needs two or more coders' sheets")
    fields = comparable_sheets(sheets)
    key_sets = [set(s.keys) for s in sheets]
    common = [k for k in sheets[0].keys if all(k in ks for ks in key_sets[1:])]
    union = set().union(*key_sets)
    if not common:
        raise SheetError(f"the sheets share no row (doc_id, defendant): {', '.join(str(s.path) for s in sheets)}")
    results = []
    for name in fields:
        spec = coded_field(name)
        level = level_of_measurement(spec)
        units = [[s.codes[k][name] for s in sheets] for k in common]
        parser = [sheets[0].parser[k][name] for k in common]
        full = [(k, u, p) for k, u, p in zip(common, units, parser) if all(c is not NOT_CODED for c in u)]
        partial = sum(1 for u in units if any(c is NOT_CODED for c in u) and any(c is not NOT_CODED for c in u))
        full_units = [u for _, u, _ in full]
        coder_parser = {}
        for i, sheet in enumerate(sheets):
            coded = [(u[i], p) for u, p in zip(units, parser) if u[i] is not NOT_CODED]
            coder_parser[sheet.coder] = (sum(c == p for c, p in coded), len(coded))
        if adjudicated is not None:
            reference = [(adjudicated[k][name], p) for k, _, p in full if k in adjudicated and adjudicated[k].get(name, NOT_CODED) is not NOT_CODED]
            how = "adjudicated"
        else:
            reference = [(u[0], p) for _, u, p in full if all(c == u[0] for c in u)]
            how = "coders agree"
        numeric = level != "nominal"
        mixed = sum(1 for u in full_units if any(c is None for c in u) and any(c is not None for c in u)) if numeric else 0
        stated = stated_units(full_units) if numeric else []
        low, high = alpha_interval(full_units, level, replicates, seed) if full_units else (math.nan, math.nan)
        results.append(FieldAgreement(
            field=name, level=level, n=len(full_units),
            percent_agreement=percent_agreement(full_units),
            cohen_kappa=cohen_kappa(full_units) if len(sheets) == 2 else math.nan,
            fleiss_kappa=fleiss_kappa(full_units),
            krippendorff_alpha=krippendorff_alpha(full_units, level) if full_units else math.nan,
            alpha_low=low, alpha_high=high,
            parser_agreement=(sum(a == p for a, p in reference) / len(reference)) if reference else math.nan,
            parser_reference=how, parser_n=len(reference), coder_parser=coder_parser, partial_rows=partial,
            number_vs_not_stated=mixed,
            alpha_units=numeric_alpha_units(full_units) if numeric else None,
            not_stated_cells=not_stated_cells(full_units) if numeric else None,
            stated_percent_agreement=percent_agreement(stated) if stated else math.nan,
            stated_alpha=krippendorff_alpha(stated, "nominal") if stated else math.nan,
        ))
    if all(r.n == 0 for r in results):
        raise SheetError(
            f"0 rows coded by every coder in {', '.join(str(s.path) for s in sheets)} "
            f"({len(common)} rows matched by doc_id and defendant): no agreement to report"
        )
    report = AgreementReport([s.coder for s in sheets], len(common), len(union) - len(common), results, adjudicated_name,
                             replicates=replicates)
    if report.rows_only_in_some:
        report.notes.append(f"{report.rows_only_in_some} rows are not in every sheet and were left out")
    return report


# ---------------------------------------------------------------- output


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.4f}"
    return value


def write_report(report: AgreementReport, path: str | Path) -> None:
    """One row per field in REPORT_COLUMNS (empty where a statistic is undefined); written atomically."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(REPORT_COLUMNS)
            for result in report.fields:
                writer.writerow([_cell(v) for v in result.row().values()])
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def report_frame(report: AgreementReport) -> Any:
    import pandas as pd

    return pd.DataFrame([r.row() for r in report.fields], columns=list(REPORT_COLUMNS))


def _short(value: float, digits: int = 2) -> str:
    return "–" if math.isnan(value) else f"{value:.{digits}f}"


def _rows(count: int) -> str:
    return "row" if count == 1 else "rows"


def format_summary(report: AgreementReport) -> str:
    lines = [
        f"coders: {', '.join(report.coders)}; rows matched in every sheet: {report.rows_matched}",
        f"{'field':<20}{'n':>5}{'agree':>8}{'kappa':>8}{'alpha':>8}  {'95% CI':<14}{'level':<9}{'parser':>7}",
    ]
    for r in report.fields:
        kappa = r.cohen_kappa if len(report.coders) == 2 else r.fleiss_kappa
        ci = "–" if math.isnan(r.alpha_low) else f"[{r.alpha_low:.2f}, {r.alpha_high:.2f}]"
        lines.append(
            f"{r.field:<20}{r.n:>5}{_short(r.percent_agreement * 100, 1) + '%':>8}{_short(kappa):>8}"
            f"{_short(r.krippendorff_alpha):>8}  {ci:<14}{r.level:<9}"
            f"{_short(r.parser_agreement * 100, 0) + '%':>7}"
        )
    kappa_name = "Cohen's kappa" if len(report.coders) == 2 else "Fleiss' kappa"
    reference = "adjudicated codes" if report.adjudicated else "rows where the coders agree"
    lines.append(f"kappa = {kappa_name}; alpha = Krippendorff's alpha, {BOOTSTRAP_REPLICATES}-replicate "
                 f"bootstrap over rows; parser = agreement of the {reference} with the parser")
    for coder in report.coders:
        parts = [f"{r.field} {a}/{n}" for r in report.fields for a, n in [r.coder_parser[coder]] if n]
        lines.append(f"coder {coder} agrees with the parser: " + (", ".join(parts) or "nothing coded"))
    for r in report.fields:
        if r.partial_rows:
            lines.append(f"note: {r.field}: {r.partial_rows} rows coded by some coders only (left out of n)")
        if r.not_stated_cells:
            lines.append(
                f"note: {r.field}: {r.level} alpha is on the numbers only: {r.not_stated_cells} {NOT_STATED} cells are "
                f"missing for it, so it uses {r.alpha_units} of {r.n} rows ({r.number_vs_not_stated} {_rows(r.number_vs_not_stated)} where one "
                f"coder gave a number and another {NOT_STATED} count as disagreements in percent agreement and kappa); "
                f"stated vs {NOT_STATED}: {_short(r.stated_percent_agreement * 100, 1)}% agreement, "
                f"nominal alpha {_short(r.stated_alpha)}")
        if r.n and math.isnan(r.krippendorff_alpha):
            lines.append(f"note: {r.field}: alpha undefined (one value only among the codes)")
    lines += [f"note: {note}" for note in report.notes]
    return "\n".join(lines)


def code_label(field_name: str, code: Hashable) -> Any:
    return code_text(coded_field(field_name), code)
