"""Page parsing, example page beside expected output: scrapers/fixtures/<stem>.example.* + <stem>.expected.json.

Each expected file names the parser and its arguments; the examples are synthetic pages written in
each site's layout (no real documents). Also: block/captcha/login detection on example pages.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from scraper_server import loopback_only  # noqa: F401 (autouse fixture: no traffic leaves 127.0.0.1)

from scrapers import procuratorate_12309, releases, trs, wenshu
from scrapers.detect import check_page
from scrapers.errors import (
    BlockedError,
    CaptchaError,
    JavaScriptRequiredError,
    LoginRequiredError,
    SiteChangedError,
)
from toolkit.schema import DOCUMENT_COLUMNS, normalised_text_sha256

FIXTURES = Path(__file__).resolve().parents[1] / "scrapers" / "fixtures"
EXPECTED = sorted(FIXTURES.glob("*.expected.json"))


def run_parser(parser: str, body: bytes, args: dict[str, Any]) -> Any:
    if parser == "wenshu_list":
        count, rows = wenshu.parse_list(body)
        return {"count": count, "rowkeys": [row["rowkey"] for row in rows]}
    if parser == "wenshu_document":
        return wenshu.document_record(body, **args)
    if parser == "trs_list":
        items, pages = trs.parse_list(body, args["url"])
        return {"page_count": pages, "items": [dataclasses.asdict(i) for i in items]}
    if parser == "spc_list":
        items, pages = releases.parse_spc_list(body, args["url"])
        return {"page_count": pages, "items": [dataclasses.asdict(i) for i in items]}
    if parser == "12309_document":
        return procuratorate_12309.document_record(body, **args)
    if parser == "release_document":
        return releases.document_record(body, **args)
    raise KeyError(parser)


def test_every_source_has_parse_fixtures() -> None:
    stems = {p.name.removesuffix(".expected.json") for p in EXPECTED}
    assert {"wenshu_list", "wenshu_detail", "12309_list", "12309_detail", "spc_list", "spc_article",
            "spp_list", "spp_article"} <= stems


@pytest.mark.parametrize("expected_path", EXPECTED, ids=lambda p: p.name)
def test_example_page_gives_expected_output(expected_path: Path) -> None:
    spec = json.loads(expected_path.read_text(encoding="utf-8"))
    stem = expected_path.name.removesuffix(".expected.json")
    (example,) = FIXTURES.glob(f"{stem}.example.*")
    assert run_parser(spec["parser"], example.read_bytes(), spec["args"]) == spec["expected"]


@pytest.mark.parametrize("expected_path", [p for p in EXPECTED if "document" in p.read_text(encoding="utf-8")[:80]])
def test_document_records_fit_the_schema(expected_path: Path) -> None:
    record = json.loads(expected_path.read_text(encoding="utf-8"))["expected"]
    assert tuple(record) == DOCUMENT_COLUMNS
    assert record["sha256"] == normalised_text_sha256(record["text"])
    assert record["date"] is None or len(record["date"]) == 10


def test_wenshu_encrypted_result_stops_with_clear_message() -> None:
    body = (FIXTURES / "wenshu_encrypted.example.json").read_bytes()
    with pytest.raises(JavaScriptRequiredError, match="never runs or re-implements"):
        wenshu.parse_list(body)


def test_wenshu_error_codes() -> None:
    with pytest.raises(LoginRequiredError):
        wenshu.decode_result(json.dumps({"code": 9, "success": False, "description": "请先登录"}).encode())
    with pytest.raises(SiteChangedError, match="code 5"):
        wenshu.decode_result(json.dumps({"code": 5, "success": False, "description": "系统繁忙"}).encode())
    with pytest.raises(SiteChangedError, match="JSON"):
        wenshu.decode_result(b"<html><body>hello</body></html>")


def test_wenshu_detail_without_fields_gives_nulls_and_reasons() -> None:
    body = json.dumps({"code": 1, "success": True, "result": {"qwContent": "<div>某某法院</div><div>正文</div>"}})
    record = wenshu.document_record(body.encode(), doc_id="x1", url="u", source_ref="r")
    assert record["court"] is None and record["date"] is None and record["case_number"] is None
    assert any(note.startswith("court:") for note in record["metadata"]["parse_notes"])
    with pytest.raises(SiteChangedError, match="no full text"):
        wenshu.document_record(b'{"code":1,"result":{"s1":"t"}}', doc_id="x2", url="u", source_ref="r")


def test_12309_doc_type_from_title() -> None:
    assert procuratorate_12309.doc_type_of("孙某某侵犯公民个人信息案不起诉决定书") == "不起诉决定书"
    assert procuratorate_12309.doc_type_of("周某侵犯公民个人信息案起诉书") == "起诉书"
    assert procuratorate_12309.doc_type_of("冯某某诈骗案刑事抗诉书") == "刑事抗诉书"
    assert procuratorate_12309.doc_type_of("工作动态") is None


def test_changed_layouts_raise_site_changed() -> None:
    with pytest.raises(SiteChangedError, match="layout has changed"):
        trs.parse_list(b"<html><body><p>nothing</p></body></html>", "http://x/index.shtml")
    with pytest.raises(SiteChangedError, match="layout has changed"):
        trs.parse_article(b"<html><body><div class='new'>x</div></body></html>", "http://x/t.shtml")
    with pytest.raises(SiteChangedError, match="layout has changed"):
        releases.parse_spc_list(b"<html><body></body></html>", "http://x/l.html")


@pytest.mark.parametrize(
    "name, error",
    [
        ("captcha.example.html", CaptchaError),
        ("login.example.html", LoginRequiredError),
        ("js_challenge.example.html", JavaScriptRequiredError),
    ],
)
def test_stop_pages_are_recognised(name: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        check_page(200, "text/html; charset=utf-8", (FIXTURES / name).read_bytes(), "http://127.0.0.1/x")


def test_status_codes_that_mean_stop() -> None:
    with pytest.raises(BlockedError):
        check_page(403, "text/html", b"", "u")
    with pytest.raises(LoginRequiredError):
        check_page(401, "text/html", b"", "u")
    with pytest.raises(BlockedError):
        check_page(200, "text/html", "<html><head><title>访问受限</title></head></html>".encode(), "u")


def test_documents_mentioning_captcha_words_are_not_captcha_pages() -> None:
    # The example decision is about passing on SMS verification codes (短信验证码): it is a document.
    for name in ("12309_detail.example.html", "spc_article.example.html", "12309_list.example.html"):
        check_page(200, "text/html", (FIXTURES / name).read_bytes(), name)
    check_page(200, "application/json", (FIXTURES / "wenshu_detail.example.json").read_bytes(), "json")
