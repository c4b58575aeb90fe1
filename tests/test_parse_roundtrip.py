"""`judgstat parse` output, every format: streamed, complete or absent, and read back field by field
(toolkit.schema.read_table, toolkit.analysis.table.read_defendant_table); lone surrogates never crash it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit.analysis.table import read_defendant_table
from toolkit.cli import main
from toolkit.schema import DEFENDANT_COLUMNS, read_table

HARD = Path(__file__).parent / "fixtures" / "judgments" / "hard_cases.jsonl"


def _plain(value):
    if value is None or (isinstance(value, float) and value != value):
        return None
    try:
        import pandas as pd

        if value is pd.NA:
            return None
    except ImportError:
        pass
    return value.item() if hasattr(value, "item") else value


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_every_format_reads_back_every_field(tmp_path, suffix):
    reference = tmp_path / "reference.jsonl"
    assert main(["parse", str(HARD), "-o", str(reference)]) == 0
    expected = [json.loads(line) for line in reference.read_text(encoding="utf-8").splitlines()]
    out = tmp_path / f"out{suffix}"
    assert main(["parse", str(HARD), "-o", str(out)]) == 0
    frame = read_table(out)
    assert list(frame.columns) == list(DEFENDANT_COLUMNS)
    got = [{k: _plain(v) for k, v in row.items()} for row in frame.astype(object).to_dict(orient="records")]
    assert got == expected
    assert len(read_defendant_table(out)) == len(expected)


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_bad_line_leaves_no_partial_output_and_missing_folder_is_an_error(tmp_path, suffix, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text(HARD.read_text(encoding="utf-8") + '{"id": "x", "text": "unterminated\n', encoding="utf-8")
    out = tmp_path / f"out{suffix}"
    assert main(["parse", str(source), "-o", str(out)]) == 1
    assert not out.exists() and not list(tmp_path.glob(".out*"))
    assert "at at" not in capsys.readouterr().err
    assert main(["parse", str(HARD), "-o", str(tmp_path / "missing" / f"out{suffix}")]) == 2


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet", None])
def test_lone_surrogate_is_written_not_a_traceback(tmp_path, suffix, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "s\\ud800", "text": "被告人张\\ud800犯盗窃罪，判处有期徒刑六个月。"}\n', encoding="utf-8")
    args = ["parse", str(source)] + (["-o", str(tmp_path / f"out{suffix}")] if suffix else [])
    assert main(args) == 0
    if suffix:
        assert len(read_table(tmp_path / f"out{suffix}")) >= 1
