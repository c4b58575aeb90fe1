"""Accuracy of the drug extractor on the hand-read sample, and what the CAIL labels can check on the full table.

    .venv/bin/python datasets/cail-drug-cases/measure.py

Reads hand_sample.csv and hand_sample_2.csv (extractor columns written by `build.py --sample`, hand columns by the
reader) and defendants.csv. hand_sample_2.csv was drawn and read after the extractor's second version was frozen:
its figures are the independent measure of the current extractor. Per sample case: the main drug (largest against its own 数量较大 threshold) agrees; every drug's
grams agree within 1% (rounding of written totals); the tier computed from the hand reading equals the tier
from the extractor's reading. Cases with no stated weight agree when the extractor also finds none.
Prints the counts it matched; 0 matched is an error.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from toolkit.crimes.drug_trafficking.engine import assess
from toolkit.crimes.drug_trafficking.rules import load_rules
from toolkit.crimes.drug_trafficking.standards import DrugFacts

HERE = Path(__file__).resolve().parent
TOLERANCE = 0.01


def _load(cell: str) -> dict[str, float]:
    return json.loads(cell) if cell else {}


def _main_drug(quantities: dict[str, float]) -> str | None:
    if not quantities:
        return None
    rules = load_rules()
    return max(quantities, key=lambda d: quantities[d] / float(rules.drug(d).thresholds["relatively_large"].grams))


def _tier(quantities: dict[str, float]) -> str | None:
    if not quantities:
        return None
    return assess(DrugFacts(quantities={d: f"{g}g" for d, g in quantities.items()}), what_if=False).tier


def compare(row: dict[str, str]) -> dict[str, bool]:
    got, want = _load(row["extracted_drugs_g"]), _load(row["hand_drugs_g"])
    grams_ok = set(got) == set(want) and all(abs(got[d] - want[d]) <= TOLERANCE * max(want[d], 1e-9) for d in want)
    return {"drug": _main_drug(got) == _main_drug(want), "drug_set": set(got) == set(want), "grams": grams_ok,
            "tier": _tier(got) == _tier(want)}


def report(name: str, frozen_from: int = 0) -> int:
    """Print the agreement on one hand-read sample; rows before `frozen_from` were read before the version measured
    was frozen, so the figure after them is also printed."""
    with (HERE / name).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        raise SystemExit(f"measure.py: {name} has no rows: 0 matched")
    results = [compare(r) for r in rows]
    n = len(results)
    print(f"== {name}: {n} cases matched by case_id")
    for key, label in (("drug", "main drug"), ("drug_set", "set of drugs"), ("grams", "grams (every drug within 1%)"),
                       ("tier", "tier from the quantities")):
        k = sum(r[key] for r in results)
        print(f"{label}: {k}/{n} agree ({k / n:.0%})")
    if frozen_from:
        unseen = results[frozen_from:]
        k = sum(r["grams"] for r in unseen)
        print(f"grams on rows {frozen_from + 1}-{n}, read after the first version was frozen: {k}/{len(unseen)} "
              f"({k / len(unseen):.0%}) [first version; rerun with the current extractor shows the current one]")
    return n


def main() -> int:
    report("hand_sample.csv")
    report("hand_sample_2.csv")
    with (HERE / "defendants.csv").open(encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    placed = [r for r in table if r["tier"]]
    inside = [r for r in placed if r["inside_range"] in ("true", "false")]
    k = sum(r["inside_range"] == "true" for r in inside)
    print(f"full table: {len(table)} defendants, tier computed for {len(placed)}; labelled sentence inside the tier's "
          f"statutory range: {k}/{len(inside)} ({k / len(inside):.0%})")
    for tier in ("small", "relatively_large", "large"):
        sub = [r for r in inside if r["tier"] == tier]
        if sub:
            k = sum(r["inside_range"] == "true" for r in sub)
            print(f"  {tier}: {k}/{len(sub)} inside")
    return 0


if __name__ == "__main__":
    sys.exit(main())
