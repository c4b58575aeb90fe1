"""The scrapers' raw store (scrapers/store.py): a folder with manifest.jsonl and raw/ bodies.

Each manifest line of kind "document" is turned into a document record by its source module's
document_record(). Bodies are checked against the manifest's sha256 first; a body that is missing,
altered or unparseable becomes a LoadError naming the manifest line. A document stored twice (the
same request key, or the same document id from two requests) is yielded once.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Iterator

from toolkit.loaders.base import LoadError

FORMAT = "scrape_store"
READS_FOLDERS = True
MANIFEST_NAME = "manifest.jsonl"
REQUIRED_KEYS = ("key", "source", "kind", "url", "sha256", "path")


def _manifest_of(path: Path) -> Path | None:
    if path.is_dir():
        candidate = path / MANIFEST_NAME
        return candidate if candidate.is_file() else None
    return path if path.name == MANIFEST_NAME and path.is_file() else None


def sniff(path: Path) -> bool:
    manifest = _manifest_of(path)
    if manifest is None:
        return False
    with manifest.open("r", encoding="utf-8", errors="replace") as handle:
        first = handle.readline()
    try:
        entry = json.loads(first)
    except json.JSONDecodeError:
        return False
    return isinstance(entry, dict) and all(k in entry for k in REQUIRED_KEYS)


def load(path: Path) -> Iterator[dict[str, Any] | LoadError]:
    from scrapers.sources import source_module  # the scrapers package is part of judgstat

    manifest = _manifest_of(path)
    if manifest is None:
        yield LoadError(str(path), None, f"no {MANIFEST_NAME} here; not a judgstat scrape folder", FORMAT)
        return
    root = manifest.parent
    latest: dict[str, tuple[int, dict[str, Any]]] = {}
    lines = manifest.read_text(encoding="utf-8", errors="replace").split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            torn = number == len(lines) and not line.endswith("}")
            reason = "torn last line (run interrupted while writing)" if torn else f"not JSON ({exc.msg})"
            yield LoadError(str(manifest), number, reason, FORMAT)
            continue
        missing = [k for k in REQUIRED_KEYS if k not in entry] if isinstance(entry, dict) else list(REQUIRED_KEYS)
        if missing:
            yield LoadError(str(manifest), number, f"manifest entry lacks {missing}", FORMAT)
            continue
        if entry["kind"] == "document":
            latest[entry["key"]] = (number, entry)  # a refetch replaces the earlier entry
    seen_ids: set[str] = set()
    for number, entry in sorted(latest.values(), key=lambda item: item[0]):
        body_path = root / str(entry["path"])
        if not body_path.resolve().is_relative_to(root.resolve()):
            yield LoadError(str(manifest), number, f"body path {entry['path']!r} is outside the store folder; refused", FORMAT)
            continue
        if not body_path.is_file():
            yield LoadError(str(manifest), number, f"body file {entry['path']} is missing", FORMAT)
            continue
        body = body_path.read_bytes()
        if hashlib.sha256(body).hexdigest() != entry["sha256"]:
            yield LoadError(str(manifest), number, f"body file {entry['path']} does not match its sha256", FORMAT)
            continue
        try:
            module = source_module(entry["source"])
            record = module.document_record(
                body,
                doc_id=entry.get("doc_id") or entry["key"],
                url=entry["url"],
                source_ref=f"{manifest}:{number} ({entry['path']})",
                extra=entry.get("extra"),
            )
        except Exception as exc:  # a parser failure on one body must not hide the others
            yield LoadError(str(manifest), number, f"{entry['path']}: {type(exc).__name__}: {exc}", FORMAT)
            continue
        if record["id"] in seen_ids:
            continue
        seen_ids.add(record["id"])
        record["metadata"]["fetched_at"] = entry.get("fetched_at")
        yield record
