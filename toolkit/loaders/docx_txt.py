"""Downloaded judgments as .docx (Word) or .txt files, one document per file.

.txt is decoded with the detected encoding (UTF-8, GB18030/GBK, UTF-16, ...); .docx is read with
python-docx (paragraphs, then table cells, in document order). Court, title and case number come from the
judgment's header; the Word file's own core properties stay in metadata.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any, Iterator

from toolkit.loaders.base import LoadError
from toolkit.loaders.encoding import UndecodableError, decode_text, detect_encoding
from toolkit.loaders.records import header_fields, make_document, source_ref

FORMAT = "docx_txt"
EXTENSIONS = (".docx", ".txt", ".doc")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy binary Word (.doc)


# A .txt is taken for a judgment only if its opening reads like one (a charge list or a README is not).
TXT_MARKERS = ("被告人", "法院", "检察院", "公诉", "上诉人", "罪犯", "檢察院", "公訴", "上訴人")
SNIFF_BYTES = 8192


def sniff(path: Path) -> bool:
    if not path.is_file() or path.suffix.lower() not in EXTENSIONS:
        return False
    if path.suffix.lower() == ".docx":
        return True
    if path.suffix.lower() == ".doc":
        with path.open("rb") as handle:
            return handle.read(8) == OLE_MAGIC  # HTML saved as .doc is wenshu_html's
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if not head.strip():
        return True  # an empty .txt is reported as an empty file, not skipped
    for encoding in ("utf-8", "gb18030", "cp950", "utf-16"):
        try:
            text = head.decode(encoding, errors="ignore" if len(head) == SNIFF_BYTES else "strict")
        except UnicodeDecodeError:
            continue
        if any(m in text for m in TXT_MARKERS):
            return True
    return True if _undecodable(head) else False


def _undecodable(head: bytes) -> bool:
    """Bytes that decode in no encoding are the loader's to report (as an error), not a reason to skip."""
    try:
        detect_encoding(head)
        return False
    except UndecodableError:
        return True


def load(path: Path) -> Iterator[dict[str, Any] | LoadError]:
    if path.stat().st_size == 0:
        yield LoadError(str(path), None, "empty file", FORMAT)
        return
    if path.suffix.lower() == ".docx":
        yield from _load_docx(path)
    elif path.suffix.lower() == ".doc":
        yield LoadError(
            str(path), None,
            "legacy binary Word .doc is not read; save it as .docx (e.g. libreoffice --headless --convert-to docx)",
            FORMAT,
        )
    else:
        yield from _load_txt(path)


def _load_txt(path: Path) -> Iterator[dict[str, Any] | LoadError]:
    try:
        text, encoding = decode_text(path.read_bytes())
    except UndecodableError as exc:
        yield LoadError(str(path), exc.line, str(exc), FORMAT)
        return
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    if not text.strip():
        yield LoadError(str(path), None, "empty file (whitespace only)", FORMAT)
        return
    yield make_document(
        id=path.stem,
        source="file/txt",
        source_ref=source_ref(path),
        text=text,
        encoding=encoding,
        metadata={"file_name": path.name},
        **header_fields(text),
    )


def _load_docx(path: Path) -> Iterator[dict[str, Any] | LoadError]:
    import docx  # python-docx; imported here so other formats load without it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        yield LoadError(str(path), None, f"not a readable .docx ({type(exc).__name__}: {exc})", FORMAT)
        return
    text = "\n".join(b.strip() for b in _blocks_in_order(document) if b.strip())
    if not text:
        yield LoadError(str(path), None, "document has no text", FORMAT)
        return
    props = document.core_properties
    metadata = {
        "file_name": path.name,
        "core_title": props.title or None,
        "core_author": props.author or None,
        "core_created": props.created.isoformat() if props.created else None,
    }
    header = header_fields(text)
    yield make_document(
        id=path.stem,
        source="file/docx",
        source_ref=source_ref(path),
        text=text,
        encoding="docx",
        metadata=metadata,
        title=header["title"] or props.title or None,
        case_number=header["case_number"],
        court=header["court"],
    )


def _blocks_in_order(document: Any) -> Iterator[str]:
    """Paragraph texts and table rows (cells joined by tabs) in the order the document shows them."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield Paragraph(child, document).text
        elif tag == "tbl":
            for row in Table(child, document).rows:
                yield "\t".join(cell.text.strip() for cell in row.cells)
