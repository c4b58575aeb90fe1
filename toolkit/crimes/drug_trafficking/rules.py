"""Load the drug rules data (rules.json) and index it: drugs and their names, units, thresholds in grams.

Every number (thresholds, unit factors, penalty ranges) and every clause id comes from rules.json, which
cites ../shared/reference/drug-crimes.md and carries its verification flag for each item.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

RULES_PATH = Path(__file__).with_name("rules.json")
NOT_VERIFIED = ("UNVERIFIED", "DERIVED", "VERIFIED-2nd")


@dataclass(frozen=True)
class Threshold:
    tier: str  # "large" | "relatively_large"
    grams: Fraction
    value: Fraction  # in the unit of the text
    unit: str
    as_written: str
    clauses: dict[str, str]  # article -> the clause that sets this threshold for it
    source: str
    flag: str

    def clause(self, article: str) -> str:
        return self.clauses[article]

    def to_dict(self, article: str | None = None) -> dict[str, Any]:
        out = {"tier": self.tier, "grams": float(self.grams), "value": float(self.value), "unit": self.unit,
               "as_written": self.as_written, "source": self.source, "flag": self.flag}
        if article:
            out["clause"] = self.clauses[article]
        else:
            out["clauses"] = dict(self.clauses)
        return out


@dataclass(frozen=True)
class Drug:
    id: str
    name_zh: str
    thresholds: dict[str, Threshold]
    thresholds_from: str  # "statute" | "interpretation"
    aliases: tuple[tuple[str, str, str], ...]  # (name, flag, basis)

    def names(self) -> tuple[str, ...]:
        return (self.name_zh,) + tuple(a[0] for a in self.aliases)


@dataclass(frozen=True)
class Unit:
    unit: str
    symbols: tuple[str, ...]
    grams: Fraction
    source: str
    flag: str


@dataclass(frozen=True)
class Rules:
    raw: dict[str, Any]
    drugs: tuple[Drug, ...] = ()

    @property
    def version(self) -> str:
        return self.raw["version"]

    @cached_property
    def units(self) -> tuple[Unit, ...]:
        return tuple(Unit(u["unit"], tuple(u["symbols"]), Fraction(u["grams"]), u["source"], u["flag"])
                     for u in self.raw["units"])

    @cached_property
    def _unit_of_symbol(self) -> dict[str, Unit]:
        table: dict[str, Unit] = {}
        for unit in self.units:
            for symbol in unit.symbols:
                table.setdefault(symbol, unit)  # the first unit listing a symbol wins, as a scan in order would
        return table

    def unit(self, symbol: str) -> Unit:
        return self._unit_of_symbol[symbol]  # KeyError(symbol) for an unknown one

    @property
    def count_units(self) -> tuple[str, ...]:
        return tuple(self.raw["count_units"]["units"])

    def drug(self, drug_id: str) -> Drug:
        for drug in self.drugs:
            if drug.id == drug_id:
                return drug
        raise KeyError(drug_id)

    def find_drug(self, name: str) -> Drug | None:
        """The drug whose id, name or alias is `name` (exactly, whitespace ignored)."""
        key = "".join(str(name).split())
        for drug in self.drugs:
            if key == drug.id or key in drug.names():
                return drug
        return None

    def alias_flag(self, name: str) -> tuple[str, str] | None:
        """(flag, basis) when `name` is an alias of a drug rather than its name in the text."""
        key = "".join(str(name).split())
        for drug in self.drugs:
            for alias, flag, basis in drug.aliases:
                if alias == key:
                    return flag, basis
        return None

    @property
    def conversion_drug(self) -> Drug:
        return self.drug(self.raw["mixed_drugs"]["convert_to"])

    @property
    def conversion_tier(self) -> str:
        return self.raw["mixed_drugs"]["tier_used"]

    def heroin_ratio(self, drug: Drug) -> Fraction:
        """Grams of heroin one gram of `drug` counts as: threshold(heroin) / threshold(drug) (Table 6, DERIVED)."""
        tier = self.conversion_tier
        return self.conversion_drug.thresholds[tier].grams / drug.thresholds[tier].grams

    def statute(self, article: str) -> dict[str, Any]:
        return self.raw["statutes"][article]

    def article_for_conduct(self, conduct: str) -> str:
        for article, spec in self.raw["statutes"].items():
            if spec["conduct"] == conduct:
                return article
        raise KeyError(conduct)

    @property
    def conducts(self) -> tuple[str, ...]:
        return tuple(spec["conduct"] for spec in self.raw["statutes"].values())

    def circumstance_flags(self, article: str) -> dict[str, dict[str, Any]]:
        """Every circumstance flag the article knows: top-tier triggers, serious circumstances, aggravations."""
        spec = self.statute(article)
        out: dict[str, dict[str, Any]] = {}
        for entry in spec["top_tier_circumstances"]:
            out[entry["flag"]] = {**entry, "kind": "top_tier"}
        for entry in spec["serious_circumstances"]["items"]:
            out.setdefault(entry["flag"], {**entry, "kind": "serious"})
        for entry in spec["aggravations"]:
            out.setdefault(entry["flag"], {**entry, "kind": "aggravation"})
        return out

    def all_circumstance_flags(self) -> tuple[str, ...]:
        flags: list[str] = []
        for article in self.raw["statutes"]:
            for flag in self.circumstance_flags(article):
                if flag not in flags:
                    flags.append(flag)
        return tuple(flags)

    @property
    def interpretation_in_force_from(self) -> date:
        return date.fromisoformat(self.raw["interpretation"]["in_force_from"])

    def tier_name(self, tier: str) -> dict[str, str]:
        return self.raw["tier_names"][tier]


def build_drugs(raw: dict[str, Any]) -> tuple[Drug, ...]:
    """Drug records with thresholds converted to grams by the unit table of the same data."""
    units = {s: Fraction(u["grams"]) for u in raw["units"] for s in u["symbols"]}
    out = []
    for d in raw["drugs"]:
        thresholds = {}
        for tier, t in d["thresholds"].items():
            value = Fraction(str(t["value"]))
            thresholds[tier] = Threshold(tier, value * units[t["unit"]], value, t["unit"], t["as_written"], dict(t["clauses"]),
                                         t["source"], t["flag"])
        aliases = tuple((a["name"], a["flag"], a["basis"]) for a in d.get("aliases", []))
        out.append(Drug(d["id"], d["name_zh"], thresholds, d["thresholds_from"], aliases))
    return tuple(out)


def _check(rules: Rules, source: Path) -> None:
    """The checks drug-crimes.md states for the data: names unique, large > relatively large for every drug, and
    the same large/relatively-large multiple for every drug (so both tiers give one conversion ratio, Table 6)."""
    seen: dict[str, str] = {}
    multiples = set()
    for drug in rules.drugs:
        for name in drug.names() + (drug.id,):
            if name in seen and seen[name] != drug.id:
                raise ValueError(f"{source}: drug name {name!r} belongs to {seen[name]!r} and {drug.id!r}")
            seen[name] = drug.id
        large, rel = drug.thresholds["large"].grams, drug.thresholds["relatively_large"].grams
        if not large > rel > 0:
            raise ValueError(f"{source}: drug {drug.id!r}: thresholds must satisfy large > relatively_large > 0")
        multiples.add(large / rel)
    if len(multiples) != 1:
        raise ValueError(f"{source}: the large/relatively-large multiples differ between drugs ({sorted(multiples)}); "
                         "the conversion ratio would depend on the tier")
    for article, spec in rules.raw["statutes"].items():
        if set(spec["order"]) != set(spec["tiers"]):
            raise ValueError(f"{source}: {article} order {spec['order']} does not list its tiers {list(spec['tiers'])}")


@lru_cache(maxsize=None)
def load_rules(path: str | None = None) -> Rules:
    """The rules data (cached). `path` overrides the packaged rules.json (for tests)."""
    source = Path(path) if path else RULES_PATH
    with source.open(encoding="utf-8") as handle:
        raw = json.load(handle)
    rules = Rules(raw, build_drugs(raw))
    _check(rules, source)
    return rules
