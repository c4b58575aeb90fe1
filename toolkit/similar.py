"""`judgstat similar`: comparable defendants in a data package for a case described by its facts.

    judgstat similar --count 行踪轨迹=1000 [--gains 5000] [--date 2022-03-01] [--role accessory]
                     [--dataset DIR] [--band 3 | --band 500-3000] [--province 上海] [--court-level basic]
                     [--years 2018-2023] [--crime personal_information] [--json]

Same tier (the crime's engine), same kind of quantity, quantity within the band; reports N, the outcome
distribution with exact intervals, terms and fines, the cases with their case numbers, and a statement
to paste (toolkit.analysis.similar).
"""

from __future__ import annotations

import argparse
import json
import re
import sys

from toolkit.cli import UsageError, one_line_errors
from toolkit.paths import DATASETS_DIR

DEFAULT_DATASET = DATASETS_DIR / "embedded-package"
_QUANTITY = re.compile(r"^\s*(?P<name>[^=]+?)\s*=\s*(?P<value>\S.*?)\s*$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from toolkit.analysis.similar import DEFAULT_BAND, ROLES
    from toolkit.crimes import DEFAULT_CRIME, REGISTRY

    parser.add_argument("--crime", default=DEFAULT_CRIME, help=f"crime id ({', '.join(REGISTRY)}); default {DEFAULT_CRIME}")
    parser.add_argument("--count", action="append", default=[], metavar="CATEGORY=N",
                        help="information items of one category (repeatable), as in `judgstat tier`")
    parser.add_argument("--quantity", action="append", default=[], metavar="NAME=AMOUNT",
                        help="a quantity for crimes measured by amounts (repeatable), e.g. 海洛因=60g")
    parser.add_argument("--gains", metavar="YUAN", help="illegal gains (违法所得)")
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="date of the conduct (selects the law in force)")
    parser.add_argument("--role", choices=sorted(ROLES), help="only defendants stated to have this role")
    parser.add_argument("--dataset", metavar="DIR", default=str(DEFAULT_DATASET),
                        help="data package (a `judgstat dataset` directory or an embedded package name); "
                             "default datasets/embedded-package")
    parser.add_argument("--band", metavar="FACTOR|LOW-HIGH",
                        help=f"quantity band: a factor either side of the case's quantity (default {DEFAULT_BAND:g}) "
                             "or an explicit range")
    parser.add_argument("--province", help="only courts of this province (e.g. 上海)")
    parser.add_argument("--court-level", choices=["basic", "intermediate", "high", "supreme"],
                        help="only courts of this level")
    parser.add_argument("--years", metavar="YYYY[-YYYY]", help="only judgments of these years")
    parser.add_argument("--json", action="store_true", help="print one JSON object")

    one_line_errors(parser, "similar")


def _options(args: argparse.Namespace) -> dict:
    from toolkit.tiers.cli import parse_count, parse_date, parse_money

    counts: dict[str, int] = {}
    for option in args.count:
        code, number = parse_count(option)
        counts[code] = counts.get(code, 0) + number
    quantities: dict[str, str] = {}
    for option in args.quantity:
        match = _QUANTITY.match(option)
        if not match:
            raise UsageError(f"--quantity {option!r}: expected NAME=AMOUNT, e.g. 海洛因=60g")
        quantities[match.group("name")] = match.group("value")
    return {"counts": counts, "quantities": quantities, "gains": parse_money("--gains", args.gains),
            "date": parse_date(args.date)}


def _fmt(value) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"


def _pct(x: float) -> str:
    from toolkit.analysis.statements import format_percent

    return format_percent(x)


def report(result) -> str:
    from toolkit.analysis.similar import case_rows, criteria_text

    case = result.case
    lines = [f"Case: {case.tier_en} / {case.tier_zh}; {case.group_en}; quantity {_fmt(case.quantity)} {case.unit_en}",
             f"Comparable means: {criteria_text(result)[1]}",
             f"Dataset: {result.source.name} ({result.source.rows} defendants, {result.candidates} charged with "
             f"the crime); population: {result.source.population_statement()[1]}"]
    if result.excluded:
        lines.append("Not comparable: " + "; ".join(f"{n} {why}" for why, n in
                                                     sorted(result.excluded.items(), key=lambda kv: -kv[1])))
    lines.append(f"Comparable defendants: N = {result.n}")
    if result.n == 0:
        lines.append("No comparable defendant in this dataset: no rates are computed.")
    else:
        first = result.rates[0]
        extra = f"; {first.excluded_unknown} with unknown outcome or penalty left out" if first.excluded_unknown else ""
        lines.append(f"Outcomes (of {first.n} with a known outcome{extra}; exact Clopper–Pearson 95% intervals):")
        for rate in result.rates:
            if rate.interval is None:
                lines.append(f"  {rate.measure.name:<27} — (no defendant with a known outcome)")
                continue
            iv = rate.interval
            bound = ""
            if rate.one_sided_bound is not None:
                kind = "upper" if rate.k == 0 else "lower"
                bound = f"  one-sided {kind} bound {_pct(rate.one_sided_bound)}"
            lines.append(f"  {rate.measure.name:<27} {rate.k:>4}/{rate.n:<4} {_pct(iv.estimate):>6}  "
                         f"CI {_pct(iv.low)}–{_pct(iv.high)}{bound}")
        for label, d, unit in (("Term", result.term, "months"), ("Fine", result.fine, "yuan")):
            if d["n"]:
                lines.append(f"{label} ({unit}), {d['n']} stated: median {_fmt(d['median'])}, quartiles "
                             f"{_fmt(d['q1'])}–{_fmt(d['q3'])}, range {_fmt(d['min'])}–{_fmt(d['max'])}"
                             + (f"; {d['missing']} not stated" if d["missing"] else ""))
            else:
                lines.append(f"{label} ({unit}): none stated")
        lines.append("Cases:")
        for row in case_rows(result):
            number = row.get("case_number") or "case number not stated"
            penalty = row.get("penalty_type") or "penalty not stated"
            term = f", {row['term_months']} months" if row.get("term_months") is not None else ""
            probation = f", probation {row['probation_months']} months" if row.get("probation_months") else ""
            fine = f", fine {_fmt(row['fine_yuan'])} yuan" if row.get("fine_yuan") is not None else ""
            where = " ".join(str(row[k]) for k in ("province", "court_level", "judgment_date") if row.get(k))
            lines.append(f"  {row.get('doc_id')}  {number}  {row.get('defendant') or ''}  {where}  "
                         f"{row.get('info_category') or ''} {_fmt(row.get('info_count'))}  "
                         f"{row.get('outcome') or 'outcome not stated'}: {penalty}{term}{probation}{fine}")
    lines.append("Statement (paste as it stands):")
    lines.append(result.statement.zh)
    lines.append(result.statement.en)
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from toolkit.analysis.similar import Criteria, comparison_keys, parse_years, similar_in_package, to_dict
    from toolkit.crimes import get_crime
    from toolkit.datasets import DatasetError

    try:
        crime = get_crime(args.crime)
    except KeyError as error:
        raise UsageError(str(error).strip("'\"")) from None
    options = _options(args)
    try:
        keys = comparison_keys(crime)
        facts = keys.facts(options)
        criteria = Criteria(args.province, args.court_level, parse_years(args.years), args.role)
    except ValueError as error:
        raise UsageError(str(error)) from None
    try:
        result = similar_in_package(args.dataset, crime, facts, args.band, criteria)
    except (DatasetError, FileNotFoundError) as error:
        raise UsageError(f"--dataset {args.dataset}: {error}") from None
    except ValueError as error:
        raise UsageError(str(error)) from None
    if args.json:
        print(json.dumps(to_dict(result), ensure_ascii=False, indent=2))
    else:
        print(report(result))
    return 0
