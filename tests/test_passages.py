"""Published passages without an operative part (press releases, case reports, news): every
defendant named with a sentence comes out as a record (issue #12 item 1).

The passages in tests/fixtures/passages/passages.jsonl are written for this test (names and
numbers made up); each carries the shape it stands for and the expected per-defendant values.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit.parser import parse_document

PASSAGES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "passages" / "passages.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]


@pytest.mark.parametrize("passage", PASSAGES, ids=[p["id"] for p in PASSAGES])
def test_passage(passage: dict) -> None:
    records = parse_document(passage["id"], passage["text"])
    assert [r["defendant"] for r in records] == [e["defendant"] for e in passage["expected"]], passage["shape"]
    for record, expected in zip(records, passage["expected"]):
        assert record["outcome"] == expected.get("outcome", "convicted")
        for field, value in expected.items():
            assert record[field] == value, (passage["id"], record["defendant"], field)
        for field in ("term_months", "fine_yuan"):
            if record[field] is not None:
                start, end = record["spans"][field]
                assert passage["text"][start:end], field


def test_every_shape_of_the_issue_is_covered() -> None:
    shapes = " ".join(p["shape"] for p in PASSAGES)
    for shape in ("no 被告人 prefix", "several defendants", "当庭宣判", "因出售", "三年有期徒刑", "维持原判", "traditional",
                  "named by its size only", "without 元"):
        assert shape in shapes


def test_group_rows_say_why_the_defendant_is_null_and_a_size_is_never_a_name() -> None:
    by_id = {p["id"]: p for p in PASSAGES}
    for key in ("group-same-sentence", "group-range", "group-range-no-penalty-word"):
        records = parse_document(key, by_id[key]["text"])
        size = len(by_id[key]["expected"])
        for record in records:
            assert any(n.startswith(f"defendant: one of {size} persons sentenced together") for n in record["notes"]), \
                record["notes"]
            assert not any(n.startswith("fine_yuan: no fine") for n in record["notes"])  # the range note explains it
    # a count of persons in front of a penalty is no defendant name, with or without the group reading
    for text in ("法院判处六人有期徒刑二年至三年不等。", "法院判处二十一名被告人有期徒刑一年。", "法院判处九千人有期徒刑一年。",
                 "法院判处十余名被告人有期徒刑一年。", "多人均被判处有期徒刑一年。"):
        assert all(r["defendant"] is None for r in parse_document("x", text)), text
    # a size that is not exact (十余, 多) or larger than a document's bound gives one row for the group, saying so
    for text, said in (("法院判处十余名被告人有期徒刑一年。", "exact size the text does not give"),
                       ("法院判处九千人有期徒刑一年。", "a group of 9000 sentenced together")):
        (record,) = parse_document("x", text)
        assert record["outcome"] == "convicted" and record["term_months"] == 12
        assert any(n.startswith("defendant: ") and said in n for n in record["notes"]), record["notes"]
    # a group that the text also names one by one is read by name, not as a group
    named = parse_document("x", "法院判处甲某有期徒刑一年；乙某有期徒刑十个月。2人均未上诉。")
    assert [r["defendant"] for r in named] == ["甲某", "乙某"]


def test_a_fine_without_its_unit_is_read_only_after_a_sentencing_word_and_says_so() -> None:
    (record,) = parse_document("x", "被告人张三犯盗窃罪，判处有期徒刑一年，并处罚金1万。")
    assert record["fine_yuan"] == 10000
    assert "fine_yuan: the amount is written without 元; read as yuan" in record["notes"]
    for text in ("被告人张三犯盗窃罪，判处有期徒刑一年，并处罚金3人。", "被告人张三犯盗窃罪，判处有期徒刑一年，罚金7000。"):
        (record,) = parse_document("x", text)
        assert record["fine_yuan"] is None and "fine_yuan: a fine is mentioned but its amount could not be read" in record["notes"]
