"""Judgment pages saved from China Judgments Online (裁判文书网) as .html / .htm.

The site has changed its markup over the years; the body is looked for, in order, in
  div.PDF_box (div.PDF_title + div.PDF_pox)         the current detail page,
  #contentTitle + #DivContent                        the pre-2019 detail page,
  <article> / <main> / the body                      pages saved by other tools.
A page is accepted only if the text found reads like a judgment (a 书 title and an operative or reasoning
marker); login, captcha and search-list pages go to the errors table as "no judgment body".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import unquote

from bs4 import BeautifulSoup

from toolkit.loaders.base import LoadError
from toolkit.loaders.encoding import UndecodableError, decode_text
from toolkit.loaders.records import header_fields, make_document, source_ref

FORMAT = "wenshu_html"
SOURCE = "wenshu/html"
EXTENSIONS = (".html", ".htm", ".mhtml", ".mht")
# China Judgments Online's "download" button long produced HTML saved under a .doc name.
HTML_AS_DOC = ".doc"
BODY_MARKERS = ("本院认为", "判决如下", "裁定如下", "决定如下", "经审理查明", "审理终结",
                "本院認為", "判決如下", "裁定如下", "決定如下", "經審理查明", "審理終結")  # traditional script too
TITLE_MARKERS = ("判决书", "裁定书", "决定书", "调解书", "判決書", "裁定書", "決定書", "調解書")
META_IDS = {  # hidden inputs of the old detail page
    "hidCaseName": "title",
    "hidCaseNumber": "case_number",
    "hidCourt": "court",
    "hidJudgeDate": "date",
}
DATE_RE = re.compile(r"(?:裁判日期|发布日期|judgeDate)[:：\s]*(\d{4}-\d{2}-\d{2})")
SAVED_FROM_RE = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->")
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", re.I)


def sniff(path: Path) -> bool:
    if not path.is_file():
        return False
    suffix = path.suffix.lower()
    if suffix == HTML_AS_DOC:
        with path.open("rb") as handle:
            return b"<html" in handle.read(4096).lower()
    return suffix in EXTENSIONS


def load(path: Path) -> Iterator[dict[str, Any] | LoadError]:
    yield document_from_html(path.read_bytes(), where=str(path), fallback_id=path.stem, ref=source_ref(path))


def document_from_html(data: bytes, *, where: str, fallback_id: str, ref: str) -> dict[str, Any] | LoadError:
    """One saved (or browser-rendered) judgment page -> a document record, or a LoadError naming `where`."""
    if not data.strip():
        return LoadError(where, None, "empty file", FORMAT)
    if _is_mhtml(data):
        data, charset = _mhtml_html_part(data)
        if data is None:
            return LoadError(where, None, "MHTML archive holds no text/html part", FORMAT)
        if charset and not _META_CHARSET.search(data[:4096]):
            data = f'<meta charset="{charset}">'.encode("ascii") + data
    try:
        html, encoding = _decode(data)
    except UndecodableError as exc:
        return LoadError(where, exc.line, str(exc), FORMAT)
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript"]):
        tag.decompose()
    title, text = _find_body(soup)
    if text is None:
        return LoadError(where, None, "no judgment body found in HTML (not a judgment detail page?)", FORMAT)
    meta = _page_metadata(soup, html)
    header = header_fields(text)
    return make_document(
        id=meta.get("doc_id") or fallback_id,
        source=SOURCE,
        source_ref=ref,
        text=text,
        encoding=encoding,
        metadata={"page_title": soup.title.get_text(strip=True) if soup.title else None, **meta},
        title=meta.get("title") or title or header["title"],
        case_number=meta.get("case_number") or header["case_number"],
        court=meta.get("court") or header["court"],
        date=meta.get("date"),
    )


def _is_mhtml(data: bytes) -> bool:
    head = data[:2048].lower()
    return b"mime-version:" in head and b"multipart/related" in head


def _mhtml_html_part(data: bytes) -> tuple[bytes | None, str | None]:
    """The first text/html part of a browser's single-file archive (.mhtml), transfer-decoded."""
    import email
    from email import policy

    message = email.message_from_bytes(data, policy=policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            return part.get_payload(decode=True), part.get_content_charset()
    return None, None


def _decode(data: bytes) -> tuple[str, str]:
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        name = "gb18030" if name in ("gb2312", "gbk") else name
        try:
            return data.decode(name), name
        except (UnicodeDecodeError, LookupError):
            pass  # the declaration lies; detect instead
    return decode_text(data)


def _find_body(soup: BeautifulSoup) -> tuple[str | None, str | None]:
    candidates: list[tuple[str | None, Any]] = []
    box = soup.select_one("div.PDF_box")
    if box is not None:
        title_tag = box.select_one(".PDF_title")
        candidates.append((title_tag.get_text(strip=True) if title_tag else None, box))
    content = soup.select_one("#DivContent")
    if content is not None:
        title_tag = soup.select_one("#contentTitle")
        candidates.append((title_tag.get_text(strip=True) if title_tag else None, content))
    for selector in ("article", "main", "body"):
        tag = soup.select_one(selector)
        if tag is not None:
            candidates.append((None, tag))
    if not candidates:
        candidates.append((None, soup))
    for title, tag in candidates:
        text = _block_text(tag)
        if _reads_like_judgment(text):
            return title, text
    return None, None


def _block_text(tag: Any) -> str:
    """Paragraph per line, as the page shows it; inline whitespace inside a paragraph collapsed."""
    lines = []
    for line in tag.get_text("\n").split("\n"):
        line = re.sub(r"[ \t\u3000\xa0]+", " ", line).strip()
        if line:
            lines.append(line)
    return "\n".join(lines)


def _reads_like_judgment(text: str) -> bool:
    return any(m in text for m in TITLE_MARKERS) and any(m in text for m in BODY_MARKERS)


def _page_metadata(soup: BeautifulSoup, html: str) -> dict[str, str]:
    meta: dict[str, str] = {}
    saved_from = SAVED_FROM_RE.search(html[:2048])  # browsers' "Save page as" comment
    if saved_from:
        meta["url"] = saved_from.group(1)
    for element_id, key in META_IDS.items():
        tag = soup.find(id=element_id)
        if tag is not None and tag.get("value"):
            meta[key] = str(tag["value"]).strip()
    doc_tag = soup.find(id="hidDocID")
    if doc_tag is not None and doc_tag.get("value"):
        meta["doc_id"] = str(doc_tag["value"]).strip()
    canonical = soup.find("link", rel="canonical")
    if canonical is not None and canonical.get("href"):
        meta.setdefault("url", canonical["href"])
    # Since 2019 docIds are base64-like (letters, digits, / + =), and a saved URL leaves + unencoded:
    # unquote, never unquote_plus, which would turn + into a space.
    match = re.search(r"[?&]docId=([^&#\s]+)", meta.get("url", ""))
    if match and "doc_id" not in meta:
        meta["doc_id"] = unquote(match.group(1))
    if "date" not in meta:
        match = DATE_RE.search(soup.get_text(" "))
        if match:
            meta["date"] = match.group(1)
    return meta
