"""12309 China Procuratorate Network (12309中国检察网): published final legal documents.

Layout modelled (TRS content system, see scrapers/trs.py): each province has a channel of final
legal documents (终结性法律文书) at /12309/gj/<province>/zjxflws/, paged index.shtml, index_1.shtml, ...;
each article page holds one document: 起诉书, 不起诉决定书, 刑事抗诉书, ... named at the end of its
title. Filtering by document type and keyword happens on the list titles, so documents that are not
wanted are never requested.
"""

from __future__ import annotations

import re
from typing import Any

from scrapers.errors import SiteChangedError
from scrapers.pagetext import last_chinese_date
from scrapers.runner import Scraper
from scrapers.store import Request
from scrapers.trs import list_page_url, parse_article, parse_list
from toolkit.schema import normalised_text_sha256

NAME = "12309"
DEFAULT_BASE_URL = "https://www.12309.gov.cn"
NEEDS_COOKIE = False
CHANNEL_PATH = "/12309/gj/{province}/zjxflws/"

PROVINCE_PATHS = {
    "最高检": "zgj", "北京": "bj", "天津": "tj", "河北": "heb", "山西": "sx", "内蒙古": "nmg", "辽宁": "ln",
    "吉林": "jl", "黑龙江": "hlj", "上海": "sh", "江苏": "js", "浙江": "zj", "安徽": "ah", "福建": "fj",
    "江西": "jx", "山东": "sd", "河南": "hen", "湖北": "hub", "湖南": "hun", "广东": "gd", "广西": "gx",
    "海南": "hain", "重庆": "cq", "四川": "sc", "贵州": "gz", "云南": "yn", "西藏": "xz", "陕西": "shanxi",
    "甘肃": "gs", "青海": "qh", "宁夏": "nx", "新疆": "xj", "兵团": "bt",
}
# Longest first: 不起诉决定书 must win over 起诉书.
DOC_TYPES = ("不起诉决定书", "刑事抗诉书", "起诉书")
DEFAULT_DOC_TYPES = ("起诉书", "不起诉决定书")
DOC_TYPE_CODES = {"起诉书": "judgment", "不起诉决定书": "non_prosecution_decision", "刑事抗诉书": "other"}
DOCUMENT_NUMBER = re.compile(
    r"[\u4e00-\u9fa5]{1,15}检[\u4e00-\u9fa5]{0,10}\s*[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*[A-Za-z\u4e00-\u9fa5]{0,4}\d+\s*号"
)
PROCURATORATE = re.compile(r"^[\u4e00-\u9fa5]{2,30}人民检察院", re.M)


def doc_type_of(title: str) -> str | None:
    compact = re.sub(r"\s+", "", title)
    return next((kind for kind in DOC_TYPES if kind in compact), None)


def channel_url(base_url: str, province: str) -> str:
    return base_url.rstrip("/") + CHANNEL_PATH.format(province=PROVINCE_PATHS[province])


def crawl(scraper: Scraper, base_url: str, options: dict[str, Any]) -> None:
    provinces = options.get("provinces") or list(PROVINCE_PATHS)
    unknown = [p for p in provinces if p not in PROVINCE_PATHS]
    if unknown:
        raise ValueError(f"unknown province {unknown}; choose from {', '.join(PROVINCE_PATHS)}")
    wanted_types = tuple(options.get("doc_types") or DEFAULT_DOC_TYPES)
    keyword = options.get("query") or ""
    seen: set[str] = set()
    for province in provinces:
        channel = channel_url(base_url, province)
        page_index, page_count = 0, 1
        while page_index < page_count:
            request = Request.get(list_page_url(channel, page_index))
            body = scraper.fetch(request, kind="list", validate=_list_validator(request.url))
            items, page_count = parse_list(body, request.url)
            chosen = [
                item for item in items
                if doc_type_of(item.title) in wanted_types and keyword in item.title and item.url not in seen
            ]
            scraper.expect_documents(len(chosen))
            for item in chosen:
                seen.add(item.url)
                scraper.fetch(
                    Request.get(item.url),
                    kind="document",
                    doc_id=item.article_id,
                    validate=_article_validator(item.url),
                    extra={"province": province, "list_title": item.title, "list_date": item.date},
                )
            page_index += 1


def _list_validator(url: str):
    def check(body: bytes) -> None:
        parse_list(body, url)

    return check


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
