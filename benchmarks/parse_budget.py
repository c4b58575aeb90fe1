"""What issue #12's speed targets leave for reading the fields, timed in one process over the same judgments.

    .venv/bin/python benchmarks/parse_budget.py [--passes 7] [--source FILE.jsonl]

The ratio target (parser at most 2x the floor of benchmarks/parse_speed.py) gives the parser a budget of twice the
floor's time per document; the rate target (15,000 documents/s) gives it 66.7 microseconds. Some of that budget is
spent before any field is read, by work every parsed document needs whatever the design:

- decoding the JSON line (the floor does this too);
- toolkit.textnorm.to_simplified, the same-length script conversion behind reading traditional texts;
- the schema records the parser returned for the document, each built with toolkit.schema.new_defendant_record, its
  found values put in and a reason written for every null field (toolkit.parser._explain_nulls), as the standards ask.

Then the design the issue suggests, "locate every anchor in one pass", at its cheapest: the anchors are the
literals that the parser's own patterns cannot match without (toolkit.extract.prefilter.required_literals of every
compiled pattern in the extractor modules, one clause per pattern as plan_search picks it). Single characters
(元, 条, ，…) are left out, as a design would look for them with str.find, and their cost is not counted. The
multi-character anchors are located in one pass two ways: one regex alternation (re), and an Aho-Corasick automaton
in C (pyahocorasick, in the test extra); each hit is handed to its field with one dictionary lookup. The cheaper
of the two is charged. What is left of the budget after that is all that reading the fields may cost.

Each step runs --passes times over every document after a warm-up; the fastest pass counts (load from other jobs
only slows passes). Process CPU time (time.process_time). Without ../shared/data the repository's fixtures are used.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
import time
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
from parse_speed import FLOOR  # noqa: E402  (the floor is defined once, in parse_speed.py)

RATE_TARGET = 15_000  # documents per second (issue #12)
RATIO_TARGET = 2.0  # parser time / floor time (issue #12)
EXTRACTOR_MODULES = (
    "toolkit.extract.metadata",
    "toolkit.extract.verdict",
    "toolkit.extract.facts",
    "toolkit.extract.textspan",
    "toolkit.crimes.personal_information.extract",
    "toolkit.crimes.drug_trafficking.extract",
    "toolkit.crimes.drug_trafficking.quantities",
)


def module_patterns(names: tuple[str, ...] = EXTRACTOR_MODULES) -> list[re.Pattern[str]]:
    """Every compiled str pattern at module level in `names`, also inside tuples, lists and dict values (one level)."""
    found: dict[int, re.Pattern[str]] = {}
    for name in names:
        for value in vars(importlib.import_module(name)).values():
            items = value.values() if isinstance(value, dict) else value if isinstance(value, (tuple, list)) else (value,)
            for item in items:
                if isinstance(item, re.Pattern) and isinstance(item.pattern, str):
                    found[id(item)] = item
    return list(found.values())


def anchor_vocabulary(patterns: list[re.Pattern[str]]) -> tuple[set[str], int]:
    """(the literals of one required clause per pattern, the number of patterns with no required literal)."""
    from toolkit.extract.prefilter import MAX_CLAUSES, required_literals

    literals: set[str] = set()
    unanchored = 0
    for pattern in patterns:
        requirement = required_literals(pattern, keep=MAX_CLAUSES)
        if not requirement:
            unanchored += 1
            continue
        literals |= min(requirement, key=lambda c: (len(c), -min(map(len, c)), sorted(c)))
    return literals, unanchored


def _automaton(words: list[str]) -> Any:
    """An Aho-Corasick automaton whose iter(text) yields (end, word) for every occurrence; None without pyahocorasick."""
    try:
        import ahocorasick
    except ImportError:
        return None
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


def fastest(step: Callable[[], Any], passes: int) -> float:
    """CPU seconds of the fastest of `passes` runs of step, after one warm-up run."""
    step()
    best = float("inf")
    for _ in range(passes):
        started = time.process_time()
        step()
        best = min(best, time.process_time() - started)
    return best


def measure(source: Path, passes: int) -> dict[str, Any]:
    sys.path.insert(0, str(REPO))
    from toolkit.crimes import DEFAULT_CRIME, get_crime
    from toolkit.parser import (FACT_FIELDS, METADATA_FIELDS, VERDICT_FIELDS, _explain_nulls, crime_of, parse_document,
                                parse_lines)
    from toolkit.schema import new_defendant_record
    from toolkit.textnorm import to_simplified

    lines = [line for line in source.read_bytes().splitlines() if line.strip()]
    documents = [json.loads(line) for line in lines]
    texts = [str(doc["text"]) for doc in documents]
    floor_patterns = [re.compile(p) for p in FLOOR.values()]
    default = get_crime(DEFAULT_CRIME)
    # the parser's records with their values, ready to be rebuilt: (doc id, found values, crime)
    filled = []
    for doc in documents:
        for record in parse_document(doc["id"], doc["text"]):
            values = {k: v for k, v in record.items() if v not in (None, []) and k not in ("notes", "doc_id")}
            filled.append((record["doc_id"], values, crime_of(record["charges"]) if record["charges"] else default))
    patterns = module_patterns()
    vocabulary, unanchored = anchor_vocabulary(patterns)
    words = sorted((w for w in vocabulary if len(w) > 1), key=lambda w: (-len(w), w))
    scan = re.compile("|".join(map(re.escape, words)))
    handler_of = {word: index for index, word in enumerate(words)}
    hits = sum(1 for text in texts for _ in scan.finditer(text))
    automaton = _automaton(words)

    def floor() -> None:
        for line in lines:
            text = json.loads(line)["text"]
            for pattern in floor_patterns:
                pattern.search(text)

    def decode() -> None:
        for line in lines:
            json.loads(line)

    def simplify() -> None:
        for text in texts:
            to_simplified(text)

    def records() -> None:
        for doc_id, values, crime in filled:
            record = new_defendant_record(doc_id)
            record.update(values)
            _explain_nulls(record, crime)

    def anchors_re() -> None:
        for text in texts:
            for match in scan.finditer(text):
                handler_of[match.group()]

    def anchors_automaton() -> None:
        for text in texts:
            for _end, word in automaton.iter(text):
                handler_of[word]

    def parser() -> None:
        for _ in parse_lines(lines, str(source)):
            pass

    n = len(lines)
    per_doc = {name: fastest(step, passes) / n * 1e6 for name, step in
               (("floor", floor), ("decode", decode), ("simplify", simplify), ("records", records),
                ("anchors_re", anchors_re), ("parser", parser))}
    per_doc["anchors_automaton"] = None if automaton is None else fastest(anchors_automaton, passes) / n * 1e6
    return {"documents": n, "characters_per_document": sum(map(len, texts)) / n, "records_per_document": len(filled) / n,
            "patterns": len(patterns), "unanchored_patterns": unanchored, "anchor_literals": len(vocabulary),
            "multi_character_anchors": len(words),
            "fields": len({"defendant", *METADATA_FIELDS, *VERDICT_FIELDS, *FACT_FIELDS}),
            "anchor_hits_per_document": hits / n, "us_per_document": per_doc}


def report(result: dict[str, Any]) -> list[str]:
    us = result["us_per_document"]
    budget = RATIO_TARGET * us["floor"]
    rate_budget = 1e6 / RATE_TARGET
    unavoidable = us["decode"] + us["simplify"] + us["records"]
    locate = min(v for v in (us["anchors_re"], us["anchors_automaton"]) if v is not None)
    before_fields = unavoidable + locate
    automaton = ("pyahocorasick not installed: pip install pyahocorasick" if us["anchors_automaton"] is None
                 else f"{us['anchors_automaton']:>8.1f}")
    per_search = (us["floor"] - us["decode"]) / len(FLOOR)
    left = budget - unavoidable
    lines = [
        f"{result['documents']} documents, {result['characters_per_document']:.0f} characters and "
        f"{result['records_per_document']:.2f} records each; microseconds of CPU per document, fastest pass",
        f"{'floor (json.loads + six regexes)':<58}{us['floor']:>8.1f}",
        f"{'budget of the ratio target (2 x floor)':<58}{budget:>8.1f}",
        f"{'budget of the rate target (15,000 documents/s)':<58}{rate_budget:>8.1f}",
        "work every parsed document needs:",
        f"{'  json.loads':<58}{us['decode']:>8.1f}",
        f"{'  to_simplified':<58}{us['simplify']:>8.1f}",
        f"{'  schema records with a reason per null field':<58}{us['records']:>8.1f}",
        f"{'  sum':<58}{unavoidable:>8.1f}   ({unavoidable / budget:.0%} of the ratio budget)",
        f"{'left of the ratio budget for reading the fields':<58}{left:>8.1f}   (= {left / per_search:.1f} of the "
        f"floor's first-match searches at {per_search:.2f} each, for {result['fields']} fields)",
        f"{'left of the rate budget for reading the fields':<58}{rate_budget - unavoidable:>8.1f}   "
        f"(= {(rate_budget - unavoidable) / per_search:.1f} such searches)",
        f"one pass over the parser's anchors: {result['anchor_literals']} literals required by "
        f"{result['patterns'] - result['unanchored_patterns']} of {result['patterns']} patterns, "
        f"{result['multi_character_anchors']} of them longer than one character",
        f"({result['anchor_hits_per_document']:.0f} regex hits per document, one dict lookup each):",
        f"{'  regex alternation (re)':<58}{us['anchors_re']:>8.1f}",
        f"{'  Aho-Corasick automaton (pyahocorasick)':<58}{automaton}",
        f"{'left of the ratio budget after the cheaper pass':<58}{budget - before_fields:>8.1f}",
        f"{'left of the rate budget after the cheaper pass':<58}{rate_budget - before_fields:>8.1f}",
        f"{'the parser today':<58}{us['parser']:>8.1f}   ({1e6 / us['parser']:,.0f} documents/s, "
        f"ratio {us['parser'] / us['floor']:.1f}; field reading {us['parser'] - unavoidable:.1f})",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=7)
    parser.add_argument("--source", type=Path, help="JSONL with id/text (default: ../shared/data/judge/judgments.jsonl)")
    parser.add_argument("--json", action="store_true", help="print the measurements as JSON instead")
    args = parser.parse_args(argv)
    from parse_speed import default_source

    source = args.source or default_source()
    result = measure(source, args.passes)
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    print(f"source: {source}")
    print("\n".join(report(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
