"""`judgstat tier`, through toolkit.cli.main and through the installed console script."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.paths import REPO_ROOT


def run_main(capsys, *argv):
    code = main(["tier", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_output_is_one_object(capsys):
    code, out, err = run_main(capsys, "--count", "行踪轨迹=1000", "--count", "住宿=300", "--date", "2022-03-01", "--json")
    assert code == 0 and err == ""
    data = json.loads(out)  # exactly one object: json.loads would fail on trailing text
    assert out.count("\n") == 1
    assert data["tier"] == "especially_serious"
    assert data["clauses"] == ["Art.5(2)(3)", "Art.5(1)(3)"]
    assert data["range_months"] == [36, 84]
    assert any(w["kind"] == "deduct" and w["items"] == 531 for w in data["what_if"])  # (1000-n)/50 + 0.6 < 10


def test_english_names_gains_profit_duty_prior(capsys):
    code, out, _ = run_main(capsys, "--count", "communication_records=100", "--gains", "2500", "--duty",
                            "--prior-punishment", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["tier"] == "serious"
    assert data["clauses"] == ["Art.5(1)(8)", "Art.5(1)(9)"]  # gains 2,500 = half of 5,000; prior punishment
    code, out, _ = run_main(capsys, "--count", "other=9000", "--lawful-business", "--profit", "50,000", "--json")
    assert json.loads(out)["clauses"] == ["Art.6(1)(1)"]


def test_none_tier_has_null_range(capsys):
    code, out, _ = run_main(capsys, "--count", "other=1000", "--json")
    data = json.loads(out)
    assert data["tier"] == "none" and data["range_months"] is None and data["clauses"] == []


def test_readable_output_cites_articles(capsys):
    code, out, _ = run_main(capsys, "--count", "trajectory=60", "--date", "2016-01-01")
    assert code == 0
    assert "情节严重" in out and "Art.5(1)(3)" in out and "1-36 months" in out
    assert "NOT IN FORCE" in out
    assert "deduct at least 11 trajectory items" in out


@pytest.mark.parametrize("argv, fragment", [
    (["--count", "星座=3"], "unknown information category"),
    (["--count", "trajectory=-5"], "must not be negative"),
    (["--count", "trajectory=abc"], "whole number"),
    (["--count", "trajectory=1.5"], "whole number"),
    (["--count", "trajectory"], "expected CATEGORY=N"),
    (["--count", "=5"], "expected CATEGORY=N"),
    (["--count", "trajectory=5", "--date", "2022-02-30"], "YYYY-MM-DD"),
    (["--count", "trajectory=5", "--date", "yesterday"], "YYYY-MM-DD"),
    (["--count", "trajectory=5", "--gains", "lots"], "amount in yuan"),
    (["--count", "trajectory=5", "--gains", "-1"], "must not be negative"),
    (["--count", "trajectory=5", "--prior-punishment", "sometimes"], "--prior-punishment"),
    ([], "no facts given"),
])
def test_usage_errors_are_one_line_exit_2(capsys, argv, fragment):
    code, out, err = run_main(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and fragment in err and err.startswith("judgstat tier: error:")


@pytest.mark.parametrize("argv", [["--count"], ["--count", "trajectory=1", "--bogus"], ["--gains"]])
def test_argparse_errors_are_one_line_exit_2(capsys, argv):
    with pytest.raises(SystemExit) as exc:
        main(["tier", *argv])
    _, err = capsys.readouterr()
    assert exc.value.code == 2
    assert err.count("\n") == 1 and err.startswith("judgstat tier: error:")


def _console_script() -> Path:
    candidates = [REPO_ROOT / ".venv" / "bin" / "judgstat", Path(sys.executable).parent / "judgstat"]
    found = next((p for p in candidates if p.exists()), None) or (shutil.which("judgstat") and Path(shutil.which("judgstat")))
    if not found:
        pytest.skip("the judgstat console script is not installed (run `make install`)")
    return found


def test_console_script_json():
    proc = subprocess.run([str(_console_script()), "tier", "--count", "行踪轨迹=1000", "--gains", "5000",
                           "--date", "2022-03-01", "--json"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["tier"] == "especially_serious" and data["range_months"] == [36, 84]


@pytest.mark.parametrize("argv", [["--count", "foo=1"], ["--count", "trajectory=-1"], ["--count", "trajectory=1", "--date", "2022-3-1x"],
                                  ["--count"]])
def test_console_script_errors(argv):
    proc = subprocess.run([str(_console_script()), "tier", *argv], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "error" in proc.stderr
