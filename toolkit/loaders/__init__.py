"""Loaders for existing corpora: one module per format, all yielding toolkit.schema document records.

The registry maps a format name to its module. Formats are detected per file by extension and content
(`detect_format`), in REGISTRY order, so the more specific JSON shapes are tried before the generic ones;
`--format` overrides detection. Modules are imported only when used, and a registered module that is not
installed (the scrapers' raw-store reader, while it is being written) is left out rather than failing.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator

from toolkit.loaders.base import LoadError

# Order matters for detection: a directory-level format first, then specific JSON shapes, then by extension.
REGISTRY: dict[str, str] = {
    "scrape_store": "toolkit.loaders.scrape_store",
    "cail2018": "toolkit.loaders.cail2018",
    "lecard": "toolkit.loaders.lecard",
    "published_cases": "toolkit.loaders.published_cases",
    "judge_jsonl": "toolkit.loaders.judge_jsonl",
    "wenshu_html": "toolkit.loaders.wenshu_html",
    "docx_txt": "toolkit.loaders.docx_txt",
    "coding_sheet": "toolkit.loaders.coding_sheet",
}
CONFIG_SUFFIXES = (".mapping.json", ".mapping.toml")
SKIPPED = "skipped"  # error reason prefix of a file no loader recognises
EMPTY_FILE = "empty file"

_modules: dict[str, ModuleType | None] = {}


def loader_module(fmt: str) -> ModuleType | None:
    """The module for `fmt`, or None when it is registered but not (yet) installed."""
    if fmt not in REGISTRY:
        raise KeyError(f"unknown format {fmt!r}; known formats: {', '.join(REGISTRY)}")
    if fmt not in _modules:
        try:
            _modules[fmt] = importlib.import_module(REGISTRY[fmt])
        except ModuleNotFoundError as exc:
            if exc.name != REGISTRY[fmt]:
                raise
            _modules[fmt] = None
    return _modules[fmt]


def available_formats() -> list[str]:
    return [fmt for fmt in REGISTRY if loader_module(fmt) is not None]


def detect_format(path: Path) -> str | None:
    """The first registered format whose sniff() recognises `path` (file or folder), else None."""
    for fmt in available_formats():
        module = loader_module(fmt)
        try:
            if module.sniff(path):
                return fmt
        except OSError:
            return None
    return None


@dataclass(frozen=True)
class Source:
    """One unit of work: a path and the format that will read it (None: nothing recognises it)."""

    path: Path
    fmt: str | None
    reason: str = ""  # why it is skipped, when fmt is None


def expand_sources(paths: list[Path], fmt: str | None = None) -> list[Source]:
    """Files and folders -> the files (or whole-folder stores) to load, each with its format.

    A folder that a loader recognises as a whole (a scrape output) is loaded as one source; other folders
    are walked recursively in sorted order, skipping hidden files and coding-sheet mapping configs.
    """
    sources: list[Source] = []
    for path in paths:
        if path.is_dir():
            whole = fmt if fmt is not None and _reads_folders(fmt) else detect_format(path)
            if whole is not None:
                sources.append(Source(path, whole))
                continue
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                relative = child.relative_to(path)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                if child.name.endswith(CONFIG_SUFFIXES):
                    continue
                sources.append(_file_source(child, fmt))
        else:
            sources.append(_file_source(path, fmt))
    return sources


def _file_source(path: Path, fmt: str | None) -> Source:
    if fmt is not None:
        return Source(path, fmt)
    detected = detect_format(path)
    if detected is None:
        if _is_blank(path):  # the same reason whatever the extension (an empty .txt is docx_txt's "empty file")
            return Source(path, None, EMPTY_FILE)
        return Source(path, None, f"no loader recognises this file ({path.suffix or 'no extension'})")
    return Source(path, detected)


def _is_blank(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                if chunk.strip():
                    return False
    except OSError:
        return False
    return True


def _reads_folders(fmt: str) -> bool:
    module = loader_module(fmt)
    return bool(module is not None and getattr(module, "READS_FOLDERS", fmt == "scrape_store"))


def load_source(source: Source, **options: Any) -> Iterator[dict[str, Any] | LoadError]:
    """Run the source's loader; options a loader does not take are ignored; a crash becomes a LoadError.

    A source no loader recognises (fmt None) yields one LoadError saying why it was skipped, so every input
    file ends up either loaded or in the errors table.
    """
    if source.fmt is None:
        reason = source.reason or "no loader recognises this file"
        yield LoadError(str(source.path), None, reason if reason == EMPTY_FILE else f"{SKIPPED}: {reason}", "")
        return
    module = loader_module(source.fmt)
    if module is None:
        yield LoadError(str(source.path), None, f"format {source.fmt!r} is not installed", source.fmt or "")
        return
    accepted = inspect.signature(module.load).parameters
    kwargs = {k: v for k, v in options.items() if k in accepted and v is not None}
    try:
        yield from module.load(source.path, **kwargs)
    except Exception as exc:  # a loader bug or an unreadable file must not stop the other files
        yield LoadError(str(source.path), None, f"loader failed: {type(exc).__name__}: {exc}", source.fmt)
