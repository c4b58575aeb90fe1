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


class StreamDeduplicator:
    """deduplicate()'s rule over a stream, holding keys only (never texts), for stores of any size.

    Call `add(record)` for every record in reading order (the first `keep_first` are an existing store
    and always kept), then `finish()`; `kept(i)` says whether record i is kept. The duplicates table
    needs ids and source refs of the records in groups of two or more: `needs_details(i)` says which,
    `note_details(i, record)` stores them on a second pass, and `duplicate_rows()` gives the table rows
    exactly as deduplicate() would. Memory per record: a few bytes plus a 16-byte hash per distinct key.
    """

    def __init__(self, keep_first: int = 0) -> None:
        from array import array

        self.keep_first = keep_first
        self._parent = array("q")
        self._length = array("q")  # text length; -1 for no text
        self._has_case = bytearray()
        self._by_case: dict[bytes, int] = {}
        self._by_hash: dict[bytes, int] = {}
        self._keep: bytearray | None = None
        self._groups: dict[int, list[int]] = {}
        self._details: dict[int, tuple[Any, ...]] = {}

    def __len__(self) -> int:
        return len(self._parent)

    def _find(self, i: int) -> int:
        parent = self._parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def _union(self, i: int, j: int) -> None:
        self._parent[self._find(j)] = self._find(i)

    def add(self, record: dict[str, Any]) -> int:
        import hashlib

        from toolkit.loaders.dedup import normalise_case_number

        i = len(self._parent)
        self._parent.append(i)
        text = record.get("text")
        self._length.append(len(text) if text else -1)
        case_key = normalise_case_number(record.get("case_number"))
        self._has_case.append(case_key is not None)
        if case_key is not None:
            digest = hashlib.blake2b(case_key.encode("utf-8", "surrogatepass"), digest_size=16).digest()
            first = self._by_case.setdefault(digest, i)
            if first != i:
                self._union(first, i)
        sha = record.get("sha256")
        if sha:
            digest = hashlib.blake2b(str(sha).encode("utf-8", "surrogatepass"), digest_size=16).digest()
            first = self._by_hash.setdefault(digest, i)
            # when both have case numbers, the numbers decide; the hash links only where one lacks one
            if first != i and (not self._has_case[i] or not self._has_case[first]):
                self._union(first, i)
        return i

    def finish(self) -> None:
        n = len(self._parent)
        merged = {self._find(i) for i in range(n) if self._parent[i] != i}
        groups: dict[int, list[int]] = {}
        for i in range(n):
            root = self._find(i)
            if root in merged:
                groups.setdefault(root, []).append(i)
        self._keep = bytearray(b"\x01") * n
        self._groups = {}
        for members in groups.values():
            best = min(members, key=self._rank)
            for i in members:
                if i != best:
                    self._keep[i] = 0
            self._groups[best] = members
        self._member_of = {i: kept for kept, group in self._groups.items() for i in group}
        self._by_case.clear()
        self._by_hash.clear()

    def _rank(self, i: int) -> tuple:
        length = self._length[i]
        return (i >= self.keep_first, length <= 0, -max(length, 0), i)

    def kept(self, i: int) -> bool:
        return bool(self._keep[i])

    @property
    def duplicate_count(self) -> int:
        return sum(len(group) - 1 for group in self._groups.values())

    def needs_details(self, i: int) -> bool:
        return i in self._member_of

    def note_details(self, i: int, record: dict[str, Any]) -> None:
        from toolkit.loaders.dedup import normalise_case_number

        self._details[i] = (
            record["id"], record.get("source"), record.get("source_ref"),
            normalise_case_number(record.get("case_number")), record.get("sha256"),
        )

    def duplicate_rows(self) -> list[dict[str, Any]]:
        """Rows of the duplicates table (DUPLICATE_COLUMNS), grouped by kept record, in reading order."""
        rows = []
        for kept_index in sorted(self._groups, key=lambda k: self._groups[k][0]):
            kept = self._details[kept_index]
            for i in self._groups[kept_index]:
                if i == kept_index:
                    continue
                dup = self._details[i]
                same_case = dup[3] is not None and dup[3] == kept[3]
                rows.append({
                    "duplicate_id": dup[0], "duplicate_source": dup[1], "duplicate_source_ref": dup[2],
                    "kept_id": kept[0], "kept_source_ref": kept[2],
                    "matched_on": "case_number" if same_case else "sha256",
                    "key": dup[3] if same_case else dup[4],
                    "same_text": bool(dup[4]) and dup[4] == kept[4],
                })
        return rows


class UniqueIds:
    """_unique_ids over a stream: the second document with an id becomes id~2, the third id~3, ..."""

    def __init__(self) -> None:
        self._seen: Counter = Counter()
        self.renamed: list[tuple[str, str]] = []

    def __call__(self, doc_id: str) -> str:
        self._seen[doc_id] += 1
        if self._seen[doc_id] == 1:
            return doc_id
        new_id = f"{doc_id}~{self._seen[doc_id]}"
        self.renamed.append((doc_id, new_id))
        return new_id
