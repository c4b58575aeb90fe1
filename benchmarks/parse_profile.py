"""Where the parser's time goes, by extractor: cProfile over a few passes of the judge set, in one process.

    .venv/bin/python benchmarks/parse_profile.py [--passes 20] [--source FILE.jsonl]

Prints the Python function calls per document, which do not depend on the machine's load, and each
extractor's share of the parser's profiled time. The seconds themselves move with the load of a shared machine,
but the shares move much less. Without ../shared/data the repository's synthetic fixtures are read instead.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# (label, file suffix, function name) of the extractors the parser calls
PARTS = (
    ("parser (whole)", "toolkit/parser.py", "parse_document"),
    ("verdict", "toolkit/extract/verdict.py", "extract_verdicts"),
    ("metadata", "toolkit/extract/metadata.py", "extract_metadata"),
    ("circumstances", "toolkit/extract/facts.py", "extract_circumstances"),
    ("personal-information facts", "toolkit/crimes/personal_information/extract.py", "extract_facts"),
    ("drug facts", "toolkit/crimes/drug_trafficking/extract.py", "extract_drug_facts"),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=20)
    parser.add_argument("--source", type=Path, help="JSONL with id/text (default: ../shared/data/judge/judgments.jsonl)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(REPO / "benchmarks"))
    from parse_speed import default_source
    from toolkit.parser import parse_document

    source = args.source or default_source()
    documents = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    for doc in documents:  # compiled patterns and caches warm, as in a long run
        parse_document(doc["id"], doc["text"])
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.passes):
        for doc in documents:
            parse_document(doc["id"], doc["text"])
    profile.disable()
    stats = pstats.Stats(profile)
    parsed = len(documents) * args.passes
    print(f"source: {source}; {len(documents)} documents x {args.passes} passes")
    print(f"Python function calls per document: {stats.total_calls / parsed:.0f}")

    def seconds(suffix: str, name: str) -> float:
        """Cumulative profiled seconds of one function (row[3] of pstats is the cumulative time)."""
        return sum(row[3] for (path, _line, function), row in stats.stats.items()
                   if path.endswith(suffix) and function == name)

    whole = seconds(*PARTS[0][1:])
    for label, suffix, name in PARTS:
        spent = seconds(suffix, name)
        print(f"{label:28s} {spent:7.2f} s  {spent / whole:6.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
