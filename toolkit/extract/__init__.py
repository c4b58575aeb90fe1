"""Field extractors for judgment texts. Every extracted value carries the span it was read from."""

from __future__ import annotations

from typing import Any, NamedTuple


class Extracted(NamedTuple):
    """A value read from the text and the [start, end) character span it came from (None if derived)."""

    value: Any
    span: tuple[int, int] | None
