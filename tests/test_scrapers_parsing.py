"""Page parsing, example page beside expected output: scrapers/fixtures/<stem>.example.* + <stem>.expected.json.

As in juriscraper: one module per source, each declaring its EXAMPLES (fixture stem -> kind and
parser); one generic test runs every module's examples. An expected file holds the parser's arguments
and output; the examples are synthetic pages written in each site's layout (no real documents). Also: block/captcha/login detection on example pages.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from scraper_server import loopback_only  # noqa: F401 (autouse fixture: no traffic leaves 127.0.0.1)

from scrapers import procuratorate_12309, releases, trs, wenshu
from scrapers.detect import check_page
from scrapers.sources import SOURCE_MODULES, source_module
from scrapers.errors import (
    BlockedError,
    CaptchaError,
    JavaScriptRequiredError,
    LoginRequiredError,
    SiteChangedError,
)
from toolkit.schema import DOCUMENT_COLUMNS, normalised_text_sha256

FIXTURES = Path(__file__).resolve().parents[1] / "scrapers" / "fixtures"
MODULES = sorted({source_module(name) for name in SOURCE_MODULES}, key=lambda module: module.__name__)
EXAMPLES = [(module, stem) for module in MODULES for stem in module.EXAMPLES]


def example_path(stem: str) -> Path:
    (path,) = FIXTURES.glob(f"{stem}.example.*")
    return path


def test_every_source_module_has_list_and_document_examples() -> None:
    for module in MODULES:
        kinds = {kind for kind, _ in module.EXAMPLES.values()}
        assert kinds == {"list", "document"}, module.__name__


def test_every_expected_file_belongs_to_a_module_example() -> None:
    stems = {p.name.removesuffix(".expected.json") for p in FIXTURES.glob("*.expected.json")}
    assert stems == {stem for _, stem in EXAMPLES}


@pytest.mark.parametrize("module, stem", EXAMPLES, ids=[stem for _, stem in EXAMPLES])
def test_example_page_gives_expected_output(module: Any, stem: str) -> None:
    spec = json.loads((FIXTURES / f"{stem}.expected.json").read_text(encoding="utf-8"))
    _, parse = module.EXAMPLES[stem]
    assert parse(example_path(stem).read_bytes(), spec["args"]) == spec["expected"]


@pytest.mark.parametrize(
    "stem", [stem for module, stem in EXAMPLES if module.EXAMPLES[stem][0] == "document"]
)
def test_document_records_fit_the_schema(stem: str) -> None:
    record = json.loads((FIXTURES / f"{stem}.expected.json").read_text(encoding="utf-8"))["expected"]
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


@pytest.mark.parametrize(
    "code, error, advice",
    [
        (9, wenshu.SessionExpiredError, "export a fresh cookie"),
        (-9, wenshu.RateLimitedError, "wait several hours"),
        (-12, wenshu.BannedError, "do not switch accounts or addresses"),
    ],
)
def test_wenshu_answer_codes_are_distinct_stops(code: int, error: type[Exception], advice: str) -> None:
    body = json.dumps({"code": code, "description": None, "secretKey": None, "result": None, "success": False})
    with pytest.raises(error, match=advice) as caught:
        wenshu.decode_result(body.encode(), "https://wenshu.court.gov.cn/website/parse/rest.q4w")
    others = {wenshu.SessionExpiredError, wenshu.RateLimitedError, wenshu.BannedError} - {error}
    assert not isinstance(caught.value, tuple(others))
    assert f"code {code}:" in str(caught.value)


def test_wenshu_conditions_put_s8_inside_and_s4_as_a_code() -> None:
    partition = wenshu.Partition("2019-01-01", "2019-01-01", "上海市", "4")
    request = wenshu.list_request("https://wenshu.court.gov.cn", "侵犯公民个人信息", partition, 1)
    form = dict(request.data)
    assert "s8" not in form
    assert json.loads(form["queryCondition"]) == [
        {"key": "s21", "value": "侵犯公民个人信息"}, {"key": "s8", "value": "02"},
        {"key": "cprq", "value": "2019-01-01 TO 2019-01-01"}, {"key": "s33", "value": "上海市"}, {"key": "s4", "value": "4"}]
    assert partition.describe() == "2019-01-01..2019-01-01 上海市 基层法院"
    assert [p.level for p in wenshu.Partition("2019-01-01", "2019-01-01", "上海市").split()] == ["1", "2", "3", "4"]


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


def test_12309_list_answers_of_another_shape_raise() -> None:
    base = "https://www.12309.gov.cn"

    def answer(obj: Any) -> bytes:
        return json.dumps(obj, ensure_ascii=False).encode()

    hit = {"url": "/12309/gj/sh/zjxflws/202301/t20230105_1.shtml", "title": "某案起诉书", "createdTime": 1672905600000}
    ok = procuratorate_12309.parse_list(answer({"code": 200, "results": {"hits": {"total": {"value": 1}, "hits": [hit]}}}),
                                        "u", base)
    assert ok.total == 1 and ok.items[0].url == base + hit["url"] and ok.items[0].date == "2023-01-05"
    wrapped = {"code": 200, "results": {"hits": {"total": 1, "hits": [{"_source": hit}]}}}
    assert procuratorate_12309.parse_list(answer(wrapped), "u", base).items == ok.items
    for created in ("1672905600000", "2023-01-05 16:00:00"):
        other = {"code": 200, "results": {"hits": {"total": 1, "hits": [{**hit, "createdTime": created}]}}}
        assert procuratorate_12309.parse_list(answer(other), "u", base).items[0].date == "2023-01-05"
    bad = [
        ({"code": 500, "err": "x"}, "code 500"),
        ({"code": 200, "results": {"list": []}}, "no results.hits"),
        ({"code": 200, "results": {"hits": {"total": 1, "hits": [{"title": "t"}]}}}, "no url/title"),
        ({"code": 200, "results": {"hits": {"total": 1, "hits": [{**hit, "url": "https://elsewhere.example/t20230105_1.shtml"}]}}},
         "another host"),
        ({"code": 200, "results": {"hits": {"total": 1, "hits": [{**hit, "url": "/12309/gj/sh/index.shtml"}]}}},
         "not a tYYYYMMDD_N article"),
    ]
    for obj, message in bad:
        with pytest.raises(SiteChangedError, match=message):
            procuratorate_12309.parse_list(answer(obj), "u", base)
    with pytest.raises(SiteChangedError, match="expected a JSON answer"):
        procuratorate_12309.parse_list(b"<html><body><ul id='impFile'></ul></body></html>", "u", base)


def test_12309_channel_paths_follow_the_site() -> None:
    assert [procuratorate_12309.province_channel(p).web_path for p in ("山西", "陕西", "海南", "兵团", "最高检")] == [
        "/gj/sxa", "/gj/sxb", "/gj/han", "/gj/jsbt", "/gj"]
    county = procuratorate_12309.channel_from_url(
        "https://www.12309.gov.cn/12309/gj/bj/bjshrq/zjxflws/index.shtml?channelLevels=/a1/b2/c3")
    assert (county.web_path, county.levels) == ("/gj/bj/bjshrq", "/a1/b2/c3")
    with pytest.raises(ValueError, match="expected a 12309 list page"):
        procuratorate_12309.channel_from_url("/12309/gj/bj/index.shtml")
    assert "最高检" not in procuratorate_12309.DEFAULT_PROVINCES and len(procuratorate_12309.DEFAULT_PROVINCES) == 32


def test_sanity_limits() -> None:
    from datetime import date

    from scrapers.runner import Sanity

    sanity = Sanity(max_items_per_page=15, full_page_items=15, earliest_date="2014-01-01")
    today = date(2026, 12, 2)
    sanity.check_page("u", 15, ["2020-01-01", None], last_page=False, today=today)
    sanity.check_page("u", 3, ["2026-12-04"], last_page=True, today=today)
    with pytest.raises(SiteChangedError, match="more than the 15"):
        sanity.check_page("u", 16, [], last_page=True, today=today)
    with pytest.raises(SiteChangedError, match="not the last one"):
        sanity.check_page("u", 14, [], last_page=False, today=today)
    with pytest.raises(SiteChangedError, match="outside the plausible range"):
        sanity.check_page("u", 1, ["2013-12-31"], last_page=True, today=today)
    with pytest.raises(SiteChangedError, match="outside the plausible range"):
        sanity.check_page("u", 1, ["2026-12-05"], last_page=True, today=today)


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
    for name in ("12309_detail.example.html", "spc_article.example.html", "spc_list.example.html"):
        check_page(200, "text/html", (FIXTURES / name).read_bytes(), name)
    check_page(200, "application/json", (FIXTURES / "wenshu_detail.example.json").read_bytes(), "json")
