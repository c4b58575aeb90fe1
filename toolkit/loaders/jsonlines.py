"""Read JSON Lines (or one JSON document) with per-line errors instead of exceptions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from toolkit.loaders.base import LoadError
from toolkit.loaders.encoding import UndecodableError, decode_lines, decode_text

SNIFF_BYTES = 1 << 16


def iter_json_objects(path: Path, fmt: str) -> Iterator[tuple[int, dict[str, Any], str] | LoadError]:
    """(line, object, encoding) per record, or LoadError for an empty file, bad bytes, bad JSON.

    A file holding one JSON document (object or list of objects) is read whole; anything else as JSON Lines.
    """
    data = path.read_bytes()
    if not data.strip():
        yield LoadError(str(path), None, "empty file", fmt)
        return
    whole = _whole_document(data)
    if whole is not None:
        encoding, value = whole
        items = value if isinstance(value, list) else [value]
        for number, item in enumerate(items, start=1):
            if isinstance(item, dict):
                yield number, item, encoding
            else:
                yield LoadError(str(path), number, f"record {number} is not a JSON object", fmt)
        return
    encoding, lines = decode_lines(data)
    for line in lines:
        if line.text is None:
            yield LoadError(str(path), line.number, line.error, fmt)
            continue
        if not line.text.strip():
            continue
        try:
            value = json.loads(line.text)
        except json.JSONDecodeError as exc:
            cut_off = not line.text.rstrip().endswith("}")
            kind = "truncated JSON line" if cut_off else "invalid JSON"
            yield LoadError(str(path), line.number, f"{kind}: {exc.msg} at column {exc.colno}", fmt)
            continue
        if not isinstance(value, dict):
            yield LoadError(str(path), line.number, "line is not a JSON object", fmt)
            continue
        yield line.number, value, encoding


def first_json_object(path: Path) -> dict[str, Any] | None:
    """The first record of a JSON / JSON Lines file, for sniffing; None if there is none to read."""
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return None
    if not head.strip():
        return None
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith((b"[", b"{")) and path.stat().st_size < 64 * SNIFF_BYTES:
        whole = _whole_document(path.read_bytes())  # one (possibly pretty-printed) JSON document
        if whole is not None:
            value = whole[1]
            if isinstance(value, list):
                value = value[0] if value else None
            return value if isinstance(value, dict) else None
    for raw in head.split(b"\n"):
        if not raw.strip():
            continue
        for encoding in ("utf-8", "gb18030"):
            try:
                value = json.loads(raw.decode(encoding))
            except (UnicodeDecodeError, json.JSONDecodeError):
                continue
            if isinstance(value, dict):
                return value
        # A first line that is cut off by the sniff window or corrupt: try the next one.
    return None


def _whole_document(data: bytes) -> tuple[str, Any] | None:
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped.startswith((b"{", b"[")):
        return None
    try:
        text, encoding = decode_text(data)
        return encoding, json.loads(text)
    except (UndecodableError, json.JSONDecodeError):
        return None
