"""What every loader module yields: document records (toolkit.schema.DOCUMENT_FIELDS) or LoadError.

A loader module provides
    FORMAT: str                                   e.g. "cail2018"
    sniff(path: Path) -> bool                     True if this loader recognises the file or folder
    load(path: Path) -> Iterator[dict | LoadError]
and never raises on bad records: it yields a LoadError naming file and line and goes on.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class LoadError:
    file: str
    line: int | None  # 1-based line or record number; None for whole-file problems
    reason: str
    source: str = ""  # loader FORMAT

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
