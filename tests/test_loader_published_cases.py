"""The published-cases JSONL loader: its own synthetic fixture, and the real file when ../shared is present."""

from __future__ import annotations

from pathlib import Path

from toolkit.loaders import detect_format, load_source, Source
from toolkit.loaders.base import LoadError

FIXTURE = Path(__file__).parent / "fixtures" / "loaders" / "published_cases" / "cases_example.jsonl"


def test_rows_of_a_case_become_one_document():
    assert detect_format(FIXTURE) == "published_cases"
    items = list(load_source(Source(FIXTURE, "published_cases")))
    documents = [i for i in items if not isinstance(i, LoadError)]
    errors = [i for i in items if isinstance(i, LoadError)]
    assert [d["id"] for d in documents] == ["SYN1", "SYN2"]
    first = documents[0]
    assert first["case_number"] == "（2019）沪0101刑初9001号" and first["date"] == "2019-05-06"
    assert [row["defendant"] for row in first["metadata"]["rows"]] == ["王某甲", "李某乙"]
    assert "李某乙犯侵犯公民个人信息罪" in first["text"] and "text" not in first["metadata"]["rows"][0]
    assert len(errors) == 1 and errors[0].line == 4 and "no 'text'" in errors[0].reason


def test_real_published_cases_load(shared_data):
    path = shared_data / "published-pi-cases" / "cases.jsonl"
    assert detect_format(path) == "published_cases"
    items = list(load_source(Source(path, "published_cases")))
    documents = [i for i in items if not isinstance(i, LoadError)]
    assert len(documents) >= 30
    rows = sum(len(d["metadata"]["rows"]) for d in documents)
    assert rows + sum(isinstance(i, LoadError) for i in items) == 66
