"""12309 China Procuratorate Network (12309中国检察网): published final legal documents.

Shape implemented (evidence in scrapers/README.md): the list pages /12309/gj/<region>/zjxflws/index.shtml
are empty shells that the site's own script fills from a JSON POST to /getFileListByPage:
    request   {"codeId": "", "page": N, "size": 15, "fileType": "法律文书公开",
               "channelWebPath": "/gj/<region>" (the list page's path without /12309 and /zjxflws/...),
               "channelLevels": "" or the /id/id/... chain a city or county list page carries in its URL}
    response  {"code": 200, "results": {"hits": {"total": T, "hits": [{"url", "title", "createdTime", ...}]}}}
Each article page (…/zjxflws/YYYYMM/tYYYYMMDD_N.shtml) holds one document (起诉书, 不起诉决定书,
刑事抗诉书, …, named at the end of its title) in .detail_con. Filtering by document type and keyword
happens on the list titles, so documents that are not wanted are never requested.

Browser route (`--fetcher browser`): Chromium opens the list page itself and the site's own script makes
that POST and renders the list; judgstat reads the rendered rows, which the site's front end writes as
    <li><a href="…/tYYYYMMDD_N.shtml"><b class="lanmu">[channel]</b>title</a><span class="date">YYYY-MM-DD</span></li>
and pages by clicking the pager's `.nextbtn` (no URL shows page N; see scrapers/browser.py). A channel's
list pages are read first, then its documents, so that the clicks go forward from one page to the next.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from bs4 import BeautifulSoup

from scrapers.browser import page_answers, paged_url
from scrapers.errors import SiteChangedError
from scrapers.pagetext import last_chinese_date, parse_date
from scrapers.runner import Sanity, Scraper, require_listed
from scrapers.store import Request
from scrapers.trs import ARTICLE_HREF, ListItem, parse_article
from toolkit.schema import normalised_text_sha256

NAME = "12309"
DEFAULT_BASE_URL = "https://www.12309.gov.cn"
NEEDS_COOKIE = False
ALLOWED_HOSTS = ("www.12309.gov.cn",)
# http: the JSON list answer requested directly; browser: the rendered list pages (see the docstring).
FETCHERS = ("http", "browser")
LIST_PAGE = "/zjxflws/index.shtml"  # a channel's list page, below /12309<channelWebPath>
RENDERED_ROW = "li > a[href*='/zjxflws/'] ~ span.date"  # a list row as the site's script writes it
BROWSER_NEXT_PAGE = ".nextbtn"  # the pager's next button (public Selenium crawler, 2020)
LIST_ENDPOINT = "/getFileListByPage"
PAGE_SIZE = 15  # the site's default page size (controller: Number(req.body.size) || 15)
FILE_TYPE = "法律文书公开"  # the channelName of final legal documents in the site's search index
SUCCESS_CODE = 200
BEIJING = timezone(timedelta(hours=8))  # createdTime is epoch milliseconds; dates are Beijing dates

# Region codes as the site's own server lists them (regionIDList), plus the SPP's own channel "/gj".
PROVINCE_PATHS = {
    "最高检": "", "北京": "bj", "天津": "tj", "河北": "heb", "山西": "sxa", "内蒙古": "nmg", "辽宁": "ln",
    "吉林": "jl", "黑龙江": "hlj", "上海": "sh", "江苏": "js", "浙江": "zj", "安徽": "ah", "福建": "fj",
    "江西": "jx", "山东": "sd", "河南": "hen", "湖北": "hub", "湖南": "hun", "广东": "gd", "广西": "gx",
    "海南": "han", "重庆": "cq", "四川": "sc", "贵州": "gz", "云南": "yn", "西藏": "xz", "陕西": "sxb",
    "甘肃": "gs", "青海": "qh", "宁夏": "nx", "新疆": "xj", "兵团": "jsbt",
}
# The SPP channel "/gj" matches every document below it (the server matches any ancestor channel), so
# a default run asks each province instead and 最高检 is there for an explicit --province 最高检.
DEFAULT_PROVINCES = tuple(name for name, code in PROVINCE_PATHS.items() if code)
CHANNEL_URL = re.compile(r"^/12309(/gj(?:/[A-Za-z0-9]+)*)/zjxflws/(?:index\.shtml)?$")

# Plausible list pages: at most one page size of items, full pages before the last one, and
# publication dates from 2014 (the year the procuratorates' case-information disclosure began) on.
SANITY = Sanity(max_items_per_page=PAGE_SIZE, full_page_items=PAGE_SIZE, earliest_date="2014-01-01")

# Longest first: 不起诉决定书 must win over 起诉书.
DOC_TYPES = ("不起诉决定书", "刑事抗诉书", "起诉书")
DEFAULT_DOC_TYPES = ("起诉书", "不起诉决定书")
DOC_TYPE_CODES = {"起诉书": "judgment", "不起诉决定书": "non_prosecution_decision", "刑事抗诉书": "other"}
DOCUMENT_NUMBER = re.compile(
    r"[\u4e00-\u9fa5]{1,15}检[\u4e00-\u9fa5]{0,10}\s*[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*[A-Za-z\u4e00-\u9fa5]{0,4}\d+\s*号"
)
PROCURATORATE = re.compile(r"^[\u4e00-\u9fa5]{2,30}人民检察院", re.M)


@dataclass(frozen=True)
class Channel:
    label: str  # what the user asked for: a province name or a list-page path
    web_path: str  # channelWebPath
    levels: str = ""  # channelLevels (city and county list pages)


@dataclass(frozen=True)
class ListPage:
    items: list[ListItem]
    total: int

    @property
    def page_count(self) -> int:
        return math.ceil(self.total / PAGE_SIZE)


def doc_type_of(title: str) -> str | None:
    compact = re.sub(r"\s+", "", title)
    return next((kind for kind in DOC_TYPES if kind in compact), None)


def province_channel(province: str) -> Channel:
    code = PROVINCE_PATHS[province]
    return Channel(province, "/gj" + (f"/{code}" if code else ""))


def channel_from_url(value: str) -> Channel:
    """A city or county list page as the browser shows it: /12309/gj/…/zjxflws/index.shtml?channelLevels=/…"""
    parts = urlsplit(value)
    match = CHANNEL_URL.match(parts.path)
    if match is None:
        raise ValueError(
            f"--channel {value!r}: expected a 12309 list page such as "
            "/12309/gj/bj/bjshrq/zjxflws/index.shtml?channelLevels=/…"
        )
    levels = (parse_qs(parts.query).get("channelLevels") or [""])[0]
    return Channel(parts.path, match.group(1), levels)


def list_request(base_url: str, channel: Channel, page: int) -> Request:
    return Request.post_json(
        base_url.rstrip("/") + LIST_ENDPOINT,
        {
            "codeId": "",
            "page": page,
            "size": PAGE_SIZE,
            "fileType": FILE_TYPE,
            "channelWebPath": channel.web_path,
            "channelLevels": channel.levels,
        },
    )


def list_page_url(base_url: str, channel: Channel) -> str:
    """The list page a browser opens for a channel (city and county pages carry their channelLevels)."""
    url = f"{base_url.rstrip('/')}/12309{channel.web_path}{LIST_PAGE}"
    return f"{url}?channelLevels={channel.levels}" if channel.levels else url


def browser_wait_for(url: str) -> str:
    """What proves a page is rendered: list rows on a list page, the document body on an article."""
    return RENDERED_ROW if urlsplit(url).path.endswith(LIST_PAGE) else ".detail_con"


BROWSER_WAIT_FOR = browser_wait_for


@dataclass(frozen=True)
class RenderedList:
    items: list[ListItem]
    has_next: bool  # the pager offers an enabled next button
    answer: ListPage  # the getFileListByPage answer the page's script received and rendered


def parse_rendered_list(body: bytes, url: str) -> RenderedList:
    """A list page as the site's script rendered it, checked against the answer the script received
    (kept in the page by the browser route). Raises SiteChangedError when it lists nothing, when no
    answer was received, or when the rows differ from the answer."""
    soup = BeautifulSoup(body.decode("utf-8", errors="replace"), "html.parser")
    host = urlsplit(url).netloc
    items: list[ListItem] = []
    for index, row in enumerate(soup.select("li")):
        link, when = row.find("a", href=True), row.select_one("span.date")
        if link is None or when is None:
            continue
        article_url = urljoin(url, link["href"])
        match = ARTICLE_HREF.search(urlsplit(article_url).path)
        if match is None or "/zjxflws/" not in article_url:
            continue
        if urlsplit(article_url).netloc != host:
            raise SiteChangedError(f"{url}: list row {index} points to another host ({article_url}); refusing it")
        for channel_tag in link.select("b.lanmu"):
            channel_tag.decompose()
        items.append(ListItem(article_url, link.get_text(" ", strip=True), parse_date(when.get_text(" ", strip=True)),
                              f"t{match.group(1)}_{match.group(2)}"))
    if not items:
        raise SiteChangedError(
            f"{url}: the rendered list page has no rows (li > a + span.date); the page or its script has changed"
        )
    next_button = soup.select_one(BROWSER_NEXT_PAGE)
    has_next = next_button is not None and "disabled" not in (next_button.get("class") or [])
    received = [a for a in page_answers(body) if urlsplit(a["url"]).path == LIST_ENDPOINT]
    if not received:
        raise SiteChangedError(f"{url}: the page's script received no {LIST_ENDPOINT} answer; the page has changed")
    origin = f"{urlsplit(url).scheme}://{host}"
    answer = parse_list(received[-1]["body"].encode("utf-8"), f"{url} (the answer the page received)", origin)
    if [i.url for i in items] != [i.url for i in answer.items]:
        raise SiteChangedError(f"{url}: the rendered rows ({len(items)}) are not the {len(answer.items)} hits the "
                               "page received; the list layout has changed")
    return RenderedList(items, has_next, answer)


def _listed_date(value: Any) -> str | None:
    """createdTime: epoch milliseconds (a number, or digits in a string) or a date string."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, tz=BEIJING).date().isoformat()
    return parse_date(str(value)) if value else None


def parse_list(body: bytes, url: str, base_url: str) -> ListPage:
    """One /getFileListByPage answer. Raises SiteChangedError for any other shape."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SiteChangedError(f"{url}: expected a JSON answer from getFileListByPage, got something else") from None
    if not isinstance(payload, dict) or payload.get("code") not in (SUCCESS_CODE, str(SUCCESS_CODE)):
        code = payload.get("code") if isinstance(payload, dict) else None
        raise SiteChangedError(f"{url}: getFileListByPage answered code {code!r}, not {SUCCESS_CODE}")
    hits = (payload.get("results") or {}).get("hits") if isinstance(payload.get("results"), dict) else None
    if not isinstance(hits, dict) or not isinstance(hits.get("hits"), list) or "total" not in hits:
        raise SiteChangedError(f"{url}: no results.hits.hits / results.hits.total; the list answer changed")
    total = hits["total"]["value"] if isinstance(hits["total"], dict) else hits["total"]
    if not isinstance(total, int):
        raise SiteChangedError(f"{url}: results.hits.total is {total!r}, not a count")
    host = urlsplit(base_url).netloc
    items = []
    for index, hit in enumerate(hits["hits"]):
        source = hit.get("_source", hit) if isinstance(hit, dict) else None
        if not isinstance(source, dict) or not source.get("url") or not source.get("title"):
            raise SiteChangedError(f"{url}: list hit {index} has no url/title")
        article_url = urljoin(base_url.rstrip("/") + "/", str(source["url"]))
        if urlsplit(article_url).netloc != host:
            raise SiteChangedError(f"{url}: list hit {index} points to another host ({article_url}); refusing it")
        match = ARTICLE_HREF.search(urlsplit(article_url).path)
        if match is None:
            raise SiteChangedError(f"{url}: list hit {index} URL {article_url} is not a tYYYYMMDD_N article")
        items.append(ListItem(article_url, str(source["title"]).strip(), _listed_date(source.get("createdTime")),
                              f"t{match.group(1)}_{match.group(2)}"))
    return ListPage(items, total)


def _channels(options: dict[str, Any]) -> list[Channel]:
    provinces = options.get("provinces") or ([] if options.get("channel") else list(DEFAULT_PROVINCES))
    unknown = [p for p in provinces if p not in PROVINCE_PATHS]
    if unknown:
        raise ValueError(f"unknown province {unknown}; choose from {', '.join(PROVINCE_PATHS)}")
    channels = [province_channel(p) for p in provinces]
    if options.get("channel"):
        channels.append(channel_from_url(options["channel"]))
    return channels


def _list_checker(url: str, base_url: str, page: int):
    def check(body: bytes) -> ListPage:
        listing = parse_list(body, url, base_url)
        if listing.total > 0 and page <= listing.page_count and not listing.items:
            raise SiteChangedError(
                f"{url}: page {page} of {listing.page_count} lists no items although the total is {listing.total}"
            )
        SANITY.check_page(url, len(listing.items), (i.date for i in listing.items),
                          last_page=page >= listing.page_count)
        return listing

    return check


def _rendered_checker(url: str, page: int):
    def check(body: bytes) -> RenderedList:
        listing = parse_rendered_list(body, url)
        announced = listing.answer.page_count
        if page < announced and not listing.has_next:
            raise SiteChangedError(f"{url}: page {page} of the {announced} the site announces (total "
                                   f"{listing.answer.total}) offers no next-page button ({BROWSER_NEXT_PAGE}); "
                                   "the pager has changed")
        SANITY.check_page(url, len(listing.items), (i.date for i in listing.items), last_page=page >= announced)
        return listing

    return check


def _rendered_pages(scraper: Scraper, base_url: str, channel: Channel):
    """(page, items) for every rendered list page of a channel: page 1 opened, the next ones clicked to."""
    list_url = list_page_url(base_url, channel)
    page, more = 1, True
    while more:
        request = Request.get(paged_url(list_url, page))
        _, listing = scraper.fetch_list(request, _rendered_checker(request.url, page),
                                        extra={"channel": channel.label, "page": page})
        yield page, listing.items
        more, page = page < listing.answer.page_count, page + 1


def _json_pages(scraper: Scraper, base_url: str, channel: Channel):
    """(page, items) for every page of a channel's JSON list answer, up to the total it announces."""
    page, page_count = 1, 1
    while page <= page_count:
        request = list_request(base_url, channel, page)
        body, listing = scraper.fetch_list(request, _list_checker(request.url, base_url, page),
                                           extra={"channel": channel.label, "page": page})
        if page == 1:
            require_listed(scraper, channel.label, listing.total, body, request.url)
        page_count = max(page_count, listing.page_count)
        yield page, listing.items
        page += 1


def crawl(scraper: Scraper, base_url: str, options: dict[str, Any]) -> None:
    channels = _channels(options)
    wanted_types = tuple(options.get("doc_types") or DEFAULT_DOC_TYPES)
    keyword = options.get("query") or ""
    rendered = options.get("fetcher") == "browser"
    seen: set[str] = set()
    for channel in channels:
        pages = (_rendered_pages if rendered else _json_pages)(scraper, base_url, channel)
        # The browser clicks from page to page, so a channel's list is read before its documents.
        for page, items in (list(pages) if rendered else pages):
            chosen = [
                item for item in items
                if doc_type_of(item.title) in wanted_types and keyword in item.title and item.url not in seen
            ]
            scraper.record_page(channel.label, page, len(items), len(chosen))
            scraper.expect_documents(len(chosen))
            for item in chosen:
                seen.add(item.url)
                scraper.fetch(
                    Request.get(item.url),
                    kind="document",
                    doc_id=item.article_id,
                    validate=_article_validator(item.url),
                    extra={"province": channel.label, "list_title": item.title, "list_date": item.date},
                )


def _article_validator(url: str):
    def check(body: bytes) -> None:
        parse_article(body, url)

    return check


def document_record(
    body: bytes, *, doc_id: str, url: str, source_ref: str, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    extra = extra or {}
    article = parse_article(body, url)
    if not article.text:
        raise SiteChangedError(f"{url}: the document body is empty")
    notes: list[str] = []
    title = article.title or extra.get("list_title")
    if article.title is None:
        notes.append("title: no .detail_tit on the page" + ("; taken from the list page" if title else ""))
    number = DOCUMENT_NUMBER.search(article.text)
    if number is None:
        notes.append("case_number: no document number (…检…〔YYYY〕…号) found in the text")
    issuer = PROCURATORATE.search(article.text)
    if issuer is None:
        notes.append("court: no line naming the issuing 人民检察院")
    signed = last_chinese_date(article.text)
    published = article.published or extra.get("list_date")
    if signed is None:
        notes.append("date: no signing date in Chinese numerals; publication date used" if published
                     else "date: neither a signing date nor a publication date found")
    kind = doc_type_of(title or "") or doc_type_of(article.text[:200])
    metadata = {
        "url": url,
        "article_id": doc_id,
        "province": extra.get("province"),
        "doc_type_name": kind,
        "doc_type": DOC_TYPE_CODES.get(kind or "", None),
        "signed_date": signed,
        "published_date": published,
        "date_line": article.date_line,
        "issuer_kind": "procuratorate",
        "parse_notes": notes,
    }
    return {
        "id": f"12309:{doc_id}",
        "source": "12309/html",
        "source_ref": source_ref,
        "text": article.text,
        "title": title,
        "case_number": re.sub(r"\s+", "", number.group(0)) if number else None,
        "court": issuer.group(0) if issuer else None,
        "date": signed or published,
        "metadata": metadata,
        "sha256": normalised_text_sha256(article.text),
        "encoding": article.encoding,
    }


def _list_example(body: bytes, args: dict[str, Any]) -> dict[str, Any]:
    listing = parse_list(body, args["url"], args["base_url"])
    return {"total": listing.total, "page_count": listing.page_count, "items": [asdict(i) for i in listing.items]}


def _document_example(body: bytes, args: dict[str, Any]) -> dict[str, Any]:
    return document_record(body, **args)


def _rendered_list_example(body: bytes, args: dict[str, Any]) -> dict[str, Any]:
    listing = parse_rendered_list(body, args["url"])
    return {"has_next": listing.has_next, "total": listing.answer.total, "page_count": listing.answer.page_count,
            "items": [asdict(i) for i in listing.items]}


# scrapers/fixtures/<stem>.example.* -> <stem>.expected.json, checked by tests/test_scrapers_parsing.py
EXAMPLES = {"12309_list": ("list", _list_example), "12309_detail": ("document", _document_example),
            "12309_rendered_list": ("list", _rendered_list_example)}
