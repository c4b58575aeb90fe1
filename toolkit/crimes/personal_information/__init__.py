"""侵犯公民个人信息罪 (Criminal Law Art. 253-1; tiers by 法释〔2017〕10号) as a crime plug-in.

Modules: categories (names of information categories), rules (rules.json loader), standards (facts ->
tier and clauses), whatif (smallest changes that move the tier), engine (assess), records (per-defendant
records), extract (item counts, category and gains read from a judgment's text, behind `extract_facts`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Iterable, Mapping

from toolkit.crimes.base import ChargeName, ExampleOutcome, charge_in, read_json

FOLDER = Path(__file__).parent


class PersonalInformation:
    id = "personal_information"
    label_zh = "侵犯公民个人信息罪"
    label_en = "infringing citizens' personal information"
    articles = ("Art.253-1",)
    folder = FOLDER
    fact_fields = ("info_count", "info_count_approx", "info_category", "illegal_gains_yuan")

    def charge_names(self) -> tuple[ChargeName, ...]:
        """From the statute versions of rules.json: each version's charge names over its period in force."""
        names = []
        for version in self.rules()["statute_versions"]:
            for name in version["charges_zh"]:
                names.append(ChargeName(
                    name, version["article"], date.fromisoformat(version["in_force_from"]),
                    date.fromisoformat(version["in_force_until"]) if version["in_force_until"] else None,
                    f"rules.json statute_versions[{version['id']}]"))
        return tuple(names)

    def matches_charge(self, charge: str, when: date | None = None) -> bool:
        return charge_in(self.charge_names(), charge, when)

    def rules(self) -> Mapping[str, Any]:
        from toolkit.crimes.personal_information.rules import load_rules

        return load_rules().raw

    def examples(self) -> list[dict[str, Any]]:
        return read_json(FOLDER, "examples.json")["examples"]

    def facts(self, **kwargs: Any):
        from toolkit.crimes.personal_information.engine import CaseFacts

        return CaseFacts(**kwargs)

    def run_example(self, example: Mapping[str, Any]) -> ExampleOutcome:
        result = self.assess(self.facts(**example["facts"]), what_if=False)
        expect = example["expect"]
        failures = []
        if "tier" in expect:
            if result.tier != expect["tier"]:
                failures.append(f"tier {result.tier!r} != {expect['tier']!r}")
            if result.clauses != expect["clauses"]:
                failures.append(f"clauses {result.clauses} != {expect['clauses']}")
        for key in ("statute_version", "fine_mandatory", "interpretation_in_force"):
            if key in expect and getattr(result, key) != expect[key]:
                failures.append(f"{key} {getattr(result, key)!r} != {expect[key]!r}")
        if "range_months" in expect:
            got = list(result.range_months) if result.range_months else None
            if got != expect["range_months"]:
                failures.append(f"range_months {got} != {expect['range_months']}")
        if "art10_status" in expect and result.art10["status"] != expect["art10_status"]:
            failures.append(f"art10 status {result.art10['status']!r} != {expect['art10_status']!r}")
        return ExampleOutcome(example["id"], example["article"], tuple(failures))

    def assess(self, facts: Any, what_if: bool = True) -> Any:
        from toolkit.crimes.personal_information.engine import assess

        return assess(facts, what_if=what_if)

    def extract_facts(self, text: str, defendant: str | None = None, co_defendants: Iterable[str] = ()) -> Any:
        """(fields, notes): info_count, info_count_approx, info_category and illegal_gains_yuan (toolkit.schema
        names) as Extracted values with spans, and "field: reason" notes (toolkit.crimes.personal_information.extract)."""
        from toolkit.crimes.personal_information.extract import extract_facts

        return extract_facts(text, defendant, co_defendants)

    def classify_record(self, record: Mapping[str, Any], what_if: bool = False) -> Any:
        from toolkit.crimes.personal_information.records import classify_record

        return classify_record(record, what_if=what_if)


CRIME = PersonalInformation()
