"""The tier engine: facts of a case -> tier under Art. 5 / Art. 6 of the 2017 Interpretation,
the clauses that trigger it, the Art. 253-1 range in force at the conduct date, and what-if changes.

Dependencies point one way: standards (facts, tiers, clauses) <- whatif <- engine (assess).
Every threshold comes from rules.json (see toolkit.crimes.personal_information.rules).
"""

from __future__ import annotations

from typing import Any

from toolkit.crimes.personal_information.rules import Rules, cite, load_rules
from toolkit.crimes.personal_information.standards import (  # noqa: F401  (re-exported: the engine's vocabulary)
    PRIOR_PUNISHMENT_KINDS, TIER_EN, TIER_ZH, TIERS, CaseFacts, CategoryRatio, Finding, TierResult, evaluate_standards,
    exact_amount, fmt_number, tier_rank, _dedupe, _number,
)
from toolkit.crimes.personal_information.whatif import what_if_changes


def _art10(tier: str | None, facts: CaseFacts, rules: Rules) -> dict[str, Any]:
    spec = rules.raw["art10"]
    article = cite(spec["clause"])
    first = facts.first_offender
    if facts.prior_punishment == "criminal":
        first = False
    conditions = {"first_offender": first, "gains_returned": facts.gains_returned, "remorse": facts.remorse}
    out: dict[str, Any] = {"clause": spec["clause"], "conditions": conditions, "effect_en": spec["effect_en"],
                           "effect_zh": spec["effect_zh"]}
    if tier is None:
        out.update(eligible=None, status="unknown", reason_en="tier unknown")
    elif tier == "none":
        out.update(eligible=None, status="not_applicable", reason_en=f"no tier reached on these standards; {article} is moot")
    elif tier == spec["excluded_tier"]:
        out.update(eligible=False, status="excluded", reason_en=f"{article} does not reach 情节特别严重 cases")
    elif any(v is False for v in conditions.values()):
        missing = [k for k, v in conditions.items() if v is False]
        out.update(eligible=False, status="excluded", reason_en=f"condition(s) not met: {', '.join(missing)}")
    elif all(v is True for v in conditions.values()):
        out.update(eligible=True, status="eligible", reason_en="not 情节特别严重, first offender, all gains returned, remorse shown")
    else:
        unknown = [k for k, v in conditions.items() if v is None]
        out.update(eligible=None, status="conditional",
                   reason_en=f"possible if these hold (not stated): {', '.join(unknown)}")
    return out


def assess(facts: CaseFacts, what_if: bool = True, rules: Rules | None = None) -> TierResult:
    """Tier, triggering clauses, ratios, statutory range at the conduct date, Art. 10 and what-if changes."""
    rules = rules or load_rules()
    tier, findings, ratios, mixed_sum, notes = evaluate_standards(facts, rules)
    clauses = _dedupe([f.clause for f in findings])
    conduct = facts.conduct_date
    in_force_from = rules.interpretation_in_force_from
    interpretation_note = None
    if conduct is None:
        version = rules.current_statute_version()
        interpretation_in_force = None
        notes.append("conduct date not given: the current law (Art. 253-1 as amended by Amendment IX, and the 2017 "
                     "Interpretation) is assumed.")
    else:
        version = rules.statute_version(conduct)
        interpretation_in_force = conduct >= in_force_from
        if not interpretation_in_force:
            interpretation_note = (
                f"NOT IN FORCE AT CONDUCT DATE: the Interpretation's numeric standards apply from "
                f"{in_force_from.isoformat()} ({cite(rules.clauses.in_force)}); conduct on {conduct.isoformat()} predates them. The tier shown is "
                f"what those standards would give, for comparison only. (Whether a court deciding after that date applies "
                f"them to earlier conduct is a question of the rules on the temporal effect of judicial interpretations, "
                f"which are not in this project's reference texts.)")
            notes.append(interpretation_note)
    statute_label = None
    statutory_tier = None
    range_months = None
    fine_mandatory = None
    fine_only_possible = None
    if version is None:
        notes.append(f"conduct on {conduct.isoformat()} predates Art. 253-1 (in force from "
                     f"{rules.first_statute_date.isoformat()}): no offence under it (Criminal Law Art. 12); no range.")
    else:
        statute_label = version["id"]
        if tier != "none":
            tiers = version["tiers"]
            statutory_tier = tier if tier in tiers else max(tiers, key=tier_rank)
            spec = tiers[statutory_tier]
            range_months = (int(spec["custodial_months"][0]), int(spec["custodial_months"][1]))
            fine_mandatory = bool(spec["fine_mandatory"])
            fine_only_possible = bool(spec["fine_only_possible"])
            if statutory_tier != tier:
                notes.append(f"{version['label_en']} (in force at the conduct date) has one tier only: the "
                             f"{TIER_ZH[tier]} facts fall in its range of up to {range_months[1]} months.")
        for note in version.get("notes_en", []):
            if version["id"] != rules.current_statute_version()["id"]:
                notes.append(f"{version['label_en']}: {note}")
        if facts.duty_or_service and version.get("duty_aggravation") and tier != "none":
            agg = version["duty_aggravation"]
            notes.append(f"{agg['clause']}: duty- or service-obtained information sold or provided — {agg['effect']} (从重处罚).")
    if tier != "none" and facts.gains_yuan:
        low, high = rules.raw["art12"]["fine_multiple_of_gains"]
        notes.append(f"{rules.clauses.art12}: the fine is generally {low} to {high} times the illegal gains: "
                     f"{fmt_number(facts.gains_yuan * low)}–{fmt_number(facts.gains_yuan * high)} yuan.")
    if tier == "none":
        notes.append(f"no numeric or listed standard is met; {cite(rules.clauses.open_serious)} (other serious "
                     "circumstances) remains open to a court and is not computable.")
    result = TierResult(
        tier=tier, clauses=clauses, findings=findings, ratios=ratios,
        mixed_sum=mixed_sum if ratios else None, statute_version=statute_label, statutory_tier=statutory_tier,
        range_months=range_months, fine_mandatory=fine_mandatory, fine_only_possible=fine_only_possible,
        interpretation_in_force=interpretation_in_force, interpretation_note=interpretation_note,
        art10=_art10(tier, facts, rules), notes=notes, facts=facts, rules_version=rules.version,
    )
    if what_if:
        result.what_if = what_if_changes(facts, tier, rules)
    return result
