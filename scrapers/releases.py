"""SPC and SPP release pages: typical cases (典型案例) and guiding cases (指导性案例).

Shapes implemented (evidence in scrapers/README.md):
    spc  court.gov.cn  list /zixun/gengduo/104.html, then 104_2.html, 104_3.html, ...; .sec_list li holds
                       a[href=/zixun/xiangqing/<id>.html] and <i class="date">; the pager links the numbered
                       pages and 下一页. Article: .detail .title, .detail_mes li (发布时间：..., 来源：...),
                       .txt_txt / #zoom text.
    spp  spp.gov.cn    TRS channel /spp/<channel>/index.shtml, index_2.shtml, ... (see scrapers/trs.py);
                       .commonList_con ul.li_line li: a + <span>date</span>. Article: .detail_tit,
                       .detail_extend1 (date, 来源), #fontzoom text.
Channel codes change when a site is reorganised: pass --channel with the path you see in your browser.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from scrapers import trs
from scrapers.errors import SiteChangedError
from scrapers.pagetext import NEXT_PAGE_WORDS, decode_body, element_text, parse_date
from scrapers.runner import Sanity, Scraper
from scrapers.store import Request
from toolkit.schema import normalised_text_sha256

NEEDS_COOKIE = False


@dataclass(frozen=True)
class Site:
    name: str
    publisher: str
    default_base_url: str
    channels: dict[str, str]
    sanity: Sanity


# Loose limits chosen by judgstat, not facts about the sites: a list page with more than 60 links is
# not the article list, and no listed release predates 2000. Full pages are compared with page 1.
RELEASE_SANITY = Sanity(max_items_per_page=60, full_page_items=None, earliest_date="2000-01-01")
SITES = {
    "spc": Site(
        "spc", "最高人民法院", "https://www.court.gov.cn",
        {"typical-cases": "/zixun/gengduo/104.html", "guiding-cases": "/shenpan/gengduo/77.html"},
        RELEASE_SANITY,
    ),
    "spp": Site(
        "spp", "最高人民检察院", "https://www.spp.gov.cn",
        {"typical-cases": "/spp/zgjdxal/", "guiding-cases": "/spp/jczdal/"},
        RELEASE_SANITY,
    ),
}
# Both sites serve their lists and articles as static HTML, so http is the default; the browser route
# reads the same pages after Chromium rendered them (same URLs: SPC _N.html pages, SPP index_N.shtml).
# Declarations keyed by source name (scrapers.sources.declared).
FETCHERS = {"spc": ("http", "browser"), "spp": ("http", "browser")}
ALLOWED_HOSTS = {name: (urlsplit(site.default_base_url).hostname,) for name, site in SITES.items()}


def spc_wait_for(url: str) -> str:
    """A list row linking an article, or the article text (.txt_txt / #zoom beside .detail_mes)."""
    return ".sec_list li a[href*='/xiangqing/']" if "/gengduo/" in url else ".txt_txt, #zoom"


def spp_wait_for(url: str) -> str:
    """A list row (.commonList_con ul.li_line li a), or the article text #fontzoom."""
    return "#fontzoom, .detail_con" if trs.ARTICLE_HREF.search(urlsplit(url).path) else ".commonList_con ul.li_line li a"


BROWSER_WAIT_FOR = {"spc": spc_wait_for, "spp": spp_wait_for}
SPC_LIST_PATH = re.compile(r"^(/[a-z]+/gengduo/\d+)\.html$")
SPC_ARTICLE_HREF = re.compile(r"^/[a-z]+/xiangqing/(\d+)\.html$")


@dataclass(frozen=True)
class ReleaseItem:
    url: str
    title: str
    date: str | None
    article_id: str


@dataclass(frozen=True)
class ReleaseList:
    items: list[ReleaseItem]
    page_count: int  # the highest page the page links to (or the current page)
    has_next: bool  # the pager offers a next page


def spc_list_url(base_url: str, channel_path: str, page: int) -> str:
    """/zixun/gengduo/104.html for page 1, /zixun/gengduo/104_N.html for page N."""
    match = SPC_LIST_PATH.match(channel_path)
    if match is None:
        raise ValueError(f"SPC channel {channel_path!r}: expected a list path like /zixun/gengduo/104.html")
    return base_url.rstrip("/") + (channel_path if page == 1 else f"{match.group(1)}_{page}.html")


def parse_spc_list(body: bytes, page_url: str) -> ReleaseList:
    html, _ = decode_body(body)
    soup = BeautifulSoup(html, "html.parser")
    container = soup.select_one(".sec_list")
    if container is None:
        raise SiteChangedError(f"{page_url}: no .sec_list element; the SPC list layout has changed")
    host = urlsplit(page_url).netloc
    items: list[ReleaseItem] = []
    for link in container.find_all("a", href=True):
        url = urljoin(page_url, link["href"])
        match = SPC_ARTICLE_HREF.match(urlsplit(url).path)
        if not match or urlsplit(url).netloc != host or any(i.url == url for i in items):
            continue
        row = link.find_parent("li") or link.parent
        date_tag = row.find(class_="date") if row else None
        items.append(
            ReleaseItem(
                url,
                (link.get("title") or link.get_text(" ", strip=True)).strip(),
                parse_date(date_tag.get_text(" ", strip=True)) if date_tag else None,
                match.group(1),
            )
        )
    if not items:
        raise SiteChangedError(f"{page_url}: the .sec_list is there but it holds no article links")
    stem = re.escape(urlsplit(page_url).path.rsplit("/", 1)[-1].split("_")[0].removesuffix(".html"))
    numbers = [int(n) for n in re.findall(rf"/{stem}_(\d+)\.html", html)]
    current = re.search(rf"{stem}_(\d+)\.html$", page_url)
    has_next = any(a.get_text(strip=True) in NEXT_PAGE_WORDS and a.get("href") for a in soup.find_all("a"))
    return ReleaseList(items, max([*numbers, int(current.group(1)) if current else 1]), has_next)


@dataclass(frozen=True)
class Release:
    title: str | None
    published: str | None
    origin: str | None
    text: str
    encoding: str


def parse_spc_article(body: bytes, url: str) -> Release:
    html, encoding = decode_body(body)
    soup = BeautifulSoup(html, "html.parser")
    content = soup.select_one(".txt_txt") or soup.select_one("#zoom")
    if content is None:
        raise SiteChangedError(f"{url}: no .txt_txt/#zoom element; the SPC article layout has changed")
    title = soup.select_one(".detail .title") or soup.select_one(".title")
    published = origin = None
    for item in soup.select(".detail_mes li") or soup.select(".message li"):
        line = item.get_text(" ", strip=True)
        if "发布时间" in line:
            published = parse_date(line)
        elif "来源" in line:
            origin = re.split(r"[：:]", line, maxsplit=1)[-1].strip() or None
    return Release(title.get_text(" ", strip=True) if title else None, published, origin, element_text(content), encoding)


def parse_spp_article(body: bytes, url: str) -> Release:
    article = trs.parse_article(body, url)
    origin = None
    if article.date_line and "来源" in article.date_line:
        origin = article.date_line.split("来源", 1)[1].lstrip("：: ").split()[0] or None
    return Release(article.title, article.published, origin, article.text, article.encoding)


def _checker(function, url: str):
    def check(body: bytes) -> None:
        function(body, url)

    return check


def _spc_page(site: Site, url: str, page: int, first_page_items: int | None):
    def check(body: bytes) -> ReleaseList:
        listing = parse_spc_list(body, url)
        last = page >= listing.page_count and not listing.has_next
        site.sanity.check_page(url, len(listing.items), (i.date for i in listing.items), last_page=last)
        if first_page_items is not None and not last and len(listing.items) < first_page_items:
            raise SiteChangedError(f"{url}: {len(listing.items)} items on a page that is not the last one "
                                   f"(page 1 has {first_page_items}); the list would have a gap")
        return listing

    return check


def _spp_page(site: Site, url: str, page: int):
    def check(body: bytes) -> trs.ListPage:
        listing = trs.parse_list(body, url)
        site.sanity.check_page(url, len(listing.items), (i.date for i in listing.items),
                               last_page=page >= listing.page_count)
        return listing

    return check


def _spc_pages(scraper: Scraper, site: Site, base_url: str, channel: str, channel_path: str):
    """(page, items) for every page of an SPC channel, following its _N.html numbering."""
    page, announced, first_items = 1, 1, None
    while page <= announced:
        url = spc_list_url(base_url, channel_path, page)
        _, listing = scraper.fetch_list(Request.get(url), _spc_page(site, url, page, first_items),
                                           extra={"channel": channel, "page": page})
        first_items = first_items or len(listing.items)
        announced = max(announced, listing.page_count, page + 1 if listing.has_next else page)
        yield page, listing.items
        page += 1


def _spp_pages(scraper: Scraper, site: Site, base_url: str, channel: str, channel_path: str):
    """(page, items) for every page of an SPP (TRS) channel, numbered as page 1 declares."""
    page, announced, one_based = 1, 1, True
    channel_url = base_url.rstrip("/") + channel_path
    while page <= announced:
        url = trs.list_page_url(channel_url, page, one_based)
        _, listing = scraper.fetch_list(Request.get(url), _spp_page(site, url, page),
                                           extra={"channel": channel, "page": page})
        if page == 1:
            one_based = listing.one_based
        announced = max(announced, listing.page_count)
        items = [ReleaseItem(i.url, i.title, i.date, i.article_id) for i in listing.items]
        yield page, items
        page += 1


def crawl(scraper: Scraper, base_url: str, options: dict[str, Any]) -> None:
    site = SITES[options["site"]]
    channel = options.get("channel") or "typical-cases"
    channel_path = site.channels.get(channel, channel)
    if not channel_path.startswith("/"):
        raise ValueError(f"unknown channel {channel!r}; use one of {sorted(site.channels)} or a path starting with /")
    if site.name == "spc":
        spc_list_url(base_url, channel_path, 1)  # a path of the wrong form is a usage error, before any request
    keyword = options.get("query") or ""
    pages = (_spc_pages if site.name == "spc" else _spp_pages)(scraper, site, base_url, channel, channel_path)
    article_parser = parse_spc_article if site.name == "spc" else parse_spp_article
    seen: set[str] = set()
    # Every page holds at least one item (an empty list is an error in the parsers), and paging goes on
    # while any page announces a further page (a numbered link, 下一页, or the TRS counter); a page it
    # announces that cannot be fetched stops the run with an error.
    for page, items in pages:
        chosen = [i for i in items if keyword in i.title and i.url not in seen]
        scraper.record_page(channel, page, len(items), len(chosen))
        scraper.expect_documents(len(chosen))
        for item in chosen:
            seen.add(item.url)
            scraper.fetch(
                Request.get(item.url),
                kind="document",
                doc_id=f"{site.name}:{item.article_id}",
                validate=_checker(article_parser, item.url),
                extra={"site": site.name, "channel": channel, "list_title": item.title, "list_date": item.date},
            )


def document_record(
    body: bytes, *, doc_id: str, url: str, source_ref: str, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    extra = extra or {}
    site = SITES[doc_id.split(":", 1)[0]]
    release = (parse_spc_article if site.name == "spc" else parse_spp_article)(body, url)
    if not release.text:
        raise SiteChangedError(f"{url}: the article body is empty")
    notes = []
    title = release.title or extra.get("list_title")
    if release.title is None:
        notes.append("title: not on the article page" + ("; taken from the list page" if title else ""))
    published = release.published or extra.get("list_date")
    if release.published is None:
        notes.append("date: no publication date on the article page" + ("; list date used" if published else ""))
    return {
        "id": doc_id,
        "source": f"{site.name}/html",
        "source_ref": source_ref,
        "text": release.text,
        "title": title,
        "case_number": None,
        "court": None,
        "date": published,
        "metadata": {
            "url": url,
            "publisher": site.publisher,
            "channel": extra.get("channel"),
            "origin": release.origin,
            "parse_notes": notes,
        },
        "sha256": normalised_text_sha256(release.text),
        "encoding": release.encoding,
    }


def _spc_list_example(body: bytes, args: dict[str, Any]) -> dict[str, Any]:
    listing = parse_spc_list(body, args["url"])
    return {"page_count": listing.page_count, "has_next": listing.has_next, "items": [asdict(i) for i in listing.items]}


def _spp_list_example(body: bytes, args: dict[str, Any]) -> dict[str, Any]:
    listing = trs.parse_list(body, args["url"])
    return {"page_count": listing.page_count, "one_based": listing.one_based,
            "items": [asdict(i) for i in listing.items]}


def _document_example(body: bytes, args: dict[str, Any]) -> dict[str, Any]:
    return document_record(body, **args)


# scrapers/fixtures/<stem>.example.* -> <stem>.expected.json, checked by tests/test_scrapers_parsing.py
EXAMPLES = {
    "spc_list": ("list", _spc_list_example), "spc_article": ("document", _document_example),
    "spp_list": ("list", _spp_list_example), "spp_article": ("document", _document_example),
}
