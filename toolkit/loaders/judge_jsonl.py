"""JuDGE-style JSON Lines: {"text_id": ..., "fd": fact description, "text": full judgment}.

Also accepts {"id": ..., "text": ...} (the project's own judgments.jsonl shape). The full judgment is the
document text; `fd` and any other fields stay in metadata. Court, title and case number are read from
the judgment's header when it prints them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from toolkit.loaders.base import LoadError
from toolkit.loaders.jsonlines import LineRange, first_json_object, iter_json_objects
from toolkit.loaders.records import header_fields, make_document, source_ref

FORMAT = "judge_jsonl"
SOURCE = "judge/jsonl"
EXTENSIONS = (".json", ".jsonl")
ID_KEYS = ("text_id", "id")


def sniff(path: Path) -> bool:
    if not path.is_file() or path.suffix.lower() not in EXTENSIONS:
        return False
    first = first_json_object(path)
    return first is not None and "text" in first and any(k in first for k in ID_KEYS) and "qw" not in first


def load(path: Path, byte_range: LineRange | None = None) -> Iterator[dict[str, Any] | LoadError]:
    for item in iter_json_objects(path, FORMAT, byte_range):
        if isinstance(item, LoadError):
            yield item
            continue
        line, obj, encoding = item
        text = obj.get("text")
        doc_id = next((obj[k] for k in ID_KEYS if obj.get(k) not in (None, "")), None)
        if not isinstance(text, str) or not text.strip():
            yield LoadError(str(path), line, "record has no 'text'", FORMAT)
            continue
        if doc_id is None:
            yield LoadError(str(path), line, "record has no 'text_id' or 'id'", FORMAT)
            continue
        metadata = {k: v for k, v in obj.items() if k != "text"}
        yield make_document(
            id=str(doc_id),
            source=SOURCE,
            source_ref=source_ref(path, line),
            text=text,
            encoding=encoding,
            metadata=metadata,
            **header_fields(text),
        )
