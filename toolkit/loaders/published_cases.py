"""Published personal-information cases (../shared/data/published-pi-cases/cases.jsonl): one JSON object per
defendant with hand-transcribed facts and `text`, the passage the facts come from.

Rows of one case (same `case_id`, consecutive) become one document: its text is the case's distinct passages
in reading order, joined by a blank line; case number, court and judgment date come from the transcribed
fields; every row's transcribed fields (all but `text`) are kept whole in metadata["rows"].
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from toolkit.loaders.base import LoadError
from toolkit.loaders.jsonlines import LineRange, first_json_object, iter_json_objects
from toolkit.loaders.records import make_document, source_ref

FORMAT = "published_cases"
SOURCE = "published-pi-cases/jsonl"
EXTENSIONS = (".json", ".jsonl")
_SIGNATURE = {"case_id", "case_name", "text", "verdict_passage"}


def sniff(path: Path) -> bool:
    if not path.is_file() or path.suffix.lower() not in EXTENSIONS:
        return False
    first = first_json_object(path)
    return first is not None and _SIGNATURE <= set(first)


def load(path: Path, byte_range: LineRange | None = None) -> Iterator[dict[str, Any] | LoadError]:
    group: list[tuple[int, dict[str, Any]]] = []
    encoding = "utf-8"
    for item in iter_json_objects(path, FORMAT, byte_range):
        if isinstance(item, LoadError):
            yield item
            continue
        line, obj, encoding = item
        if not obj.get("case_id"):
            yield LoadError(str(path), line, "record has no 'case_id'", FORMAT)
            continue
        if not isinstance(obj.get("text"), str) or not obj["text"].strip():
            yield LoadError(str(path), line, f"record {obj['case_id']!r} has no 'text'", FORMAT)
            continue
        if group and group[0][1]["case_id"] != obj["case_id"]:
            yield _document(path, group, encoding)
            group = []
        group.append((line, obj))
    if group:
        yield _document(path, group, encoding)


def _document(path: Path, group: list[tuple[int, dict[str, Any]]], encoding: str) -> dict[str, Any]:
    first_line, first = group[0]
    texts = list(dict.fromkeys(obj["text"].strip() for _, obj in group))
    return make_document(
        id=str(first["case_id"]),
        source=SOURCE,
        source_ref=source_ref(path, first_line),
        text="\n\n".join(texts),
        encoding=encoding,
        metadata={"rows": [{k: v for k, v in obj.items() if k != "text"} for _, obj in group]},
        title=first.get("case_name"),
        case_number=first.get("case_number"),
        court=first.get("court"),
        date=first.get("judgment_date"),
    )
