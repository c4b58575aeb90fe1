"""Reading JSON Lines files of objects, with errors that name the file and line."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator


class JsonlError(ValueError):
    """A line that is not a JSON object; the message is "<file>:<line>: <reason>"."""


def iter_jsonl_objects(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(1-based line number, object) for each non-blank line, streaming; JsonlError on a bad line."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise JsonlError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
            if not isinstance(obj, dict):
                raise JsonlError(f"{path}:{number}: expected a JSON object")
            yield number, replace_lone_surrogates(obj) if may_hold_lone_surrogate(line) else obj


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_lone_surrogates(value: Any) -> Any:
    """Strings with lone surrogates (from a JSON escape like \\ud800; not encodable as UTF-8) get U+FFFD
    in their place, so one bad escape costs one character, not the record or the rest of the file."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {replace_lone_surrogates(k): replace_lone_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [replace_lone_surrogates(v) for v in value]
    return value


def may_hold_lone_surrogate(line: str) -> bool:
    """Cheap pre-check on a raw JSON line: only a \\ud800-\\udfff escape can produce a lone surrogate."""
    return "\\ud" in line or "\\uD" in line
