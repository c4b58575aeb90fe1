"""The loaders on the workplace corpora in ../shared/data (skipped when absent)."""

from __future__ import annotations

from collections import Counter

import pytest

from toolkit.loaders import cail2018, detect_format, judge_jsonl
from toolkit.loaders.base import LoadError

pytestmark = pytest.mark.shared


def test_cail2018_sample_both_encodings(shared_data):
    folder = shared_data / "cail2018-sample"
    counts = {}
    for name, encoding, rows in (("data_test.json", "utf-8", 1397), ("data_train.gb18030.json", "gb18030", 3675)):
        path = folder / name
        assert detect_format(path) == "cail2018"
        items = list(cail2018.load(path))
        assert not [i for i in items if isinstance(i, LoadError)]
        assert len(items) == rows
        assert Counter(d["encoding"] for d in items) == {encoding: rows}
        counts[name] = items
    # the GB18030 file decodes to real Chinese: its charges are names from accu.txt
    # (labels write alternatives in brackets, 走私、贩卖... as [走私、贩卖...]; accu.txt does not)
    charges = {c.strip() for c in (folder / "accu.txt").read_text(encoding="utf-8").splitlines()}
    labelled = [
        c.replace("[", "").replace("]", "")
        for d in counts["data_train.gb18030.json"]
        for c in d["metadata"]["meta"]["accusation"]
    ]
    assert labelled and all(c in charges for c in labelled)


def test_judge_corpus(shared_data):
    path = shared_data / "judge" / "judgments.jsonl"
    assert detect_format(path) == "judge_jsonl"
    docs = list(judge_jsonl.load(path))
    assert len(docs) == 314 and not [d for d in docs if isinstance(d, LoadError)]
    assert sum(d["case_number"] is not None for d in docs) == 314
    assert sum(d["court"] is not None for d in docs) >= 300


def test_whole_shared_folder(shared_data):
    from toolkit.loaders import expand_sources
    from toolkit.loaders.store import load_into_store

    result = load_into_store(expand_sources([shared_data / "cail2018-sample", shared_data / "judge"]))
    assert result.records_read == 1397 + 3675 + 314
    # the files no loader reads (READMEs, licence, charge list, labels) are in the errors table as skipped
    assert {e.reason.split(":")[0] for e in result.errors} == {"skipped"} and len(result.errors) == 5
    # CAIL repeats some fact descriptions verbatim; each repeat is listed, none dropped silently
    assert len(result.duplicates) == 7 and {d["matched_on"] for d in result.duplicates} == {"sha256"}
    assert len(result.documents) == result.records_read - 7
    assert sorted(s.path.name for s in result.skipped) == ["LICENSE", "README.md", "README.md", "accu.txt", "labels.jsonl"]
