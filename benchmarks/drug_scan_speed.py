"""The drug extractor with and without the anchored sentence scan (toolkit.extract.prefilter.plan_search), in one process.

    .venv/bin/python benchmarks/drug_scan_speed.py [--repeats 12] [--source FILE.jsonl]

Reads the drug defendants of the judge set (the parser's verdict reading and crime choice), then times
extract_drug_facts over all of them, alternating the two scans `--repeats` times and keeping each one's fastest
pass (time.process_time), so that a change in the machine's load hits both alike. "plain" gives every pattern
its plain pattern.search, as before plan_search. Both must read the same facts; the script fails if they do not.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=12)
    parser.add_argument("--source", type=Path, help="JSONL with id/text (default: ../shared/data/judge/judgments.jsonl)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(REPO / "benchmarks"))
    from parse_speed import default_source

    from toolkit.crimes.drug_trafficking import extract as drug
    from toolkit.extract.prefilter import plan_search
    from toolkit.extract.verdict import extract_verdicts
    from toolkit.parser import crime_of
    from toolkit.textnorm import to_simplified

    source = args.source or default_source()
    calls: list[tuple[str, str | None]] = []
    for line in source.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        text = to_simplified(json.loads(line)["text"])
        for entry in extract_verdicts(text)[0]:
            charges = entry["charges"].value if entry.get("charges") else None
            crime = crime_of(charges)
            if crime is not None and crime.id == "drug_trafficking":
                name = entry.get("alias") or entry.get("defendant")
                calls.append((text, name.value if name else None))
    if not calls:
        print(f"{source}: no drug judgments")
        return 1

    rules = drug.load_rules()
    (drug_re, _), weight_re, (cues, _, _) = drug._patterns(rules)
    patterns = [drug_re, weight_re, *(cue.pattern for cue in cues)]
    anchored = {p: plan_search(p) for p in patterns}
    plain = {p: p.search for p in patterns}

    def run(searches: dict) -> tuple[float, list]:
        drug._SEARCHES.clear()
        drug._SEARCHES.update(searches)
        started = time.process_time()
        results = [drug.extract_drug_facts(text, name) for text, name in calls]
        return time.process_time() - started, results

    best = {"anchored": float("inf"), "plain": float("inf")}
    readings: dict[str, list] = {}
    for _ in range(args.repeats):
        for label, searches in (("plain", plain), ("anchored", anchored)):
            seconds, readings[label] = run(searches)
            best[label] = min(best[label], seconds)
    drug._SEARCHES.clear()
    if readings["plain"] != readings["anchored"]:
        print("the anchored scan reads different facts from the plain scan", file=sys.stderr)
        return 1
    print(f"source: {source}; {len(calls)} drug defendants x {args.repeats} alternating passes (fastest pass each)")
    for label, seconds in best.items():
        print(f"{label:9s} {seconds / len(calls) * 1e6:7.1f} us per call")
    print(f"plain / anchored: {best['plain'] / best['anchored']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
