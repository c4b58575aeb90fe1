"""SPC and SPP release pages: typical cases (典型案例) and statistics releases (数据发布).

    spc  court.gov.cn    list /fabu/gengduo/<channel>.html?page=N   (.sec_list li: a[href=/fabu/xiangqing/<id>.html]
                         + date); pager link 尾页 carries the last page number.
                         article .detail .title, .message li 发布时间：..., #zoom/.txt_txt text
    spp  spp.gov.cn      TRS channel /spp/<channel>/index.shtml, index_1.shtml, ... (see scrapers/trs.py)
Channel codes change when a site is reorganised: pass --channel with the path you see in your browser.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from scrapers import trs
from scrapers.errors import SiteChangedError
from scrapers.pagetext import decode_body, element_text, parse_date
from scrapers.runner import Scraper
from scrapers.store import Request
from toolkit.schema import normalised_text_sha256

NEEDS_COOKIE = False


@dataclass(frozen=True)
class Site:
    name: str
    publisher: str
    default_base_url: str
    channels: dict[str, str]


SITES = {
    "spc": Site(
        "spc", "最高人民法院", "https://www.court.gov.cn",
        {"typical-cases": "/fabu/gengduo/104.html", "statistics": "/fabu/gengduo/23.html"},
    ),
    "spp": Site(
        "spp", "最高人民检察院", "https://www.spp.gov.cn",
        {"typical-cases": "/spp/jczdal/", "statistics": "/spp/xwfbh/wsfbt/", "releases": "/spp/xwfbh/wsfbt/"},
    ),
}
SPC_ARTICLE_HREF = re.compile(r"/fabu/xiangqing/(\d+)\.html")
LAST_PAGE = re.compile(r"[?&]page=(\d+)")


@dataclass(frozen=True)
class ReleaseItem:
    url: str
    title: str
    date: str | None
    article_id: str


def spc_list_url(base_url: str, channel_path: str, page: int) -> Request:
    url = base_url.rstrip("/") + channel_path
    return Request.get(url, {"page": page}) if page > 1 else Request.get(url)


def parse_spc_list(body: bytes, page_url: str) -> tuple[list[ReleaseItem], int]:
    html, _ = decode_body(body)
    soup = BeautifulSoup(html, "html.parser")
    container = soup.select_one(".sec_list")
    if container is None:
        raise SiteChangedError(f"{page_url}: no .sec_list element; the SPC list layout has changed")
    items = []
    for link in container.find_all("a", href=True):
        match = SPC_ARTICLE_HREF.search(link["href"])
        if not match:
            continue
        row = link.find_parent("li") or link.parent
        date_tag = row.find(class_="date") if row else None
        items.append(
            ReleaseItem(
                urljoin(page_url, link["href"]),
                (link.get("title") or link.get_text(" ", strip=True)).strip(),
                parse_date(date_tag.get_text(" ", strip=True)) if date_tag else None,
                match.group(1),
            )
        )
    last = 1
    for link in soup.select(".page a[href]"):
        number = LAST_PAGE.search(link["href"])
        if number:
            last = max(last, int(number.group(1)))
    return items, last


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
    content = soup.select_one("#zoom") or soup.select_one(".txt_txt")
    if content is None:
        raise SiteChangedError(f"{url}: no #zoom/.txt_txt element; the SPC article layout has changed")
    title = soup.select_one(".detail .title") or soup.select_one(".title")
    published = origin = None
    for item in soup.select(".message li"):
        line = item.get_text(" ", strip=True)
        if "发布时间" in line:
            published = parse_date(line)
        elif "来源" in line:
            origin = line.split("：", 1)[-1].strip() or None
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


def crawl(scraper: Scraper, base_url: str, options: dict[str, Any]) -> None:
    site = SITES[options["site"]]
    channel = options.get("channel") or "typical-cases"
    channel_path = site.channels.get(channel, channel)
    if not channel_path.startswith("/"):
        raise ValueError(f"unknown channel {channel!r}; use one of {sorted(site.channels)} or a path starting with /")
    keyword = options.get("query") or ""
    seen: set[str] = set()
    page, last = 1, 1
    while page <= last:
        if site.name == "spc":
            request = spc_list_url(base_url, channel_path, page)
            body = scraper.fetch(request, kind="list", validate=_checker(parse_spc_list, request.url))
            items, last = parse_spc_list(body, request.url)
            article_parser = parse_spc_article
        else:
            request = Request.get(trs.list_page_url(base_url.rstrip("/") + channel_path, page - 1))
            body = scraper.fetch(request, kind="list", validate=_checker(trs.parse_list, request.url))
            trs_items, last = trs.parse_list(body, request.url)
            items = [ReleaseItem(i.url, i.title, i.date, i.article_id) for i in trs_items]
            article_parser = parse_spp_article
        chosen = [i for i in items if keyword in i.title and i.url not in seen]
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
        page += 1


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
    items, pages = parse_spc_list(body, args["url"])
    return {"page_count": pages, "items": [asdict(i) for i in items]}


def _spp_list_example(body: bytes, args: dict[str, Any]) -> dict[str, Any]:
    items, pages = trs.parse_list(body, args["url"])
    return {"page_count": pages, "items": [asdict(i) for i in items]}


def _document_example(body: bytes, args: dict[str, Any]) -> dict[str, Any]:
    return document_record(body, **args)


# scrapers/fixtures/<stem>.example.* -> <stem>.expected.json, checked by tests/test_scrapers_parsing.py
EXAMPLES = {
    "spc_list": ("list", _spc_list_example), "spc_article": ("document", _document_example),
    "spp_list": ("list", _spp_list_example), "spp_article": ("document", _document_example),
}
