"""Chinese display names for the coded values of the schema, for figures and tables (one place).

`zh(column, value)` gives the name shown in a figure; a value with no name is shown as it is, and a missing
value as 未能识别 ("not readable in the text"). Tier names come from the tier engine (TIER_ZH).
"""

from __future__ import annotations

from typing import Any

from toolkit.tiers import TIER_ZH

UNKNOWN_ZH = "未能识别"

VALUE_ZH: dict[str, dict[str, str]] = {
    "court_level": {"basic": "基层法院", "intermediate": "中级法院", "high": "高级法院", "supreme": "最高法院"},
    "procedure": {"first_instance": "一审", "second_instance": "二审", "retrial": "再审", "review": "复核",
                  "other": "其他"},
    "doc_type": {"judgment": "判决书", "ruling": "裁定书", "non_prosecution_decision": "不起诉决定书", "other": "其他"},
    "outcome": {"convicted": "有罪", "exempted": "免予刑事处罚", "acquitted": "无罪",
                "not_criminally_responsible": "不负刑事责任", "not_prosecuted": "不起诉", "unknown": UNKNOWN_ZH},
    "penalty_type": {"fixed_term": "有期徒刑", "criminal_detention": "拘役", "public_surveillance": "管制",
                     "life": "无期徒刑", "death": "死刑", "death_suspended": "死刑缓期执行", "fine_only": "单处罚金",
                     "none": "无主刑"},
    "tier": {**TIER_ZH, "undecided": "无法判断", "not_applicable": "不适用（非本罪）"},
    # published-pi-cases: who published the case
    "source_type": {"official_release": "官方发布", "court": "法院网站", "news": "新闻报道", "law_firm": "律师事务所"},
}


def zh(column: str, value: Any) -> str:
    """The Chinese name of `value` in `column` (UNKNOWN_ZH for a missing value or 'unknown')."""
    if value is None or value != value or str(value) in ("", "unknown", "(unknown)"):
        return UNKNOWN_ZH
    return VALUE_ZH.get(column, {}).get(str(value), str(value))
