"""China Judgments Online (中国裁判文书网, wenshu.court.gov.cn): list and detail endpoints.

What works and what does not is told in scrapers/README.md ("China Judgments Online"). In short: since
late 2019 the site encrypts every list and detail answer (3DES, key in `secretKey`) and expects
client-made `ciphertext`, `__RequestVerificationToken` and `pageId` fields; since 2021 it also wants a
login and sits behind a web-application firewall. judgstat never re-implements a site's encryption, so
plain HTTP with this module stops at the first encrypted answer (JavaScriptRequiredError). The module
is kept for the plaintext answers it can read (the browser route of `--fetcher browser`, which lets the
site's own scripts run in the user's own logged-in browser, and tests), and it reads the site's
answer codes so that an expired session, a rate limit and a ban are each told apart.

Request shape (public crawler code, see the README): form POSTs to /website/parse/rest.q4w, told
apart by `cfg`:
    list    cfg=...SearchDataDsoDTO@queryDoc      pageNum, pageSize, sortFields, queryCondition: a JSON
                                                   list of {"key", "value"} holding s21 (full text),
                                                   cprq (judgment dates), s8 (case type; 02 = criminal),
                                                   s33 (court province), s4 (court level, codes 1-4)
    detail  cfg=...SearchDataDsoDTO@docInfoSearch  docId
Answer: {"code": 1, "success": true, "description": "", "result": <JSON text>, "secretKey": ...}.
    list result   {"queryResult": {"resultCount": N, "resultList": [{"rowkey", "1" title, "2" court,
                   "7" case number, "31" judgment date, ...}]}}
    detail result {"s1" title, "s2" court, "s7" case number, "s31" judgment date, "qwContent" full-text HTML, ...}

Searching needs the user's own logged-in session: the cookie is sent as a header only.

Browser route (`--fetcher browser`, the default; needs --browser-profile with your own login): Chromium
opens the site's own list page
    /website/wenshu/181217BMTKHNT2W0/index.html?pageId=…&s21=<query>&s8=02&cprqStart=…&cprqEnd=…
whose scripts make the client tokens, send rest.q4w and decrypt the answer; judgstat reads the rendered
rows (.LM_list h4 > a.caseName → ../181107ANFZ0BXSK4/index.html?docId=…, span.slfyName / .ah / .cprq,
the count in .con_right span) and clicks the pager's 下一页 (.left_7_3 a.pageButton) for the next page.
Each document is the rendered detail page (div.PDF_box: .PDF_title, .PDF_pox), read by the same code
as pages saved from a browser (toolkit/loaders/wenshu_html.py). Over the cap, the browser route splits
by date only (court province and level have no list-page parameter known from the evidence).

A query whose result count exceeds the site's cap (only the first RESULT_CAP hits can be paged
through) is split: date range halves until one day, then by the court's province, then by court
level; a part still over the cap after that is collected up to the cap and reported as a shortfall.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

from bs4 import BeautifulSoup

from scrapers.browser import page_answers, paged_url

from scrapers.errors import (
    BlockedError,
    DocumentGoneError,
    JavaScriptRequiredError,
    LoginRequiredError,
    SiteChangedError,
    StopRun,
)
from scrapers.pagetext import NEXT_PAGE_WORDS, html_to_text, parse_date
from scrapers.runner import Sanity, Scraper
from scrapers.store import Request
from toolkit.schema import normalised_text_sha256

NAME = "wenshu"
DEFAULT_BASE_URL = "https://wenshu.court.gov.cn"
ENDPOINT = "/website/parse/rest.q4w"
LIST_CFG = "com.lawyee.judge.dc.parse.dto.SearchDataDsoDTO@queryDoc"
DETAIL_CFG = "com.lawyee.judge.dc.parse.dto.SearchDataDsoDTO@docInfoSearch"
COOKIE_ENV = "JUDGSTAT_WENSHU_COOKIE"
NEEDS_COOKIE = True  # over plain HTTP; the browser route uses the login in the user's own profile
ALLOWED_HOSTS = ("wenshu.court.gov.cn",)
# browser first: plain HTTP cannot read the encrypted answers (it stops with JavaScriptRequiredError).
FETCHERS = ("browser", "http")
BROWSER_NEEDS_LOGIN = True
# The site's own pages (public code, see scrapers/README.md): the list and the detail page ids.
LIST_PAGE = "/website/wenshu/181217BMTKHNT2W0/index.html"
DETAIL_PAGE = "/website/wenshu/181107ANFZ0BXSK4/index.html"
RENDERED_ROW = ".LM_list h4 > a.caseName"
RENDERED_COUNT = ".con_right span"  # 共检索到 <span>N</span> 篇文书, written with the rows (also when N is 0)
RENDERED_BODY = ".PDF_box .PDF_pox"
BROWSER_NEXT_PAGE = ".left_7_3 a.pageButton"  # the one labelled 下一页; class "disabled" on the last page

# Query-condition keys. When the site renames a field, this is the one place to change.
KEY_FULL_TEXT = "s21"
KEY_JUDGMENT_DATE = "cprq"  # value "YYYY-MM-DD TO YYYY-MM-DD"
KEY_COURT_PROVINCE = "s33"
KEY_COURT_LEVEL = "s4"
KEY_CASE_TYPE = "s8"
CASE_TYPE_CRIMINAL = "02"
RESULT_CAP = 600
PAGE_SIZE = 15
DEFAULT_DATE_FROM = "2013-07-01"  # the national publication requirement dates from 2013-2014

COURT_PROVINCES = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省",
    "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区",
    "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省",
    "宁夏回族自治区", "新疆维吾尔自治区", "新疆维吾尔自治区高级人民法院生产建设兵团分院", "最高人民法院",
)
# s4 takes codes, not names (order UNVERIFIED, see scrapers/README.md).
COURT_LEVELS = {"1": "最高法院", "2": "高级法院", "3": "中级法院", "4": "基层法院"}
# Plausible list pages: at most PAGE_SIZE rows, full pages before the last, judgment dates from 1985 on.
SANITY = Sanity(max_items_per_page=PAGE_SIZE, full_page_items=PAGE_SIZE, earliest_date="1985-01-01")


class SessionExpiredError(LoginRequiredError):
    """Answer code 9: the session is not (or no longer) usable."""


class RateLimitedError(StopRun):
    """Answer code -9: the site is limiting this account or address."""


class BannedError(BlockedError):
    """Answer code -12: the site has banned this account or address."""


# The site's answer codes (code 1 = success), each a distinct stop with what the user should do.
ANSWER_CODES: dict[int, tuple[type[StopRun], str]] = {
    9: (SessionExpiredError,
        "code 9: the site does not accept this session (expired or logged out; one public report also "
        "shows code 9 for a request the site cannot parse). Log in again in your browser with your own "
        "account, export a fresh cookie (--cookie-file) and rerun; if it persists, see 'When a site "
        "changes' in scrapers/README.md"),
    -9: (RateLimitedError,
         "code -9: the site is rate-limiting this account or address. Stop now, wait several hours, "
         "rerun with a lower --rate (e.g. 0.1); everything stored so far is kept"),
    -12: (BannedError,
          "code -12: the site has banned this account or address. Do not retry and do not switch "
          "accounts or addresses to get around it; check the site's terms and contact the site"),
}

GONE_WORDS = ("不存在", "已删除", "已撤回", "已下线")  # a detail that was withdrawn: skipped and reported
DETAIL_FIELDS = {"title": "s1", "court": "s2", "case_number": "s7", "date": "s31", "html": "qwContent"}


@dataclass(frozen=True)
class Partition:
    date_from: str
    date_to: str
    province: str | None = None
    level: str | None = None

    def conditions(self, query: str) -> list[dict[str, str]]:
        conditions = [{"key": KEY_FULL_TEXT, "value": query}] if query else []
        conditions.append({"key": KEY_CASE_TYPE, "value": CASE_TYPE_CRIMINAL})
        conditions.append({"key": KEY_JUDGMENT_DATE, "value": f"{self.date_from} TO {self.date_to}"})
        if self.province:
            conditions.append({"key": KEY_COURT_PROVINCE, "value": self.province})
        if self.level:
            conditions.append({"key": KEY_COURT_LEVEL, "value": self.level})
        return conditions

    def describe(self) -> str:
        parts = [f"{self.date_from}..{self.date_to}", self.province or "", COURT_LEVELS.get(self.level or "", "")]
        return " ".join(p for p in parts if p)

    def split(self) -> list["Partition"]:
        """Smaller partitions covering this one exactly, or [] when it cannot be split further."""
        start, end = date.fromisoformat(self.date_from), date.fromisoformat(self.date_to)
        if start < end:
            middle = start + timedelta(days=(end - start).days // 2)
            return [
                replace(self, date_to=middle.isoformat()),
                replace(self, date_from=(middle + timedelta(days=1)).isoformat()),
            ]
        if self.province is None:
            return [replace(self, province=p) for p in COURT_PROVINCES]
        if self.level is None:
            return [replace(self, level=level) for level in COURT_LEVELS]
        return []


def list_request(base_url: str, query: str, partition: Partition, page: int) -> Request:
    return Request.post(
        base_url.rstrip("/") + ENDPOINT,
        {
            "cfg": LIST_CFG,
            "sortFields": "s50:desc",
            "pageNum": page,
            "pageSize": PAGE_SIZE,
            "queryCondition": json.dumps(partition.conditions(query), ensure_ascii=False, separators=(",", ":")),
        },
    )


def detail_request(base_url: str, doc_id: str) -> Request:
    return Request.post(base_url.rstrip("/") + ENDPOINT, {"cfg": DETAIL_CFG, "docId": doc_id})


def decode_result(body: bytes, url: str = "wenshu") -> dict[str, Any]:
    """The `result` object of a rest.q4w response; stops clearly on login, error or encrypted payloads."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SiteChangedError(f"{url}: expected a JSON response from rest.q4w, got something else ({exc})") from None
    if not isinstance(payload, dict):
        raise SiteChangedError(f"{url}: expected a JSON object from rest.q4w")
    description = str(payload.get("description") or "")
    if payload.get("code") not in (1, "1") or payload.get("success") is False:
        if any(word in description for word in GONE_WORDS):
            raise DocumentGoneError(f"{url}: the site says {description!r}")
        try:
            code = int(payload.get("code"))
        except (TypeError, ValueError):
            code = None
        if code in ANSWER_CODES:
            error, advice = ANSWER_CODES[code]
            said = f" (the site says {description!r})" if description else ""
            raise error(f"{url}: {advice}{said}")
        if "登录" in description or "登陆" in description:
            raise LoginRequiredError(f"{url}: the site says {description!r}; log in again and export a fresh cookie")
        raise SiteChangedError(f"{url}: the site returned code {payload.get('code')!r}: {description!r}")
    result = payload.get("result")
    if isinstance(result, dict):
        return result
    if isinstance(result, str):
        try:
            decoded = json.loads(result)
        except json.JSONDecodeError:
            raise JavaScriptRequiredError(
                f"{url}: the 'result' field is encrypted (3DES; the site decrypts it with its own JavaScript, "
                "key 'secretKey'). judgstat never runs or re-implements a site's JavaScript or encryption over "
                "plain HTTP, so it stops here. Use the browser route with your own login (--fetcher browser), "
                "or save the judgment pages from your browser and read them with `judgstat load`"
            ) from None
        if isinstance(decoded, dict):
            return decoded
    raise SiteChangedError(f"{url}: 'result' is neither a JSON object nor JSON text; the response shape changed")


def _validate(url: str):
    def check(body: bytes) -> None:
        decode_result(body, url)

    return check


def parse_list(body: bytes, url: str = "wenshu") -> tuple[int, list[dict[str, Any]]]:
    result = decode_result(body, url)
    query_result = result.get("queryResult")
    if not isinstance(query_result, dict) or "resultList" not in query_result:
        raise SiteChangedError(f"{url}: list result has no queryResult.resultList; the response shape changed")
    rows = query_result["resultList"] or []
    missing = [i for i, row in enumerate(rows) if not row.get("rowkey")]
    if missing:
        raise SiteChangedError(f"{url}: list rows {missing} have no 'rowkey' (document id)")
    return int(query_result.get("resultCount") or 0), rows


def _list_checker(url: str, page: int, cap: int):
    """A list page parsed and checked: no empty page inside the announced range, plausible rows and dates."""

    def check(body: bytes) -> tuple[int, list[dict[str, Any]]]:
        count, rows = parse_list(body, url)
        pages = math.ceil(min(count, cap) / PAGE_SIZE)
        if page <= pages and not rows:
            raise SiteChangedError(f"{url}: page {page} of {pages} has no rows although the site counts {count}")
        dates = [parse_date(str(row.get("31") or "")) for row in rows]
        SANITY.check_page(url, len(rows), dates, last_page=page >= pages)
        return count, rows

    return check


def browser_wait_for(url: str) -> str:
    return RENDERED_COUNT if urlsplit(url).path == LIST_PAGE else RENDERED_BODY


BROWSER_WAIT_FOR = browser_wait_for


def check_rendered_answers(url: str, body: bytes) -> None:
    """The rest.q4w answers the page's scripts received: an answer code other than 1 is told as over
    HTTP (login expired, rate-limited, banned, document withdrawn), not as a page without rows."""
    for answer in page_answers(body):
        if urlsplit(answer["url"]).path != ENDPOINT:
            continue
        try:
            payload = json.loads(answer["body"])
        except ValueError:
            continue
        if isinstance(payload, dict) and payload.get("code") not in (1, "1"):
            decode_result(answer["body"].encode("utf-8"), url)


BROWSER_CHECK_ANSWERS = check_rendered_answers


def list_page_url(base_url: str, query: str, partition: Partition) -> str:
    """The site's list page for one query part. pageId is a client-made id; judgstat derives it from the
    query so that a rerun asks for the same URL (the site's pages make a random one)."""
    params = {"s21": query, "s8": CASE_TYPE_CRIMINAL, "cprqStart": partition.date_from, "cprqEnd": partition.date_to}
    page_id = hashlib.sha256(json.dumps(params, sort_keys=True).encode("utf-8")).hexdigest()[:32]
    return f"{base_url.rstrip('/')}{LIST_PAGE}?{urlencode({'pageId': page_id, **params})}"


def detail_page_url(base_url: str, doc_id: str) -> str:
    return f"{base_url.rstrip('/')}{DETAIL_PAGE}?{urlencode({'docId': doc_id})}"


@dataclass(frozen=True)
class RenderedRow:
    doc_id: str
    title: str
    court: str | None
    case_number: str | None
    date: str | None


@dataclass(frozen=True)
class RenderedList:
    count: int  # 共检索到 N 篇文书
    rows: list[RenderedRow]
    has_next: bool


def parse_rendered_list(body: bytes, url: str) -> RenderedList:
    soup = BeautifulSoup(body.decode("utf-8", errors="replace"), "html.parser")
    count_tag = soup.select_one(RENDERED_COUNT)
    count_text = re.sub(r"[,\s]", "", count_tag.get_text()) if count_tag else ""
    if not count_text.isdigit():
        raise SiteChangedError(f"{url}: the rendered list shows no result count ({RENDERED_COUNT}); the page has changed")
    rows = []
    for index, link in enumerate(soup.select(RENDERED_ROW)):
        doc_id = (parse_qs(urlsplit(urljoin(url, link.get("href") or "")).query).get("docId") or [""])[0]
        if not doc_id:
            raise SiteChangedError(f"{url}: list row {index} links no docId; the list layout has changed")
        box = link.find_parent(class_="LM_list")

        def field(css: str) -> str | None:
            tag = box.select_one(css) if box else None
            return (tag.get_text(" ", strip=True) or None) if tag else None

        rows.append(RenderedRow(doc_id, link.get_text(" ", strip=True), field("span.slfyName"), field("span.ah"),
                                parse_date(field("span.cprq") or "")))
    buttons = [(a.get_text(strip=True), "disabled" in (a.get("class") or [])) for a in soup.select(BROWSER_NEXT_PAGE)]
    has_next = any(text in NEXT_PAGE_WORDS and not disabled for text, disabled in buttons)
    return RenderedList(int(count_text), rows, has_next)


def _rendered_checker(url: str, page: int, cap: int):
    def check(body: bytes) -> RenderedList:
        listing = parse_rendered_list(body, url)
        pages = math.ceil(min(listing.count, cap) / PAGE_SIZE)
        if page <= pages and not listing.rows:
            raise SiteChangedError(f"{url}: page {page} of {pages} has no rows although the site counts {listing.count}")
        SANITY.check_page(url, len(listing.rows), (r.date for r in listing.rows), last_page=not listing.has_next)
        return listing

    return check


def _validate_page(url: str):
    def check(body: bytes) -> None:
        from toolkit.loaders.base import LoadError
        from toolkit.loaders.wenshu_html import document_from_html

        result = document_from_html(body, where=url, fallback_id="", ref=url)
        if isinstance(result, LoadError):
            raise SiteChangedError(f"{url}: the rendered detail page: {result.reason}")

    return check


def _crawl_plan(options: dict[str, Any]) -> tuple[str, int, list[Partition]]:
    """The query, the per-query result cap and the first date partition, from the scrape options."""
    date_from = options.get("date_from") or DEFAULT_DATE_FROM
    date_to = options.get("date_to") or date.today().isoformat()
    return options.get("query") or "", int(options.get("result_cap") or RESULT_CAP), [Partition(date_from, date_to)]


def crawl_rendered(scraper: Scraper, base_url: str, options: dict[str, Any]) -> None:
    """The browser route: the site's own list pages, read after its scripts rendered them."""
    query, cap, pending = _crawl_plan(options)
    whole = pending[0]
    seen: set[str] = set()
    listed = 0
    while pending:
        partition = pending.pop(0)
        list_url = list_page_url(base_url, query, partition)
        first = Request.get(list_url)
        last_body, listing = scraper.fetch_list(first, _rendered_checker(first.url, 1, cap),
                                                extra={"partition": partition.describe(), "page": 1})
        if listing.count > cap:
            if partition.date_from < partition.date_to:
                pending[:0] = partition.split()  # date halves while the part spans more than one day
                continue
            scraper.note(
                f"wenshu: {partition.describe()} has {listing.count} results but only {cap} can be paged through; "
                f"{listing.count - cap} documents of this part are not collected"
            )
            scraper.stats.shortfalls += 1
        listings = [listing]
        # A part's list pages first: the browser clicks forward from one page to the next.
        while listings[-1].has_next and len(listings) * PAGE_SIZE < cap:
            request = Request.get(paged_url(list_url, len(listings) + 1))
            last_body, listing = scraper.fetch_list(request, _rendered_checker(request.url, len(listings) + 1, cap),
                                                    extra={"partition": partition.describe(), "page": len(listings) + 1})
            listings.append(listing)
        announced = math.ceil(min(listings[0].count, cap) / PAGE_SIZE)
        if len(listings) < announced:
            raise scraper.keep_and_fail(
                f"{list_url}: the pager offers no next page after page {len(listings)} although the site counts "
                f"{listings[0].count} results ({announced} pages of {PAGE_SIZE}); the pager has changed",
                last_body,
            )
        for number, listing in enumerate(listings, start=1):
            chosen = [row for row in listing.rows if row.doc_id not in seen]
            listed += len(listing.rows)
            scraper.record_page(partition.describe(), number, len(listing.rows), len(chosen))
            scraper.expect_documents(len(chosen))
            for row in chosen:
                seen.add(row.doc_id)
                url = detail_page_url(base_url, row.doc_id)
                scraper.fetch(Request.get(url), kind="document", doc_id=row.doc_id, validate=_validate_page(url),
                              extra={"list_title": row.title, "list_court": row.court,
                                     "list_case_number": row.case_number, "list_date": row.date})
    if listed == 0:
        scraper.note(f"wenshu: the query {query!r} from {whole.date_from} to {whole.date_to} found no documents at all; "
                     "check the query words and dates in the site's own search form")


def crawl(scraper: Scraper, base_url: str, options: dict[str, Any]) -> None:
    if options.get("fetcher") == "browser":
        crawl_rendered(scraper, base_url, options)
        return
    query, cap, pending = _crawl_plan(options)
    whole = pending[0]
    seen: set[str] = set()
    listed = 0
    while pending:
        partition = pending.pop(0)
        first = list_request(base_url, query, partition, 1)
        _, (count, rows) = scraper.fetch_list(first, _list_checker(first.url, 1, cap),
                                              extra={"partition": partition.describe()})
        if count > cap:
            smaller = partition.split()
            if smaller:
                pending[:0] = smaller
                continue
            scraper.note(
                f"wenshu: {partition.describe()} has {count} results but only {cap} can be paged through; "
                f"{count - cap} documents of this part are not collected"
            )
            scraper.stats.shortfalls += 1
        reachable = min(count, cap)
        scraper.expect_documents(reachable)
        pages = math.ceil(reachable / PAGE_SIZE)
        for page in range(1, pages + 1):
            if page > 1:
                request = list_request(base_url, query, partition, page)
                _, (_, rows) = scraper.fetch_list(request, _list_checker(request.url, page, cap),
                                                  extra={"partition": partition.describe()})
            chosen = [row for row in rows if str(row["rowkey"]) not in seen]
            listed += len(rows)
            scraper.record_page(partition.describe(), page, len(rows), len(chosen))
            for row in rows:
                doc_id = str(row["rowkey"])
                if doc_id in seen:
                    continue
                seen.add(doc_id)
                detail = detail_request(base_url, doc_id)
                scraper.fetch(detail, kind="document", doc_id=doc_id, validate=_validate(detail.url))

    if listed == 0:
        scraper.note(f"wenshu: the query {query!r} from {whole.date_from} to {whole.date_to} found no documents at all; "
                     "check the query words and dates in the site's own search form")

def document_record(
    body: bytes, *, doc_id: str, url: str, source_ref: str, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A detail response (JSON) or rendered detail page (HTML) -> toolkit.schema document record.
    Missing fields are None with a note."""
    if not body.lstrip().startswith(b"{"):
        return _page_record(body, doc_id=doc_id, url=url, source_ref=source_ref, extra=extra or {})
    result = decode_result(body, url)
    notes: list[str] = []
    values = {}
    for field, key in DETAIL_FIELDS.items():
        value = result.get(key)
        values[field] = value.strip() if isinstance(value, str) and value.strip() else None
        if values[field] is None:
            notes.append(f"{field}: detail field {key!r} absent or empty")
    if values["html"] is None:
        raise SiteChangedError(f"{url}: detail for {doc_id} has no full text (qwContent)")
    text = html_to_text(values["html"])
    judgment_date = parse_date(values["date"])
    if values["date"] and judgment_date is None:
        notes.append(f"date: {values['date']!r} is not a recognisable date")
    metadata = {k: v for k, v in result.items() if k != DETAIL_FIELDS["html"]}
    metadata.update(url=url, doc_id=doc_id, parse_notes=notes)
    return {
        "id": f"wenshu:{doc_id}",
        "source": "wenshu/json",
        "source_ref": source_ref,
        "text": text,
        "title": values["title"],
        "case_number": values["case_number"],
        "court": values["court"],
        "date": judgment_date,
        "metadata": metadata,
        "sha256": normalised_text_sha256(text),
        "encoding": "utf-8",
    }


def _page_record(body: bytes, *, doc_id: str, url: str, source_ref: str, extra: dict[str, Any]) -> dict[str, Any]:
    """A detail page rendered by the browser route, read like a page saved from a browser."""
    from toolkit.loaders.base import LoadError
    from toolkit.loaders.wenshu_html import document_from_html

    record = document_from_html(body, where=url, fallback_id=doc_id, ref=source_ref)
    if isinstance(record, LoadError):
        raise SiteChangedError(f"{url}: {record.reason}")
    notes = []
    for field, listed in (("title", "list_title"), ("court", "list_court"), ("case_number", "list_case_number"),
                          ("date", "list_date")):
        if record[field] is None and extra.get(listed):
            record[field] = extra[listed]
            notes.append(f"{field}: not found on the detail page; taken from the list row")
    record["id"] = f"wenshu:{doc_id}"
    record["metadata"].update(url=url, doc_id=doc_id, parse_notes=notes)
    return record


def _list_example(body: bytes, args: dict[str, Any]) -> dict[str, Any]:
    count, rows = parse_list(body)
    return {"count": count, "rowkeys": [row["rowkey"] for row in rows]}


def _document_example(body: bytes, args: dict[str, Any]) -> dict[str, Any]:
    return document_record(body, **args)


def _rendered_list_example(body: bytes, args: dict[str, Any]) -> dict[str, Any]:
    listing = parse_rendered_list(body, args["url"])
    return {"count": listing.count, "has_next": listing.has_next, "rows": [asdict(r) for r in listing.rows]}


# scrapers/fixtures/<stem>.example.* -> <stem>.expected.json, checked by tests/test_scrapers_parsing.py
EXAMPLES = {"wenshu_list": ("list", _list_example), "wenshu_detail": ("document", _document_example),
            "wenshu_rendered_list": ("list", _rendered_list_example),
            "wenshu_rendered_detail": ("document", _document_example)}
