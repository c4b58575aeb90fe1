"""`judgstat parse INPUT [-o OUTPUT]` end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.schema import DEFENDANT_COLUMNS, read_table

HARD_CASES = Path(__file__).parent / "fixtures" / "judgments" / "hard_cases.jsonl"


def test_stdout_jsonl(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(HARD_CASES)]) == 0
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.splitlines()]
    assert rows and all(list(r) == list(DEFENDANT_COLUMNS) for r in rows)
    assert {r["doc_id"] for r in rows} >= {"multi_items", "traditional", "appeal_upheld"}
    assert "defendant records" in captured.err


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_output_by_extension(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"out{suffix}"
    assert main(["parse", str(HARD_CASES), "-o", str(out)]) == 0
    frame = read_table(out)
    assert list(frame.columns) == list(DEFENDANT_COLUMNS)
    first = frame[frame["doc_id"] == "multi_items"].iloc[0]
    assert first["defendant"] == "陈某甲" and first["term_months"] == 45 and first["fine_yuan"] == 20500
    assert list(first["charges"]) == ["侵犯公民个人信息罪"]
    start, end = first["spans"]["term_months"]
    text = json.loads(HARD_CASES.read_text(encoding="utf-8").splitlines()[0])["text"]
    assert text[start:end] == "有期徒刑三年零九个月"


def test_bad_extension_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(HARD_CASES), "-o", str(tmp_path / "out.xlsx")]) == 2
    assert "unsupported output extension" in capsys.readouterr().err


def test_missing_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(tmp_path / "nope.jsonl")]) == 2
    assert "input file not found" in capsys.readouterr().err


def test_bad_line_names_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text('{"id": "a", "text": "判决如下：被告人甲某犯盗窃罪，判处拘役三个月。"}\nnot json\n', encoding="utf-8")
    assert main(["parse", str(path)]) == 1
    captured = capsys.readouterr()
    assert f"{path}:2: not valid JSON" in captured.err
    assert main(["parse", str(path), "--skip-bad-lines"]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 1 and f"skipped {path}:2" in captured.err


def test_installed_entry_point(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "toolkit.cli", "parse", str(HARD_CASES), "-o", str(out)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) > 10


def test_stdin_input() -> None:
    line = json.dumps({"id": "s1", "text": "判决如下：被告人甲某犯盗窃罪，判处拘役一个月，并处罚金一千元。"}, ensure_ascii=False)
    result = subprocess.run(
        [sys.executable, "-m", "toolkit.cli", "parse", "-"], input=line + "\n", capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    (row,) = [json.loads(x) for x in result.stdout.splitlines()]
    assert row["doc_id"] == "s1" and row["term_months"] == 1 and row["fine_yuan"] == 1000


def test_startup_and_jsonl_parsing_import_neither_pandas_nor_pyarrow() -> None:
    """`judgstat parse` starts fast: pandas and pyarrow come in only when a table file is written
    (the timing itself is benchmarks/parse_startup.py, not a test)."""
    script = (
        "import contextlib, io, sys\n"
        "import toolkit.parse_cli, toolkit.parser\n"
        "heavy = lambda: sorted(m for m in ('pandas', 'pyarrow', 'numpy') if m in sys.modules)\n"
        "print(heavy())\n"
        "from toolkit.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    assert main(['parse', {str(HARD_CASES)!r}, '--jobs', '1']) == 0\n"
        "assert out.getvalue().count('\\n') > 10\n"
        "print(heavy())\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["[]", "[]"]
