"""benchmarks/parse_budget.py measures what the speed targets leave for reading fields (fixtures: fast, no ../shared)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from toolkit.paths import REPO_ROOT

SCRIPT = REPO_ROOT / "benchmarks" / "parse_budget.py"
SOURCE = REPO_ROOT / "tests" / "fixtures" / "judgments" / "hard_cases.jsonl"


def _run(*extra: str) -> str:
    return subprocess.run([sys.executable, str(SCRIPT), "--passes", "1", "--source", str(SOURCE), *extra],
                          capture_output=True, text=True, check=True, cwd=REPO_ROOT).stdout


def test_budget_measures_every_step_and_the_anchor_vocabulary() -> None:
    result = json.loads(_run("--json"))
    documents = sum(1 for line in SOURCE.read_text(encoding="utf-8").splitlines() if line.strip())
    assert result["documents"] == documents
    us = result["us_per_document"]
    for step in ("floor", "decode", "simplify", "records", "anchors_re", "anchors_automaton", "parser"):
        assert us[step] is not None and us[step] > 0, step  # pyahocorasick is in the test extra
    # the anchors come from the extractors' own compiled patterns, nearly all of which need a literal
    assert result["patterns"] > 50 and result["unanchored_patterns"] < result["patterns"] / 4
    assert 0 < result["multi_character_anchors"] < result["anchor_literals"]
    assert result["fields"] >= 20 and result["records_per_document"] >= 1


def test_budget_report_states_what_is_left() -> None:
    out = _run()
    for label in ("floor (json.loads + six regexes)", "budget of the ratio target (2 x floor)",
                  "schema records with a reason per null field", "left of the ratio budget for reading the fields",
                  "Aho-Corasick automaton (pyahocorasick)", "the parser today"):
        assert re.search(rf"^\s*{re.escape(label)}\s+-?[0-9.]+", out, re.M), label


def test_vocabulary_is_the_clause_plan_search_anchors_on() -> None:
    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    from parse_budget import anchor_vocabulary

    literals, unanchored = anchor_vocabulary([re.compile("罚金(?:人民币)?[0-9]+元"), re.compile("(?:贩卖|出售)毒品"),
                                              re.compile("[0-9]+")])
    assert unanchored == 1
    assert literals == {"罚金", "毒品"}  # one clause per pattern: the one of fewest literals (毒品, not 贩卖|出售)
