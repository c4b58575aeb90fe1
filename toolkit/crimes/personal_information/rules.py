"""Load the tier rules data (rules.json) and answer simple questions about it.

All thresholds, multipliers, dates, penalty ranges and clause ids come from rules.json; this module
only indexes them. An entry is found by its role (its "kind", e.g. the gains standard), never by a
clause id typed in code: `Rules.clauses` holds the clause ids the engine names, and `cite`,
`cite_range` and `cite_zh` write a clause id of the data in the notes' English and Chinese forms.
The data file cites ../shared/reference/legal-texts.md for every number.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import cached_property, lru_cache
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


_CLAUSE_ID = re.compile(r"Art\.(\d+)((?:\(\d+\))*)")
_ZH_DIGITS = "零一二三四五六七八九"
_ZH_LEVELS = ("条", "款", "项")  # article, paragraph, item


def cite(clause: str) -> str:
    """A clause id as the English notes write it: "Art.5(1)(8)" -> "Art. 5(1)(8)"."""
    return clause.replace("Art.", "Art. ", 1)


def cite_range(first: str, last: str) -> str:
    """Two items of one paragraph as a range: "Art.5(1)(3)", "Art.5(1)(7)" -> "Art. 5(1)(3)-(7)"."""
    head, _, _ = first.rpartition("(")
    last_head, _, item = last.rpartition("(")
    if head != last_head:
        raise ValueError(f"{first} and {last} are not items of one paragraph")
    return f"{cite(first)}-({item}"


def article_of(clause: str) -> str:
    """The article of a clause id: "Art.5(1)(8)" -> "Art.5"."""
    return clause.partition("(")[0]


def _zh_number(n: int) -> str:
    if n < 10:
        return _ZH_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _ZH_DIGITS[tens]) + "十" + (_ZH_DIGITS[ones] if ones else "")


def cite_zh(clause: str) -> str:
    """A clause id as the Chinese notes write it: "Art.5(1)(8)" -> "第五条第一款第八项"."""
    match = _CLAUSE_ID.fullmatch(clause)
    if match is None:
        raise ValueError(f"not a clause id of rules.json: {clause!r}")
    numbers = [int(match.group(1))] + [int(n) for n in re.findall(r"\d+", match.group(2))]
    if len(numbers) > len(_ZH_LEVELS):
        raise ValueError(f"clause id deeper than article, paragraph and item: {clause!r}")
    return "".join(f"第{_zh_number(n)}{level}" for n, level in zip(numbers, _ZH_LEVELS))


@dataclass(frozen=True)
class ClauseIds:
    """The clause ids the engine names, each read from rules.json by the role of its entry."""

    prior_art5: str  # prior punishment under Art. 5
    prior_art6: str  # prior punishment under Art. 6
    mixed: str  # several categories summed as shares of their standards
    gains: str  # illegal gains standard
    duty: str  # duty- or service-obtained information: standards halved
    duty_applies_to: tuple[str, ...]  # the standards the duty rule halves
    multiple: str  # 情节特别严重 as a multiple of a 情节严重 standard
    open_serious: str  # 其他情节严重的情形 (not computable)
    profit: str  # Art. 6 profit standard
    art6_paragraph: str  # the paragraph of the Art. 6 standards
    resale: str  # Art. 6 purchase then sold or provided: Art. 5 applies
    deduction: str  # deductions of untrue or duplicated items
    art10: str  # 情节轻微 for first offenders
    art12: str  # the fine as a multiple of the gains
    in_force: str  # the Interpretation's date in force


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

    def item_by(self, section: str, **match: Any) -> dict[str, Any]:
        """The one entry of rules.json section `section` ("serious", "especially_serious", "art6") whose fields equal
        `match`, e.g. item_by("serious", kind="gains"); KeyError when none or several match."""
        found = [e for e in self.raw[section]["items"] if all(e.get(k) == v for k, v in match.items())]
        if len(found) != 1:
            raise KeyError(f"rules.json {section}: {len(found)} entries match {match}")
        return found[0]

    def art11(self, kind: str) -> dict[str, Any]:
        """The Art. 11 counting rule of `kind` (no_double_count, cumulative, deduction)."""
        found = [e for e in self.raw["art11"] if e.get("kind") == kind]
        if len(found) != 1:
            raise KeyError(f"rules.json art11: {len(found)} entries of kind {kind!r}")
        return found[0]

    @cached_property
    def clauses(self) -> ClauseIds:
        duty = self.item_by("serious", kind="duty_half")
        return ClauseIds(
            prior_art5=self.item_by("serious", kind="flag", flag="prior_punishment")["clause"],
            prior_art6=self.item_by("art6", kind="flag", flag="prior_punishment")["clause"],
            mixed=self.item_by("serious", kind="mixed")["clause"],
            gains=self.item_by("serious", kind="gains")["clause"],
            duty=duty["clause"],
            duty_applies_to=tuple(duty["applies_to"]),
            multiple=self.item_by("especially_serious", kind="multiple")["clause"],
            open_serious=self.item_by("serious", kind="open")["clause"],
            profit=self.item_by("art6", kind="profit")["clause"],
            art6_paragraph=self.raw["art6"]["paragraph"],
            resale=self.raw["art6"]["resale"]["clause"],
            deduction=self.art11("deduction")["clause"],
            art10=self.raw["art10"]["clause"],
            art12=self.raw["art12"]["clause"],
            in_force=self.raw["interpretation"]["clause"],
        )

    def item(self, clause: str) -> dict[str, Any]:
        for section in (self.raw["serious"]["items"], self.raw["especially_serious"]["items"], self.raw["art6"]["items"]):
            for entry in section:
                if entry["clause"] == clause:
                    return entry
        raise KeyError(clause)

    @property
    def gains_threshold(self) -> Fraction:
        return Fraction(self.item_by("serious", kind="gains")["threshold_yuan"])

    @property
    def duty_multiplier(self) -> Fraction:
        return Fraction(self.item_by("serious", kind="duty_half")["multiplier"])

    @property
    def especially_serious_multiplier(self) -> Fraction:
        return Fraction(self.item_by("especially_serious", kind="multiple")["multiplier"])

    @property
    def art6_profit_threshold(self) -> Fraction:
        return Fraction(self.item_by("art6", kind="profit")["threshold_yuan"])

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
    rules.clauses  # every role the engine names has exactly one entry (KeyError otherwise)
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
