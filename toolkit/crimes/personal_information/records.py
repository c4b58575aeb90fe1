"""Classify a per-defendant record (toolkit.schema) with the tier engine.

Only what the record states is used: info_count, info_category, illegal_gains_yuan and a date.
A record without count or category gets tier None and a note — never a guess — unless its gains
alone reach the top tier (Art. 5(2)(3)), which no count could change.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any, Mapping

from toolkit.crimes.personal_information.categories import normalise_category
from toolkit.crimes.personal_information.engine import TIER_ZH, CaseFacts, TierResult, assess, tier_rank


def _value(record: Mapping[str, Any], key: str) -> Any:
    value = record.get(key)
    if value is None:
        return None
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):  # includes pandas.Timestamp
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def classify_record(record: Mapping[str, Any], what_if: bool = False) -> TierResult:
    """Tier of one per-defendant record on the facts it states (duty, prior punishment etc. are not in the schema)."""
    doc = _value(record, "doc_id")
    label = f"record {doc!r}: " if doc is not None else ""
    notes: list[str] = []
    count = _value(record, "info_count")
    category = _value(record, "info_category")
    gains = _value(record, "illegal_gains_yuan")
    if count is not None:
        try:
            count = int(count)
            if count < 0:
                raise ValueError
        except (TypeError, ValueError):
            notes.append(f"{label}info_count {record.get('info_count')!r} is not a whole non-negative number; treated as unknown")
            count = None
    if category is not None:
        try:
            category = normalise_category(str(category))
        except ValueError:
            notes.append(f"{label}info_category {record.get('info_category')!r} is not a tier-engine category; treated as unknown")
            category = None
    try:
        facts_gains = None if gains is None else gains
        CaseFacts(gains_yuan=facts_gains)
    except ValueError:
        notes.append(f"{label}illegal_gains_yuan {gains!r} is not a non-negative number; treated as unknown")
        facts_gains = None

    conduct = _date(_value(record, "conduct_date"))
    if conduct is None:
        judged = _date(_value(record, "judgment_date"))
        if judged is not None:
            conduct = judged
            notes.append(f"conduct date unknown: judgment date {judged.isoformat()} used for the law in force "
                         f"(the conduct came earlier, so an earlier version may have applied)")
        else:
            notes.append("neither conduct nor judgment date known")
    if _value(record, "info_count_approx"):
        notes.append("approximate count (余/多/约): the stated number is used as a lower bound")

    counts = {category: count} if count is not None and category is not None else {}
    result = assess(CaseFacts(counts=counts, gains_yuan=facts_gains, conduct_date=conduct), what_if=what_if)
    result.notes[:0] = notes
    if counts:
        return result
    missing = [name for name, v in (("info_count", count), ("info_category", category)) if v is None]
    if result.tier == "especially_serious":
        result.notes.insert(0, f"{', '.join(missing)} unknown, but the gains alone reach the top tier "
                               f"({', '.join(result.tier_clauses)})")
        return result
    floor = result.tier
    result.notes.insert(0, f"{label}{' and '.join(missing)} unknown: tier not decided (the stated gains alone give "
                           f"{TIER_ZH[floor]}; the items could raise it)" if tier_rank(floor) > 0 else
                        f"{label}{' and '.join(missing)} unknown: tier not decided")
    result.tier_floor = floor
    result.tier = None
    result.range_months = None
    result.statutory_tier = None
    result.fine_mandatory = None
    result.fine_only_possible = None
    result.art10 = {**result.art10, "eligible": None, "status": "unknown", "reason_en": "tier unknown"}
    result.what_if = []
    return result
