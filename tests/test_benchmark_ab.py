"""benchmarks/parse_ab.py, drug_scan_speed.py and parse_scaling.py run and report (small inputs: fast, no ../shared)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from toolkit.paths import REPO_ROOT

# Made up, in the shape of a judgment: one drug defendant with two weights and a cue.
DRUG_TEXT = (
    "某某市某某区人民法院刑事判决书（2020）某0101刑初1号。被告人张某，男，1990年1月1日出生。"
    "某某区人民检察院指控被告人张某犯贩卖毒品罪。经审理查明：2020年1月，被告人张某多次向他人贩卖甲基苯丙胺，"
    "共计0.6克。同年2月，公安机关在其住处查获甲基苯丙胺一包，净重1.2克。本院认为，被告人张某构成贩卖毒品罪。"
    "判决如下：被告人张某犯贩卖毒品罪，判处有期徒刑一年，并处罚金人民币五千元。"
)


def _run(*args: str) -> str:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, check=True, cwd=REPO_ROOT).stdout


def test_parse_ab_compares_two_revisions_and_their_records() -> None:
    source = REPO_ROOT / "tests" / "fixtures" / "judgments" / "hard_cases.jsonl"
    out = _run(str(REPO_ROOT / "benchmarks" / "parse_ab.py"), "--base", "HEAD", "--rounds", "1", "--passes", "1",
               "--source", str(source))
    assert re.search(r"^base \(HEAD\)\s+[0-9.]+ us per document", out, re.M)
    assert re.search(r"^working tree\s+[0-9.]+ us per document", out, re.M)
    assert re.search(r"^base / working tree: [0-9.]+$", out, re.M)
    assert "records identical" in out  # HEAD's parser and the working tree's read the fixtures alike


def test_drug_scan_speed_times_both_scans(tmp_path: Path) -> None:
    source = tmp_path / "drug.jsonl"
    source.write_text(json.dumps({"id": "d1", "text": DRUG_TEXT}, ensure_ascii=False) + "\n", encoding="utf-8")
    out = _run(str(REPO_ROOT / "benchmarks" / "drug_scan_speed.py"), "--repeats", "1", "--source", str(source))
    assert "1 drug defendants" in out
    for label in ("anchored", "plain"):
        assert re.search(rf"^{label}\s+[0-9.]+ us per call$", out, re.M), label
    assert re.search(r"^plain / anchored: [0-9.]+$", out, re.M)


def test_parse_scaling_reports_both_slowdowns() -> None:
    out = _run(str(REPO_ROOT / "benchmarks" / "parse_scaling.py"), "--documents", "20")
    assert re.search(r"^per-process slowdown with two at once: [0-9.]+ wall, [0-9.]+ CPU", out, re.M)
