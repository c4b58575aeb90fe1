"""The coding loop: export -> coders -> agree -> adjudicate -> import -> evaluate, and its error paths."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Callable

import pytest
from openpyxl import load_workbook

from toolkit.cli import main
from toolkit.schema import new_defendant_record
from toolkit.sheets.adjudicate import ADJUDICATED_COLUMN, ADJUDICATION_SHEET
from toolkit.sheets.workbook import CODING_SHEET, PARSER_SUFFIX, SAMPLE_SHEET

ROOT = Path(__file__).resolve().parents[1]
JUDGMENTS = ROOT / "tests" / "fixtures" / "judgments" / "hard_cases.jsonl"


def synthetic_defendants(path: Path, n: int) -> Path:
    """n defendants in n documents with every default field stated (no texts)."""
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            record = new_defendant_record(f"doc{i:03d}")
            record.update(defendant=f"被告{i}", outcome="convicted", penalty_type="fixed_term", term_months=6 + i % 7,
                          fine_yuan=1000.0 * (1 + i % 4), info_count=100 * (i + 1), info_category="other",
                          confiscation=bool(i % 2))
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def fill_sheet(src: Path, dst: Path, coder: str, code: Callable[[int, str, Any], Any]) -> None:
    """Fill every code cell of a coding sheet with code(row index, field, parser value) (None leaves it empty)."""
    book = load_workbook(src)
    sheet = book[CODING_SHEET]
    header = [c.value for c in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        for column, name in enumerate(header, start=1):
            if name and name + PARSER_SUFFIX in header:
                parser = sheet.cell(row=row, column=header.index(name + PARSER_SUFFIX) + 1).value
                sheet.cell(row=row, column=column, value=code(row - 2, name, parser))
    for line in book[SAMPLE_SHEET].iter_rows():
        if line[0].value == "coder":
            line[1].value = coder
    book.save(dst)


def copy_parser(row: int, field: str, parser: Any) -> Any:
    return parser


def adjudicate_all(src: Path, dst: Path, choose: Callable[[dict[str, Any]], Any]) -> int:
    """Fill the adjudicated column with choose(row as dict); returns the number of listed items."""
    book = load_workbook(src)
    sheet = book[ADJUDICATION_SHEET]
    header = [c.value for c in sheet[1]]
    listed = 0
    for row in range(2, sheet.max_row + 1):
        values = {h: sheet.cell(row=row, column=i + 1).value for i, h in enumerate(header)}
        sheet.cell(row=row, column=header.index(ADJUDICATED_COLUMN) + 1, value=choose(values))
        listed += 1
    book.save(dst)
    return listed


@pytest.fixture(scope="module")
def parsed(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("parsed") / "defendants.jsonl"
    assert main(["parse", str(JUDGMENTS), "-o", str(out)]) == 0
    return out


def test_end_to_end_export_coders_agree_adjudicate_import_evaluate(parsed, tmp_path, capsys):
    from toolkit.evaluate import evaluate_files

    blank = tmp_path / "blank.xlsx"
    assert main(["sheet", "export", str(parsed), "-o", str(blank), "--texts", str(JUDGMENTS)]) == 0

    # coder A reads one term one month longer than the parser; coder B leaves one category as not stated
    def coder_a(row, field, parser):
        return parser + 1 if (row, field) == (0, "term_months") else parser

    def coder_b(row, field, parser):
        return "not_stated" if (row, field) == (2, "info_category") else parser

    a, b = tmp_path / "A.xlsx", tmp_path / "B.xlsx"
    fill_sheet(blank, a, "alice", coder_a)
    fill_sheet(blank, b, "bob", coder_b)
    report = tmp_path / "agree.csv"
    assert main(["sheet", "agree", str(a), str(b), "-o", str(report), "--json", str(tmp_path / "agree.json"),
                 "--bootstrap", "200"]) == 0
    out = capsys.readouterr().out
    assert "coders: alice, bob" in out and "coder alice agrees with the parser" in out
    rows = {r["field"]: r for r in csv.DictReader(report.open(encoding="utf-8"))}
    n = int(rows["outcome"]["n"])
    assert n > 10
    assert float(rows["term_months"]["percent_agreement"]) == pytest.approx((n - 1) / n, abs=1e-4)
    assert float(rows["outcome"]["percent_agreement"]) == 1.0
    assert float(rows["outcome"]["parser_agreement"]) == 1.0  # rows where the coders agree = the parser's value
    detail = json.loads((tmp_path / "agree.json").read_text(encoding="utf-8"))
    term = next(f for f in detail["fields"] if f["field"] == "term_months")
    assert term["coder_parser"] == {"alice": {"agree": n - 1, "coded": n}, "bob": {"agree": n, "coded": n}}

    adjudication = tmp_path / "adj.xlsx"
    assert main(["sheet", "adjudicate", str(a), str(b), "-o", str(adjudication)]) == 0
    listed = load_workbook(adjudication)[ADJUDICATION_SHEET]
    items = [(r[2], r[5 + 1], r[6 + 1]) for r in listed.iter_rows(min_row=2, values_only=True)]
    assert sorted(i[0] for i in items) == ["info_category", "term_months"]

    gold = tmp_path / "gold.jsonl"
    assert main(["sheet", "import", str(adjudication), "-o", str(gold)]) == 1  # not adjudicated yet
    assert "not adjudicated" in capsys.readouterr().err
    assert not gold.exists()

    decided = tmp_path / "adj-done.xlsx"
    adjudicate_all(adjudication, decided, lambda row: row["alice"])  # the third reader sides with alice
    assert main(["sheet", "import", str(decided), "-o", str(gold)]) == 0
    records = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()]
    assert len(records) == n and {"case_id", "defendant", "outcome", "prison_term_months"} <= set(records[0])

    result = evaluate_files(parsed, gold)
    assert result.gold_format == "published" and result.matched == n
    assert result.scores["term_months"].compared == n
    assert result.scores["term_months"].agreed == n - 1  # alice's correction
    for name in ("outcome", "probation_months", "fine_yuan", "info_count", "info_category"):
        assert result.scores[name].agreed == n, name
    assert main(["evaluate", str(parsed), str(gold)]) == 0

    # parser agreement against the adjudicated codes
    assert main(["sheet", "agree", str(a), str(b), "-o", str(report), "--adjudicated", str(decided), "--bootstrap", "50"]) == 0
    rows = {r["field"]: r for r in csv.DictReader(report.open(encoding="utf-8"))}
    assert float(rows["term_months"]["parser_agreement"]) == pytest.approx((n - 1) / n, abs=1e-4)


def test_evaluate_leaves_out_fields_the_sheet_did_not_code_and_scores_not_stated(tmp_path, capsys):
    """A sheet coding only outcome and term: evaluate compares no other field (before, each was compared with
    null gold and a parser that found a value counted as wrong); a term coded not_stated is right only when
    the parser gives none."""
    from toolkit.evaluate import evaluate_files

    n = 6
    source = synthetic_defendants(tmp_path / "d.jsonl", n)  # every record has a term, a fine and a count
    blank = tmp_path / "blank.xlsx"
    assert main(["sheet", "export", str(source), "-o", str(blank), "--fields", "outcome", "term_months"]) == 0

    def coder(row, field, parser):
        return "not_stated" if (row, field) == (0, "term_months") else parser

    sheets = [tmp_path / "a.xlsx", tmp_path / "b.xlsx"]
    for path, name in zip(sheets, ("ann", "ben")):
        fill_sheet(blank, path, name, coder)
    adjudication, gold = tmp_path / "adj.xlsx", tmp_path / "gold.jsonl"
    assert main(["sheet", "adjudicate", *map(str, sheets), "-o", str(adjudication)]) == 0
    assert main(["sheet", "import", str(adjudication), "-o", str(gold)]) == 0
    assert "leaves these out" in capsys.readouterr().out  # the note on fields the sheet does not code
    result = evaluate_files(source, gold)
    assert result.matched == n
    for name in ("probation_months", "fine_yuan", "info_count", "info_category"):
        assert result.scores[name].compared == 0, name  # old code: n, every one against null gold
        assert result.scores[name].gold_not_coded == n, name
    term = result.scores["term_months"]
    assert (term.compared, term.agreed, term.gold_not_coded) == (n, n - 1, 0)
    assert (term.gold_not_stated, term.gold_not_stated_agreed) == (1, 0)  # the parser has a term, the gold none
    assert (term.gold_stated, term.gold_stated_agreed) == (n - 1, n - 1)
    assert result.matching["defendants_all_fields_right"] == n - 1


def test_every_outcome_code_round_trips_through_evaluate_gold():
    from toolkit.evaluate import gold_outcome
    from toolkit.schema import OUTCOMES
    from toolkit.sheets.import_gold import _gold_outcome

    for code in OUTCOMES:
        text = _gold_outcome(code)
        assert (gold_outcome(text) if text else None) == (None if code == "unknown" else code)


def test_three_coders_fleiss_but_no_cohen(tmp_path):
    source = synthetic_defendants(tmp_path / "d.jsonl", 20)
    blank = tmp_path / "blank.xlsx"
    assert main(["sheet", "export", str(source), "-o", str(blank)]) == 0
    sheets = []
    for k in range(3):
        path = tmp_path / f"c{k}.xlsx"
        fill_sheet(blank, path, f"c{k}", lambda row, field, parser, k=k: "acquitted" if (field, row) == ("outcome", k) else parser)
        sheets.append(str(path))
    report = tmp_path / "r.csv"
    assert main(["sheet", "agree", *sheets, "-o", str(report), "--bootstrap", "50"]) == 0
    row = next(r for r in csv.DictReader(report.open(encoding="utf-8")) if r["field"] == "outcome")
    assert row["cohen_kappa"] == "" and row["fleiss_kappa"] != ""
    assert float(row["percent_agreement"]) == pytest.approx(1 - 3 * (2 / 3) / 20, abs=1e-4)


def test_nothing_coded_is_an_error_not_full_agreement(tmp_path, capsys):
    source = synthetic_defendants(tmp_path / "d.jsonl", 5)
    blank = tmp_path / "blank.xlsx"
    assert main(["sheet", "export", str(source), "-o", str(blank)]) == 0
    empty = tmp_path / "empty.xlsx"
    fill_sheet(blank, empty, "x", lambda row, field, parser: None)
    full = tmp_path / "full.xlsx"
    fill_sheet(blank, full, "y", copy_parser)
    report = tmp_path / "r.csv"
    assert main(["sheet", "agree", str(empty), str(full), "-o", str(report)]) == 1
    err = capsys.readouterr().err
    assert "0 rows coded by every coder" in err and len(err.strip().splitlines()) == 1
    assert not report.exists()


def test_a_code_not_allowed_names_file_cell_and_record(tmp_path, capsys):
    source = synthetic_defendants(tmp_path / "d.jsonl", 3)
    blank = tmp_path / "blank.xlsx"
    assert main(["sheet", "export", str(source), "-o", str(blank)]) == 0
    bad = tmp_path / "bad.xlsx"
    fill_sheet(blank, bad, "x", lambda row, field, parser: "convictd" if (row, field) == (1, "outcome") else parser)
    good = tmp_path / "good.xlsx"
    fill_sheet(blank, good, "y", copy_parser)
    assert main(["sheet", "agree", str(bad), str(good)]) == 1
    err = capsys.readouterr().err.strip()
    assert "bad.xlsx" in err and "coding!E3" in err and "doc001" in err and "convictd" in err
    assert len(err.splitlines()) == 1


def test_sheets_without_common_rows_and_single_sheet(tmp_path, capsys):
    a_source = synthetic_defendants(tmp_path / "a.jsonl", 3)
    a = tmp_path / "a.xlsx"
    assert main(["sheet", "export", str(a_source), "-o", str(a)]) == 0
    other = tmp_path / "b.jsonl"
    other.write_text(a_source.read_text(encoding="utf-8").replace('"doc', '"other'), encoding="utf-8")
    b = tmp_path / "b.xlsx"
    assert main(["sheet", "export", str(other), "-o", str(b)]) == 0
    assert main(["sheet", "agree", str(a), str(b)]) == 1
    assert "share no row" in capsys.readouterr().err
    assert main(["sheet", "agree", str(a)]) == 2
    not_xlsx = tmp_path / "x.xlsx"
    not_xlsx.write_text("not a workbook", encoding="utf-8")
    assert main(["sheet", "agree", str(a), str(not_xlsx)]) == 1
    assert "x.xlsx: not an .xlsx workbook" in capsys.readouterr().err
