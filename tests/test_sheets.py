"""`judgstat sheet export`: coding sheets from every table format parse/dataset write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from toolkit.cli import main
from toolkit.schema import read_table, write_table
from toolkit.sheets.export import choose_rows, evidence
from toolkit.sheets.workbook import (
    CODING_SHEET, DEFAULT_FIELDS, NOT_CODED, NOT_STATED, README_SHEET, SAMPLE_SHEET, read_sheet,
)

ROOT = Path(__file__).resolve().parents[1]
JUDGMENTS = ROOT / "tests" / "fixtures" / "judgments" / "hard_cases.jsonl"
EMBEDDED_PACKAGE = ROOT / "datasets" / "embedded-package"


@pytest.fixture(scope="module")
def parsed(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("parsed") / "defendants.jsonl"
    assert main(["parse", str(JUDGMENTS), "-o", str(out)]) == 0
    return out


def export(source, out, *extra) -> int:
    return main(["sheet", "export", str(source), "-o", str(out), *map(str, extra)])


def sample_record(path: Path) -> dict:
    return {row[0]: row[1] for row in load_workbook(path)[SAMPLE_SHEET].iter_rows(values_only=True)}


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_export_reads_every_parser_format_and_gives_the_same_sheet(parsed, tmp_path, suffix):
    source = parsed if suffix == ".jsonl" else tmp_path / f"defendants{suffix}"
    if suffix != ".jsonl":
        write_table(read_table(parsed), source)
    out = tmp_path / "sheet.xlsx"
    assert export(source, out, "--texts", JUDGMENTS) == 0
    sheet = read_sheet(out)
    records = [json.loads(line) for line in parsed.read_text(encoding="utf-8").splitlines()]
    assert len(sheet.keys) == len({(r["doc_id"], r["defendant"] or "") for r in records})
    assert sheet.fields == list(DEFAULT_FIELDS)
    first = records[0]
    key = (first["doc_id"], first["defendant"])
    assert sheet.parser[key]["term_months"] == first["term_months"]
    assert sheet.parser[key]["outcome"] == first["outcome"]
    assert sheet.parser[key]["probation_months"] is None  # shown as not_stated
    assert all(code is NOT_CODED for code in sheet.codes[key].values())  # the coder's columns are empty
    start, end = first["spans"]["term_months"]
    text = json.loads(JUDGMENTS.read_text(encoding="utf-8").splitlines()[0])["text"]
    assert "【" + text[start:end] + "】" in sheet.evidence[key]["term_months"]


def test_sheet_layout_dropdowns_frozen_header_readme(parsed, tmp_path):
    out = tmp_path / "sheet.xlsx"
    assert export(parsed, out, "--texts", JUDGMENTS) == 0
    book = load_workbook(out)
    assert {CODING_SHEET, README_SHEET, SAMPLE_SHEET, "lists"} <= set(book.sheetnames)
    coding = book[CODING_SHEET]
    header = [c.value for c in coding[1]]
    assert header[:5] == ["doc_id", "defendant", "outcome__parser", "outcome__evidence", "outcome"]
    assert coding.freeze_panes == "C2"
    assert coding.column_dimensions["D"].width == 60
    rules = {str(rule.sqref): rule for rule in coding.data_validations.dataValidation}
    outcome_column = chr(ord("A") + header.index("outcome"))
    rule = rules[f"{outcome_column}2:{outcome_column}{coding.max_row}"]
    lists = book["lists"]
    allowed = [row[0].value for row in lists.iter_rows(min_row=2) if row[0].value]
    assert rule.type == "list" and rule.formula1 == f"=lists!$A$2:$A${len(allowed) + 1}"
    from toolkit.schema import OUTCOMES

    assert allowed == [*OUTCOMES, NOT_STATED]
    term_column = chr(ord("A") + header.index("term_months"))
    assert rules[f"{term_column}2:{term_column}{coding.max_row}"].type == "custom"
    readme = "\n".join(str(c) for row in book[README_SHEET].iter_rows(values_only=True) for c in row if c)
    assert "如何编码" in readme and "How to code" in readme and NOT_STATED in readme


def test_sample_is_reproducible_from_its_seed_and_recorded(parsed, tmp_path):
    a, b, c = (tmp_path / f"{n}.xlsx" for n in "abc")
    assert export(parsed, a, "--sample", 7, "--seed", 11) == 0
    assert export(parsed, b, "--sample", 7, "--seed", 11) == 0
    assert export(parsed, c, "--sample", 7, "--seed", 12) == 0
    keys_a, keys_b, keys_c = (read_sheet(p).keys for p in (a, b, c))
    assert keys_a == keys_b and len(keys_a) == 7 and keys_a != keys_c
    record = sample_record(a)
    assert record["seed"] == 11 and record["sample_size"] == 7
    rows = [int(n) - 1 for n in record["sampled_row_numbers"].split()]
    assert rows == choose_rows(record["rows_to_sample_from"], 7, 11)
    assert len(record["input_sha256"]) == 64


def test_package_folder_and_missing_texts(tmp_path, capsys):
    out = tmp_path / "sheet.xlsx"
    assert export(EMBEDDED_PACKAGE, out, "--sample", 5, "--seed", 1, "--fields", "outcome", "term_months") == 0
    sheet = read_sheet(out)
    assert len(sheet.keys) == 5 and sheet.fields == ["outcome", "term_months"]
    assert "no document texts" in capsys.readouterr().out


def test_evidence_is_bounded_and_marks_the_span():
    text = "甲" * 100 + "有期徒刑三年" + "乙" * 100
    shown = evidence(text, [100, 106], context=5)
    assert shown == "…甲甲甲甲甲【有期徒刑三年】乙乙乙乙乙…"
    assert evidence(text, None) == "" and evidence(None, [0, 1]) == ""
    assert "outside" in evidence("abc", [2, 9])


@pytest.mark.parametrize("argv, message", [
    (["--fields", "spans"], "cannot be coded"),
    (["--sample", "0"], "positive"),
    (["--pseudonym-key", "k"], "--pseudonymise"),
])
def test_bad_options_are_one_line_errors(parsed, tmp_path, capsys, argv, message):
    assert export(parsed, tmp_path / "s.xlsx", *argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_unreadable_input_names_the_file(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("doc_id,term_months\nd1,abc\n", encoding="utf-8")
    assert export(bad, tmp_path / "s.xlsx") == 1
    err = capsys.readouterr().err
    assert "bad.csv" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "s.xlsx").exists()
