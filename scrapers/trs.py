"""Pages built by the TRS content system that many Chinese government sites use (12309, SPP).

List pages are index.shtml, index_1.shtml, ... and carry the page count in a script call
`createPageHTML(pageCount, currentPage, "index", "shtml")`, read here with a regular expression
(never executed). Articles have the title in .detail_tit, the date line in .detail_extend1 and the
text in .detail_con.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from scrapers.errors import SiteChangedError
from scrapers.pagetext import decode_body, element_text, parse_date

PAGE_COUNT = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)")
ARTICLE_HREF = re.compile(r"t(\d{8})_(\d+)\.s?html?$")


@dataclass(frozen=True)
class ListItem:
    url: str
    title: str
    date: str | None
    article_id: str  # t20230105_563210


def list_page_url(channel_url: str, page_index: int) -> str:
    """page_index 0 -> index.shtml, n -> index_n.shtml (TRS numbering)."""
    base = channel_url if channel_url.endswith("/") else channel_url + "/"
    return urljoin(base, "index.shtml" if page_index == 0 else f"index_{page_index}.shtml")


def parse_list(body: bytes, page_url: str, content_type: str = "") -> tuple[list[ListItem], int]:
    """(items, page_count). Raises SiteChangedError when the page has neither items nor a page count."""
    html, _ = decode_body(body, content_type)
    soup = BeautifulSoup(html, "html.parser")
    items: list[ListItem] = []
    seen: set[str] = set()
    for link in soup.find_all("a", href=True):
        match = ARTICLE_HREF.search(link["href"])
        if not match:
            continue
        url = urljoin(page_url, link["href"])
        if url in seen:
            continue
        seen.add(url)
        title = (link.get("title") or link.get_text(" ", strip=True)).strip()
        row = link.find_parent("li") or link.parent
        date_text = " ".join(s.get_text(" ", strip=True) for s in row.find_all(["span", "em", "i"])) if row else ""
        items.append(ListItem(url, title, parse_date(date_text), f"t{match.group(1)}_{match.group(2)}"))
    counter = PAGE_COUNT.search(html)
    if counter is None and not items:
        raise SiteChangedError(
            f"{page_url}: no article links and no createPageHTML page counter; the list layout has changed"
        )
    return items, int(counter.group(1)) if counter else 1


@dataclass(frozen=True)
class Article:
    title: str | None
    published: str | None
    date_line: str | None
    text: str
    encoding: str


def parse_article(body: bytes, url: str, content_type: str = "") -> Article:
    html, encoding = decode_body(body, content_type)
    soup = BeautifulSoup(html, "html.parser")
    content = soup.select_one(".detail_con") or soup.select_one("#fontzoom")
    if content is None:
        raise SiteChangedError(f"{url}: no .detail_con/#fontzoom element; the article layout has changed")
    title_tag = soup.select_one(".detail_tit")
    date_tag = soup.select_one(".detail_extend1")
    date_line = date_tag.get_text(" ", strip=True) if date_tag else None
    return Article(
        title=title_tag.get_text(" ", strip=True) if title_tag else None,
        published=parse_date(date_line),
        date_line=date_line,
        text=element_text(content),
        encoding=encoding,
    )
