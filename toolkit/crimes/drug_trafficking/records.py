"""Classify a per-defendant drug record (a row of datasets/cail-drug-cases or an extractor result) with the engine.

Only what the record states is used: `drug_quantities_g` (drug -> grams) or `drug` + `grams`, `conduct`
(trafficking/possession, default trafficking), `circumstances` and a date. A record without a quantity gets
tier None and a note — never a guess.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Mapping

from toolkit.crimes.drug_trafficking.engine import DrugTierResult, assess
from toolkit.crimes.drug_trafficking.standards import DrugFacts


def _missing(value: Any) -> bool:
    from toolkit.schema import is_missing  # imported late: toolkit.schema imports the crimes' categories

    return is_missing(value)


def record_facts(record: Mapping[str, Any]) -> DrugFacts | None:
    quantities = record.get("drug_quantities_g")
    if _missing(quantities) or not quantities:
        drug, grams = record.get("drug"), record.get("grams")
        if _missing(drug) or _missing(grams):
            return None
        quantities = {drug: grams}
    grams_by_drug = {str(k): Fraction(repr(float(v))) for k, v in dict(quantities).items() if not _missing(v)}
    if not grams_by_drug:
        return None
    conduct = record.get("conduct")
    date = record.get("conduct_date") or record.get("judgment_date")
    return DrugFacts(quantities=grams_by_drug, conduct=conduct if not _missing(conduct) else "trafficking",
                     circumstances=tuple(record.get("circumstances") or ()),
                     conduct_date=str(date)[:10] if not _missing(date) else None)


def classify_record(record: Mapping[str, Any], what_if: bool = False) -> DrugTierResult | None:
    """The tier of one record, or None when it states no drug quantity (no guess)."""
    facts = record_facts(record)
    if facts is None:
        return None
    return assess(facts, what_if=what_if)
