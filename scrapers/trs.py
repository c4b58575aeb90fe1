"""Pages built by the TRS content system that Chinese procuratorate sites use (spp.gov.cn, 12309 articles).

List pages are index.shtml, then numbered pages, and declare their page count in a script call that is
read here with a regular expression (never executed). Two declarations are known:
    createPageHTML('page_div', count, current, 'index', 'shtml', total)   current counts from 1 and page n
        is index_n.shtml (spp.gov.cn; see scrapers/README.md for the evidence)
    createPageHTML(count, current, "index", "shtml")                        current counts from 0 and page n
        is index_(n-1).shtml (the TRS default)
A page is numbered the way its own declaration says. Articles have the title in .detail_tit, the date
line in .detail_extend1 and the text in #fontzoom or .detail_con.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from scrapers.errors import SiteChangedError
from scrapers.pagetext import decode_body, element_text, parse_date

ONE_BASED_COUNTER = re.compile(r"createPageHTML\(\s*['\"][\w-]+['\"]\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)")
ZERO_BASED_COUNTER = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)")
NUMBERED_PAGE_LINK = re.compile(r"index_(\d+)\.s?html?")
ARTICLE_HREF = re.compile(r"t(\d{8})_(\d+)\.s?html?$")
LIST_MARKUP = ".commonList_con, ul.li_line"


@dataclass(frozen=True)
class ListItem:
    url: str
    title: str
    date: str | None
    article_id: str  # t20230105_563210


@dataclass(frozen=True)
class ListPage:
    items: list[ListItem]
    page_count: int  # as the page announces it (1 when it announces nothing)
    one_based: bool  # True: page n is index_n.shtml; False: index_(n-1).shtml


def list_page_url(channel_url: str, page: int, one_based: bool = True) -> str:
    """Page 1 is index.shtml; page n is index_n.shtml (one_based) or index_(n-1).shtml (TRS default)."""
    base = channel_url if channel_url.endswith("/") else channel_url + "/"
    if page == 1:
        return urljoin(base, "index.shtml")
    return urljoin(base, f"index_{page if one_based else page - 1}.shtml")


def _announced_pages(html: str) -> tuple[int, bool] | None:
    one = ONE_BASED_COUNTER.search(html)
    if one:
        return int(one.group(1)), True
    zero = ZERO_BASED_COUNTER.search(html)
    if zero:
        return int(zero.group(1)), False
    return None


def parse_list(body: bytes, page_url: str, content_type: str = "") -> ListPage:
    """Articles listed on one channel page. Raises SiteChangedError when the list is missing or empty."""
    html, _ = decode_body(body, content_type)
    soup = BeautifulSoup(html, "html.parser")
    container = soup.select_one(LIST_MARKUP)
    announced = _announced_pages(html)
    if container is None:
        raise SiteChangedError(
            f"{page_url}: no .commonList_con / ul.li_line list on the page; the list layout has changed"
        )
    host = urlsplit(page_url).netloc
    items: list[ListItem] = []
    seen: set[str] = set()
    for link in container.find_all("a", href=True):
        url = urljoin(page_url, link["href"].split("#")[0])
        match = ARTICLE_HREF.search(urlsplit(url).path)
        if not match or url in seen or urlsplit(url).netloc != host:
            continue
        seen.add(url)
        title = (link.get("title") or link.get_text(" ", strip=True)).strip()
        row = link.find_parent("li") or link.parent
        date_text = " ".join(s.get_text(" ", strip=True) for s in row.find_all(["span", "em", "i"])) if row else ""
        items.append(ListItem(url, title, parse_date(date_text), f"t{match.group(1)}_{match.group(2)}"))
    if not items:
        raise SiteChangedError(f"{page_url}: the list markup is there but it holds no article links")
    if announced is None:  # no declaration: the numbered links say how many pages there are
        numbered = {int(n) for n in NUMBERED_PAGE_LINK.findall(html)}
        if 1 in numbered:
            return ListPage(items, max(numbered) + 1, False)
        return ListPage(items, max(numbered, default=1), True)
    return ListPage(items, announced[0], announced[1])


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
    content = soup.select_one("#fontzoom") or soup.select_one(".detail_con")
    if content is None:
        raise SiteChangedError(f"{url}: no #fontzoom/.detail_con element; the article layout has changed")
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
