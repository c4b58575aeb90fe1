"""The document store: every loaded document in one table (toolkit.schema.DOCUMENT_FIELDS), plus its
errors table (file, line, reason, source) and duplicates table (see dedup.py).

`load_into_store` runs the loaders over sources, deduplicates, and accounts for every record read:
records read = documents stored + duplicates listed; records that could not be read are errors.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import pandas as pd

from toolkit.loaders import Source, load_source
from toolkit.loaders.base import LoadError
from toolkit.loaders.dedup import deduplicate
from toolkit.schema import DOCUMENT_FIELDS, documents_to_frame, read_table, write_table

ERROR_COLUMNS = ("file", "line", "reason", "source")
DUPLICATE_COLUMNS = (
    "duplicate_id", "duplicate_source", "duplicate_source_ref",
    "kept_id", "kept_source_ref", "matched_on", "key", "same_text",
)


@dataclass
class LoadResult:
    documents: list[dict[str, Any]] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[Source] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (original id, new id) on id collisions
    files: int = 0
    records_read: int = 0
    existing: int = 0  # documents already in the store appended to

    def documents_frame(self) -> pd.DataFrame:
        return documents_to_frame(self.documents)

    def errors_frame(self) -> pd.DataFrame:
        return errors_to_frame(self.errors)

    def duplicates_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.duplicates, columns=list(DUPLICATE_COLUMNS))

    def error_kinds(self) -> Counter:
        return Counter(error_kind(e.reason) for e in self.errors)


def load_into_store(
    sources: Iterable[Source],
    on_source_done: Callable[[Source, int], None] | None = None,
    existing: list[dict[str, Any]] | None = None,
    **options: Any,
) -> LoadResult:
    """Load every source, collect errors, deduplicate; `on_source_done(source, n_records)` drives progress.

    `existing` documents (a store being appended to) come first and are always kept, ids unchanged;
    new records that duplicate them are listed as duplicates.
    """
    result = LoadResult()
    existing = existing or []
    records: list[dict[str, Any]] = list(existing)
    for source in sources:
        if source.fmt is None:
            result.skipped.append(source)  # and, through load_source, one row in the errors table
        else:
            result.files += 1
        count = 0
        for item in load_source(source, **options):
            if isinstance(item, LoadError):
                result.errors.append(item)
            else:
                records.append(item)
                count += 1
        result.records_read += count
        if on_source_done:
            on_source_done(source, count)
    kept, result.duplicates = deduplicate(records, keep_first=len(existing))
    result.documents, result.renamed = _unique_ids(kept)
    result.existing = len(existing)
    assert len(result.documents) + len(result.duplicates) == result.records_read + len(existing)
    return result


def _unique_ids(records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Different documents that share an id (two corpora numbering from 1) get ~2, ~3 ... suffixes."""
    seen: Counter = Counter()
    renamed = []
    out = []
    for record in records:
        seen[record["id"]] += 1
        if seen[record["id"]] > 1:
            new_id = f"{record['id']}~{seen[record['id']]}"
            renamed.append((record["id"], new_id))
            record = {**record, "id": new_id}
        out.append(record)
    return out, renamed


def errors_to_frame(errors: Iterable[LoadError]) -> pd.DataFrame:
    frame = pd.DataFrame([e.as_dict() for e in errors], columns=list(ERROR_COLUMNS))
    frame["line"] = frame["line"].astype("Int64")
    return frame


def error_kind(reason: str) -> str:
    """The leading words of an error reason ('invalid JSON (truncated line?)', 'empty file', ...)."""
    return reason.split(":")[0].split(" at ")[0].strip()


def write_store(frame: pd.DataFrame, path: str | Path) -> None:
    write_table(frame, path, DOCUMENT_FIELDS)


def read_store(path: str | Path) -> pd.DataFrame:
    return read_table(path, DOCUMENT_FIELDS)


def store_records(path: str | Path) -> list[dict[str, Any]]:
    """A written store back as document records (nulls as None), e.g. to append to it."""
    frame = read_store(path)
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.to_dict(orient="records")


def write_side_table(frame: pd.DataFrame, path: str | Path) -> None:
    """Errors or duplicates table, as .csv, .jsonl or .parquet by extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".jsonl":
        frame.to_json(path, orient="records", lines=True, force_ascii=False)
    elif suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        raise ValueError(f"{path}: unsupported extension {suffix!r} (use .csv, .jsonl or .parquet)")
