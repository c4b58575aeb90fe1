"""What-if changes for a drug case: the quantity (per drug) that moves the tier, and each circumstance dropped.

Quantity deductions (e.g. a batch not verified, 查证属实, Art. 357(2)) and additions are exact: the tier is
monotone in every drug's quantity, and its boundaries are the thresholds of rules.json (or, for mixed drugs, the
quantity of one drug at which the heroin-equivalent total crosses a heroin threshold).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from toolkit.crimes.drug_trafficking.quantities import grams_text
from toolkit.crimes.drug_trafficking.rules import Rules
from toolkit.crimes.drug_trafficking.standards import DrugFacts, Standing, evaluate_standards, quantity_rank, tier_order


def _boundaries(facts: DrugFacts, standing: Standing, drug_id: str, rules: Rules) -> list[Fraction]:
    """Quantities of `drug_id` (others fixed) at which the quantity tier changes."""
    drug = rules.drug(drug_id)
    if standing.quantity_basis == "combined":
        ratio = rules.heroin_ratio(drug)
        others = sum((d.heroin_equivalent for k, d in standing.per_drug.items() if k != drug_id), Fraction(0))
        heroin = rules.conversion_drug
        points = [(t.grams - others) / ratio for t in heroin.thresholds.values()]
    else:
        points = [t.grams for t in drug.thresholds.values()]
    return sorted(p for p in points if p > 0)


def what_if_changes(facts: DrugFacts, standing: Standing, rules: Rules) -> list[dict[str, Any]]:
    order = tier_order(standing.article, rules)
    if standing.tier is None:
        return []
    current = order.index(standing.tier)
    changes: list[dict[str, Any]] = []

    def entry(kind: str, after: DrugFacts, en: str, zh: str, **extra: Any) -> dict[str, Any] | None:
        result = evaluate_standards(after, rules)
        if result.tier is None or result.tier == standing.tier:
            return None
        unverified = [f"{v.flag}: {v.item}" for v in result.verification]
        mark = " [" + "; ".join(unverified) + "]" if unverified else ""
        return {"kind": kind, "direction": "down" if order.index(result.tier) < current else "up",
                "from_tier": standing.tier, "to_tier": result.tier, "clauses_after": result.clauses, **extra,
                "unverified": unverified,
                "text_en": en.format(tier=rules.tier_name(result.tier)["en"]) + mark,
                "text_zh": zh.format(tier=rules.tier_name(result.tier)["zh"]) + mark}

    for drug_id, grams in facts.quantities.items():
        name = rules.drug(drug_id).name_zh
        points = _boundaries(facts, standing, drug_id, rules)
        below = [p for p in points if p <= grams]
        above = [p for p in points if p > grams]
        if below:
            point = below[-1]
            # Just under the boundary: the quantity band below it (以上 includes the number, Art. 99).
            probe = facts.with_quantity(drug_id, point - Fraction(1, 10**9))
            change = entry("deduct_quantity", probe,
                           f"{name} under {grams_text(point)} g (a deduction of more than {grams_text(grams - point)} g) → {{tier}}",
                           f"{name}不满{grams_text(point)}克（核减超过{grams_text(grams - point)}克）→ {{tier}}",
                           drug=drug_id, boundary_g=float(point), change_g=float(point - grams))
            if change:
                changes.append(change)
        if above:
            point = above[0]
            change = entry("add_quantity", facts.with_quantity(drug_id, point),
                           f"{name} of {grams_text(point)} g or more (+{grams_text(point - grams)} g) → {{tier}}",
                           f"{name}达到{grams_text(point)}克（增加{grams_text(point - grams)}克）→ {{tier}}",
                           drug=drug_id, boundary_g=float(point), change_g=float(point - grams))
            if change:
                changes.append(change)
    for used in standing.circumstances_used:
        change = entry("drop_circumstance", facts.without_circumstance(used["flag"]),
                       f"without {used['clause']} ({used['label_en']}) → {{tier}}",
                       f"不具有{used['clause']}（{used['label_zh']}）→ {{tier}}", circumstance=used["flag"])
        if change:
            changes.append(change)
    if standing.quantity_basis == "combined":
        highest = max(standing.per_drug.values(), key=lambda d: quantity_rank(d.tier))
        sole = DrugFacts(quantities={highest.drug: highest.grams}, conduct=facts.conduct,
                         circumstances=facts.circumstances, conduct_date=facts.conduct_date)
        change = entry("no_combination", sole,
                       f"if the drugs are not combined (the conversion is UNVERIFIED), the largest single drug "
                       f"({highest.name_zh}) alone → {{tier}}",
                       f"若不将不同毒品折算累加（折算依据未经核实），仅以{highest.name_zh}计 → {{tier}}")
        if change:
            changes.append(change)
    return changes
