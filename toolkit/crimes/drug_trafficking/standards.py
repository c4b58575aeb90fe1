"""The quantity standards of Art. 347 / Art. 348 and 法释〔2016〕8号: the facts of a case, each drug's quantity tier,
the combined quantity of mixed drugs where the sources give a conversion, and the tier the facts reach
(no dates, no what-if: toolkit.crimes.drug_trafficking.engine adds those).

Arithmetic is exact (fractions.Fraction). Boundaries follow Art. 99 (以上 includes the number, 不满 excludes it).
Every threshold, ratio, clause and penalty comes from rules.json.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction
from typing import Any, Iterable, Mapping

from toolkit.crimes.drug_trafficking.quantities import QuantityError, Weight, grams_text, parse_weight
from toolkit.crimes.drug_trafficking.rules import NOT_VERIFIED, Drug, Rules, load_rules

QUANTITY_TIERS: tuple[str, ...] = ("none", "small", "relatively_large", "large")  # by size of quantity


def quantity_rank(tier: str) -> int:
    return QUANTITY_TIERS.index(tier)


def _grams(value: Any, name: str, rules: Rules) -> tuple[Fraction, Weight | None]:
    if isinstance(value, Weight):
        return value.grams, value
    if isinstance(value, Fraction):
        if value < 0:
            raise QuantityError(f"quantity of {name}: must not be negative, got {value}")
        return value, None
    weight = parse_weight(value, rules)
    return weight.grams, weight


@dataclass(frozen=True)
class DrugFacts:
    """What is known about one defendant's drug conduct.

    quantities: drug (id, name or alias) -> a written weight ("60g", "1.5千克"), a Weight, grams as a Fraction, or a
    list of these for batches (summed: Art. 347(7)). conduct: "trafficking" (Art. 347) or "possession" (Art. 348).
    circumstances: flags of rules.json (ring_leader, multiple_sales, drug_recidivist …).
    """

    quantities: Mapping[str, Any] = field(default_factory=dict)
    conduct: str = "trafficking"
    circumstances: Iterable[str] = ()
    conduct_date: date | str | None = None
    pharmaceutical_content: bool = False  # Interp. Art. 1(2): the quantities given are active-ingredient contents
    purity: Mapping[str, Any] = field(default_factory=dict)  # recorded only: Art. 357(2)
    unlisted_drugs: Iterable[str] = ()  # drugs named in a text that have no threshold in the data (其他毒品)
    names_given: tuple[str, ...] = field(default=(), init=False, compare=False)  # names as given (aliases flagged)
    units_given: tuple[tuple[str, str], ...] = field(default=(), init=False, compare=False)  # (unit, flag) used

    def __post_init__(self) -> None:
        rules = load_rules()
        grams: dict[str, Fraction] = {}
        object.__setattr__(self, "names_given", tuple(str(n) for n in dict(self.quantities)))
        for name, value in dict(self.quantities).items():
            drug = rules.find_drug(str(name))
            if drug is None:
                known = "、".join(d.name_zh if len(d.name_zh) < 8 else d.aliases[0][0] for d in rules.drugs)
                raise QuantityError(f"unknown drug {name!r}; known drugs: {known}")
            batches = value if isinstance(value, (list, tuple)) else [value]
            for batch in batches:
                amount, weight = _grams(batch, str(name), rules)
                if weight is not None and (weight.unit, weight.unit_flag) not in self.units_given:
                    object.__setattr__(self, "units_given", self.units_given + ((weight.unit, weight.unit_flag),))
                grams[drug.id] = grams.get(drug.id, Fraction(0)) + amount
        object.__setattr__(self, "quantities", {d.id: grams[d.id] for d in rules.drugs if d.id in grams})
        if self.conduct not in rules.conducts:
            raise ValueError(f"conduct must be one of {rules.conducts}, got {self.conduct!r}")
        known_flags = rules.circumstance_flags(rules.article_for_conduct(self.conduct))
        flags = tuple(dict.fromkeys(str(c) for c in self.circumstances))
        for flag in flags:
            if flag not in known_flags:
                raise ValueError(f"circumstance {flag!r} is not one of {self.conduct}'s: {', '.join(known_flags)}")
        object.__setattr__(self, "circumstances", flags)
        object.__setattr__(self, "unlisted_drugs", tuple(self.unlisted_drugs))
        object.__setattr__(self, "purity", dict(self.purity))
        if isinstance(self.conduct_date, str):
            try:
                object.__setattr__(self, "conduct_date", date.fromisoformat(self.conduct_date))
            except ValueError:
                raise ValueError(f"conduct_date must be YYYY-MM-DD, got {self.conduct_date!r}") from None

    @property
    def article(self) -> str:
        return load_rules().article_for_conduct(self.conduct)

    def with_quantity(self, drug_id: str, grams: Fraction) -> "DrugFacts":
        quantities = dict(self.quantities)
        quantities[drug_id] = grams
        return replace(self, quantities=quantities)

    def without_circumstance(self, flag: str) -> "DrugFacts":
        return replace(self, circumstances=tuple(c for c in self.circumstances if c != flag))

    def to_dict(self) -> dict[str, Any]:
        return {"quantities_g": {k: float(v) for k, v in self.quantities.items()},
                "quantities_g_exact": {k: str(v) for k, v in self.quantities.items()},
                "conduct": self.conduct, "circumstances": list(self.circumstances),
                "conduct_date": self.conduct_date.isoformat() if self.conduct_date else None,
                "pharmaceutical_content": self.pharmaceutical_content, "purity": dict(self.purity),
                "unlisted_drugs": list(self.unlisted_drugs)}


@dataclass(frozen=True)
class DrugQuantityTier:
    """One drug's quantity against its own thresholds."""

    drug: str
    name_zh: str
    grams: Fraction
    tier: str  # QUANTITY_TIERS
    clause: str | None  # the clause of the threshold reached
    thresholds: dict[str, Any]
    heroin_equivalent: Fraction | None  # grams of heroin, where the data give a ratio

    def to_dict(self) -> dict[str, Any]:
        return {"drug": self.drug, "name_zh": self.name_zh, "grams": float(self.grams), "grams_exact": str(self.grams),
                "quantity_tier": self.tier, "clause": self.clause, "thresholds": self.thresholds,
                "heroin_equivalent_g": None if self.heroin_equivalent is None else float(self.heroin_equivalent)}


@dataclass(frozen=True)
class Combination:
    """Mixed drugs: combined as heroin equivalents (possible) or not (reason)."""

    possible: bool
    heroin_equivalent: Fraction | None
    tier: str | None
    clause: str | None
    reason_en: str

    def to_dict(self) -> dict[str, Any]:
        return {"possible": self.possible,
                "heroin_equivalent_g": None if self.heroin_equivalent is None else float(self.heroin_equivalent),
                "quantity_tier": self.tier, "clause": self.clause, "reason_en": self.reason_en}


@dataclass(frozen=True)
class Verification:
    """An item of the rules the result depends on whose source flag is not VERIFIED."""

    item: str
    flag: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"item": self.item, "flag": self.flag, "detail": self.detail}


@dataclass(frozen=True)
class Standing:
    """What the standards give for a case: the quantity tier used, the tier of the article and why."""

    article: str
    quantity_tier: str | None  # None: no drug could be placed against a threshold
    quantity_basis: str  # "single" | "combined" | "highest_single" | "none"
    tier: str | None
    clauses: list[str]
    per_drug: dict[str, DrugQuantityTier]
    combination: Combination | None
    circumstances_used: list[dict[str, Any]]
    verification: list[Verification]
    notes: list[str]


def drug_tier(drug: Drug, grams: Fraction, article: str) -> tuple[str, str | None]:
    """The quantity band of `grams` of `drug`: >= threshold reaches it (以上, Art. 99); 0 is "none"."""
    if grams <= 0:
        return "none", None
    for tier in sorted(drug.thresholds, key=lambda t: -drug.thresholds[t].grams):
        threshold = drug.thresholds[tier]
        if grams >= threshold.grams:
            return tier, threshold.clause(article)
    return "small", None


def heroin_tier(rules: Rules, heroin_grams: Fraction, article: str) -> tuple[str, str | None]:
    return drug_tier(rules.conversion_drug, heroin_grams, article)


def _alias_checks(names: Iterable[str], rules: Rules) -> list[Verification]:
    out = []
    for name in names:
        flag = rules.alias_flag(name)
        if flag and flag[0] in NOT_VERIFIED:
            out.append(Verification(f"drug name {name}", flag[0], flag[1]))
    return out


def quantity_standing(facts: DrugFacts, rules: Rules) -> tuple[str | None, str, dict[str, DrugQuantityTier], Combination | None, list[Verification], list[str]]:
    """The quantity tier of the facts: one drug on its thresholds; several drugs combined as heroin equivalents
    where every one has a threshold (Table 6, flagged); unlisted drugs cannot be combined (their quantity tier is
    then the highest any single listed drug reaches, a floor)."""
    mixed = rules.raw["mixed_drugs"]
    per_drug: dict[str, DrugQuantityTier] = {}
    verification: list[Verification] = []
    notes: list[str] = []
    for drug_id, grams in facts.quantities.items():
        drug = rules.drug(drug_id)
        tier, clause = drug_tier(drug, grams, facts.article)
        ratio = rules.heroin_ratio(drug)
        per_drug[drug_id] = DrugQuantityTier(
            drug_id, drug.name_zh, grams, tier, clause, {t: th.to_dict(facts.article) for t, th in drug.thresholds.items()},
            grams * ratio)
    listed = [d for d in per_drug.values() if d.grams > 0]
    unlisted = list(facts.unlisted_drugs)
    combination = None
    if not listed:
        if unlisted:
            notes.append(f"{'、'.join(unlisted)}: {rules.raw['other_drug']['note_en']} "
                         f"({rules.raw['other_drug']['clause_large']}/{rules.raw['other_drug']['clause_relatively_large']}).")
        return None, "none", per_drug, None, verification, notes
    if len(listed) == 1 and not unlisted:
        only = listed[0]
        return only.tier, "single", per_drug, None, verification, notes
    highest = max(listed, key=lambda d: quantity_rank(d.tier))
    if unlisted:
        reason = f"{'、'.join(unlisted)}: {mixed['not_convertible_reason_en']}"
        combination = Combination(False, None, None, None, reason)
        notes.append(f"cannot combine the drugs: {reason}. The quantity tier shown is the highest any single listed "
                     f"drug reaches ({highest.name_zh}), a floor.")
        return highest.tier, "highest_single", per_drug, combination, verification, notes
    total = sum((d.heroin_equivalent for d in listed), Fraction(0))
    tier, clause = heroin_tier(rules, total, facts.article)
    parts = " + ".join(f"{d.name_zh} {grams_text(d.grams)} g ≙ {grams_text(d.heroin_equivalent)} g" for d in listed)
    combination = Combination(True, total, tier, clause,
                              f"{parts} = {grams_text(total)} g {rules.conversion_drug.name_zh} "
                              f"(ratio of each drug's {rules.conversion_tier} threshold to that of "
                              f"{rules.conversion_drug.name_zh}; {mixed['clause']})")
    verification.append(Verification("mixed-drug conversion to heroin equivalents", mixed["flag"], mixed["flag_detail"]))
    if quantity_rank(tier) > quantity_rank(highest.tier):
        notes.append(f"combined, the drugs reach {rules.tier_name(tier)['zh']}; no single drug does "
                     f"(highest alone: {highest.name_zh}, {rules.tier_name(highest.tier)['zh']}).")
    return tier, "combined", per_drug, combination, verification, notes


def statutory_tier(article: str, quantity_tier: str | None, circumstances: Iterable[str], rules: Rules) -> tuple[str | None, list[str], list[dict[str, Any]], list[Verification]]:
    """The tier of `article` for a quantity tier and circumstance flags, the clauses and circumstances used."""
    spec = rules.statute(article)
    flags = rules.circumstance_flags(article)
    used: list[dict[str, Any]] = []
    verification: list[Verification] = []
    present = [flags[c] for c in circumstances if c in flags]
    top = [c for c in present if c["kind"] == "top_tier"]
    serious = [c for c in present if c["kind"] == "serious"]
    quantity_tiers = {name: t for name, t in spec["tiers"].items()}
    if top:
        used += top
        tier = next(name for name, t in quantity_tiers.items() if t["quantity"] == "large")
        return tier, [quantity_tiers[tier]["clause"]] + [c["clause"] for c in top], used, verification
    if quantity_tier is None:
        return None, [], used, verification
    candidates = [name for name in spec["order"] if quantity_tiers[name]["quantity"] == quantity_tier]
    if not candidates:
        below = spec.get("below_floor")
        if below is not None and quantity_rank(quantity_tier) < min(
                quantity_rank(t["quantity"]) for t in quantity_tiers.values()):
            verification.append(Verification(f"{article}: {below['rule_en']}", below["flag"], below["source"]))
            return below["tier"], [], used, verification
        raise ValueError(f"{article}: no tier for quantity tier {quantity_tier!r} in rules.json")
    tier = candidates[0]
    sc = spec["serious_circumstances"]
    if serious and quantity_tier == sc["applies_to_quantity"]:
        used += serious
        tier = sc["tier"]
        return tier, [quantity_tiers[tier]["clause"]] + [c["clause"] for c in serious], used, verification
    return tier, [quantity_tiers[tier]["clause"]], used, verification


def tier_order(article: str, rules: Rules) -> list[str]:
    spec = rules.statute(article)
    below = spec.get("below_floor")
    return ([below["tier"]] if below else []) + list(spec["order"])


def evaluate_standards(facts: DrugFacts, rules: Rules | None = None) -> Standing:
    rules = rules or load_rules()
    article = facts.article
    quantity_tier, basis, per_drug, combination, verification, notes = quantity_standing(facts, rules)
    verification = _alias_checks(facts.names_given, rules) + verification
    for unit, flag in facts.units_given:
        if flag in NOT_VERIFIED:
            entry = next(u for u in rules.units if u.unit == unit)
            verification.insert(0, Verification(f"unit {unit} = {entry.grams} g", flag, entry.source))
    tier, clauses, used, more = statutory_tier(article, quantity_tier, facts.circumstances, rules)
    verification += more
    flags = rules.circumstance_flags(article)
    for c in facts.circumstances:
        entry = flags[c]
        if entry["kind"] == "serious" and entry not in used and tier is not None:
            sc = rules.statute(article)["serious_circumstances"]
            notes.append(f"{entry['clause']} ({entry['label_zh']}) defines 情节严重 only for the "
                         f"{rules.tier_name(sc['applies_to_quantity'])['zh']} band; it does not change this tier.")
        elif entry["kind"] == "aggravation":
            notes.append(f"{entry['clause']}: {entry['label_zh']} — {entry['effect_en']}.")
    return Standing(article, quantity_tier, basis, tier, clauses, per_drug, combination, used, verification, notes)
