"""Turning fetched pages into text and dates, shared by the source modules."""

from __future__ import annotations

import re
from datetime import date

from bs4 import BeautifulSoup, Tag
from charset_normalizer import from_bytes

BLOCK_TAGS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article", "center")
NEXT_PAGE_WORDS = ("下一页", "下页")  # the label of a pager's "next page" link or button
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.I)


def decode_body(body: bytes, content_type: str = "") -> tuple[str, str]:
    """(text, encoding): charset from the header, then <meta>, then UTF-8, then detection."""
    candidates = []
    match = re.search(r"charset=([A-Za-z0-9_-]+)", content_type or "", re.I)
    if match:
        candidates.append(match.group(1))
    meta = _META_CHARSET.search(body[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii"))
    candidates.append("utf-8")
    for name in candidates:
        name = "gb18030" if name.lower() in ("gb2312", "gbk") else name.lower()
        try:
            return body.decode(name), name
        except (LookupError, UnicodeDecodeError):
            continue
    best = from_bytes(body).best()
    if best is None:
        return body.decode("utf-8", errors="replace"), "utf-8 (with replacements)"
    return str(best), best.encoding


def element_text(element: Tag | BeautifulSoup) -> str:
    """Visible text with one line per paragraph/row and <br>; lines stripped, empty lines dropped."""
    for tag in element.find_all(["script", "style"]):
        tag.decompose()
    for br in element.find_all("br"):
        br.replace_with("\n")
    for tag in element.find_all(BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (line.strip().replace("\xa0", " ") for line in element.get_text("").splitlines())
    return "\n".join(line for line in lines if line)


def html_to_text(fragment: str) -> str:
    return element_text(BeautifulSoup(fragment, "html.parser"))


_ISO_LIKE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_DATE = re.compile(r"([〇○零ＯO一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")


def _cn_small_number(text: str) -> int:
    """一..三十一 as written in dates."""
    if text == "十":
        return 10
    if "十" in text:
        tens, _, units = text.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)
    return _CN_DIGITS[text]


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(text: str | None) -> str | None:
    """First date in `text` (2023-01-05, 2023年1月5日, 2023/1/5, 二〇二三年一月五日) as ISO, else None."""
    if not text:
        return None
    match = _ISO_LIKE.search(text)
    if match:
        return _iso(*(int(g) for g in match.groups()))
    match = _CN_DATE.search(text)
    if match:
        year = int("".join(str(_CN_DIGITS[c]) for c in match.group(1)))
        return _iso(year, _cn_small_number(match.group(2)), _cn_small_number(match.group(3)))
    return None


def last_chinese_date(text: str) -> str | None:
    """The last date written in Chinese numerals (the signing date at the foot of a decision)."""
    matches = list(_CN_DATE.finditer(text))
    return parse_date(matches[-1].group(0)) if matches else None
