"""The one interface every crime plug-in provides (see toolkit/crimes/README.md).

A crime is a folder toolkit/crimes/<crime_id>/ whose __init__.py defines `CRIME`, an object with the
attributes and methods of `Crime` below, and one line in toolkit.crimes.REGISTRY. Its rules and examples
are data files in the same folder (rules.json, examples.json); code reads every number from them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Mapping, Protocol, runtime_checkable

_CHARGE_SUFFIX = re.compile(r"罪$")


@dataclass(frozen=True)
class ChargeName:
    """A charge name (罪名) and the period it was the name in use; None is an open end."""

    name: str  # with the final 罪, e.g. "侵犯公民个人信息罪"
    article: str  # e.g. "Art.253-1"
    valid_from: date | None
    valid_until: date | None
    source: str  # where the name and its dates come from (a data file entry, a reference section)

    def applies_on(self, when: date | None) -> bool:
        if when is None:
            return True
        return (self.valid_from is None or self.valid_from <= when) and (
            self.valid_until is None or when <= self.valid_until)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "article": self.article,
                "valid_from": self.valid_from.isoformat() if self.valid_from else None,
                "valid_until": self.valid_until.isoformat() if self.valid_until else None,
                "source": self.source}


def normalise_charge(name: str) -> str:
    """A charge name as compared: whitespace and the final 罪 dropped (CAIL writes names without 罪)."""
    return _CHARGE_SUFFIX.sub("", re.sub(r"\s+", "", str(name)))


@dataclass(frozen=True)
class ExampleOutcome:
    """One worked example run through a crime's engine: failures is empty when it passed."""

    id: str
    article: str
    failures: tuple[str, ...]


@runtime_checkable
class Crime(Protocol):
    """What a crime plug-in provides. Methods take and return the crime's own typed records."""

    id: str  # the registry key and folder name, e.g. "drug_trafficking"
    label_zh: str
    label_en: str
    articles: tuple[str, ...]  # Criminal Law articles whose tiers it computes, e.g. ("Art.347", "Art.348")
    folder: Path  # toolkit/crimes/<id>/ (rules.json, examples.json live here)
    fact_fields: tuple[str, ...]  # the toolkit.schema fields its extract_facts fills, e.g. ("drug", "drug_grams")

    def charge_names(self) -> tuple[ChargeName, ...]:
        """Every charge name of the crime, historical ones included, with the dates they applied."""
        ...

    def matches_charge(self, charge: str, when: date | None = None) -> bool:
        """Whether a charge name as written in a judgment or label set (with or without 罪) is this crime's."""
        ...

    def rules(self) -> Mapping[str, Any]:
        """The rules data (rules.json), every number with its article."""
        ...

    def examples(self) -> list[dict[str, Any]]:
        """Worked examples (examples.json): each has id, article, why and what the engine must return."""
        ...

    def run_example(self, example: Mapping[str, Any]) -> ExampleOutcome:
        """Run one example through the engine and compare with what it expects."""
        ...

    def assess(self, facts: Any, what_if: bool = True) -> Any:
        """Tier, triggering clauses, statutory range and (with what_if) the changes that move the tier."""
        ...

    def extract_facts(self, text: str, defendant: str | None = None, co_defendants: Iterable[str] = ()) -> Any:
        """The crime-specific facts read from a judgment's text (quantities, categories, amounts), with spans;
        with `defendant`, those attributed to that person. Returns (fields, notes): fields maps names of
        `fact_fields` to toolkit.extract.Extracted(value, span); notes are "field: why" strings."""
        ...

    def classify_record(self, record: Mapping[str, Any], what_if: bool = False) -> Any:
        """Tier of one per-defendant record (toolkit.schema) on the facts it states."""
        ...


def read_json(folder: Path, name: str) -> Any:
    with (folder / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def charge_names_from(entries: Iterable[Mapping[str, Any]], source: str) -> tuple[ChargeName, ...]:
    """ChargeName records from rules-data entries {name, article, valid_from, valid_until}."""
    out = []
    for entry in entries:
        start, end = entry.get("valid_from"), entry.get("valid_until")
        out.append(ChargeName(entry["name"], entry["article"], date.fromisoformat(start) if start else None,
                              date.fromisoformat(end) if end else None, entry.get("source", source)))
    return tuple(out)


def charge_in(names: Iterable[ChargeName], charge: str, when: date | None = None) -> bool:
    """Whether `charge` is one of `names` (compared by normalise_charge), in use on `when` if given."""
    key = normalise_charge(charge)
    return any(normalise_charge(n.name) == key and n.applies_on(when) for n in names)
