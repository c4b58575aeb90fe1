"""Read JSON Lines (or one JSON document) with per-line errors instead of exceptions."""

from __future__ import annotations

import json
import re
from pathlib import Path
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from toolkit.jsonl import may_hold_lone_surrogate, replace_lone_surrogates
from toolkit.loaders.base import LoadError
from toolkit.loaders.encoding import (
    DecodedLine, UndecodableError, decode_line, decode_text, file_encoding, iter_file_lines,
)

SNIFF_BYTES = 1 << 16
WHOLE_DOCUMENT_LIMIT = 256 << 20  # larger JSON arrays are unusual; JSON Lines is streamed at any size


def iter_json_objects(path: Path, fmt: str, byte_range: "LineRange | None" = None,
                      ) -> Iterator[tuple[int, dict[str, Any], str] | LoadError]:
    """(line, object, encoding) per record, or LoadError for an empty file, bad bytes, bad JSON.

    A file holding one JSON document (object or list of objects) is read whole; anything else as JSON Lines.
    With `byte_range` (one of json_line_ranges()), only the lines of that range, exactly as the whole file's
    reading would give them (same encoding, same line numbers).
    """
    if byte_range is not None:
        yield from _objects_from_lines(path, fmt, byte_range.encoding, _range_lines(path, byte_range))
        return
    if _is_blank(path):
        yield LoadError(str(path), None, "empty file", fmt)
        return
    whole = _whole_document(path.read_bytes()) if _starts_like_document(path) else None
    if whole is not None:
        encoding, value = whole
        items = value if isinstance(value, list) else [value]
        for number, item in enumerate(items, start=1):
            if isinstance(item, dict):
                yield number, replace_lone_surrogates(item), encoding
            else:
                yield LoadError(str(path), number, f"record {number} is not a JSON object", fmt)
        return
    encoding, lines = iter_file_lines(path)
    yield from _objects_from_lines(path, fmt, encoding, lines)


def _objects_from_lines(path: Path, fmt: str, encoding: str, lines: Iterable[DecodedLine],
                        ) -> Iterator[tuple[int, dict[str, Any], str] | LoadError]:
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
            yield LoadError(str(path), line.number, f"{kind} at column {exc.colno}: {exc.msg}", fmt)
            continue
        if not isinstance(value, dict):
            yield LoadError(str(path), line.number, "line is not a JSON object", fmt)
            continue
        if may_hold_lone_surrogate(line.text):
            value = replace_lone_surrogates(value)
        yield line.number, value, encoding


@dataclass(frozen=True)
class LineRange:
    """Bytes [start, end) of a JSON Lines file, whole lines, the first of them line `first_line` (1-based)."""

    start: int
    end: int
    first_line: int
    encoding: str


def json_line_ranges(path: Path, lines_per_range: int) -> list[LineRange] | None:
    """A JSON Lines file cut into ranges of `lines_per_range` lines, so that separate processes can read and
    decode them; None where the file is not read line by line (empty, one JSON document, UTF-16), so the
    caller reads it whole with iter_json_objects. One pass over the bytes (plus one more to choose the
    encoding when a line is not UTF-8), never the decoded records."""
    ranges = iter_json_line_ranges(path, lines_per_range)
    return None if ranges is None else list(ranges)


def iter_json_line_ranges(path: Path, lines_per_range: int, block_bytes: int = 1 << 24) -> Iterator[LineRange] | None:
    """json_line_ranges() as it is read: the encoding is chosen first (a pass over the file), then each range is
    given as soon as its last line is found, so the first ranges can be parsed while the rest is being cut.
    Lines end at b"\\n", as when a binary file is iterated; the bytes are searched in blocks, never split into lines."""
    if lines_per_range < 1:
        raise ValueError(f"lines_per_range must be at least 1, got {lines_per_range}")
    if _is_blank(path) or _starts_like_document(path):
        return None
    encoding = file_encoding(path)
    if encoding == "utf-16":
        return None
    return _cut_line_ranges(path, lines_per_range, encoding, block_bytes)


def _cut_line_ranges(path: Path, lines_per_range: int, encoding: str, block_bytes: int) -> Iterator[LineRange]:
    with path.open("rb") as handle:
        start = offset = 0  # byte offset of the open range; of the block's first byte
        first = 1  # the open range's first line
        lines = 0  # lines in the open range so far
        while block := handle.read(block_bytes):
            position = 0
            while (newline := block.find(b"\n", position)) >= 0:
                position = newline + 1
                lines += 1
                if lines == lines_per_range:
                    yield LineRange(start, offset + position, first, encoding)
                    start, first, lines = offset + position, first + lines, 0
            offset += len(block)
        if offset > start:  # the last lines, the very last one without a newline
            yield LineRange(start, offset, first, encoding)


def _range_lines(path: Path, byte_range: LineRange) -> Iterator[DecodedLine]:
    """The decoded lines of a range, as iter_file_lines would give them (a UTF-8 BOM stripped from line 1)."""
    with path.open("rb") as handle:
        handle.seek(byte_range.start)
        remaining = byte_range.end - byte_range.start
        number = byte_range.first_line
        while remaining > 0:
            raw = handle.readline(remaining)
            if not raw:
                break
            remaining -= len(raw)
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            yield decode_line(number, raw, byte_range.encoding)
            number += 1


def first_json_object(path: Path) -> dict[str, Any] | None:
    """The first record of a JSON / JSON Lines file, for sniffing; None if there is none to read."""
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return None
    if not head.strip():
        return None
    if head.startswith(_UTF16_BOMS):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    elif _starts_like_document(path) and path.stat().st_size < 64 * SNIFF_BYTES:
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
    # No complete object (a truncated single-document file): the keys visible in the head still tell the
    # format, so its loader reports the bad JSON by line instead of the file being skipped unrecognised.
    keys = _VISIBLE_KEY.findall(head.decode("utf-8", errors="ignore"))
    return dict.fromkeys(keys) if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")) and keys else None


_VISIBLE_KEY = re.compile(r'"([A-Za-z_][A-Za-z0-9_]*)"\s*:')
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _is_blank(path: Path) -> bool:
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            if chunk.strip():
                return False
    return True


def _starts_like_document(path: Path) -> bool:
    """A single JSON document (object or array) rather than JSON Lines: try to parse it whole.

    Only files that start with '[' or '{' and are small enough to hold in memory are tried; a JSON Lines
    file fails the whole parse ("Extra data") and is then read line by line.
    """
    with path.open("rb") as handle:
        first_line = handle.readline(SNIFF_BYTES)
        rest = handle.read(4096)
    head = first_line.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith((b"[", b"{")) or path.stat().st_size >= WHOLE_DOCUMENT_LIMIT:
        return False
    if rest.strip() and _parses(first_line):
        return False  # a complete object on the first line and more after it: JSON Lines
    return True


def _parses(raw: bytes) -> bool:
    for encoding in ("utf-8", "gb18030"):
        try:
            json.loads(raw.decode(encoding).lstrip("\ufeff"))
            return True
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
    return False


def _whole_document(data: bytes) -> tuple[str, Any] | None:
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped.startswith((b"{", b"[")):
        return None
    try:
        text, encoding = decode_text(data)
        return encoding, json.loads(text)
    except (UndecodableError, json.JSONDecodeError):
        return None

