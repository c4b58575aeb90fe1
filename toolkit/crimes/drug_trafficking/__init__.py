"""走私、贩卖、运输、制造毒品罪 (Criminal Law Art. 347) and 非法持有毒品罪 (Art. 348) as a crime plug-in.

Modules: rules (rules.json loader), quantities (written weights -> grams), standards (facts -> quantity tier and
tier), whatif (quantity deductions/additions and circumstances that move the tier), engine (assess, explain),
records (per-defendant records), extract (drug and quantity per defendant from a judgment's text).
"""

from __future__ import annotations

from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any, Iterable, Mapping

from toolkit.crimes.base import ChargeName, ExampleOutcome, charge_in, read_json

FOLDER = Path(__file__).parent


class DrugTrafficking:
    id = "drug_trafficking"
    label_zh = "走私、贩卖、运输、制造毒品罪"
    label_en = "smuggling, selling, transporting and manufacturing drugs"
    folder = FOLDER
    fact_fields = ("drug", "drug_grams")

    @property
    def articles(self) -> tuple[str, ...]:
        """The articles whose tiers it computes: the statutes of rules.json."""
        return tuple(self.rules()["statutes"])

    def charge_names(self) -> tuple[ChargeName, ...]:
        """Art. 347 is a selective charge: every ordered non-empty subset of its verbs (贩卖毒品罪, 贩卖、运输毒品罪 …)
        names it; plus the Art. 348 name. Verbs, names and periods come from rules.json "charges"."""
        names = []
        for entry in self.rules()["charges"]:
            start = date.fromisoformat(entry["valid_from"]) if entry["valid_from"] else None
            end = date.fromisoformat(entry["valid_until"]) if entry["valid_until"] else None
            if entry["selective"]:
                verbs = entry["verbs_zh"]
                spellings = ["、".join(c) + entry["object_zh"] + "罪"
                             for k in range(1, len(verbs) + 1) for c in combinations(verbs, k)]
            else:
                spellings = [entry["full_name"]]
            names += [ChargeName(name, entry["article"], start, end, f"rules.json charges[{entry['article']}]")
                      for name in spellings]
        return tuple(names)

    def matches_charge(self, charge: str, when: date | None = None) -> bool:
        """CAIL writes selective charges with brackets, e.g. "[走私、贩卖、运输、制造]毒品"; brackets are dropped."""
        return charge_in(self.charge_names(), str(charge).replace("[", "").replace("]", ""), when)

    def rules(self) -> Mapping[str, Any]:
        from toolkit.crimes.drug_trafficking.rules import load_rules

        return load_rules().raw

    def examples(self) -> list[dict[str, Any]]:
        return read_json(FOLDER, "examples.json")["examples"]

    def facts(self, **kwargs: Any):
        from toolkit.crimes.drug_trafficking.standards import DrugFacts

        return DrugFacts(**kwargs)

    def run_example(self, example: Mapping[str, Any]) -> ExampleOutcome:
        expect = example["expect"]
        failures: list[str] = []
        try:
            result = self.assess(self.facts(**example["facts"]), what_if="what_if" in expect)
        except ValueError as exc:
            if "error" in expect and expect["error"] in str(exc):
                return ExampleOutcome(example["id"], example["article"], ())
            return ExampleOutcome(example["id"], example["article"], (f"raised {exc}",))
        if "error" in expect:
            failures.append(f"expected an error containing {expect['error']!r}, got tier {result.tier!r}")
        checks = {
            "tier": result.tier, "clauses": result.clauses, "quantity_tier": result.quantity_tier,
            "quantity_basis": result.quantity_basis, "article": result.article,
            "range_months": list(result.range_months) if result.range_months else None,
            "depends_on_unverified": result.depends_on_unverified,
            "interpretation_in_force": result.interpretation_in_force,
            "combined_possible": result.combination.possible if result.combination else None,
            "heroin_equivalent_g": (float(result.combination.heroin_equivalent)
                                    if result.combination and result.combination.heroin_equivalent is not None else None),
            "grams": {k: float(v.grams) for k, v in result.per_drug.items()},
        }
        for key, got in checks.items():
            if key in expect and got != expect[key]:
                failures.append(f"{key} {got!r} != {expect[key]!r}")
        if "what_if" in expect:
            got = [(c["kind"], c["to_tier"], c.get("boundary_g")) for c in result.what_if]
            want = [tuple(w) for w in expect["what_if"]]
            if got != want:
                failures.append(f"what_if {got} != {want}")
        for needle in expect.get("notes_contain", []):
            if not any(needle in note for note in result.notes):
                failures.append(f"no note contains {needle!r}")
        return ExampleOutcome(example["id"], example["article"], tuple(failures))

    def assess(self, facts: Any, what_if: bool = True) -> Any:
        from toolkit.crimes.drug_trafficking.engine import assess

        return assess(facts, what_if=what_if)

    def extract_facts(self, text: str, defendant: str | None = None, co_defendants: Iterable[str] = ()) -> Any:
        """The parser's fields (toolkit.schema `drug`, `drug_grams`) and notes; extract_drug_facts gives the
        whole reading (every drug, the weights, the method)."""
        from toolkit.crimes.drug_trafficking.extract import extract_drug_facts
        from toolkit.extract import Extracted

        if not isinstance(text, str) or not text.strip():
            return {}, ["facts: empty text"]
        reading = extract_drug_facts(text, defendant, co_defendants)
        notes = [f"drug: {note}" for note in reading.notes]
        main = reading.main_drug()
        if main is None:
            notes.append("drug: no drug quantity read" + (" (drugs named without a weight)" if reading.drugs_named else ""))
            return {}, notes
        span = (min(s for s, _ in main.spans), max(e for _, e in main.spans)) if main.spans else None
        if len(reading.quantities) > 1:
            others = ", ".join(f"{q.drug} {float(q.grams):g} g" for q in reading.quantities if q is not main)
            notes.append(f"drug: other drugs read besides the main one: {others}")
        notes.append(f"drug_grams: {main.method}, {main.basis} weight")
        notes.append("illegal_gains_yuan: not read for drug crimes")
        return {"drug": Extracted(main.drug, span), "drug_grams": Extracted(float(main.grams), span)}, notes

    def classify_record(self, record: Mapping[str, Any], what_if: bool = False) -> Any:
        from toolkit.crimes.drug_trafficking.records import classify_record

        return classify_record(record, what_if=what_if)


CRIME = DrugTrafficking()
