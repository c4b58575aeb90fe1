"""`judgstat load`: files and folders in, store + errors + duplicates tables and a summary out."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from toolkit.cli import main
from toolkit.loaders.store import read_store

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"


def test_load_mixed_folder(tmp_path, capsys):
    out = tmp_path / "store.parquet"
    code = main(["load", str(FIXTURES / "mixed"), str(FIXTURES / "cail_gb18030.json"), "-o", str(out), "--no-progress"])
    assert code == 3  # stored, but some files were not loaded: each is a row of the errors table
    printed = capsys.readouterr().out
    assert "read 8 documents from 8 sources (1 files skipped)" in printed
    assert "NOT EVERYTHING WAS LOADED: 6 error rows from 6 files" in printed
    assert "stored 6 documents" in printed
    assert "duplicates: 2 (by case_number 2)" in printed
    assert "errors: 6" in printed and "truncated JSON line" in printed
    assert "notes.md: no loader recognises this file (.md)" in printed
    store = read_store(out)
    assert len(store) == 6 and store["id"].is_unique
    errors = pd.read_csv(tmp_path / "store.errors.csv")
    assert list(errors.columns) == ["file", "line", "reason", "source"] and len(errors) == 6
    assert errors["file"].str.endswith("notes.md").sum() == 1  # the skipped file is in the errors table too
    duplicates = pd.read_csv(tmp_path / "store.duplicates.csv")
    assert set(duplicates["duplicate_id"]) == {"copy_of_zhaoj", "mx-4"}


def test_format_override_and_sheet_config(tmp_path, capsys):
    sheet = tmp_path / "coded.csv"
    sheet.write_text("编号,案号,法院\nA1,（2019）京0101刑初1号,北京市东城区人民法院\n", encoding="utf-8")
    config = tmp_path / "cfg.toml"
    config.write_text('[columns]\nid = "编号"\ncase_number = "案号"\ncourt = "法院"\n', encoding="utf-8")
    out = tmp_path / "s.jsonl"
    errors = tmp_path / "errs.jsonl"
    assert main(["load", str(sheet), "-o", str(out), "--format", "coding_sheet", "--sheet-config", str(config),
                 "--errors", str(errors), "--no-progress"]) == 0
    store = read_store(out)
    assert store.loc[0, "court"] == "北京市东城区人民法院"
    assert errors.exists()


def test_nothing_loaded_exits_1(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert main(["load", str(empty), "-o", str(tmp_path / "s.parquet"), "--no-progress"]) == 1
    assert "errors: 1" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args, message",
    [
        (["-o", "store.xlsx"], "store must end in .parquet, .jsonl, .csv"),
        (["-o", "store.parquet", "--errors", "e.txt"], "--errors e.txt: must end in"),
        (["-o", "store.parquet", "--sheet-config", "nope.json"], "--sheet-config nope.json: no such file"),
    ],
)
def test_usage_errors(args, message, capsys):
    assert main(["load", str(FIXTURES / "judge.jsonl"), *args, "--no-progress"]) == 2
    assert message in capsys.readouterr().err


def test_missing_source_is_a_usage_error(tmp_path, capsys):
    assert main(["load", str(tmp_path / "nope"), "-o", str(tmp_path / "s.parquet")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_progress_bar_on_stderr(tmp_path, capsys):
    assert main(["load", str(FIXTURES / "judge.jsonl"), "-o", str(tmp_path / "s.parquet")]) == 0
    assert "loading" in capsys.readouterr().err


def test_a_jsonl_store_feeds_judgstat_parse(tmp_path, capsys):
    store = tmp_path / "store.jsonl"
    assert main(["load", str(FIXTURES / "judge.jsonl"), "-o", str(store), "--no-progress"]) == 0
    parsed = tmp_path / "parsed.jsonl"
    assert main(["parse", str(store), "-o", str(parsed)]) == 0
    records = pd.read_json(parsed, lines=True)
    assert list(records["doc_id"]) == ["jd-0001", "jd-0002"]
    assert list(records["term_months"]) == [8, 12]


def test_append_keeps_the_existing_store(tmp_path, capsys):
    store = tmp_path / "store.parquet"
    assert main(["load", str(FIXTURES / "judge.jsonl"), "-o", str(store), "--no-progress"]) == 0
    before = read_store(store)
    # the saved page of jd-0002's case has a longer text, but the stored document stays
    assert main(["load", str(FIXTURES / "wenshu_2020.html"), str(FIXTURES / "cail_utf8.json"),
                 "-o", str(store), "--append", "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "stored 5 documents" in printed and "(2 already there)" in printed
    after = read_store(store)
    assert list(after["id"][:2]) == list(before["id"])
    assert after.loc[1, "text"] == before.loc[1, "text"]
    duplicates = pd.read_csv(tmp_path / "store.duplicates.csv")
    assert duplicates[["duplicate_id", "kept_id"]].values.tolist() == [["a1b2c3d4e5f6a7b8c9d0", "jd-0002"]]


def test_append_to_an_unreadable_store_is_refused(tmp_path, capsys):
    store = tmp_path / "store.parquet"
    store.write_bytes(b"not parquet")
    assert main(["load", str(FIXTURES / "judge.jsonl"), "-o", str(store), "--append", "--no-progress"]) == 2
    assert "cannot read the existing store" in capsys.readouterr().err
    assert store.read_bytes() == b"not parquet"
