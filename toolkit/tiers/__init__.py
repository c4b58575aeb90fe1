"""Sentencing-tier engine for Criminal Law Art. 253-1 and the 2017 Interpretation (法释〔2017〕10号).

    from toolkit.tiers import CaseFacts, assess
    result = assess(CaseFacts(counts={"行踪轨迹": 1000}, conduct_date="2022-03-01"))
    result.tier, result.clauses, result.range_months, result.what_if

`classify_record(record)` does the same for a per-defendant record (toolkit.schema).
The engine is the personal-information crime plug-in, toolkit.crimes.personal_information; this
package re-exports it (so existing code keeps working) and holds `judgstat tier` (toolkit/tiers/cli.py),
which serves every registered crime. Rules are data: toolkit/crimes/personal_information/rules.json.
"""

from toolkit.crimes.personal_information.engine import TIER_EN, TIER_ZH, TIERS, CaseFacts, TierResult, assess, tier_rank
from toolkit.crimes.personal_information.records import classify_record
from toolkit.crimes.personal_information.rules import load_rules

__all__ = ["CaseFacts", "TierResult", "assess", "classify_record", "load_rules", "TIERS", "TIER_ZH", "TIER_EN", "tier_rank"]
