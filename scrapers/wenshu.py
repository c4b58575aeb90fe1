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

A query whose result count exceeds the site's cap (only the first RESULT_CAP hits can be paged
through) is split: date range halves until one day, then by the court's province, then by court
level; a part still over the cap after that is collected up to the cap and reported as a shortfall.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from scrapers.errors import (
    BlockedError,
    DocumentGoneError,
    JavaScriptRequiredError,
    LoginRequiredError,
    SiteChangedError,
    StopRun,
)
from scrapers.pagetext import html_to_text, parse_date
from scrapers.runner import Sanity, Scraper
from scrapers.store import Request
from toolkit.schema import normalised_text_sha256

NAME = "wenshu"
DEFAULT_BASE_URL = "https://wenshu.court.gov.cn"
ENDPOINT = "/website/parse/rest.q4w"
LIST_CFG = "com.lawyee.judge.dc.parse.dto.SearchDataDsoDTO@queryDoc"
DETAIL_CFG = "com.lawyee.judge.dc.parse.dto.SearchDataDsoDTO@docInfoSearch"
COOKIE_ENV = "JUDGSTAT_WENSHU_COOKIE"
NEEDS_COOKIE = True

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


def crawl(scraper: Scraper, base_url: str, options: dict[str, Any]) -> None:
    query = options.get("query") or ""
    date_from = options.get("date_from") or DEFAULT_DATE_FROM
    date_to = options.get("date_to") or date.today().isoformat()
    cap = int(options.get("result_cap") or RESULT_CAP)
    seen: set[str] = set()
    pending = [Partition(date_from, date_to)]
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
        scraper.note(f"wenshu: the query {query!r} from {date_from} to {date_to} found no documents at all; "
                     "check the query words and dates in the site's own search form")

def document_record(
    body: bytes, *, doc_id: str, url: str, source_ref: str, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A detail response -> toolkit.schema document record. Missing fields are None with a note."""
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


def _list_example(body: bytes, args: dict[str, Any]) -> dict[str, Any]:
    count, rows = parse_list(body)
    return {"count": count, "rowkeys": [row["rowkey"] for row in rows]}


def _document_example(body: bytes, args: dict[str, Any]) -> dict[str, Any]:
    return document_record(body, **args)


# scrapers/fixtures/<stem>.example.* -> <stem>.expected.json, checked by tests/test_scrapers_parsing.py
EXAMPLES = {"wenshu_list": ("list", _list_example), "wenshu_detail": ("document", _document_example)}
