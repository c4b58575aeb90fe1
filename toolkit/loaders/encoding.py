"""Detect the encoding of corpus bytes so the user never has to name it.

Chinese corpora come as UTF-8 (with or without BOM), GB18030/GBK/GB2312 (GB18030 is a superset of both),
occasionally UTF-16 or Big5. Line-oriented files are judged line by line, so one corrupt line is reported
as an error for that line instead of turning the whole file into mojibake.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import charset_normalizer

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# Tried in order before falling back to statistical detection; GB18030 accepts GBK and GB2312 text.
_CANDIDATES = ("utf-8", "gb18030")


class UndecodableError(ValueError):
    """The bytes decode in no supported encoding; `line` is 1-based (None when unknown)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def detect_encoding(data: bytes) -> str:
    """The encoding that decodes all of `data`; UndecodableError naming the first bad line otherwise."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    for name in _CANDIDATES:
        try:
            data.decode(name)
            return name
        except UnicodeDecodeError:
            continue
    best = charset_normalizer.from_bytes(data).best()
    if best is not None and best.encoding not in ("utf_8", "gb18030"):
        try:
            data.decode(best.encoding)
            return best.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    line, offset = _first_bad_position(data)
    raise UndecodableError(f"undecodable bytes at line {line} (byte {offset}); not UTF-8 or GB18030", line)


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding) for a whole-document file; UndecodableError if no encoding fits."""
    encoding = detect_encoding(data)
    return data.decode(encoding), _canonical(encoding)


@dataclass(frozen=True)
class DecodedLine:
    number: int  # 1-based
    text: str | None  # None when this line is undecodable in the file's encoding
    error: str = ""


def decode_lines(data: bytes) -> tuple[str, list[DecodedLine]]:
    """Split a line-oriented file's bytes and decode each line in the file's majority encoding.

    Returns (encoding, lines). A line that does not decode gets text=None and an error message,
    so the caller can report it and keep the rest.
    """
    raw_lines = _split_lines(data)
    encoding = majority_encoding(raw_lines)
    return encoding, [decode_line(number, raw, encoding) for number, raw in enumerate(raw_lines, start=1)]


def iter_file_lines(path: Path) -> tuple[str, Iterator[DecodedLine]]:
    """Like decode_lines for a file on disk, streaming: one pass to choose the encoding, one to decode."""
    with path.open("rb") as handle:
        encoding = majority_encoding(handle)

    def lines() -> Iterator[DecodedLine]:
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                yield decode_line(number, raw, encoding)

    return encoding, lines()


def majority_encoding(raw_lines: Iterable[bytes]) -> str:
    """The candidate encoding in which the fewest lines fail; ties go to UTF-8 (ASCII decodes in both)."""
    failures = {name: 0 for name in _CANDIDATES}
    for raw in raw_lines:
        if raw.isascii():
            continue
        for name in _CANDIDATES:
            try:
                raw.decode(name)
            except UnicodeDecodeError:
                failures[name] += 1
    return min(_CANDIDATES, key=lambda name: (failures[name], _CANDIDATES.index(name)))


def decode_line(number: int, raw: bytes, encoding: str) -> DecodedLine:
    raw = raw.rstrip(b"\r\n")
    try:
        return DecodedLine(number, raw.decode(encoding))
    except UnicodeDecodeError as exc:
        return DecodedLine(number, None, f"undecodable bytes at byte {exc.start} of the line (file is {encoding})")


def _split_lines(data: bytes) -> list[bytes]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    raw_lines = data.split(b"\n")
    if raw_lines and raw_lines[-1] == b"":
        raw_lines.pop()
    return raw_lines


def _first_bad_position(data: bytes) -> tuple[int, int]:
    try:
        data.decode("utf-8")
        return 1, 0
    except UnicodeDecodeError as exc:
        return data.count(b"\n", 0, exc.start) + 1, exc.start


def _canonical(encoding: str) -> str:
    return {"utf_8": "utf-8", "utf-8-sig": "utf-8-sig"}.get(encoding, encoding.replace("_", "-"))
