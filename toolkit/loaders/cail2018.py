"""CAIL2018 JSON Lines: {"fact": facts section, "meta": {accusation, relevant_articles, term_of_imprisonment, ...}}.

Published both as UTF-8 and as GB18030; the encoding is detected per file (see encoding.decode_lines).
CAIL records carry no identifier, so the id is the file stem plus the line number.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from toolkit.loaders.base import LoadError
from toolkit.loaders.jsonlines import LineRange, first_json_object, iter_json_objects
from toolkit.loaders.records import make_document, source_ref

FORMAT = "cail2018"
SOURCE = "cail2018/jsonl"
EXTENSIONS = (".json", ".jsonl")


def sniff(path: Path) -> bool:
    if not path.is_file() or path.suffix.lower() not in EXTENSIONS:
        return False
    first = first_json_object(path)
    return first is not None and "fact" in first and "meta" in first


def load(path: Path, byte_range: LineRange | None = None) -> Iterator[dict[str, Any] | LoadError]:
    stem = path.name.split(".")[0]
    for item in iter_json_objects(path, FORMAT, byte_range):
        if isinstance(item, LoadError):
            yield item
            continue
        line, obj, encoding = item
        fact = obj.get("fact")
        if not isinstance(fact, str) or not fact.strip():
            yield LoadError(str(path), line, "record has no 'fact' text", FORMAT)
            continue
        metadata = {k: v for k, v in obj.items() if k != "fact"}
        yield make_document(
            id=f"cail2018:{stem}:{line}",
            source=SOURCE,
            source_ref=source_ref(path, line),
            text=fact,
            encoding=encoding,
            metadata=metadata,
        )
