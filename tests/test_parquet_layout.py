"""Parquet tables stay cheap to open however many chunks wrote them, and documents are told apart exactly."""

import pandas as pd
import pyarrow.parquet as pq

from toolkit.dataset.counts import document_ordinals, first_rows_of_documents
from toolkit.schema import ROW_GROUP_ROWS, TableWriter


def test_small_writes_are_gathered_into_few_row_groups_without_text_statistics(tmp_path):
    path = tmp_path / "defendants.parquet"
    with TableWriter(path) as writer:
        for chunk in range(60):
            writer.write_records([{"doc_id": f"d{chunk}-{i}", "defendant": "张某", "term_months": 12} for i in range(500)])
    metadata = pq.ParquetFile(path).metadata
    assert metadata.num_rows == 30000
    assert metadata.num_row_groups == -(-30000 // ROW_GROUP_ROWS)  # e.g. 20,000 + 10,000 rows, not one group per write
    names = [metadata.schema.column(i).name for i in range(metadata.num_columns)]
    group = metadata.row_group(0)
    stats = {names[i]: group.column(i).is_stats_set for i in range(metadata.num_columns)}
    assert stats["term_months"] and not stats["doc_id"] and not stats["defendant"]
    assert pd.read_parquet(path)["doc_id"].tolist() == [f"d{c}-{i}" for c in range(60) for i in range(500)]


def test_document_ordinals_group_rows_of_one_document_wherever_they_are(tmp_path):
    path = tmp_path / "defendants.parquet"
    ids = ["a", "b", "a", None, "c", None, "", "b"]
    with TableWriter(path) as writer:
        writer.write_records([{"doc_id": doc_id, "defendant": str(i)} for i, doc_id in enumerate(ids)])
    ordinals = document_ordinals(path)
    same = {(i, j) for i in range(len(ids)) for j in range(len(ids)) if ordinals[i] == ordinals[j]}
    expected = {(i, j) for i in range(len(ids)) for j in range(len(ids)) if ids[i] == ids[j]}
    assert same == expected  # None rows are one document, "" another
    assert first_rows_of_documents(ordinals).sum() == pd.DataFrame({"d": ids}).drop_duplicates("d").shape[0] == 5
