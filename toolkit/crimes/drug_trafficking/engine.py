"""The drug tier engine: facts -> tier of Art. 347 (or Art. 348 for possession), the clauses that trigger it, the
statutory range, the items of the rules it depends on that are not VERIFIED, and what-if changes.

Dependencies point one way: rules <- quantities <- standards <- whatif <- engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from toolkit.crimes.drug_trafficking.quantities import grams_text
from toolkit.crimes.drug_trafficking.rules import Rules, load_rules
from toolkit.crimes.drug_trafficking.standards import (  # noqa: F401  (re-exported: the engine's vocabulary)
    QUANTITY_TIERS, Combination, DrugFacts, DrugQuantityTier, Verification, evaluate_standards, tier_order,
)
from toolkit.crimes.drug_trafficking.whatif import what_if_changes


@dataclass
class DrugTierResult:
    article: str
    tier: str | None  # a tier of rules.json statutes[article], "none" below Art. 348's floor, None if not placeable
    tier_zh: str | None
    clauses: list[str]
    quantity_tier: str | None
    quantity_basis: str
    per_drug: dict[str, DrugQuantityTier]
    combination: Combination | None
    circumstances: list[dict[str, Any]]
    penalty: dict[str, Any] | None  # term_months, life, death, fine/confiscation, text and clause
    interpretation_in_force: bool | None
    verification: list[Verification]
    notes: list[str]
    facts: DrugFacts
    rules_version: str
    what_if: list[dict[str, Any]] = field(default_factory=list)

    @property
    def range_months(self) -> tuple[int, int] | None:
        return tuple(self.penalty["term_months"]) if self.penalty else None  # type: ignore[return-value]

    @property
    def depends_on_unverified(self) -> bool:
        return bool(self.verification)

    def to_dict(self) -> dict[str, Any]:
        return {
            "article": self.article, "tier": self.tier, "tier_zh": self.tier_zh, "clauses": list(self.clauses),
            "quantity_tier": self.quantity_tier, "quantity_basis": self.quantity_basis,
            "per_drug": {k: v.to_dict() for k, v in self.per_drug.items()},
            "combination": self.combination.to_dict() if self.combination else None,
            "circumstances": [{"flag": c["flag"], "clause": c["clause"], "label_zh": c["label_zh"]} for c in self.circumstances],
            "penalty": self.penalty, "range_months": list(self.range_months) if self.range_months else None,
            "interpretation_in_force": self.interpretation_in_force,
            "depends_on_unverified": self.depends_on_unverified,
            "verification": [v.to_dict() for v in self.verification],
            "notes": list(self.notes), "what_if": list(self.what_if), "facts": self.facts.to_dict(),
            "rules_version": self.rules_version,
        }


def assess(facts: DrugFacts, what_if: bool = True, rules: Rules | None = None) -> DrugTierResult:
    rules = rules or load_rules()
    standing = evaluate_standards(facts, rules)
    notes = list(standing.notes)
    verification = list(standing.verification)
    article = standing.article
    spec = rules.statute(article)
    penalty = None
    if standing.tier is not None and standing.tier in spec["tiers"]:
        t = spec["tiers"][standing.tier]
        penalty = {"clause": t["clause"], "penalty_zh": t["penalty_zh"], "term_months": list(t["term_months"]),
                   "life": t["life"], "death": t["death"], "fine_mandatory": t["fine_mandatory"],
                   "confiscation_mandatory": t["confiscation_mandatory"], "non_custodial": t.get("non_custodial")}
        if t["flag"] in ("UNVERIFIED", "DERIVED", "VERIFIED-2nd"):
            verification.append(Verification(f"{article} {standing.tier} penalty", t["flag"], t["source"]))
    if standing.tier is None:
        notes.append("no drug with a threshold in the data and no circumstance that fixes the tier: the tier "
                     "cannot be computed.")
    interp = rules.raw["interpretation"]
    purity = rules.raw["purity"]
    if facts.purity:
        notes.append(f"{purity['clause']}: {purity['effect_en']} (purity given: "
                     + ", ".join(f"{k} {v}" for k, v in facts.purity.items()) + ").")
    if facts.pharmaceutical_content:
        notes.append(f"{purity['exception']['clause']}: {purity['exception']['effect_en']}.")
    in_force = None
    uses_interpretation = any(rules.drug(d).thresholds_from == "interpretation" for d in standing.per_drug) or any(
        c["clause"].startswith(interp["clause_prefix"]) or c.get("defined_by", "").startswith(interp["clause_prefix"])
        for c in standing.circumstances_used)
    if facts.conduct_date is not None:
        in_force = facts.conduct_date >= rules.interpretation_in_force_from
        if not in_force and uses_interpretation:
            notes.append(f"NOT IN FORCE AT CONDUCT DATE: {interp['id']} applies from {interp['in_force_from']}; conduct on "
                         f"{facts.conduct_date.isoformat()} predates it and the repealed {interp['repeals']} is not encoded. "
                         f"The tier shown is what the 2016 standards would give, for comparison only.")
    elif uses_interpretation:
        notes.append(f"conduct date not given: {interp['id']} (in force from {interp['in_force_from']}) is assumed.")
    if standing.tier is not None and standing.tier != "none" and article == rules.article_for_conduct("trafficking"):
        floor = spec.get("no_floor")
        if floor and standing.quantity_tier == "small":
            notes.append(f"{floor['clause']}: {floor['rule_zh']}.")
    result = DrugTierResult(
        article=article, tier=standing.tier,
        tier_zh=rules.tier_name(standing.tier)["zh"] if standing.tier else None,
        clauses=standing.clauses, quantity_tier=standing.quantity_tier, quantity_basis=standing.quantity_basis,
        per_drug=standing.per_drug, combination=standing.combination, circumstances=standing.circumstances_used,
        penalty=penalty, interpretation_in_force=in_force, verification=verification, notes=notes, facts=facts,
        rules_version=rules.version)
    if what_if:
        result.what_if = what_if_changes(facts, standing, rules)
    return result


def months_text(months: int) -> str:
    years, rest = divmod(int(months), 12)
    return f"{years}y{rest}m" if rest else f"{years}y"


def explain(result: DrugTierResult, rules: Rules | None = None) -> str:
    """A readable account of the result, citing the clauses; every item not VERIFIED is listed as such."""
    rules = rules or load_rules()
    lines = []
    if result.tier is None:
        lines.append(f"Tier: unknown ({result.article}) — see notes")
    else:
        name = rules.tier_name(result.tier)
        flag = " [depends on UNVERIFIED items, see below]" if result.depends_on_unverified else ""
        lines.append(f"Tier: {name['zh']} — {name['en']} ({result.article}){flag}")
    if result.clauses:
        lines.append("Clauses: " + ", ".join(result.clauses))
    for d in result.per_drug.values():
        lines.append(f"  {d.name_zh}: {grams_text(d.grams)} g — {rules.tier_name(d.tier)['zh'] if d.tier != 'none' else '0'}"
                     + (f" ({d.clause})" if d.clause else "")
                     + "; thresholds: " + ", ".join(f"{rules.tier_name(t)['zh']} {th['as_written']} ({th['clause']})"
                                                    for t, th in d.thresholds.items()))
    if result.combination:
        c = result.combination
        if c.possible:
            lines.append(f"Combined (UNVERIFIED conversion): {c.reason_en} → {rules.tier_name(c.tier)['zh']}")
        else:
            lines.append(f"Not combined: {c.reason_en}")
    for c in result.circumstances:
        lines.append(f"  circumstance {c['clause']}: {c['label_zh']}")
    if result.penalty:
        p = result.penalty
        low, high = p["term_months"]
        extra = [x for x, on in (("life imprisonment", p["life"]), ("death", p["death"])) if on]
        term = f"{months_text(low)}" if low == high else f"{months_text(low)}–{months_text(high)}"
        lines.append(f"Statutory range ({p['clause']}): {p['penalty_zh']} — fixed term {term}"
                     + (f", or {', '.join(extra)}" if extra else "")
                     + ("; fine mandatory" if p["fine_mandatory"] else "")
                     + ("; confiscation of property mandatory" if p["confiscation_mandatory"] else ""))
    for v in result.verification:
        lines.append(f"{v.flag}: {v.item} — {v.detail}")
    for note in result.notes:
        lines.append(f"Note: {note}")
    if result.what_if:
        lines.append("What would change the tier:")
        for change in result.what_if:
            lines.append(f"  - {change['text_en']}")
            lines.append(f"    {change['text_zh']}")
    lines.append(f"(rules {result.rules_version}; standards: 刑法第347/348条, 法释〔2016〕8号)")
    return "\n".join(lines)
