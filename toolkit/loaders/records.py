"""Build document records (toolkit.schema.DOCUMENT_FIELDS) the same way in every loader."""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Iterator

from toolkit.schema import DOCUMENT_COLUMNS, normalised_text_sha256

# 案号 as printed in a judgment header: （2018）京0105刑初123号, (2017)沪0120刑初684号.
CASE_NUMBER_RE = re.compile(r"[（(〔\[]\s*(?:19|20)\d{2}\s*[）)〕\]][^\s，。；、（(）)]{1,30}?号")
_COURT = r"(?:(?![书罪])[\u4e00-\u9fff]){2,40}?(?:人民法院|法院)"
_DOC_KIND = r"(?:刑事|民事|行政)?(?:附带民事)?(?:判决书|裁定书|决定书|调解书)"
COURT_RE = re.compile(_COURT)
TITLE_RE = re.compile(_DOC_KIND)
# The printed heading: the court's name directly above (or before) the kind of document.
HEADING_RE = re.compile(rf"({_COURT})\s*({_DOC_KIND})")
HEADER_CHARS = 300  # a judgment's header (court, title, case number) sits in its first lines
_DEFER_TEXT_HASH: ContextVar[bool] = ContextVar("defer_text_hash", default=False)


@contextmanager
def text_hashes_deferred() -> Iterator[None]:
    """Inside this block make_document leaves `sha256` None: the caller promises to fill it in with
    fill_text_hash (so `judgstat dataset` hashes texts in its parse processes, not in the reading one)."""
    token = _DEFER_TEXT_HASH.set(True)
    try:
        yield
    finally:
        _DEFER_TEXT_HASH.reset(token)


def fill_text_hash(record: dict[str, Any]) -> dict[str, Any]:
    """A record's `sha256` as make_document would have set it, where it was deferred."""
    if record.get("text") and not record.get("sha256"):
        record["sha256"] = normalised_text_sha256(record["text"])
    return record


def make_document(
    *,
    id: str,
    source: str,
    source_ref: str,
    text: str | None,
    encoding: str | None,
    metadata: dict[str, Any] | None = None,
    title: str | None = None,
    case_number: str | None = None,
    court: str | None = None,
    date: str | None = None,
) -> dict[str, Any]:
    record = dict(
        id=id,
        source=source,
        source_ref=source_ref,
        text=text,
        title=_clean(title),
        case_number=_clean(case_number),
        court=_clean(court),
        date=_clean(date),
        metadata=metadata or {},
        sha256=normalised_text_sha256(text) if text and not _DEFER_TEXT_HASH.get() else None,
        encoding=encoding,
    )
    assert tuple(record) == DOCUMENT_COLUMNS
    return record


def header_fields(text: str) -> dict[str, str | None]:
    """Court, title and case number as printed in the first lines of a full judgment; None when absent.

    Only the header is read: a case number cited later in the text (a prior conviction, the first-instance
    number in an appeal) is not this document's number.
    """
    head = text[:HEADER_CHARS]
    case_match = CASE_NUMBER_RE.search(head)
    heading = HEADING_RE.search(head)
    if heading:
        court, title = heading.group(1), heading.group(1) + heading.group(2)
    else:
        court_match, title_match = COURT_RE.search(head), TITLE_RE.search(head)
        court = court_match.group(0) if court_match else None
        title = title_match.group(0) if title_match else None
    return {
        "case_number": re.sub(r"\s+", "", case_match.group(0)) if case_match else None,
        "court": court,
        "title": title,
    }


def source_ref(path: Path, line: int | None = None, record: str | None = None) -> str:
    ref = str(path)
    if line is not None:
        ref += f":{line}"
    if record is not None:
        ref += f"#{record}"
    return ref


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None
