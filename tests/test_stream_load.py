"""Streaming `judgstat load` (toolkit.loaders.store.stream_into_store): on a generated corpus with
duplicates, id collisions, bad lines and unrecognised files, the store written in small chunks equals
what the in-memory path (load_into_store + write_store) writes, with the same side tables and counts;
--append streams the old store through and gives what the in-memory append gives."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from toolkit.cli import main
from toolkit.loaders import expand_sources
from toolkit.loaders.store import load_into_store, read_store, store_records, stream_into_store, write_store

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"
TEXT = "北京市东城区人民法院\n刑事判决书\n（2019）京0101刑初{case}号\n被告人张{n}，男。\n本院认为，被告人张{n}犯侵犯公民个人信息罪。判决如下：被告人张{n}犯侵犯公民个人信息罪，判处有期徒刑{m}个月。"


def make_corpus(folder: Path, files: int = 4, per_file: int = 9) -> Path:
    """JuDGE-style JSONL files; every 5th record repeats an earlier case number (some with a longer text,
    which wins), ids restart in each file (collisions -> id~2), one bad line, one unrecognised file."""
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    for f in range(files):
        lines = []
        for i in range(per_file):
            n += 1
            case = n - 3 if n % 5 == 0 else n
            text = TEXT.format(case=case, n=n, m=6 + n % 30) + ("另查明，" * (n % 3) if n % 5 == 0 else "")
            lines.append(json.dumps({"id": f"d{i}", "text": text}, ensure_ascii=False))
        if f == 1:
            lines.insert(3, '{"id": "broken", "text": "cut off')
        (folder / f"part{f}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "readme.md").write_text("not a corpus\n", encoding="utf-8")
    return folder


def reference(sources, path: Path, existing=None):
    result = load_into_store(sources, existing=existing)
    write_store(result.documents_frame(), path)
    return result


@pytest.mark.parametrize("suffix", [".parquet", ".jsonl", ".csv"])
@pytest.mark.parametrize("chunk_rows", [2, 5000])
def test_streamed_store_equals_the_in_memory_store(tmp_path, suffix, chunk_rows):
    corpus = make_corpus(tmp_path / "corpus")
    sources = expand_sources([corpus, FIXTURES / "mixed"])
    expected = reference(sources, tmp_path / f"expected{suffix}")
    streamed = stream_into_store(sources, tmp_path / f"streamed{suffix}", chunk_rows=chunk_rows)

    assert streamed.documents == []  # nothing held in memory
    assert streamed.stored == len(expected.documents) > 30
    assert streamed.duplicates == expected.duplicates and len(streamed.duplicates) >= 7
    assert streamed.errors == expected.errors and streamed.renamed == expected.renamed
    assert (streamed.records_read, streamed.files, streamed.skipped) == (expected.records_read, expected.files, expected.skipped)
    if suffix != ".parquet" or chunk_rows == 5000:  # parquet row groups follow the chunk size
        assert (tmp_path / f"streamed{suffix}").read_bytes() == (tmp_path / f"expected{suffix}").read_bytes()
    pd.testing.assert_frame_equal(read_store(tmp_path / f"streamed{suffix}"), read_store(tmp_path / f"expected{suffix}"))
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no spool or temporary file left


def test_streamed_append_equals_the_in_memory_append(tmp_path):
    corpus = make_corpus(tmp_path / "corpus")
    first, second = expand_sources([corpus / "part0.jsonl", corpus / "part1.jsonl"]), expand_sources([corpus])
    store, expected_path = tmp_path / "store.jsonl", tmp_path / "expected.jsonl"
    stream_into_store(first, store, chunk_rows=3)
    expected = reference(second, expected_path, existing=store_records(store))
    result = stream_into_store(second, store, append=True, chunk_rows=3)
    assert result.existing == expected.existing > 0 and result.stored == len(expected.documents)
    assert result.duplicates == expected.duplicates
    assert store.read_bytes() == expected_path.read_bytes()


def test_cli_store_is_byte_identical_to_the_in_memory_store(tmp_path, capsys):
    corpus = make_corpus(tmp_path / "corpus")
    out = tmp_path / "store.parquet"
    assert main(["load", str(corpus), "-o", str(out), "--no-progress", "--jobs", "1"]) == 3  # a bad line, a .md file
    printed = capsys.readouterr().out
    expected = reference(expand_sources([corpus]), tmp_path / "expected.parquet")
    assert f"stored {len(expected.documents)} documents" in printed
    assert out.read_bytes() == (tmp_path / "expected.parquet").read_bytes()
    errors = pd.read_csv(tmp_path / "store.errors.csv")
    assert len(errors) == 2 and errors["reason"].str.startswith("skipped:").sum() == 1
