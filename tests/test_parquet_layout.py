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


def _documents(chunk: int, rows: int = 700) -> list[dict]:
    return [{"id": f"c{chunk}-{i}", "text": f"第{chunk}批第{i}份判决书。" * 400, "source": "judge"} for i in range(rows)]


def test_background_writing_gives_the_same_bytes_and_no_text_dictionary(tmp_path, monkeypatch):
    """Row groups compressed in a thread (background=True) make the same file, row groups in order; the text column
    carries no dictionary page (nearly every text is new), the short columns keep theirs."""
    import toolkit.schema as schema
    from toolkit.schema import DOCUMENT_FIELDS

    monkeypatch.setattr(schema, "ROW_GROUP_ROWS", 1000)  # several row groups in flight one after another
    paths = {}
    for background in (False, True):
        paths[background] = tmp_path / f"documents-{background}.parquet"
        with TableWriter(paths[background], DOCUMENT_FIELDS, background=background) as writer:
            for chunk in range(6):
                writer.write_records(_documents(chunk))
    assert paths[False].read_bytes() == paths[True].read_bytes()
    metadata = pq.ParquetFile(paths[True]).metadata
    assert metadata.num_row_groups == 3  # 1,400 rows each: a group closes at the first write past 1,000 rows
    names = [metadata.schema.column(i).name for i in range(metadata.num_columns)]
    group = metadata.row_group(0)
    assert not group.column(names.index("text")).has_dictionary_page
    assert group.column(names.index("source")).has_dictionary_page
    assert pd.read_parquet(paths[True])["id"].tolist() == [f"c{c}-{i}" for c in range(6) for i in range(700)]


def test_a_failing_background_write_is_raised_and_leaves_no_file(tmp_path, monkeypatch):
    import pyarrow.parquet as pq_module

    from toolkit.schema import DOCUMENT_FIELDS

    def broken(self, table, row_group_size=None):
        raise OSError("disk full")

    path = tmp_path / "documents.parquet"
    monkeypatch.setattr(pq_module.ParquetWriter, "write_table", broken)
    raised = None
    try:
        with TableWriter(path, DOCUMENT_FIELDS, background=True) as writer:
            writer.write_records(_documents(0))
    except OSError as exc:
        raised = exc
    assert raised is not None and "disk full" in str(raised)
    assert not path.exists() and not list(tmp_path.glob(".*.tmp"))
