"""Sources stage: what each input is, and its records as one ordered stream.

An input is one of
- a per-defendant table (.csv / .jsonl / .parquet with `doc_id` and `outcome` columns and no `text`):
  its rows go straight to the package, parsing skipped;
- a document store written by `judgstat load` (columns id, text, source, sha256, ...);
- anything a loader reads (toolkit.loaders: files, folders, scrape stores).
Folders are walked as `judgstat load` walks them (toolkit.loaders.expand_sources), and each file found is
classified the same way. A file no loader recognises becomes an error row, never a silent skip.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from toolkit.loaders import Source, expand_sources, load_source
from toolkit.loaders.base import LoadError
from toolkit.schema import DOCUMENT_FIELDS, TABLE_SUFFIXES, iter_table, table_columns

DEFENDANTS = "defendants"
DOCUMENTS = "documents"
LOADER = "loader"
_STORE_COLUMNS = {"id", "text", "source", "sha256"}
_SIDE_TABLES = ({"file", "line", "reason", "source"}, {"duplicate_id", "kept_id", "matched_on"})


@dataclass(frozen=True)
class Input:
    """One input unit: a path, what it is (DEFENDANTS | DOCUMENTS | LOADER) and, for LOADER, its Source."""

    path: Path
    kind: str
    source: Source | None = None
    note: str = ""  # e.g. why a file is not read
    origin: tuple[str, str] | None = None  # (local staging folder, the URL it is a copy of); see storage.py

    def shown(self, path: str) -> str:
        """A local path as the user named it: under a staged input, the URL it was copied from."""
        if self.origin is not None and path.startswith(self.origin[0]):
            return self.origin[1] + path[len(self.origin[0]):]
        return path


def classify_file(path: Path) -> str | None:
    """DEFENDANTS or DOCUMENTS for a table in the schema's columns, SIDE for a store's side table, else None."""
    if path.suffix.lower() not in TABLE_SUFFIXES or not path.is_file():
        return None
    try:
        columns = set(table_columns(path))
    except Exception:  # noqa: BLE001 - not a readable table: the loaders decide (or report) it
        return None
    if _STORE_COLUMNS <= columns:
        return DOCUMENTS
    if {"doc_id", "outcome"} <= columns and "text" not in columns:
        return DEFENDANTS
    if any(side <= columns for side in _SIDE_TABLES):
        return "side"
    return None


def plan_inputs(paths: list[Path], fmt: str | None = None) -> list[Input]:
    """Every input unit, in the order given (folders: sorted walk)."""
    units: list[Input] = []
    for path in paths:
        if path.is_file() and fmt is None:
            kind = classify_file(path)
            if kind in (DEFENDANTS, DOCUMENTS):
                units.append(Input(path, kind))
                continue
        for source in expand_sources([path], fmt):
            kind = classify_file(source.path) if fmt is None and source.path.is_file() else None
            if kind in (DEFENDANTS, DOCUMENTS):
                units.append(Input(source.path, kind))
            elif kind == "side":
                units.append(Input(source.path, "side", note="errors/duplicates table of a document store: not data"))
            else:
                units.append(Input(source.path, LOADER, source))
    return units


def iter_documents(unit: Input, **options: Any) -> Iterator[dict[str, Any] | LoadError]:
    """Document records (or LoadErrors) of a DOCUMENTS or LOADER unit, streaming."""
    if unit.origin is not None:
        for item in _iter_documents(unit, **options):
            if isinstance(item, LoadError):
                yield LoadError(unit.shown(item.file), item.line, item.reason, item.source)
            else:
                item["source_ref"] = unit.shown(item.get("source_ref") or "") or None
                yield item
        return
    yield from _iter_documents(unit, **options)


def _iter_documents(unit: Input, **options: Any) -> Iterator[dict[str, Any] | LoadError]:
    if unit.kind == DOCUMENTS:
        try:
            for frame in iter_table(unit.path, DOCUMENT_FIELDS):
                frame = frame.astype(object).where(frame.notna(), None)
                for record in frame.to_dict(orient="records"):
                    yield {f.name: record.get(f.name) for f in DOCUMENT_FIELDS}
        except Exception as exc:  # noqa: BLE001 - a broken store is an error row naming it
            yield LoadError(str(unit.path), None, f"cannot read document store: {type(exc).__name__}: {exc}", "store")
        return
    source = unit.source
    if source is None or source.fmt is None:
        reason = source.reason if source is not None else "not recognised"
        yield LoadError(str(unit.path), None, f"skipped: {reason}", "")
        return
    yield from load_source(source, **options)


def file_provenance(unit: Input) -> list[dict[str, Any]]:
    """Size and sha256 of every file an input unit reads (a folder source: each file under it)."""
    path = unit.path
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    out = []
    for file in files:
        digest = hashlib.sha256()
        with file.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        out.append({
            "path": unit.shown(str(file)), "kind": unit.kind,
            "format": unit.source.fmt if unit.source is not None else unit.kind,
            "bytes": file.stat().st_size, "sha256": digest.hexdigest(),
        })
    return out
