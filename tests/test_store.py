"""Document store: dedup (case number, else content hash), errors table, accounting, round trip."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from toolkit.loaders import expand_sources
from toolkit.loaders.dedup import deduplicate, normalise_case_number
from toolkit.loaders.records import make_document
from toolkit.loaders.store import load_into_store, read_store, write_store

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"


def doc(id, text, case_number=None, source="test/x"):
    return make_document(id=id, source=source, source_ref=f"f:{id}", text=text, encoding="utf-8", case_number=case_number)


def test_normalise_case_number():
    assert normalise_case_number("(2018)京0105刑初123号") == normalise_case_number("（２０１８）京0105刑初123号")
    assert normalise_case_number(" （2018） 京0105刑初123号 ") == "（2018）京0105刑初123号"
    assert normalise_case_number("") is None and normalise_case_number(None) is None


def test_dedup_by_case_number_keeps_longest_text():
    records = [
        doc("a", "被告人甲犯盗窃罪。", "（2018）京0105刑初123号"),
        doc("b", "北京市朝阳区人民法院 刑事判决书 被告人甲犯盗窃罪。", "(2018)京0105刑初123号"),
        doc("c", None, "（2018）京0105刑初123号"),
    ]
    kept, dups = deduplicate(records)
    assert [r["id"] for r in kept] == ["b"]
    assert sorted((d["duplicate_id"], d["kept_id"], d["matched_on"]) for d in dups) == [
        ("a", "b", "case_number"), ("c", "b", "case_number"),
    ]
    assert {d["duplicate_id"]: d["same_text"] for d in dups} == {"a": False, "c": False}


def test_dedup_by_hash_when_a_case_number_is_missing():
    records = [
        doc("a", "被告人甲 犯盗窃罪。", "（2018）京0105刑初123号"),
        doc("b", "被告人甲犯盗窃罪。\n"),  # same text after normalisation, no case number
        doc("c", "被告人乙犯诈骗罪。"),
        doc("d", "被告人乙犯诈骗罪。"),
    ]
    kept, dups = deduplicate(records)
    assert [r["id"] for r in kept] == ["a", "c"]
    assert {(d["duplicate_id"], d["kept_id"], d["matched_on"], d["same_text"]) for d in dups} == {
        ("b", "a", "sha256", True), ("d", "c", "sha256", True),
    }


def test_same_text_with_different_case_numbers_is_not_a_duplicate():
    records = [doc("a", "同一文本", "（2018）京0105刑初1号"), doc("b", "同一文本", "（2018）京0105刑初2号")]
    kept, dups = deduplicate(records)
    assert len(kept) == 2 and dups == []


def test_records_without_text_or_case_number_are_all_kept():
    kept, dups = deduplicate([doc("a", None), doc("b", None)])
    assert [r["id"] for r in kept] == ["a", "b"] and dups == []


def test_mixed_folder_errors_table_and_accounting():
    result = load_into_store(expand_sources([FIXTURES / "mixed"]))
    errors = result.errors_frame()
    errors["file"] = errors["file"].map(lambda f: Path(f).relative_to(FIXTURES / "mixed").as_posix())
    assert errors[["file", "line", "source"]].astype(object).where(errors.notna(), None).values.tolist() == [
        ["batch_bad_bytes.jsonl", 2, "judge_jsonl"],
        ["batch_truncated.jsonl", 2, "judge_jsonl"],
        ["empty.txt", None, "docx_txt"],
        ["notes.md", None, ""],
        ["pages/captcha.html", None, "wenshu_html"],
        ["sheet.csv", None, "coding_sheet"],
    ]
    assert errors["reason"].str.split(":").str[0].tolist() == [
        "undecodable bytes at byte 49 of the line (file is utf-8)",
        "truncated JSON line at column 39",
        "empty file",
        "skipped",
        "no judgment body found in HTML (not a judgment detail page?)",
        "no column mapping",
    ]
    assert [s.path.name for s in result.skipped] == ["notes.md"]
    # every record read is either stored or listed as a duplicate of a stored one
    assert result.records_read == 5 and result.files == 7
    stored = {d["id"] for d in result.documents}
    assert stored == {"mx-1", "mx-2", "a1b2c3d4e5f6a7b8c9d0"}
    assert {(d["duplicate_id"], d["kept_id"]) for d in result.duplicates} == {
        ("copy_of_zhaoj", "mx-1"),  # same judgment as a .txt
        ("mx-4", "a1b2c3d4e5f6a7b8c9d0"),  # the saved page of the same case (longer text kept)
    }
    assert result.error_kinds()["empty file"] == 1


def test_store_round_trip(tmp_path):
    result = load_into_store(expand_sources([FIXTURES / "judge.jsonl", FIXTURES / "sheet_defendants.xlsx"]))
    path = tmp_path / "store.parquet"
    write_store(result.documents_frame(), path)
    back = read_store(path)
    assert list(back["id"]) == ["jd-0001", "jd-0002", "K1", "K2"]
    assert back.loc[0, "metadata"] == {"text_id": "jd-0001", "fd": "被告人赵甲通过微信出售公民个人信息6200余条。"}
    assert back.loc[3, "metadata"]["rows"][1]["被告人"] == "刘己"
    assert pd.isna(back.loc[3, "text"])
    assert back.loc[0, "text"] == result.documents[0]["text"]


def test_id_collisions_get_suffixes(tmp_path):
    for name, text in (("a.jsonl", "被告人甲犯盗窃罪"), ("b.jsonl", "被告人乙犯诈骗罪")):
        (tmp_path / name).write_text('{"text_id": "1", "text": "%s"}\n' % text, encoding="utf-8")
    result = load_into_store(expand_sources([tmp_path]))
    assert [d["id"] for d in result.documents] == ["1", "1~2"]
    assert result.renamed == [("1", "1~2")]
