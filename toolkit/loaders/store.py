"""The document store: every loaded document in one table (toolkit.schema.DOCUMENT_FIELDS), plus its
errors table (file, line, reason, source) and duplicates table (see dedup.py).

`load_into_store` runs the loaders over sources, deduplicates, and accounts for every record read:
records read = documents stored + duplicates listed; records that could not be read are errors.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import pandas as pd

from toolkit.loaders import Source, load_source
from toolkit.loaders.base import LoadError
from toolkit.loaders.dedup import deduplicate
from toolkit.schema import (
    CHUNK_ROWS, DOCUMENT_FIELDS, TableWriter, documents_to_frame, iter_table, read_table, write_table,
)

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
    stored: int = 0  # documents in the store written (existing ones included)

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
    result.stored = len(result.documents)
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
    """deduplicate()'s rule and _unique_ids' renaming over a stream, holding keys only, for stores of any size.

    Call `add(record)` for every record in reading order (the first `keep_first` are an existing store
    and always kept), then `finish()`; `kept(i)` says whether record i is kept and `unique_id(i, id)` gives
    a kept record its id made unique (the second kept record with an id becomes id~2, the third id~3, ...;
    `renamed` lists them). The duplicates table needs ids and source refs of the records in groups of two
    or more: `needs_details(i)` says which, `note_details(i, record)` stores them on a second pass, and
    `duplicate_rows()` gives the table rows exactly as deduplicate() would.

    While streaming, a record costs 57 bytes in flat arrays (three 16-byte digests — case number, text
    hash, id — its text length and a flag byte), never a Python object; finish() groups equal digests by
    sorting (numpy), so memory is a few tens of MB per million records rather than dicts of keys.
    """

    _DIGEST = 16

    def __init__(self, keep_first: int = 0) -> None:
        from array import array

        self.keep_first = keep_first
        self._length = array("q")  # text length; -1 for no text
        self._flags = bytearray()  # bit 0: has a case number; bit 1: a text hash; bit 2: an id
        self._case = bytearray()
        self._sha = bytearray()
        self._id = bytearray()
        self._keep: bytearray | None = None
        self._groups: dict[int, list[int]] = {}
        self._member_of: dict[int, int] = {}
        self._details: dict[int, tuple[Any, ...]] = {}
        self._occurrence: dict[int, int] = {}
        self.renamed: list[tuple[str, str]] = []

    def __len__(self) -> int:
        return len(self._length)

    def add(self, record: dict[str, Any]) -> int:
        return self.add_keys(*dedup_keys(record))

    def add_keys(self, case_number: str | None, sha256: str | None, text_length: int, doc_id: Any = None) -> int:
        """add() from a record's dedup_keys (so a worker process can send keys instead of texts)."""
        return self.add_digested(*digested_keys(case_number, sha256, text_length, doc_id))

    def add_digested(self, flags: int, digests: bytes, text_length: int) -> int:
        """add() from digested_keys(), which a parse process computes so the reading process only appends bytes."""
        i = len(self._length)
        self._length.append(text_length)
        self._flags.append(flags)
        size = self._DIGEST
        self._case += digests[:size]
        self._sha += digests[size:2 * size]
        self._id += digests[2 * size:]
        return i

    def finish(self) -> None:
        import numpy as np

        n = len(self._length)
        flags = np.frombuffer(bytes(self._flags), dtype=np.uint8) if n else np.zeros(0, np.uint8)
        has_case = (flags & 1).astype(bool)
        has_sha = (flags & 2).astype(bool)
        parent: dict[int, int] = {}
        touched: set[int] = set()

        def find(i: int) -> int:
            root = i
            while parent.get(root, root) != root:
                root = parent[root]
            while parent.get(i, i) != root:
                parent[i], i = root, parent[i]
            return root

        for first, member in _equal_digest_pairs(self._case, has_case):
            parent[find(member)] = find(first)
            touched.update((first, member))
        for first, member in _equal_digest_pairs(self._sha, has_sha):
            # when both have case numbers, the numbers decide; the hash links only where one lacks one
            if not has_case[member] or not has_case[first]:
                parent[find(member)] = find(first)
                touched.update((first, member))
        groups: dict[int, list[int]] = {}
        for i in sorted(touched):
            groups.setdefault(find(i), []).append(i)
        self._keep = bytearray(b"\x01") * n
        self._groups = {}
        for members in groups.values():
            best = min(members, key=self._rank)
            for i in members:
                if i != best:
                    self._keep[i] = 0
            self._groups[best] = members
        self._member_of = {i: kept for kept, group in self._groups.items() for i in group}
        keep = np.frombuffer(bytes(self._keep), dtype=np.uint8).astype(bool) if n else np.zeros(0, bool)
        self._occurrence = {}
        for _, member, rank in _equal_digest_pairs(self._id, keep & (flags & 4).astype(bool), ranks=True):
            self._occurrence[member] = rank
        self._case = self._sha = self._id = bytearray()

    def _rank(self, i: int) -> tuple:
        length = self._length[i]
        return (i >= self.keep_first, length <= 0, -max(length, 0), i)

    def kept(self, i: int) -> bool:
        return bool(self._keep[i])

    def unique_id(self, i: int, doc_id: str) -> str:
        """A kept record's id, made unique: `id~k` for the k-th kept record (k >= 2) with that id."""
        k = self._occurrence.get(i)
        if k is None:
            return doc_id
        new_id = f"{doc_id}~{k}"
        self.renamed.append((doc_id, new_id))
        return new_id

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


_NO_DIGEST = bytes(StreamDeduplicator._DIGEST)


def _digest(key: str) -> bytes:
    import hashlib

    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=StreamDeduplicator._DIGEST).digest()


def _equal_digest_pairs(digests: bytearray, present: Any, ranks: bool = False) -> Iterator[tuple[int, ...]]:
    """(first, member) for every record whose digest equals an earlier present record's (first: the earliest);
    with `ranks`, (first, member, k) with k = 2, 3, ... the member's place among the records of that digest."""
    import numpy as np

    positions = np.flatnonzero(present)
    if len(positions) < 2:
        return
    table = np.frombuffer(digests, dtype=np.uint64).reshape(-1, 2)[positions]
    order = np.lexsort((positions, table[:, 1], table[:, 0]))  # by digest, then reading order
    table, positions = table[order], positions[order]
    same = (table[1:] == table[:-1]).all(axis=1)
    if not same.any():
        return
    starts = np.flatnonzero(np.concatenate(([True], ~same)))
    group_start = np.repeat(starts, np.diff(np.concatenate((starts, [len(positions)]))))
    for j in np.flatnonzero(np.concatenate(([False], same))):
        start = group_start[j]
        if ranks:
            yield int(positions[start]), int(positions[j]), int(j - start + 1)
        else:
            yield int(positions[start]), int(positions[j])


def dedup_keys(record: dict[str, Any]) -> tuple[str | None, str | None, int, Any]:
    """What StreamDeduplicator needs of a record: case number, text hash, text length (-1: no text), id."""
    text = record.get("text")
    return record.get("case_number"), record.get("sha256"), (len(text) if text else -1), record.get("id")


def digested_keys(case_number: str | None, sha256: str | None, text_length: int,
                  doc_id: Any = None) -> tuple[int, bytes, int]:
    """dedup_keys as StreamDeduplicator stores them: (flags, the three 16-byte digests joined, text length).
    Flags: bit 0 a case number (normalised, toolkit.loaders.dedup), bit 1 a text hash, bit 2 an id."""
    from toolkit.loaders.dedup import normalise_case_number

    case_key = normalise_case_number(case_number)
    flags = (case_key is not None) | (bool(sha256) << 1) | ((doc_id is not None) << 2)
    digests = ((_digest(case_key) if case_key is not None else _NO_DIGEST)
               + (_digest(str(sha256)) if sha256 else _NO_DIGEST)
               + (_digest(str(doc_id)) if doc_id is not None else _NO_DIGEST))
    return flags, digests, text_length


class StoreReadError(Exception):
    """The store being appended to cannot be read (it is left untouched)."""


SPOOL_ROWS = 500  # records per pickled spool chunk


@dataclass(frozen=True)
class _SpoolTask:
    index: int
    source: Source
    spool_dir: str
    options: dict[str, Any]
    chunk_rows: int


def _spool_source(task: _SpoolTask) -> tuple[int, list[LoadError]]:
    """Load one source into two spool files (records; their dedup keys); return (records, errors).

    Runs in a worker process with --jobs > 1; only the count and the error rows travel back.
    """
    import pickle

    docs_path, keys_path = _spool_paths(task.spool_dir, task.index)
    errors: list[LoadError] = []
    count = 0
    with open(docs_path, "wb") as docs, open(keys_path, "wb") as keys:
        chunk: list[dict[str, Any]] = []

        def flush() -> None:
            pickle.dump(chunk, docs, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump([dedup_keys(r) for r in chunk], keys, protocol=pickle.HIGHEST_PROTOCOL)
            chunk.clear()

        for item in load_source(task.source, **task.options):
            if isinstance(item, LoadError):
                errors.append(item)
                continue
            chunk.append(item)
            count += 1
            if len(chunk) >= task.chunk_rows:
                flush()
        if chunk:
            flush()
    return count, errors


def _spool_paths(spool_dir: str, index: int) -> tuple[Path, Path]:
    base = Path(spool_dir) / f"{index:06d}"
    return base.with_suffix(".docs.pickle"), base.with_suffix(".keys.pickle")


def _read_spool(path: Path) -> Iterable[list[Any]]:
    import pickle

    with open(path, "rb") as handle:
        while True:
            try:
                yield pickle.load(handle)
            except EOFError:
                return


def _existing_records(path: Path, chunk_rows: int) -> Iterable[list[dict[str, Any]]]:
    """The store appended to, chunk by chunk, as document records (nulls as None)."""
    for frame in iter_table(path, DOCUMENT_FIELDS, chunk_rows=chunk_rows):
        frame = frame.astype(object).where(frame.notna(), None)
        yield frame.to_dict(orient="records")


def stream_into_store(
    sources: list[Source],
    output: str | Path,
    append: bool = False,
    jobs: int = 1,
    chunk_rows: int = CHUNK_ROWS,
    on_source_done: Callable[[Source, int], None] | None = None,
    **options: Any,
) -> LoadResult:
    """load_into_store + write_store without holding the documents: memory stays flat as inputs grow.

    Pass 1 loads the sources (in `jobs` processes, results taken in source order) into spool files in a
    temporary folder beside `output`, while StreamDeduplicator records the dedup keys (keys only). Pass 2
    reads the store appended to (if any) and the spools in reading order and writes the kept documents,
    ids made unique, in chunks of `chunk_rows` to a temporary file renamed to `output` at the end. The
    output is the same as write_store(load_into_store(...).documents_frame()); the result's `documents`
    stays empty (`stored` counts them). Memory grows with error and duplicate rows only.
    """
    import shutil
    import tempfile

    from toolkit.parallel import OrderedPool

    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    result = LoadResult()
    dedup = StreamDeduplicator()
    if append and output.exists():
        try:
            for records in _existing_records(output, chunk_rows):
                for record in records:
                    dedup.add(record)
        except Exception as exc:  # a store that cannot be read must not be overwritten
            raise StoreReadError(f"cannot read the existing store {output}: {exc}") from None
        result.existing = len(dedup)
    dedup.keep_first = result.existing
    spool_dir = tempfile.mkdtemp(prefix=f".{output.name}.", suffix=".spool", dir=output.parent)
    try:
        tasks = (_SpoolTask(i, source, spool_dir, options, max(1, chunk_rows)) for i, source in enumerate(sources))
        with OrderedPool(min(jobs, max(1, len(sources)))) as pool:
            for i, (count, errors) in enumerate(pool.map(_spool_source, tasks)):
                source = sources[i]
                if source.fmt is None:
                    result.skipped.append(source)  # and, through load_source, one row in the errors table
                else:
                    result.files += 1
                result.errors.extend(errors)
                result.records_read += count
                for keys in _read_spool(_spool_paths(spool_dir, i)[1]):
                    for key in keys:
                        dedup.add_keys(*key)
                if on_source_done:
                    on_source_done(source, count)
        dedup.finish()
        def chunks() -> Iterable[list[dict[str, Any]]]:
            if result.existing:
                yield from _existing_records(output, chunk_rows)
            for i in range(len(sources)):
                yield from _read_spool(_spool_paths(spool_dir, i)[0])

        index = 0
        with TableWriter(output, DOCUMENT_FIELDS) as writer:
            batch: list[dict[str, Any]] = []
            for records in chunks():
                for record in records:
                    if dedup.needs_details(index):
                        dedup.note_details(index, record)
                    if dedup.kept(index):
                        record["id"] = dedup.unique_id(index, record["id"])
                        batch.append(record)
                        if len(batch) >= chunk_rows:
                            writer.write_records(batch)
                            batch = []
                    index += 1
            writer.write_records(batch)
        result.stored = writer.rows
    finally:
        shutil.rmtree(spool_dir, ignore_errors=True)
    result.duplicates = dedup.duplicate_rows()
    result.renamed = dedup.renamed
    if result.stored + len(result.duplicates) != result.records_read + result.existing:
        raise RuntimeError(f"load accounting: {result.stored} stored + {len(result.duplicates)} duplicates != "
                           f"{result.records_read} read + {result.existing} already in the store")
    return result
