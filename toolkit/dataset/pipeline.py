"""`build_dataset`: inputs -> checkpointed parts (DIR/.partial) -> the data package in DIR.

Stage 1 streams every input once, in order, in chunks of `chunk_size` that the engine parses, one part per
chunk: a JSON Lines input whose loader reads byte ranges is cut into ranges that the parse processes read
themselves; any other input is read here and its documents are sent; per-defendant tables are cut at document
boundaries. Each chunk's dedup keys come back in reading order (keys only, toolkit.loaders.store.StreamDeduplicator).
A part is written to a temporary name and renamed, so a killed run leaves only whole parts; the next
run with the same inputs (fingerprint in .partial/run.json) skips the chunks whose parts exist.
Stage 2 reads the parts in order, drops duplicates (keeping the record dedup chose), makes ids unique,
applies the filter and writes documents.parquet / defendants.parquet in row groups; the count tables
are then read from defendants.parquet. Same inputs give byte-identical tables, whatever the engine.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from toolkit.dataset.columns import PACKAGE_DEFENDANT_FIELDS, PART_DEFENDANT_FIELDS, PART_DOC_INDEX, PART_DOCUMENT_FIELDS
from toolkit.dataset.sources import DEFENDANTS, LOADER, Input, file_provenance, iter_documents
from toolkit.dataset.storage import PartStore
from toolkit.loaders.base import LoadError
from toolkit.loaders.records import text_hashes_deferred
from toolkit.loaders.store import StreamDeduplicator, dedup_keys, digested_keys
from toolkit.schema import DEFENDANT_FIELDS, DOCUMENT_FIELDS, TableWriter, iter_table

PARTIAL = ".partial"
CHUNK_SIZE = 500
# parts live only while a run lasts and are read back once by the reading process, whose time nothing
# else shares: LZ4 decodes several times faster than zstd (the package's tables stay zstd)
PART_COMPRESSION = "lz4"


@dataclass(frozen=True)
class Filter:
    charges: tuple[str, ...] = ()
    since: str | None = None  # ISO date, inclusive
    until: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"charges": list(self.charges), "since": self.since, "until": self.until}

    def keeps(self, row: dict[str, Any]) -> bool:
        if self.charges and not set(row.get("charges") or ()) & set(self.charges):
            return False
        if self.since or self.until:
            date = row.get("judgment_date")
            if not date:
                return False
            if self.since and date < self.since or self.until and date > self.until:
                return False
        return True


@dataclass
class BuildResult:
    out_dir: Path
    inputs: list[dict[str, Any]] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    records_read: int = 0
    documents: int = 0
    defendants: int = 0
    filtered_out: int = 0
    table_rows: int = 0
    chunks: int = 0
    resumed_chunks: int = 0
    has_documents: bool = False


@dataclass(frozen=True)
class ChunkTask:
    number: int
    part_dir: str
    kind: str  # "documents" | "range" | "table"
    payload: Any  # [(index in chunk, document)], (Input, LineRange, loader options) or derived defendant rows
    errors: tuple = ()  # load errors met in reading order before this chunk (reported with its result, in order)


def part_names(number: int) -> tuple[str, str]:
    base = f"part-{number:06d}"
    return f"{base}.documents.parquet", f"{base}.defendants.parquet"


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Parse one chunk and write its parts (documents first, defendants last: the 'done' marker).

    A "range" task reads its documents itself (a byte range of a JSON Lines file, so that the texts never pass
    through the reading process) and writes its load errors and record count to a meta part before the others.
    Documents are numbered within the chunk; the caller adds the chunk's offset in reading order.
    Texts are hashed here (toolkit.loaders.records.fill_text_hash), in the parse process, not in the reading one.
    `task.part_dir` is a local folder or an fsspec URL (toolkit.dataset.storage.PartStore)."""
    from toolkit.dataset.parse_stage import parse_documents
    from toolkit.loaders.records import fill_text_hash

    parts = PartStore(task.part_dir)
    docs_name, defendants_name = part_names(task.number)
    keys: list[tuple] = []
    errors: list[LoadError] = []
    read = 0
    if task.kind in ("documents", "range"):
        payload = task.payload
        if task.kind == "range":
            unit, byte_range, options = task.payload
            payload = []
            with text_hashes_deferred():
                for item in iter_documents(unit, byte_range=byte_range, **options):
                    if isinstance(item, LoadError):
                        errors.append(item)
                    else:
                        payload.append((len(payload), item))
            read = len(payload)
            with parts.writing(meta_name(task.number)) as path:
                Path(path).write_text(json.dumps({"records_read": read, "errors": [e.as_dict() for e in errors]},
                                                 ensure_ascii=False), encoding="utf-8")
        for _, doc in payload:
            fill_text_hash(doc)
        keys = [digested_keys(*dedup_keys(doc)) for _, doc in payload]
        rows = parse_documents(payload)
        with parts.writing(docs_name) as path, TableWriter(path, PART_DOCUMENT_FIELDS, PART_COMPRESSION) as writer:
            writer.write_records([{**doc, "_doc_index": index} for index, doc in payload])
    else:
        rows = task.payload
    with parts.writing(defendants_name) as path, TableWriter(path, PART_DEFENDANT_FIELDS, PART_COMPRESSION) as writer:
        writer.write_records(rows)
    return ChunkResult(len(rows), keys, [*task.errors, *errors], read)


@dataclass
class ChunkResult:
    defendant_rows: int
    keys: list[tuple]  # digested dedup keys of the chunk's documents, in order
    errors: list[LoadError] = field(default_factory=list)  # "range" tasks: load errors of their lines
    records_read: int = 0  # "range" tasks: documents read


def meta_name(number: int) -> str:
    return f"part-{number:06d}.meta.json"


def fingerprint(inputs: list[dict[str, Any]], options: dict[str, Any]) -> str:
    from toolkit.dataset.descriptor import parser_version

    blob = json.dumps({"inputs": inputs, "options": options, "parser": parser_version()}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def build_dataset(
    units: list[Input], out_dir: Path, engine: Any, filter: Filter = Filter(), chunk_size: int = CHUNK_SIZE,
    loader_options: dict[str, Any] | None = None, progress: Callable[[int], None] | None = None,
    part_location: str | None = None, pseudonymiser: Any = None, read_ranges: bool = True,
) -> BuildResult:
    """Build the package's tables in `out_dir` (local); the parts go to `part_location` (a local folder or
    an fsspec URL the engine's workers can reach; default `out_dir`/.partial). With a `pseudonymiser`
    (toolkit.pseudonymise.Pseudonymiser) both tables are pseudonymised as they are assembled; the parts,
    which stay in .partial only while the run lasts, are not."""
    out_dir.mkdir(parents=True, exist_ok=True)
    result = BuildResult(out_dir)
    for unit in units:
        if unit.kind == "side":
            result.skipped.append({"path": unit.shown(str(unit.path)), "reason": unit.note})
        else:
            result.inputs.extend(file_provenance(unit))
    parts = PartStore(part_location or out_dir / PARTIAL)
    part_dir = parts.location
    options = {"chunk_size": chunk_size, "loader_options": {k: str(v) for k, v in (loader_options or {}).items()},
               "parts": "line-ranges" if read_ranges else "documents"}
    stamp = fingerprint(result.inputs, options)
    if parts.exists():
        try:
            same = json.loads(parts.read_text("run.json"))["fingerprint"] == stamp
        except (OSError, ValueError, KeyError):
            same = False
        if not same:
            parts.clear()
    parts.makedirs()
    parts.write_text("run.json", json.dumps({"fingerprint": stamp}))

    dedup = StreamDeduplicator()
    counter = {"next": 0}

    pending: list[LoadError] = []  # errors read since the last task, sent along with the next one

    def attach(task: ChunkTask) -> ChunkTask:
        if pending:
            task = dataclasses.replace(task, errors=tuple(pending))
            pending.clear()
        return task

    def tasks() -> Iterator[ChunkTask]:
        for unit in units:
            if unit.kind == "side":
                continue
            if unit.kind == DEFENDANTS:
                for task in _table_tasks(unit, part_dir, counter, pending):
                    yield attach(task)
                continue
            ranges = _line_ranges(unit, chunk_size) if read_ranges else None
            if ranges is not None:
                try:
                    for byte_range in ranges:
                        result.has_documents = True
                        yield attach(ChunkTask(_next_number(counter), str(part_dir), "range",
                                               (unit, byte_range, loader_options or {})))
                except OSError as exc:  # the file went away or became unreadable while it was being cut
                    pending.append(LoadError(unit.shown(str(unit.path)), None,
                                             f"cannot read the rest of the file: {exc.strerror or exc}", unit.source.fmt))
                continue
            chunk: list[tuple[int, dict[str, Any]]] = []
            for item in iter_documents(unit, **(loader_options or {})):
                if isinstance(item, LoadError):
                    pending.append(item)
                    continue
                result.records_read += 1
                chunk.append((len(chunk), item))
                if len(chunk) >= chunk_size:
                    yield attach(_document_task(chunk, part_dir, counter, result))
                    chunk = []
            if chunk:
                yield attach(_document_task(chunk, part_dir, counter, result))

    offsets: list[int] = []  # per chunk, the reading-order number of its first document
    with text_hashes_deferred():
        for outcome in engine.map(_run_or_skip, tasks()):
            offsets.append(len(dedup))
            for key in outcome.keys:  # results come in task order, so keys are added in reading order
                dedup.add_digested(*key)
            result.errors.extend(outcome.errors)
            result.records_read += outcome.records_read
            if progress:
                progress(outcome.defendant_rows)
    result.errors.extend(pending)  # read after the last chunk
    if len(dedup) != result.records_read:
        raise RuntimeError(f"dataset accounting: {len(dedup)} dedup keys for {result.records_read} documents read")
    result.chunks = counter["next"]
    dedup.finish()
    _assemble(result, parts, dedup, filter, pseudonymiser, offsets)
    return result


def _next_number(counter: dict) -> int:
    number = counter["next"]
    counter["next"] += 1
    return number


def _line_ranges(unit: Input, chunk_size: int) -> Iterator[Any] | None:
    """Byte ranges of a JSON Lines input whose loader reads ranges (toolkit.loaders.jsonlines.iter_json_line_ranges),
    given as they are cut so that parsing starts at once; else None: the input is then read here and its
    documents sent to the parse processes."""
    import inspect

    from toolkit.loaders import loader_module
    from toolkit.loaders.jsonlines import iter_json_line_ranges

    source = unit.source
    if unit.kind != LOADER or unit.origin is not None or source is None or source.fmt is None or not unit.path.is_file():
        return None
    module = loader_module(source.fmt)
    if module is None or "byte_range" not in inspect.signature(module.load).parameters:
        return None
    try:
        return iter_json_line_ranges(unit.path, chunk_size)
    except OSError:
        return None


def _document_task(chunk, part_dir, counter, result) -> ChunkTask:
    result.has_documents = True
    return ChunkTask(_next_number(counter), str(part_dir), "documents", chunk)


def _run_or_skip(task: ChunkTask) -> ChunkResult:
    parts = PartStore(task.part_dir)
    docs_name, defendants_name = part_names(task.number)
    if not parts.exists(defendants_name):
        return run_chunk(task)
    if task.kind == "table":
        return ChunkResult(0, [], list(task.errors))
    # a part written by an earlier run: its documents' keys (and, for a range, its errors), as run_chunk returned them
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    with parts.reading(docs_name) as path:
        table = pq.read_table(path, columns=["id", "case_number", "sha256", "text", PART_DOC_INDEX.name])
    lengths = pc.fill_null(pc.utf8_length(table.column("text")), -1).to_pylist()
    by_index = dict(zip(table.column(PART_DOC_INDEX.name).to_pylist(), zip(
        table.column("case_number").to_pylist(), table.column("sha256").to_pylist(),
        [length if length > 0 else -1 for length in lengths], table.column("id").to_pylist())))
    if task.kind == "documents":
        return ChunkResult(0, [digested_keys(*by_index[index]) for index, _ in task.payload], list(task.errors))
    meta = json.loads(parts.read_text(meta_name(task.number)))
    errors = [*task.errors, *(LoadError(**error) for error in meta["errors"])]
    return ChunkResult(0, [digested_keys(*by_index[index]) for index in range(meta["records_read"])], errors,
                       meta["records_read"])


def _table_tasks(unit: Input, part_dir: Path, counter: dict, errors: list[LoadError]) -> Iterator[ChunkTask]:
    """A per-defendant table in chunks cut at doc_id changes, derived columns added (parsing skipped)."""
    import pandas as pd

    from toolkit.analysis.table import as_defendant_table
    from toolkit.dataset.parse_stage import derive_table_rows

    carry = None
    try:
        # lists are decoded by as_defendant_table (JSON lists or "a | b" cells, as researchers' tables have)
        scalar_fields = tuple(f for f in DEFENDANT_FIELDS if f.kind not in ("list", "object"))
        for frame in iter_table(unit.path, scalar_fields):
            if carry is not None:
                frame = pd.concat([carry, frame], ignore_index=True)
            last = frame["doc_id"].iloc[-1]
            cut = len(frame) - int((frame["doc_id"].to_numpy() == last)[::-1].cumprod().sum())
            carry, frame = frame.iloc[cut:], frame.iloc[:cut]
            if len(frame):
                yield _table_task(derive_table_rows(as_defendant_table(frame.reset_index(drop=True)), unit.path.name),
                                  part_dir, counter)
        if carry is not None and len(carry):
            yield _table_task(derive_table_rows(as_defendant_table(carry.reset_index(drop=True)), unit.path.name),
                              part_dir, counter)
    except Exception as exc:  # noqa: BLE001 - a bad table is an error row naming the file, never a traceback
        errors.append(LoadError(unit.shown(str(unit.path)), None, f"cannot read per-defendant table: {exc}", "defendants"))


def _table_task(rows: list[dict[str, Any]], part_dir: Path, counter: dict) -> ChunkTask:
    number = counter["next"]
    counter["next"] += 1
    return ChunkTask(number, str(part_dir), "table", rows)


class _Assembly:
    """Stage 2 writing the package's two tables, one chunk at a time in reading order (`add_chunk`); `close()`
    publishes them, `abort()` removes them."""

    def __init__(self, result: BuildResult, parts: PartStore, filter: Filter, pseudonymiser: Any = None) -> None:
        out = result.out_dir
        self.result, self.parts, self.filter, self.pseudonymiser = result, parts, filter, pseudonymiser
        # both tables compress their row groups in background threads while the next parts are read
        self.documents_writer = (TableWriter(out / "documents.parquet", DOCUMENT_FIELDS, background=True)
                                 if result.has_documents else None)
        self.defendants_writer = TableWriter(out / "defendants.parquet", PACKAGE_DEFENDANT_FIELDS, background=True)

    def close(self) -> None:
        try:
            self.defendants_writer.close()
        finally:
            if self.documents_writer is not None:
                self.documents_writer.close()

    def abort(self) -> None:
        for writer in (self.defendants_writer, self.documents_writer):
            if writer is not None:
                writer.abort()

    def add_chunk(self, number: int, offset: int, dedup: Any) -> None:
        """Chunk `number`'s kept documents and rows. A part numbers its documents within the chunk; `offset` turns
        those numbers into reading-order ones (the StreamDeduplicator's, which `dedup` answers for)."""
        result, parts, filter, pseudonymiser = self.result, self.parts, self.filter, self.pseudonymiser
        docs_name, defendants_name = part_names(number)
        new_ids: dict[int, str] = {}
        documents: list[tuple[int, dict[str, Any]]] = []
        arrow_docs = None  # without pseudonymising, documents are copied as Arrow columns (texts never decoded)
        with parts.reading(docs_name) as docs_path:
            if docs_path is not None and pseudonymiser is None:
                arrow_docs = _kept_documents_arrow(docs_path, dedup, new_ids, offset)
            for frame in iter_table(docs_path, PART_DOCUMENT_FIELDS) if docs_path is not None and arrow_docs is None else ():
                frame = frame.astype(object).where(frame.notna(), None)
                for doc in frame.to_dict(orient="records"):
                    index = int(doc.pop("_doc_index")) + offset
                    if dedup.needs_details(index):
                        dedup.note_details(index, doc)
                    if dedup.kept(index):
                        doc["id"] = new_ids[index] = dedup.unique_id(index, doc["id"])
                        documents.append((index, doc))
        kept_docs: set[int] = set()
        rows = []
        arrow_rows = None
        with parts.reading(defendants_name) as defendants_path:
            if defendants_path is None:
                raise FileNotFoundError(f"{parts.location}: part {defendants_name} is missing")
            if pseudonymiser is None:
                arrow_rows, kept_docs = _kept_defendants_arrow(defendants_path, new_ids, filter, result, offset)
                frames = []
            else:
                frames = list(iter_table(defendants_path, PART_DEFENDANT_FIELDS))  # one chunk's rows
        for frame in frames:
            frame = frame.astype(object).where(frame.notna(), None)
            for row in frame.to_dict(orient="records"):
                index = int(row.pop("_doc_index"))
                if index >= 0:
                    index += offset
                    if index not in new_ids:
                        continue  # a duplicate document's defendants
                    row["doc_id"] = new_ids[index]
                else:
                    result.table_rows += 1
                if not filter.keeps(row):
                    result.filtered_out += 1
                    continue
                kept_docs.add(index)
                rows.append((index, row))
        kept = [(index, doc) for index, doc in documents if index in kept_docs]
        if pseudonymiser is not None:
            rows, kept = pseudonymise_chunk(pseudonymiser, rows, kept)
        if arrow_rows is not None:
            self.defendants_writer.write_arrow(arrow_rows)
            result.defendants += arrow_rows.num_rows
        else:
            self.defendants_writer.write_records([row for _, row in rows])
            result.defendants += len(rows)
        if self.documents_writer is None:
            return
        if arrow_docs is not None:
            import pyarrow as pa

            table, indices = arrow_docs
            positions = [j for j, index in enumerate(indices) if index in kept_docs]
            self.documents_writer.write_arrow(table.take(pa.array(positions, pa.int64())))
            result.documents += len(positions)
        else:
            self.documents_writer.write_records([doc for _, doc in kept])
            result.documents += len(kept)


def _assemble(result: BuildResult, parts: PartStore, dedup: StreamDeduplicator, filter: Filter,
              pseudonymiser: Any = None, offsets: list[int] | None = None) -> None:
    """Stage 2 once every key is in: `offsets[n]` is chunk n's first reading-order number."""
    assembly = _Assembly(result, parts, filter, pseudonymiser)
    try:
        for number in range(result.chunks):
            assembly.add_chunk(number, offsets[number] if offsets else 0, dedup)
    except BaseException:
        assembly.abort()
        raise
    assembly.close()
    result.duplicates = dedup.duplicate_rows()
    result.renamed = dedup.renamed


_DETAIL_COLUMNS = ("id", "source", "source_ref", "case_number", "sha256")


def _kept_documents_arrow(docs_path: Path, dedup: StreamDeduplicator,
                          new_ids: dict[int, str], offset: int = 0) -> tuple[Any, list[int]]:
    """One documents part as an Arrow table of the documents dedup keeps (ids made unique) and their indices.

    Only the small columns are turned into Python objects; the texts stay in Arrow buffers.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(docs_path)
    indices = [offset + index for index in table.column("_doc_index").to_pylist()]
    detailed = [j for j, index in enumerate(indices) if dedup.needs_details(index)]
    if detailed:
        for j, record in zip(detailed, table.select(list(_DETAIL_COLUMNS)).take(pa.array(detailed, pa.int64())).to_pylist()):
            dedup.note_details(indices[j], record)
    ids = table.column("id").to_pylist()
    keep = [j for j, index in enumerate(indices) if dedup.kept(index)]
    for j in keep:
        new_ids[indices[j]] = dedup.unique_id(indices[j], ids[j])
    kept = table.take(pa.array(keep, pa.int64()))
    kept = kept.set_column(kept.schema.get_field_index("id"), "id",
                           pa.array([new_ids[indices[j]] for j in keep], type=table.schema.field("id").type))
    return kept, [indices[j] for j in keep]


def _kept_defendants_arrow(path: Path, new_ids: dict[int, str], filter: Filter,
                           result: BuildResult, offset: int = 0) -> tuple[Any, set[int]]:
    """One defendants part as an Arrow table of the rows kept (their document kept, the filter passed), doc ids
    renamed as their documents were, and the indices of the documents they keep. Spans, notes and the other
    JSON cells are copied as they are, never decoded."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    indices = [index + offset if index >= 0 else index for index in table.column(PART_DOC_INDEX.name).to_pylist()]
    doc_ids = table.column("doc_id").to_pylist()
    charges = table.column("charges").to_pylist() if filter.charges else None
    dates = table.column("judgment_date").to_pylist() if (filter.since or filter.until) else None
    filtering = charges is not None or dates is not None
    positions: list[int] = []
    kept_ids: list[str | None] = []
    kept_docs: set[int] = set()
    for j, index in enumerate(indices):
        if index >= 0:
            if index not in new_ids:
                continue  # a duplicate document's defendants
            doc_id = new_ids[index]
        else:
            result.table_rows += 1
            doc_id = doc_ids[j]
        if filtering:
            row = {"charges": json.loads(charges[j]) if charges and charges[j] else None,
                   "judgment_date": dates[j] if dates else None}
            if not filter.keeps(row):
                result.filtered_out += 1
                continue
        positions.append(j)
        kept_ids.append(doc_id)
        kept_docs.add(index)
    kept = table.take(pa.array(positions, pa.int64()))
    kept = kept.set_column(kept.schema.get_field_index("doc_id"), "doc_id",
                           pa.array(kept_ids, type=table.schema.field("doc_id").type))
    return kept, kept_docs


def pseudonymise_chunk(
    pseudonymiser: Any, rows: list[tuple[int, dict[str, Any]]], documents: list[tuple[int, dict[str, Any]]],
) -> tuple[list[tuple[int, dict[str, Any]]], list[tuple[int, dict[str, Any]]]]:
    """One chunk's (doc index, row) defendant rows and (doc index, document) documents pseudonymised as
    `judgstat parse --pseudonymise` does (toolkit.pseudonymise.pseudonymise_tables, one document at a
    time: names -> keyed pseudonyms, ID/phone/bank numbers and addresses masked, spans remapped into the
    masked text); the document's title and source metadata are masked with its defendants' names too.
    Rows of an input per-defendant table (index -1) have no text: each is pseudonymised with the names of
    its co-defendants (rows of the same doc_id in the chunk; a table is cut into chunks at doc_id changes)."""
    from toolkit.pseudonymise import pseudonymise_tables

    by_index: dict[int, list[dict[str, Any]]] = {}
    for index, row in rows:
        by_index.setdefault(index, []).append(row)
    out_documents = []
    done: dict[int, list[dict[str, Any]]] = {}
    for index, document in documents:
        group = by_index.get(index, [])
        names = [r["defendant"] for r in group if r.get("defendant")]
        done[index], (masked,) = pseudonymise_tables(group, [document], pseudonymiser)
        masked["title"] = pseudonymiser.mask_string(masked["title"], names) if masked.get("title") else masked.get("title")
        masked["metadata"] = _mask_values(pseudonymiser, masked.get("metadata"), names)
        out_documents.append((index, masked))
    # table rows: co-defendants (rows of one doc_id) are masked with each other's names
    table_names: dict[Any, set[str]] = {}
    for index, row in rows:
        if index not in done and row.get("defendant"):
            table_names.setdefault(row.get("doc_id"), set()).add(row["defendant"])
    out_rows = []
    taken: dict[int, int] = {}
    for index, row in rows:
        if index in done:
            position = taken.get(index, 0)
            taken[index] = position + 1
            out_rows.append((index, done[index][position]))
        else:
            out_rows.append((index, pseudonymiser.record(row, None, table_names.get(row.get("doc_id"), ()))))
    return out_rows, out_documents


def _mask_values(pseudonymiser: Any, value: Any, names: list[str]) -> Any:
    if isinstance(value, str):
        return pseudonymiser.mask_string(value, names)
    if isinstance(value, dict):
        return {k: _mask_values(pseudonymiser, v, names) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_mask_values(pseudonymiser, v, names) for v in value]
    return value


def remove_partial(out_dir: Path, part_location: str | None = None) -> None:
    PartStore(part_location or out_dir / PARTIAL).clear()
