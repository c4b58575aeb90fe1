"""`judgstat dataset` lets its parse processes read JSON Lines inputs by byte range (the texts never pass through
the reading process). A range must read exactly what the whole file's reading gives, and a package built from
ranges must equal one built from documents sent by the reading process, errors table included."""

from __future__ import annotations

import filecmp
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.cli import main
from toolkit.dataset import pipeline
from toolkit.loaders.jsonlines import _cut_line_ranges, iter_json_objects, json_line_ranges

FIXTURES = Path(__file__).parent / "fixtures"
JSONL_FILES = [FIXTURES / "loaders" / "judge.jsonl", FIXTURES / "loaders" / "cail_utf8.json",
               FIXTURES / "loaders" / "cail_gb18030.json", FIXTURES / "loaders" / "mixed" / "batch_bad_bytes.jsonl",
               FIXTURES / "loaders" / "mixed" / "batch_truncated.jsonl", FIXTURES / "judgments" / "hard_cases.jsonl"]


def awkward_file(tmp_path: Path) -> Path:
    """A BOM, blank lines, bad JSON, a non-object line, a lone surrogate escape, no final newline."""
    good = [json.dumps({"id": f"d{i}", "text": f"被告人张{i}犯盗窃罪，判处有期徒刑{i}个月。"}, ensure_ascii=False) for i in range(7)]
    lines = [good[0], "", good[1], "{not json", good[2], "[1, 2]", "   ", good[3], '{"id": "s", "text": "\\ud800甲"}',
             good[4], good[5], good[6]]
    path = tmp_path / "awkward.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode("utf-8"))
    return path


def items(iterator):
    return [item.as_dict() if hasattr(item, "as_dict") else item for item in iterator]


@pytest.mark.parametrize("lines_per_range", [1, 2, 3, 1000])
def test_ranges_read_what_the_whole_file_gives(tmp_path, lines_per_range):
    files = [p for p in JSONL_FILES if p.exists()] + [awkward_file(tmp_path)]
    checked = 0
    for path in files:
        ranges = json_line_ranges(path, lines_per_range)
        if ranges is None:
            continue
        whole = items(iter_json_objects(path, "fmt"))
        pieces = [item for byte_range in ranges for item in items(iter_json_objects(path, "fmt", byte_range))]
        assert pieces == whole, path.name
        checked += 1
    assert checked >= 4


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(st.text(alphabet="ab被\r ", max_size=12), min_size=1, max_size=30),
       ending=st.sampled_from(["", "\n", "\n\n"]), lines_per_range=st.integers(1, 7), block=st.integers(1, 40))
def test_ranges_cut_in_blocks_are_the_lines_of_the_file(tmp_path_factory, lines, ending, lines_per_range, block):
    """The cutter searches blocks of any size for newlines; its ranges hold, in order, the lines that iterating
    the binary file gives, lines_per_range of them each (the last range the rest)."""
    path = tmp_path_factory.mktemp("cut") / "lines.jsonl"
    path.write_bytes(("\n".join(lines) + ending).encode("utf-8"))
    with path.open("rb") as handle:
        expected = list(handle)
    ranges = list(_cut_line_ranges(path, lines_per_range, "utf-8", block))
    data = path.read_bytes()
    if not data:
        assert ranges == [] and expected == []
        return
    assert ranges[0].start == 0 and ranges[-1].end == len(data)
    got = []
    for before, after in zip(ranges, ranges[1:]):
        assert before.end == after.start
    for byte_range in ranges:
        piece = re.findall(rb"[^\n]*\n|[^\n]+\Z", data[byte_range.start:byte_range.end])
        assert byte_range.first_line == len(got) + 1
        assert len(piece) == lines_per_range or byte_range is ranges[-1]
        got.extend(piece)
    assert got == expected


def test_a_single_json_document_or_an_empty_file_is_not_cut(tmp_path):
    document = tmp_path / "one.json"
    document.write_text(json.dumps([{"id": "a", "text": "x"}]), encoding="utf-8")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    assert json_line_ranges(document, 10) is None
    assert json_line_ranges(empty, 10) is None


def build(out: Path, inputs: list[Path], *extra: str) -> Path:
    code = main(["dataset", *map(str, inputs), "-o", str(out), "--no-progress", "--chunk-size", "3", *extra])
    assert code in (0, 3)  # 3: written, with rows in the errors table
    return out


def test_ranges_and_documents_give_the_same_package(tmp_path, monkeypatch):
    inputs = [awkward_file(tmp_path), FIXTURES / "judgments" / "hard_cases.jsonl", FIXTURES / "loaders" / "mixed"]
    by_range = build(tmp_path / "ranges", inputs, "--jobs", "2")
    monkeypatch.setattr(pipeline, "_line_ranges", lambda unit, chunk_size: None)
    by_documents = build(tmp_path / "documents", inputs, "--jobs", "1")
    names = ["defendants.parquet", "documents.parquet", "errors.csv", "duplicates.csv", "coverage.csv"]
    names += [f"counts/{p.name}" for p in sorted((by_range / "counts").iterdir())]
    for name in names:
        assert filecmp.cmp(by_range / name, by_documents / name, shallow=False), name
    errors = (by_range / "errors.csv").read_text(encoding="utf-8")
    assert "awkward.jsonl,4,truncated JSON" in errors and "awkward.jsonl,6,line is not a JSON object" in errors


def test_a_file_that_cannot_be_read_to_its_end_is_an_errors_row(tmp_path, monkeypatch):
    """The ranges are cut while the first ones are parsed: if the file fails part-way, what was cut is kept and the
    rest is a row of the errors table naming the file, not a traceback."""
    from toolkit.loaders import jsonlines

    source = awkward_file(tmp_path)
    cut = jsonlines._cut_line_ranges

    def failing(path, lines_per_range, encoding, block_bytes):
        ranges = cut(path, lines_per_range, encoding, block_bytes)
        yield next(ranges)
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(jsonlines, "_cut_line_ranges", failing)
    package = build(tmp_path / "package", [source])
    errors = (package / "errors.csv").read_text(encoding="utf-8")
    assert "awkward.jsonl,,cannot read the rest of the file: Input/output error" in errors
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["judgstat"]["counts"]["records_read"] == 2  # the first range: 3 lines, one of them blank
