"""`judgstat tier`: the tier, triggering clauses, statutory range and what-if changes for stated facts.

    judgstat tier --count 行踪轨迹=1000 --count 住宿=300 [--gains 5000] [--profit 50000] [--duty]
                  [--prior-punishment] [--date 2022-03-01] [--json]          (--crime personal_information, the default)
    judgstat tier --crime drug_trafficking --quantity 海洛因=60g [--quantity 鸦片=100克] [--possession]
                  [--circumstance multiple_sales] [--date 2020-01-01] [--json]
    judgstat tier --list-crimes
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date

from toolkit.categories import CATEGORIES, normalise_category
from toolkit.cli import UsageError, one_line_errors

_COUNT = re.compile(r"^\s*(?P<name>[^=]+?)\s*=\s*(?P<value>.*?)\s*$")
_INTEGER = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$|^[+-]?\d+$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from toolkit.crimes import DEFAULT_CRIME, REGISTRY

    accepted = ", ".join(f"{c.zh}/{c.code}" for c in CATEGORIES)
    parser.add_argument("--crime", default=DEFAULT_CRIME, metavar="CRIME",
                        help=f"the crime whose tiers to compute (default {DEFAULT_CRIME}); one of: {', '.join(REGISTRY)}")
    parser.add_argument("--list-crimes", action="store_true", help="list the registered crimes and exit")
    parser.add_argument("--quantity", action="append", default=[], metavar="DRUG=WEIGHT",
                        help="drug_trafficking: a drug and its weight, e.g. 海洛因=60g, 鸦片=1.5千克 (repeatable; "
                             "batches of one drug add up, Art. 347(7))")
    parser.add_argument("--possession", action="store_true",
                        help="drug_trafficking: illegal possession (Art. 348) instead of trafficking (Art. 347)")
    parser.add_argument("--circumstance", action="append", default=[], metavar="FLAG",
                        help="drug_trafficking: a circumstance of rules.json (repeatable), e.g. multiple_sales, "
                             "ring_leader, drug_recidivist")
    parser.add_argument("--count", action="append", default=[], metavar="CATEGORY=N",
                        help=f"items of one category (repeatable); categories: {accepted}")
    parser.add_argument("--gains", metavar="YUAN", help="illegal gains (违法所得), Art. 5(1)(7)")
    parser.add_argument("--profit", metavar="YUAN", help="profit (获利) from purchases for lawful business, Art. 6(1)(1)")
    parser.add_argument("--duty", action="store_true",
                        help="obtained while performing duties or providing services and sold/provided, Art. 5(1)(8)")
    parser.add_argument("--prior-punishment", nargs="?", const="unspecified", default=None,
                        metavar="criminal|administrative",
                        help="prior criminal punishment, or administrative punishment within two years, Art. 5(1)(9)")
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="date of the conduct (selects the law in force)")
    parser.add_argument("--lawful-business", action="store_true",
                        help="bought or received for lawful business (Art. 6; 'other' information only)")
    parser.add_argument("--resold", action="store_true", help="purchased information then sold or provided (Art. 6(2))")
    parser.add_argument("--used-for-crime", action="store_true",
                        help="trajectory information sold/provided and used by others for crime, Art. 5(1)(1)")
    parser.add_argument("--knew-criminal-use", action="store_true",
                        help="sold/provided to someone known to use it for crime, Art. 5(1)(2)")
    parser.add_argument("--severe-consequences", action="store_true",
                        help="death, serious injury, mental disorder, kidnapping or similar, Art. 5(2)(1)")
    parser.add_argument("--major-loss", action="store_true",
                        help="major economic loss or very bad social impact, Art. 5(2)(2)")
    parser.add_argument("--first-offender", action="store_true", help="Art. 10 condition: first offender")
    parser.add_argument("--gains-returned", action="store_true", help="Art. 10 condition: all gains returned")
    parser.add_argument("--remorse", action="store_true", help="Art. 10 condition: genuine remorse")
    parser.add_argument("--json", action="store_true", help="print one JSON object")

    one_line_errors(parser, "tier")


def parse_count(option: str) -> tuple[str, int]:
    match = _COUNT.match(option)
    if not match or not match.group("value"):
        raise UsageError(f"--count {option!r}: expected CATEGORY=N, e.g. 行踪轨迹=1000")
    try:
        code = normalise_category(match.group("name"))
    except ValueError as exc:
        raise UsageError(f"--count {option!r}: {exc}") from None
    value = match.group("value")
    if not _INTEGER.match(value):
        raise UsageError(f"--count {option!r}: the count must be a whole number of items, got {value!r}")
    number = int(value.replace(",", ""))
    if number < 0:
        raise UsageError(f"--count {option!r}: the count must not be negative")
    return code, number


def parse_money(option: str, value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip().replace(",", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        raise UsageError(f"{option} {value!r}: expected an amount in yuan, e.g. 5000 or 5150.5")
    if text.startswith("-"):
        raise UsageError(f"{option} {value!r}: the amount must not be negative")
    return text.lstrip("+")


def parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise ValueError
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"--date {value!r}: expected a calendar date YYYY-MM-DD, e.g. 2022-03-01") from None


def facts_from_args(args: argparse.Namespace):
    from toolkit.tiers.engine import CaseFacts

    counts: dict[str, int] = {}
    for option in args.count:
        code, number = parse_count(option)
        counts[code] = counts.get(code, 0) + number  # Art. 11(2): batches accumulate
    prior = args.prior_punishment
    if prior is not None and prior not in ("criminal", "administrative", "unspecified"):
        raise UsageError(f"--prior-punishment {prior!r}: expected nothing, 'criminal' or 'administrative'")
    return CaseFacts(
        counts=counts,
        gains_yuan=parse_money("--gains", args.gains),
        profit_yuan=parse_money("--profit", args.profit),
        duty_or_service=args.duty,
        prior_punishment=prior,
        trajectory_used_for_crime=args.used_for_crime,
        knew_recipient_criminal=args.knew_criminal_use,
        severe_consequences=args.severe_consequences,
        major_loss_or_social_impact=args.major_loss,
        conduct_date=parse_date(args.date),
        purchased_for_lawful_business=args.lawful_business,
        resold_or_provided=args.resold,
        first_offender=True if args.first_offender else None,
        gains_returned=True if args.gains_returned else None,
        remorse=True if args.remorse else None,
    )


def _tier_lines(result, conduct_date: date | None, tier_zh: str, tier_en: str) -> list[str]:
    """The first line names a tier only where the law at the conduct date has tiers (issue #11 item 10)."""
    tier = f"{tier_zh} — {tier_en}"
    if conduct_date is not None and result.statute_version is None:
        lines = ["Tier: none — no offence at the conduct date (Art. 253-1 is in force from 2009-02-28)",
                 f"For comparison only, the 2017 standards would give: {tier}"]
    elif result.statute_version == "amendment_vii":
        lines = ["Tier: one tier only under Amendment VII (in force at the conduct date), up to 3 years' imprisonment",
                 f"For comparison only, the 2017 standards would give: {tier}"]
    else:
        lines = [f"Tier: {tier}"]
    if conduct_date is not None and conduct_date > date.today():
        lines.append(f"NOTE: the conduct date {conduct_date.isoformat()} is in the future (today is {date.today().isoformat()}); check it")
    return lines


def explain(result, conduct_date: date | None = None) -> str:
    """A readable account of the result, citing the articles."""
    from toolkit.categories import chinese_name
    from toolkit.tiers.engine import TIER_EN, TIER_ZH

    lines = _tier_lines(result, conduct_date, TIER_ZH[result.tier], TIER_EN[result.tier])
    if result.findings:
        lines.append("Triggered by:")
        lines += [f"  {f.clause:<13} {f.text_en}" + (f" [standard of {f.basis}]" if f.basis != f.clause else "")
                  for f in result.findings]
    if result.ratios:
        lines.append("Items against their standards (Art. 5(1)(3)-(6)):")
        for ratio in result.ratios.values():
            lines.append(f"  {chinese_name(ratio.category)}/{ratio.category}: {ratio.count:,} items / "
                         f"{float(ratio.threshold):,g} ({ratio.group_clause}) = {float(ratio.ratio):.4g}")
        if len(result.ratios) > 1:
            lines.append(f"  sum of ratios (Art. 5(1)(6)) = {float(result.mixed_sum):.4g}")
    if result.range_months:
        low, high = result.range_months
        fine = "fine mandatory (并处罚金)" if result.fine_mandatory else "fine optional or alone (并处或者单处罚金)"
        lines.append(f"Statutory range ({result.statute_version}, Art. 253-1): {low}-{high} months; {fine}")
    elif result.tier != "none":
        lines.append("Statutory range: none (see notes)")
    if result.interpretation_in_force is False:
        lines.append("NOTE: " + result.interpretation_note)
    art10 = result.art10
    lines.append(f"Art. 10 leniency: {art10['status']} — {art10['reason_en']}")
    for note in result.notes:
        if note != result.interpretation_note:
            lines.append(f"Note: {note}")
    if result.what_if:
        lines.append("What would change the tier:")
        for change in result.what_if:
            lines.append(f"  - {change['text_en']}")
            lines.append(f"    {change['text_zh']}")
    lines.append(f"(rules {result.rules_version}; standards: 法释〔2017〕10号)")
    return "\n".join(lines)


def list_crimes() -> str:
    from toolkit.crimes import DEFAULT_CRIME, all_crimes

    lines = []
    for crime in all_crimes():
        default = " (default)" if crime.id == DEFAULT_CRIME else ""
        lines.append(f"{crime.id}{default}: {crime.label_zh} — {crime.label_en} [{', '.join(crime.articles)}]")
    return "\n".join(lines)


_PI_ONLY = ("count", "gains", "profit", "prior_punishment", "lawful_business", "resold", "used_for_crime",
            "knew_criminal_use", "severe_consequences", "major_loss", "first_offender", "gains_returned", "remorse", "duty")
_DRUG_ONLY = ("quantity", "possession", "circumstance")


def _given(args: argparse.Namespace, names: tuple[str, ...]) -> list[str]:
    return ["--" + n.replace("_", "-") for n in names if getattr(args, n, None) not in (None, False, [])]


def drug_facts_from_args(args: argparse.Namespace):
    from toolkit.crimes.drug_trafficking.quantities import QuantityError, parse_weight
    from toolkit.crimes.drug_trafficking.rules import load_rules
    from toolkit.crimes.drug_trafficking.standards import DrugFacts

    rules = load_rules()
    quantities: dict[str, list[str]] = {}
    for option in args.quantity:
        match = _COUNT.match(option)
        if not match or not match.group("value"):
            raise UsageError(f"--quantity {option!r}: expected DRUG=WEIGHT, e.g. 海洛因=60g")
        name = match.group("name")
        if rules.find_drug(name) is None:
            raise UsageError(f"--quantity {option!r}: unknown drug {name!r}; known drugs: "
                             + "、".join(d.name_zh if len(d.name_zh) < 8 else d.aliases[0][0] for d in rules.drugs))
        try:
            parse_weight(match.group("value"), rules)
        except QuantityError as exc:
            raise UsageError(f"--quantity {option!r}: {exc}") from None
        quantities.setdefault(name, []).append(match.group("value"))
    article = rules.article_for_conduct("possession" if args.possession else "trafficking")
    known = rules.circumstance_flags(article)
    for flag in args.circumstance:
        if flag not in known:
            raise UsageError(f"--circumstance {flag!r}: not a circumstance of {article}; one of: {', '.join(known)}")
    conduct = "possession" if args.possession else "trafficking"
    try:
        return DrugFacts(quantities=quantities, conduct=conduct, circumstances=tuple(args.circumstance),
                         conduct_date=parse_date(args.date))
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def run_drugs(args: argparse.Namespace) -> int:
    from toolkit.crimes.drug_trafficking.engine import assess as assess_drugs, explain as explain_drugs

    stray = _given(args, _PI_ONLY)
    if stray:
        raise UsageError(f"{', '.join(stray)}: not an option of --crime drug_trafficking (use --quantity, "
                         "--possession, --circumstance, --date)")
    facts = drug_facts_from_args(args)
    if not facts.quantities and not facts.circumstances:
        raise UsageError("no facts given: use --quantity DRUG=WEIGHT (repeatable) or --circumstance FLAG")
    result = assess_drugs(facts)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        print(explain_drugs(result))
    return 0


def run(args: argparse.Namespace) -> int:
    from toolkit.crimes import REGISTRY, get_crime

    if args.list_crimes:
        print(list_crimes())
        return 0
    if args.crime not in REGISTRY:
        raise UsageError(f"--crime {args.crime!r}: unknown crime; known crimes: {', '.join(REGISTRY)}")
    if args.crime == "drug_trafficking":
        return run_drugs(args)
    if args.crime != "personal_information":
        raise UsageError(f"--crime {args.crime!r}: registered, but `judgstat tier` has no options for it yet")
    stray = _given(args, _DRUG_ONLY)
    if stray:
        raise UsageError(f"{', '.join(stray)}: options of --crime drug_trafficking, not of {args.crime}")
    return run_personal_information(args)


def run_personal_information(args: argparse.Namespace) -> int:
    from toolkit.tiers.engine import assess

    try:
        facts = facts_from_args(args)
    except ValueError as exc:  # CaseFacts validation
        raise UsageError(str(exc)) from None
    if not facts.counts and facts.gains_yuan is None and facts.profit_yuan is None and not any(
        (facts.prior_punishment, facts.trajectory_used_for_crime, facts.knew_recipient_criminal,
         facts.severe_consequences, facts.major_loss_or_social_impact)):
        raise UsageError("no facts given: use --count CATEGORY=N (repeatable), --gains, --profit or a circumstance flag")
    result = assess(facts)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        print(explain(result, facts.conduct_date))
    return 0
