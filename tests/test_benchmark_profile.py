"""benchmarks/parse_profile.py runs and reports every extractor's share (on the fixtures: fast, no ../shared)."""

from __future__ import annotations

import re
import subprocess
import sys

from toolkit.paths import REPO_ROOT


def test_profile_reports_calls_and_shares() -> None:
    source = REPO_ROOT / "tests" / "fixtures" / "judgments" / "hard_cases.jsonl"
    out = subprocess.run([sys.executable, str(REPO_ROOT / "benchmarks" / "parse_profile.py"), "--passes", "1",
                          "--source", str(source)], capture_output=True, text=True, check=True, cwd=REPO_ROOT).stdout
    calls = re.search(r"Python function calls per document: (\d+)", out)
    assert calls and int(calls.group(1)) > 100
    for label in ("parser (whole)", "verdict", "metadata", "circumstances", "personal-information facts", "drug facts"):
        assert re.search(rf"^{re.escape(label)}\s+[0-9.]+ s\s+[0-9.]+%$", out, re.M), label
    assert re.search(r"^parser \(whole\)\s+[0-9.]+ s\s+100\.0%$", out, re.M)
