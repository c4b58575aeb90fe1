"""Load the tier rules data (rules.json) and answer simple questions about it.

All thresholds, multipliers, dates and penalty ranges come from rules.json; this module only
indexes them. The data file cites ../shared/reference/legal-texts.md for every number.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from toolkit.crimes.personal_information.categories import CATEGORY_CODES

RULES_PATH = Path(__file__).with_name("rules.json")


@dataclass(frozen=True)
class CategoryGroup:
    id: str
    clause: str
    label_zh: str
    label_en: str
    threshold_items: int
    categories: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    raw: dict[str, Any]

    @property
    def version(self) -> str:
        return self.raw["version"]

    @property
    def groups(self) -> tuple[CategoryGroup, ...]:
        return tuple(
            CategoryGroup(
                g["id"], g["clause"], g["label_zh"], g["label_en"], int(g["threshold_items"]), tuple(g["categories"])
            )
            for g in self.raw["category_groups"]
        )

    def group_of(self, category: str) -> CategoryGroup:
        for group in self.groups:
            if category in group.categories:
                return group
        raise KeyError(f"category {category!r} is in no group of rules.json")

    def item(self, clause: str) -> dict[str, Any]:
        for section in (self.raw["serious"]["items"], self.raw["especially_serious"]["items"], self.raw["art6"]["items"]):
            for entry in section:
                if entry["clause"] == clause:
                    return entry
        raise KeyError(clause)

    @property
    def gains_threshold(self) -> Fraction:
        return Fraction(self.item("Art.5(1)(7)")["threshold_yuan"])

    @property
    def duty_multiplier(self) -> Fraction:
        return Fraction(self.item("Art.5(1)(8)")["multiplier"])

    @property
    def especially_serious_multiplier(self) -> Fraction:
        return Fraction(self.item("Art.5(2)(3)")["multiplier"])

    @property
    def art6_profit_threshold(self) -> Fraction:
        return Fraction(self.item("Art.6(1)(1)")["threshold_yuan"])

    @property
    def art6_groups(self) -> tuple[str, ...]:
        return tuple(self.raw["art6"]["applies_to_groups"])

    @property
    def interpretation_in_force_from(self) -> date:
        return date.fromisoformat(self.raw["interpretation"]["in_force_from"])

    def statute_version(self, conduct: date) -> dict[str, Any] | None:
        """The Art. 253-1 version in force on the conduct date, or None before the article existed."""
        for version in self.raw["statute_versions"]:
            start = date.fromisoformat(version["in_force_from"])
            end = date.fromisoformat(version["in_force_until"]) if version["in_force_until"] else None
            if start <= conduct and (end is None or conduct <= end):
                return version
        return None

    def current_statute_version(self) -> dict[str, Any]:
        return next(v for v in self.raw["statute_versions"] if v["in_force_until"] is None)

    @property
    def first_statute_date(self) -> date:
        return min(date.fromisoformat(v["in_force_from"]) for v in self.raw["statute_versions"])


def _check(rules: Rules) -> None:
    grouped = [c for g in rules.groups for c in g.categories]
    if sorted(grouped) != sorted(CATEGORY_CODES):
        raise ValueError(f"{RULES_PATH}: category groups {grouped} do not cover toolkit.categories {CATEGORY_CODES}")


@lru_cache(maxsize=None)
def load_rules(path: str | None = None) -> Rules:
    """The rules data (cached). `path` overrides the packaged rules.json (for tests)."""
    source = Path(path) if path else RULES_PATH
    with source.open(encoding="utf-8") as handle:
        rules = Rules(json.load(handle))
    _check(rules)
    return rules
