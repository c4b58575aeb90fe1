"""Accuracy of the drug extractor on the hand-read sample, and what the CAIL labels can check on the full table.

    .venv/bin/python datasets/cail-drug-cases/measure.py

Reads hand_sample.csv, hand_sample_2.csv, hand_sample_3.csv and hand_sample_4.csv (extractor columns written by
`build.py --sample`, hand columns by the reader), cue_check.csv and defendants.csv. hand_sample_2.csv was drawn and
read after the extractor's second version was frozen, hand_sample_3.csv after the third, hand_sample_4.csv after the
fourth: the last is the independent measure of the current extractor (the fourth version's fixes were made on the
errors of hand_sample_3.csv, so that sample no longer is). cue_check.csv is the hand check of 20 cases a circumstance cue fires on (hand_correct yes/no). Per sample case: the main drug (largest against its own 数量较大 threshold) agrees; every drug's
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
from toolkit.intervals import proportion_interval

HERE = Path(__file__).resolve().parent
TOLERANCE = 0.01


class HandColumnError(ValueError):
    """A hand column that is empty or unreadable: the sample is not (fully) read."""


def _load(cell: str, where: str = "") -> dict[str, float]:
    if not cell:
        return {}
    try:
        value = json.loads(cell)
    except json.JSONDecodeError as error:
        raise HandColumnError(f"{where}: not JSON ({error.msg}): {cell[:40]!r}") from None
    if not isinstance(value, dict) or not all(isinstance(g, (int, float)) and g >= 0 for g in value.values()):
        raise HandColumnError(f"{where}: expected {{drug: grams >= 0}}, got {cell[:40]!r}")
    return value


def _main_drug(quantities: dict[str, float]) -> str | None:
    if not quantities:
        return None
    rules = load_rules()
    return max(quantities, key=lambda d: quantities[d] / float(rules.drug(d).thresholds["relatively_large"].grams))


def _tier(quantities: dict[str, float]) -> str | None:
    if not quantities:
        return None
    return assess(DrugFacts(quantities={d: f"{g}g" for d, g in quantities.items()}), what_if=False).tier


def _ci(k: int, n: int) -> str:
    iv = proportion_interval(k, n)
    return f"95% CI {iv.low:.0%}-{iv.high:.0%}, Clopper-Pearson"


def compare(row: dict[str, str], where: str = "") -> dict[str, bool]:
    got = _load(row["extracted_drugs_g"], f"{where} extracted_drugs_g")
    want = _load(row["hand_drugs_g"], f"{where} hand_drugs_g")
    grams_ok = set(got) == set(want) and all(abs(got[d] - want[d]) <= TOLERANCE * max(want[d], 1e-9) for d in want)
    return {"drug": _main_drug(got) == _main_drug(want), "drug_set": set(got) == set(want), "grams": grams_ok,
            "tier": _tier(got) == _tier(want)}


def sample_results(name: str | Path) -> tuple[list[dict[str, str]], list[dict[str, bool]]]:
    """The rows of one hand-read sample and, per row, which of drug, drug_set, grams and tier agree."""
    with (HERE / name).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        raise SystemExit(f"measure.py: {name} has no rows: 0 matched")
    missing = {"extracted_drugs_g", "hand_drugs_g"} - set(rows[0])
    if missing:
        raise HandColumnError(f"{name}: no column {', '.join(sorted(missing))}: the sample is not read yet")
    return rows, [compare(r, f"{name} row {i} ({r['case_id']})") for i, r in enumerate(rows, start=2)]


def report(name: str, frozen_from: int = 0) -> int:
    """Print the agreement on one hand-read sample; rows before `frozen_from` were read before the version measured
    was frozen, so the figure after them is also printed."""
    rows, results = sample_results(name)
    n = len(results)
    print(f"== {name}: {n} cases matched by case_id")
    for key, label in (("drug", "main drug"), ("drug_set", "set of drugs"), ("grams", "grams (every drug within 1%)"),
                       ("tier", "tier from the quantities")):
        k = sum(r[key] for r in results)
        print(f"{label}: {k}/{n} agree ({k / n:.0%}; {_ci(k, n)})")
    for key, label in (("grams", "grams"), ("tier", "tier")):
        wrong = [r["case_id"] for r, res in zip(rows, results) if not res[key]]
        if wrong:
            print(f"  {label} disagree: {', '.join(wrong)}")
    if frozen_from:
        unseen = results[frozen_from:]
        k = sum(r["grams"] for r in unseen)
        print(f"grams on rows {frozen_from + 1}-{n}, read after the first version was frozen: {k}/{len(unseen)} "
              f"({k / len(unseen):.0%}) [first version; rerun with the current extractor shows the current one]")
    return n


def cue_verdicts(name: str | Path = "cue_check.csv") -> list[bool]:
    """hand_correct of every row of the cue check, as booleans."""
    with (HERE / name).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        raise SystemExit(f"measure.py: {name} has no rows: 0 matched")
    verdicts = []
    for i, row in enumerate(rows, start=2):
        verdict = (row.get("hand_correct") or "").strip().lower()
        if verdict not in ("yes", "no") or not (row.get("hand_reading") or "").strip():
            raise HandColumnError(f"{name} row {i} ({row['case_id']}): hand_correct must be yes/no with a hand_reading, "
                                  f"got {verdict!r}")
        verdicts.append(verdict == "yes")
    return verdicts


def report_cues(name: str = "cue_check.csv") -> int:
    """Print how many of the hand-checked cases the circumstance cue was right on (hand_correct yes/no)."""
    verdicts = cue_verdicts(name)
    n, k = len(verdicts), sum(verdicts)
    print(f"== {name}: {n} cases a circumstance cue fires on")
    print(f"cue supported by the facts as charged or found: {k}/{n} ({k / n:.0%}; {_ci(k, n)})")
    return n


def main() -> int:
    try:
        report("hand_sample.csv")
        report("hand_sample_2.csv")
        report("hand_sample_3.csv")
        report("hand_sample_4.csv")
        report_cues()
    except HandColumnError as error:
        print(f"measure.py: {error}", file=sys.stderr)
        return 2
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
