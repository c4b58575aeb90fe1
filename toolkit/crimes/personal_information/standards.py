"""The standards of Art. 5 / Art. 6 of the 2017 Interpretation: the facts of a case, the tier they reach and the
clauses that trigger it (no dates, no what-if; toolkit.crimes.personal_information.engine adds those).

Arithmetic is exact (fractions.Fraction): a mixed-category sum of exactly 1 reaches the
standard, 0.999... does not. Every threshold comes from rules.json (see toolkit.tiers.rules).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, Mapping

from toolkit.crimes.personal_information.categories import CATEGORY_CODES, chinese_name, normalise_category
from toolkit.crimes.personal_information.rules import Rules, article_of, cite, cite_range, load_rules

TIERS: tuple[str, ...] = ("none", "serious", "especially_serious")
TIER_ZH = {"none": "未达情节严重", "serious": "情节严重", "especially_serious": "情节特别严重"}
TIER_EN = {"none": "below 情节严重 (no crime on these standards)", "serious": "serious (情节严重)",
           "especially_serious": "especially serious (情节特别严重)"}
PRIOR_PUNISHMENT_KINDS = ("criminal", "administrative", "unspecified")


def tier_rank(tier: str) -> int:
    return TIERS.index(tier)


def exact_amount(value: Any, name: str) -> Fraction | None:
    """A money amount as an exact Fraction (floats via their decimal text, so 5150.5 stays 5150.5)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number, not {value!r}")
    if isinstance(value, Fraction):
        amount = value
    elif isinstance(value, int):
        amount = Fraction(value)
    elif isinstance(value, (float, Decimal, str)):
        text = str(value).strip().replace(",", "")
        try:
            amount = Fraction(Decimal(text)) if not isinstance(value, float) else Fraction(repr(value))
        except (ArithmeticError, ValueError):
            raise ValueError(f"{name} must be a number, got {value!r}") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{name} must be finite, got {value!r}")
    else:
        raise ValueError(f"{name} must be a number, got {value!r}")
    if amount < 0:
        raise ValueError(f"{name} must not be negative, got {value!r}")
    return amount


@dataclass(frozen=True)
class CaseFacts:
    """What is known about one defendant's conduct. Unknown booleans are False/None."""

    counts: Mapping[str, int] = field(default_factory=dict)  # category (code or Chinese name) -> items
    gains_yuan: Any = None  # 违法所得 (Art. 5(1)(7))
    profit_yuan: Any = None  # 获利 from lawfully-intended purchases (Art. 6(1)(1))
    duty_or_service: bool = False  # obtained while performing duties / providing services, then sold or provided (Art. 5(1)(8))
    prior_punishment: bool | str | None = None  # Art. 5(1)(9) / Art. 6(1)(2): True, "criminal", "administrative", "unspecified"
    trajectory_used_for_crime: bool = False  # Art. 5(1)(1)
    knew_recipient_criminal: bool = False  # Art. 5(1)(2)
    severe_consequences: bool = False  # Art. 5(2)(1): death, serious injury, mental disorder, kidnapping ...
    major_loss_or_social_impact: bool = False  # Art. 5(2)(2)
    conduct_date: date | str | None = None
    purchased_for_lawful_business: bool = False  # Art. 6
    resold_or_provided: bool = False  # Art. 6(2): purchased information then sold/provided -> Art. 5
    first_offender: bool | None = None  # Art. 10 conditions
    gains_returned: bool | None = None
    remorse: bool | None = None

    def __post_init__(self) -> None:
        counts: dict[str, int] = {}
        for name, value in dict(self.counts).items():
            code = normalise_category(str(name))
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"count for {name!r} must be a whole number of items, got {value!r}")
            if value < 0:
                raise ValueError(f"count for {name!r} must not be negative, got {value}")
            counts[code] = counts.get(code, 0) + value
        object.__setattr__(self, "counts", {c: counts[c] for c in CATEGORY_CODES if c in counts})
        object.__setattr__(self, "gains_yuan", exact_amount(self.gains_yuan, "gains_yuan"))
        object.__setattr__(self, "profit_yuan", exact_amount(self.profit_yuan, "profit_yuan"))
        prior = self.prior_punishment
        if prior is True:
            prior = "unspecified"
        elif prior is False or prior == "":
            prior = None
        if prior is not None and prior not in PRIOR_PUNISHMENT_KINDS:
            raise ValueError(f"prior_punishment must be one of {PRIOR_PUNISHMENT_KINDS} or a boolean, got {prior!r}")
        object.__setattr__(self, "prior_punishment", prior)
        if isinstance(self.conduct_date, str):
            try:
                object.__setattr__(self, "conduct_date", date.fromisoformat(self.conduct_date))
            except ValueError:
                raise ValueError(f"conduct_date must be YYYY-MM-DD, got {self.conduct_date!r}") from None

    def with_counts(self, counts: Mapping[str, int]) -> "CaseFacts":
        return replace(self, counts=dict(counts))

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": dict(self.counts),
            "gains_yuan": _number(self.gains_yuan),
            "profit_yuan": _number(self.profit_yuan),
            "duty_or_service": self.duty_or_service,
            "prior_punishment": self.prior_punishment,
            "trajectory_used_for_crime": self.trajectory_used_for_crime,
            "knew_recipient_criminal": self.knew_recipient_criminal,
            "severe_consequences": self.severe_consequences,
            "major_loss_or_social_impact": self.major_loss_or_social_impact,
            "conduct_date": self.conduct_date.isoformat() if self.conduct_date else None,
            "purchased_for_lawful_business": self.purchased_for_lawful_business,
            "resold_or_provided": self.resold_or_provided,
            "first_offender": self.first_offender,
            "gains_returned": self.gains_returned,
            "remorse": self.remorse,
        }


@dataclass(frozen=True)
class Finding:
    """One clause the facts satisfy."""

    clause: str
    tier: str  # "serious" | "especially_serious"
    basis: str  # e.g. "Art.5(1)(3)" for a duty-halved or ten-fold standard; else same as clause
    text_en: str
    text_zh: str

    def to_dict(self) -> dict[str, str]:
        return {"clause": self.clause, "tier": self.tier, "basis": self.basis, "text_en": self.text_en, "text_zh": self.text_zh}


@dataclass(frozen=True)
class CategoryRatio:
    category: str
    count: int
    group_clause: str
    threshold: Fraction  # the Art. 5(1) standard that applies (halved in the duty case)
    ratio: Fraction  # count / threshold

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "category_zh": chinese_name(self.category),
            "count": self.count,
            "group_clause": self.group_clause,
            "threshold": _number(self.threshold),
            "ratio": float(self.ratio),
            "ratio_exact": str(self.ratio),
        }


@dataclass
class TierResult:
    tier: str | None  # None only when classify_record lacks the facts to decide
    clauses: list[str]
    findings: list[Finding]
    ratios: dict[str, CategoryRatio]
    mixed_sum: Fraction | None
    statute_version: str | None
    statutory_tier: str | None
    range_months: tuple[int, int] | None
    fine_mandatory: bool | None
    fine_only_possible: bool | None
    interpretation_in_force: bool | None
    interpretation_note: str | None
    art10: dict[str, Any]
    notes: list[str]
    facts: CaseFacts | None
    rules_version: str
    what_if: list[dict[str, Any]] = field(default_factory=list)
    tier_floor: str | None = None  # classify_record: the least tier the stated facts give when tier is None

    @property
    def tier_clauses(self) -> list[str]:
        return _dedupe([f.clause for f in self.findings if f.tier == self.tier])

    def to_dict(self) -> dict[str, Any]:
        return {
            "tier": self.tier,
            "tier_zh": TIER_ZH.get(self.tier) if self.tier else None,
            "clauses": list(self.clauses),
            "tier_clauses": self.tier_clauses,
            "findings": [f.to_dict() for f in self.findings],
            "ratios": {c: r.to_dict() for c, r in self.ratios.items()},
            "mixed_sum": None if self.mixed_sum is None else float(self.mixed_sum),
            "mixed_sum_exact": None if self.mixed_sum is None else str(self.mixed_sum),
            "statute_version": self.statute_version,
            "statutory_tier": self.statutory_tier,
            "range_months": list(self.range_months) if self.range_months else None,
            "fine_mandatory": self.fine_mandatory,
            "fine_only_possible": self.fine_only_possible,
            "interpretation_in_force": self.interpretation_in_force,
            "interpretation_note": self.interpretation_note,
            "art10": self.art10,
            "notes": list(self.notes),
            "what_if": list(self.what_if),
            "facts": self.facts.to_dict() if self.facts else None,
            "rules_version": self.rules_version,
            "tier_floor": self.tier_floor,
        }


def _number(value: Fraction | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value.denominator == 1 else float(value)


def fmt_number(value: Fraction | int) -> str:
    value = Fraction(value)
    if value.denominator == 1:
        return f"{int(value):,}"
    return f"{float(value):,.2f}".rstrip("0").rstrip(".")


def _art5_counts(facts: CaseFacts, rules: Rules, art6_applies: bool) -> dict[str, int]:
    """Counts tested under Art. 5; under Art. 6 the lawfully-intended purchases of 'other' information drop out."""
    if not art6_applies:
        return dict(facts.counts)
    art6_categories = {c for g in rules.groups if g.id in rules.art6_groups for c in g.categories}
    return {c: n for c, n in facts.counts.items() if c not in art6_categories}


def evaluate_standards(facts: CaseFacts, rules: Rules | None = None) -> tuple[str, list[Finding], dict[str, CategoryRatio], Fraction, list[str]]:
    """Tier under the Interpretation's standards, ignoring dates: (tier, findings, ratios, mixed sum, notes)."""
    rules = rules or load_rules()
    ids = rules.clauses
    notes: list[str] = []
    findings: list[Finding] = []
    duty = facts.duty_or_service
    k = rules.duty_multiplier if duty else Fraction(1)
    ten = rules.especially_serious_multiplier
    art6_applies = facts.purchased_for_lawful_business and not facts.resold_or_provided
    counts = _art5_counts(facts, rules, art6_applies)
    outside_groups = [g.clause for g in rules.groups if g.id not in rules.art6_groups]  # the groups Art. 6 excludes
    outside_art6 = cite_range(outside_groups[0], outside_groups[-1])

    def add(clause: str, tier: str, basis: str, en: str, zh: str) -> None:
        findings.append(Finding(clause, tier, basis, en, zh))

    # Flags of Art. 5(1)(1), (2), (9) and Art. 5(2)(1), (2).
    flag_facts = {
        "trajectory_used_for_crime": facts.trajectory_used_for_crime,
        "knew_recipient_criminal": facts.knew_recipient_criminal,
        "severe_consequences": facts.severe_consequences,
        "major_loss_or_social_impact": facts.major_loss_or_social_impact,
    }
    for section, tier in (("serious", "serious"), ("especially_serious", "especially_serious")):
        for entry in rules.raw[section]["items"]:
            if entry["kind"] == "flag" and flag_facts.get(entry["flag"]):
                add(entry["clause"], tier, entry["clause"], entry["label_en"], entry["label_zh"])
    art5_conduct = bool(counts) or not art6_applies
    if facts.prior_punishment:
        if art5_conduct:
            entry = rules.item(ids.prior_art5)
            add(ids.prior_art5, "serious", ids.prior_art5, entry["label_en"], entry["label_zh"])
        if art6_applies:
            entry = rules.item(ids.prior_art6)
            add(ids.prior_art6, "serious", ids.prior_art6, entry["label_en"], entry["label_zh"])

    # Counts: each category over its own group's standard (halved in the duty case).
    ratios: dict[str, CategoryRatio] = {}
    group_totals: dict[str, int] = {}
    mixed_sum = Fraction(0)
    for category, count in counts.items():
        group = rules.group_of(category)
        threshold = group.threshold_items * k
        ratios[category] = CategoryRatio(category, count, group.clause, threshold, Fraction(count) / threshold)
        group_totals[group.id] = group_totals.get(group.id, 0) + count
        mixed_sum += Fraction(count) / threshold
    reached_group = {1: False, ten: False}
    for group in rules.groups:
        total = group_totals.get(group.id, 0)
        threshold = group.threshold_items * k
        names = "、".join(chinese_name(c) for c in group.categories if c in counts)
        names_en = "/".join(c for c in group.categories if c in counts)
        for times, tier in ((1, "serious"), (ten, "especially_serious")):
            if total and total >= threshold * times:
                reached_group[times] = True
                clause = ids.duty if duty and times == 1 else (ids.multiple if times == ten else group.clause)
                standard = f"{fmt_number(threshold * times)} items"
                how = ("half of " if duty else "") + group.clause + (f" ×{fmt_number(ten)}" if times == ten else "")
                add(clause, tier, group.clause,
                    f"{fmt_number(total)} {names_en} items ≥ {standard} ({how})",
                    f"{names}{fmt_number(total)}条，达到{fmt_number(threshold * times)}条标准（{how}）")
    for times, tier in ((1, "serious"), (ten, "especially_serious")):
        if not reached_group[times] and len(group_totals) > 1 and mixed_sum >= times:
            clause = ids.multiple if times == ten else (ids.duty if duty else ids.mixed)
            how = ("half of " if duty else "") + ids.mixed + (f" ×{fmt_number(ten)}" if times == ten else "")
            add(clause, tier, ids.mixed,
                f"mixed categories: counts over their own standards sum to {fmt_number(mixed_sum)} ≥ {times} ({how})",
                f"不同种类信息按相应比例合计{fmt_number(mixed_sum)}，达到{times}倍标准（{how}）")

    # Money: illegal gains under Art. 5(1)(7); profit under Art. 6(1)(1).
    gains = facts.gains_yuan
    if gains is not None and gains > 0:
        if art5_conduct:
            base = rules.gains_threshold * k
            for times, tier in ((1, "serious"), (ten, "especially_serious")):
                if gains >= base * times:
                    clause = ids.duty if duty and times == 1 else (ids.multiple if times == ten else ids.gains)
                    how = ("half of " if duty else "") + ids.gains + (f" ×{fmt_number(ten)}" if times == ten else "")
                    add(clause, tier, ids.gains,
                        f"illegal gains {fmt_number(gains)} yuan ≥ {fmt_number(base * times)} ({how})",
                        f"违法所得{fmt_number(gains)}元，达到{fmt_number(base * times)}元标准（{how}）")
        else:
            notes.append(f"{cite(article_of(ids.profit))} conduct: illegal gains (违法所得, {cite(ids.gains)}) are not its test; "
                         f"{cite(ids.profit)} uses profit (获利).")
    if facts.profit_yuan is not None and facts.profit_yuan > 0:
        if art6_applies:
            threshold = rules.art6_profit_threshold
            if facts.profit_yuan >= threshold:
                entry = rules.item(ids.profit)
                add(ids.profit, "serious", ids.profit,
                    f"profit {fmt_number(facts.profit_yuan)} yuan ≥ {fmt_number(threshold)} ({entry['label_en']})",
                    f"获利{fmt_number(facts.profit_yuan)}元，达到{fmt_number(threshold)}元标准（{ids.profit}）")
        else:
            notes.append(f"profit (获利) is the {cite(ids.profit)} test, which applies only to purchases for lawful business "
                         f"of information outside {outside_art6} that are not resold; it was not used.")

    if art6_applies:
        notes.append(f"{cite(article_of(ids.profit))}: information outside {outside_art6} bought or received for lawful "
                     f"business is judged by profit ≥ {fmt_number(rules.art6_profit_threshold)} yuan or prior punishment, "
                     f"not by the {cite(article_of(ids.gains))} counts; the text sets no 情节特别严重 count standard for it.")
        if counts:
            items = "/".join("(" + c.rpartition("(")[2] for c in outside_groups)
            notes.append(f"{cite(article_of(ids.profit))} covers only 'other' information; the item-{items} categories here "
                         f"are judged under {cite(article_of(ids.gains))}.")
    elif facts.purchased_for_lawful_business and facts.resold_or_provided:
        notes.append(f"{cite(ids.resale)}: the purchased information was sold or provided, so the "
                     f"{cite(article_of(ids.gains))} standards apply.")
    if duty:
        notes.append(f"{cite(ids.duty)}: duty- or service-obtained information sold or provided — every standard of "
                     f"{cite_range(ids.duty_applies_to[0], ids.duty_applies_to[-1])} is halved (and {cite(ids.multiple)} is "
                     f"{fmt_number(ten)} times the halved standard).")

    tier = "none"
    if any(f.tier == "serious" for f in findings):
        tier = "serious"
    if any(f.tier == "especially_serious" for f in findings):
        tier = "especially_serious"
    order = {"especially_serious": 0, "serious": 1}
    findings.sort(key=lambda f: (order[f.tier], _clause_key(f.clause)))
    return tier, findings, ratios, mixed_sum, notes


def _clause_key(clause: str) -> tuple[int, ...]:
    digits = [int(p) for p in clause.replace("Art.", "").replace(")", "").replace("(", " ").split()]
    return tuple(digits)


def _dedupe(items: list[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


