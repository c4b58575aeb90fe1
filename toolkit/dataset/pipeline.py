"""`build_dataset`: inputs -> checkpointed parts (DIR/.partial) -> the data package in DIR.

Stage 1 streams every input once, in order: documents get their dedup keys recorded (keys only,
toolkit.loaders.store.StreamDeduplicator) and go, in chunks of `chunk_size`, to the engine, which parses
them and writes one part per chunk; per-defendant tables are cut into chunks at document boundaries.
A part is written to a temporary name and renamed, so a killed run leaves only whole parts; the next
run with the same inputs (fingerprint in .partial/run.json) skips the chunks whose parts exist.
Stage 2 reads the parts in order, drops duplicates (keeping the record dedup chose), makes ids unique,
applies the filter and writes documents.parquet / defendants.parquet in row groups; the count tables
are then read from defendants.parquet. Same inputs give byte-identical tables, whatever the engine.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from toolkit.dataset.columns import PART_DEFENDANT_FIELDS, PART_DOCUMENT_FIELDS, PACKAGE_DEFENDANT_FIELDS
from toolkit.dataset.sources import DEFENDANTS, Input, file_provenance, iter_documents
from toolkit.loaders.base import LoadError
from toolkit.loaders.store import StreamDeduplicator, UniqueIds
from toolkit.schema import DEFENDANT_FIELDS, DOCUMENT_FIELDS, TableWriter, iter_table

PARTIAL = ".partial"
CHUNK_SIZE = 500


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
    kind: str  # "documents" | "table"
    payload: Any  # [(index, document)] or (list of defendant rows already derived)


def part_paths(part_dir: str | Path, number: int) -> tuple[Path, Path]:
    base = Path(part_dir) / f"part-{number:06d}"
    return base.with_suffix(".documents.parquet"), base.with_suffix(".defendants.parquet")


def run_chunk(task: ChunkTask) -> int:
    """Parse one chunk and write its parts (documents first, defendants last: the 'done' marker)."""
    from toolkit.dataset.parse_stage import parse_documents

    docs_path, defendants_path = part_paths(task.part_dir, task.number)
    if task.kind == "documents":
        rows = parse_documents(task.payload)
        with TableWriter(docs_path, PART_DOCUMENT_FIELDS) as writer:
            writer.write_records([{**doc, "_doc_index": index} for index, doc in task.payload])
    else:
        rows = task.payload
    with TableWriter(defendants_path, PART_DEFENDANT_FIELDS) as writer:
        writer.write_records(rows)
    return len(rows)


def fingerprint(inputs: list[dict[str, Any]], options: dict[str, Any]) -> str:
    from toolkit.dataset.descriptor import parser_version

    blob = json.dumps({"inputs": inputs, "options": options, "parser": parser_version()}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def build_dataset(
    units: list[Input], out_dir: Path, engine: Any, filter: Filter = Filter(), chunk_size: int = CHUNK_SIZE,
    loader_options: dict[str, Any] | None = None, progress: Callable[[int], None] | None = None,
) -> BuildResult:
    out_dir.mkdir(parents=True, exist_ok=True)
    result = BuildResult(out_dir)
    for unit in units:
        if unit.kind == "side":
            result.skipped.append({"path": str(unit.path), "reason": unit.note})
        else:
            result.inputs.extend(file_provenance(unit))
    part_dir = out_dir / PARTIAL
    options = {"chunk_size": chunk_size, "loader_options": {k: str(v) for k, v in (loader_options or {}).items()}}
    stamp = fingerprint(result.inputs, options)
    run_file = part_dir / "run.json"
    if part_dir.exists():
        try:
            same = json.loads(run_file.read_text())["fingerprint"] == stamp
        except (OSError, ValueError, KeyError):
            same = False
        if not same:
            shutil.rmtree(part_dir)
    part_dir.mkdir(exist_ok=True)
    run_file.write_text(json.dumps({"fingerprint": stamp}))

    dedup = StreamDeduplicator()
    counter = {"next": 0}

    def tasks() -> Iterator[ChunkTask]:
        for unit in units:
            if unit.kind == "side":
                continue
            if unit.kind == DEFENDANTS:
                yield from _table_tasks(unit, part_dir, counter, result)
                continue
            chunk: list[tuple[int, dict[str, Any]]] = []
            for item in iter_documents(unit, **(loader_options or {})):
                if isinstance(item, LoadError):
                    result.errors.append(item)
                    continue
                result.records_read += 1
                chunk.append((dedup.add(item), item))
                if len(chunk) >= chunk_size:
                    yield _document_task(chunk, part_dir, counter, result)
                    chunk = []
            if chunk:
                yield _document_task(chunk, part_dir, counter, result)

    for done in engine.map(_run_or_skip, tasks()):
        if progress:
            progress(done)
    result.chunks = counter["next"]
    dedup.finish()
    _assemble(result, part_dir, dedup, filter)
    return result


def _document_task(chunk, part_dir, counter, result) -> ChunkTask:
    number = counter["next"]
    counter["next"] += 1
    result.has_documents = True
    return ChunkTask(number, str(part_dir), "documents", chunk)


def _run_or_skip(task: ChunkTask) -> int:
    if part_paths(task.part_dir, task.number)[1].exists():
        return 0
    return run_chunk(task)


def _table_tasks(unit: Input, part_dir: Path, counter: dict, result: BuildResult) -> Iterator[ChunkTask]:
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
        result.errors.append(LoadError(str(unit.path), None, f"cannot read per-defendant table: {exc}", "defendants"))


def _table_task(rows: list[dict[str, Any]], part_dir: Path, counter: dict) -> ChunkTask:
    number = counter["next"]
    counter["next"] += 1
    return ChunkTask(number, str(part_dir), "table", rows)


def _assemble(result: BuildResult, part_dir: Path, dedup: StreamDeduplicator, filter: Filter) -> None:
    out = result.out_dir
    unique = UniqueIds()
    documents_writer = TableWriter(out / "documents.parquet", DOCUMENT_FIELDS) if result.has_documents else None
    with TableWriter(out / "defendants.parquet", PACKAGE_DEFENDANT_FIELDS) as defendants_writer:
        for number in range(result.chunks):
            docs_path, defendants_path = part_paths(part_dir, number)
            new_ids: dict[int, str] = {}
            documents: list[dict[str, Any]] = []
            if docs_path.exists():
                for frame in iter_table(docs_path, PART_DOCUMENT_FIELDS):
                    frame = frame.astype(object).where(frame.notna(), None)
                    for doc in frame.to_dict(orient="records"):
                        index = int(doc.pop("_doc_index"))
                        if dedup.needs_details(index):
                            dedup.note_details(index, doc)
                        if dedup.kept(index):
                            doc["id"] = new_ids[index] = unique(doc["id"])
                            documents.append((index, doc))
            kept_docs: set[int] = set()
            rows = []
            for frame in iter_table(defendants_path, PART_DEFENDANT_FIELDS):
                frame = frame.astype(object).where(frame.notna(), None)
                for row in frame.to_dict(orient="records"):
                    index = int(row.pop("_doc_index"))
                    if index >= 0:
                        if index not in new_ids:
                            continue  # a duplicate document's defendants
                        row["doc_id"] = new_ids[index]
                    else:
                        result.table_rows += 1
                    if not filter.keeps(row):
                        result.filtered_out += 1
                        continue
                    kept_docs.add(index)
                    rows.append(row)
            defendants_writer.write_records(rows)
            result.defendants += len(rows)
            if documents_writer is not None:
                kept = [doc for index, doc in documents if index in kept_docs]
                documents_writer.write_records(kept)
                result.documents += len(kept)
    if documents_writer is not None:
        documents_writer.close()
    result.duplicates = dedup.duplicate_rows()
    result.renamed = unique.renamed


def remove_partial(out_dir: Path) -> None:
    shutil.rmtree(out_dir / PARTIAL, ignore_errors=True)
