"""The categories of personal information the tier engine distinguishes (2017 Interpretation, Art. 5).

Names only; thresholds and groups live in the tier rules data (toolkit/crimes/personal_information/rules.json).
Canonical codes are English; Chinese names and common aliases map onto them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InfoCategory:
    code: str
    zh: str
    aliases: tuple[str, ...] = ()


CATEGORIES: tuple[InfoCategory, ...] = (
    InfoCategory("trajectory", "行踪轨迹", ("行踪轨迹信息", "轨迹")),
    InfoCategory("communication_content", "通信内容", ("通信内容信息",)),
    InfoCategory("credit", "征信", ("征信信息", "征信报告")),
    InfoCategory("property", "财产", ("财产信息",)),
    InfoCategory("accommodation", "住宿", ("住宿信息",)),
    InfoCategory("communication_records", "通信记录", ("通话记录", "通信记录信息")),
    InfoCategory("health", "健康生理", ("健康生理信息",)),
    InfoCategory("transaction", "交易", ("交易信息",)),
    InfoCategory("other", "其他", ("其他信息", "其它")),
)

CATEGORY_CODES: tuple[str, ...] = tuple(c.code for c in CATEGORIES)

_LOOKUP: dict[str, str] = {}
for _c in CATEGORIES:
    for _name in (_c.code, _c.zh, *_c.aliases):
        _LOOKUP[_name.lower()] = _c.code


def normalise_category(name: str) -> str:
    """Map a Chinese or English category name to its canonical code; ValueError if unknown."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return _LOOKUP[key]
    except KeyError:
        accepted = ", ".join(f"{c.zh}/{c.code}" for c in CATEGORIES)
        raise ValueError(f"unknown information category {name!r}; accepted: {accepted}") from None


def chinese_name(code: str) -> str:
    return next(c.zh for c in CATEGORIES if c.code == code)
