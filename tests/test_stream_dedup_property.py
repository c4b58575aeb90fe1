"""StreamDeduplicator (keys in flat arrays, grouped by sorting) decides exactly as deduplicate() + _unique_ids:
the same records kept, the same duplicates table, the same ids made unique — on random record sets with
shared case numbers (in different spellings), shared texts, missing keys, shared ids and an existing store."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.loaders.dedup import deduplicate
from toolkit.loaders.store import StreamDeduplicator, _unique_ids

CASE_NUMBERS = [None, "（2018）沪0101刑初1号", "(2018)沪0101刑初1号", "（2019）京0105刑初22号", "（2020）粤03刑终7号"]
TEXTS = [None, "", "甲", "乙乙", "丙丙丙"]


@st.composite
def record_sets(draw):
    n = draw(st.integers(0, 30))
    records = []
    for i in range(n):
        text = draw(st.sampled_from(TEXTS))
        records.append({
            "id": draw(st.sampled_from(["a", "b", "c", f"u{i}"])),
            "case_number": draw(st.sampled_from(CASE_NUMBERS)),
            "text": text,
            "sha256": hashlib.sha256(text.encode()).hexdigest() if text else None,
            "source": "s", "source_ref": f"ref{i}",
        })
    return records, draw(st.integers(0, n))


@settings(max_examples=300, deadline=None)
@given(record_sets())
def test_stream_dedup_decides_as_deduplicate(case):
    records, keep_first = case
    expected_kept, expected_duplicates = deduplicate([dict(r) for r in records], keep_first=keep_first)
    expected_documents, expected_renamed = _unique_ids(expected_kept)

    dedup = StreamDeduplicator(keep_first)
    for record in records:
        dedup.add(record)
    dedup.finish()
    documents = []
    for index, record in enumerate(records):
        if dedup.needs_details(index):
            dedup.note_details(index, record)
        if dedup.kept(index):
            documents.append({**record, "id": dedup.unique_id(index, record["id"])})
    assert [(d["source_ref"], d["id"]) for d in documents] == [(d["source_ref"], d["id"]) for d in expected_documents]
    assert dedup.duplicate_rows() == expected_duplicates
    assert dedup.duplicate_count == len(expected_duplicates)
    assert dedup.renamed == expected_renamed
