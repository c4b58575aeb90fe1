"""LeCaRD-style JSON documents: {"ajId", "ajName", "ajjbqk", "cpfxgc", "pjjg", "qw", "writId", "writName"}.

qw (全文) is the full text; when a record lacks it, the text is the three sections 案件基本情况 (ajjbqk),
裁判分析过程 (cpfxgc) and 判决结果 (pjjg) joined by blank lines. A file may hold one object, a list of
objects, or JSON Lines; LeCaRD's candidate folders hold one object per file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from toolkit.loaders.base import LoadError
from toolkit.loaders.jsonlines import LineRange, first_json_object, iter_json_objects
from toolkit.loaders.records import header_fields, make_document, source_ref

FORMAT = "lecard"
SOURCE = "lecard/json"
EXTENSIONS = (".json", ".jsonl")
SECTION_KEYS = ("ajjbqk", "cpfxgc", "pjjg")
MARKER_KEYS = ("qw", *SECTION_KEYS)
ID_KEYS = ("ajId", "writId")


def sniff(path: Path) -> bool:
    if not path.is_file() or path.suffix.lower() not in EXTENSIONS:
        return False
    first = first_json_object(path)
    if first is None:
        return False
    return sum(k in first for k in MARKER_KEYS) >= 2 or ("qw" in first and any(k in first for k in ID_KEYS))


def load(path: Path, byte_range: LineRange | None = None) -> Iterator[dict[str, Any] | LoadError]:
    for item in iter_json_objects(path, FORMAT, byte_range):
        if isinstance(item, LoadError):
            yield item
            continue
        number, obj, encoding = item
        text = obj.get("qw")
        if not isinstance(text, str) or not text.strip():
            sections = [obj.get(k) for k in SECTION_KEYS]
            text = "\n\n".join(s for s in sections if isinstance(s, str) and s.strip())
        if not text:
            yield LoadError(str(path), number, "record has neither 'qw' nor any of ajjbqk/cpfxgc/pjjg", FORMAT)
            continue
        doc_id = obj.get("writId") or obj.get("ajId") or (path.stem if number == 1 else f"{path.stem}:{number}")
        header = header_fields(text)
        title = obj.get("writName") or header["title"]
        metadata = {k: v for k, v in obj.items() if k != "qw"}
        yield make_document(
            id=str(doc_id),
            source=SOURCE,
            source_ref=source_ref(path, number),
            text=text,
            encoding=encoding,
            metadata=metadata,
            title=title,
            case_number=header["case_number"],
            court=header["court"],
        )
