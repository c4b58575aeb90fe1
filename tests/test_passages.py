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
    for shape in ("no 被告人 prefix", "several defendants", "当庭宣判", "因出售", "三年有期徒刑", "维持原判", "traditional"):
        assert shape in shapes
