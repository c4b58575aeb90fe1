"""Each source end to end against the local server: wenshu (cookie, paging, result-cap splitting),
12309 (province and document-type filters), SPC and SPP release pages; then `judgstat load`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scraper_server import (  # noqa: F401 (fixtures)
    FIXTURES,
    FakeJudgment,
    judgments,
    loopback_only,
    manifest,
    page,
    procuratorate_articles,
    scrape,
    sites,
)

from scrapers.wenshu import COOKIE_ENV, KEY_COURT_LEVEL, KEY_COURT_PROVINCE
from toolkit.loaders import scrape_store
from toolkit.schema import DOCUMENT_COLUMNS

SECRET = "SESSION=valid-session; token=topsecret-4711"
WENSHU = "/website/parse/rest.q4w"


@pytest.fixture
def cookie_file(tmp_path: Path) -> Path:
    path = tmp_path / "cookie.txt"
    path.write_text(SECRET + "\n", encoding="utf-8")
    return path


def records(out: Path) -> list[dict]:
    items = list(scrape_store.load(out))
    assert [i for i in items if not isinstance(i, dict)] == []
    return items


def wenshu_run(out: Path, sites, cookie_file: Path, *extra: str) -> int:  # noqa: F811
    return scrape(out, "wenshu", sites.url, "--fetcher", "http", "--query", "侵犯公民个人信息", "--cookie-file", str(cookie_file),
                  "--date-from", "2019-01-01", "--date-to", "2019-12-31", *extra)


def list_conditions(sites) -> list[list[dict]]:  # noqa: F811
    return [json.loads(s.form["queryCondition"]) for s in sites.requests_to(WENSHU) if s.form.get("cfg", "").endswith("@queryDoc")]


def test_wenshu_pages_through_list_and_details(sites, tmp_path: Path, cookie_file: Path, capsys) -> None:  # noqa: F811
    sites.wenshu_docs = judgments(23, step_days=10)
    out = tmp_path / "out"
    assert wenshu_run(out, sites, cookie_file) == 0
    docs = records(out)
    assert sorted(d["id"] for d in docs) == sorted(f"wenshu:{j.doc_id}" for j in sites.wenshu_docs if j.day <= "2019-12-31")
    pages = sorted(s.form["pageNum"] for s in sites.requests_to(WENSHU) if s.form["cfg"].endswith("@queryDoc"))
    assert pages == ["1", "2"]  # 23 hits, 15 per page
    first = next(d for d in docs if d["id"] == "wenshu:doc0000")
    assert (first["court"], first["date"], first["case_number"]) == ("上海市某区人民法院", "2019-01-01", "（2019）测0000刑初1号")
    assert tuple(first) == DOCUMENT_COLUMNS and "侵犯公民个人信息罪" in first["text"]
    # The cookie reaches the site as a header and nowhere else.
    assert all(SECRET in s.headers.get("Cookie", "") for s in sites.requests_to(WENSHU))
    err = capsys.readouterr().err
    assert "topsecret" not in err
    for path in out.rglob("*"):
        if path.is_file():
            assert b"topsecret" not in path.read_bytes(), path


def test_wenshu_cookie_from_environment(sites, tmp_path: Path, monkeypatch) -> None:  # noqa: F811
    sites.wenshu_docs = judgments(3)
    monkeypatch.setenv(COOKIE_ENV, SECRET)
    assert scrape(tmp_path, "wenshu", sites.url, "--fetcher", "http", "--query", "侵犯公民个人信息", "--date-from", "2019-01-01",
                  "--date-to", "2019-12-31") == 0
    assert len(records(tmp_path)) == 3


def test_wenshu_netscape_cookie_file(sites, tmp_path: Path) -> None:  # noqa: F811
    sites.wenshu_docs = judgments(2)
    jar = tmp_path / "cookies.txt"
    jar.write_text("# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tSESSION\tvalid-session\n",
                   encoding="utf-8")
    assert wenshu_run(tmp_path / "out", sites, jar) == 0
    assert sites.requests_to(WENSHU)[0].headers["Cookie"] == "SESSION=valid-session"


def test_wenshu_without_cookie_is_a_usage_error(sites, tmp_path: Path, monkeypatch, capsys) -> None:  # noqa: F811
    monkeypatch.delenv(COOKIE_ENV, raising=False)
    assert scrape(tmp_path, "wenshu", sites.url, "--fetcher", "http", "--query", "x") == 2
    assert "needs your own logged-in session cookie" in capsys.readouterr().err
    assert sites.seen == []


def test_wenshu_expired_cookie_stops_with_login_message(sites, tmp_path: Path, capsys) -> None:  # noqa: F811
    sites.wenshu_docs = judgments(3)
    stale = tmp_path / "stale.txt"
    stale.write_text("SESSION=expired", encoding="utf-8")
    assert wenshu_run(tmp_path / "out", sites, stale) == 1
    assert "login page" in capsys.readouterr().err
    assert len(sites.requests_to(WENSHU)) == 1


def test_wenshu_encrypted_payload_stops_and_stores_nothing(sites, tmp_path: Path, cookie_file, capsys) -> None:  # noqa: F811
    sites.wenshu_docs = judgments(3)
    encrypted = (FIXTURES / "wenshu_encrypted.example.json").read_bytes()
    sites.inject(WENSHU, page(encrypted))
    out = tmp_path / "out"
    assert wenshu_run(out, sites, cookie_file) == 1
    assert "never runs or re-implements" in capsys.readouterr().err
    assert manifest(out) == []


@pytest.mark.parametrize("code, words", [(9, "export a fresh cookie"), (-9, "rate-limiting"), (-12, "banned")])
def test_wenshu_answer_codes_stop_the_run_with_advice(sites, tmp_path: Path, cookie_file, capsys, code, words) -> None:  # noqa: F811
    sites.wenshu_docs = judgments(3)
    answer = json.dumps({"code": code, "description": None, "secretKey": None, "result": None, "success": False})
    sites.inject(WENSHU, page(answer.encode()))
    out = tmp_path / "out"
    assert wenshu_run(out, sites, cookie_file) == 1
    err = capsys.readouterr().err
    assert f"code {code}:" in err and words in err and "rejected" in err
    assert len(sites.requests_to(WENSHU)) == 1  # no retry
    assert manifest(out) == []


def test_wenshu_query_without_results_is_reported(sites, tmp_path: Path, cookie_file, capsys) -> None:  # noqa: F811
    sites.wenshu_docs = judgments(3, start="2021-01-01")
    assert wenshu_run(tmp_path / "out", sites, cookie_file) == 0
    assert "found no documents at all" in capsys.readouterr().err


def test_wenshu_withdrawn_document_is_skipped_and_reported(sites, tmp_path: Path, cookie_file, capsys) -> None:  # noqa: F811
    sites.wenshu_docs = judgments(4)
    sites.wenshu_withdrawn = {"doc0002"}
    out = tmp_path / "out"
    assert wenshu_run(out, sites, cookie_file) == 0
    assert sorted(d["id"] for d in records(out)) == ["wenshu:doc0000", "wenshu:doc0001", "wenshu:doc0003"]
    err = capsys.readouterr().err
    assert "warning: wenshu: document doc0002 skipped, no longer available" in err and "文书不存在" in err
    sites.wenshu_withdrawn = set()  # republished: a rerun picks it up and nothing else
    before = len(sites.seen)
    assert wenshu_run(out, sites, cookie_file) == 0
    assert len(records(out)) == 4
    assert [s.path for s in sites.seen[before:]] == ["/robots.txt", WENSHU]  # only the missing detail


def test_wenshu_splits_by_date_then_province_then_level(sites, tmp_path: Path, cookie_file: Path) -> None:  # noqa: F811
    spread = judgments(6, start="2019-02-01", step_days=20)
    crowded_day = [FakeJudgment(f"sh{i:04d}", "2019-05-05", "上海市", ("基层法院", "中级法院")[i % 2],
                                "上海市某法院", f"甲{i}") for i in range(7)]
    crowded_day.append(FakeJudgment("bj0000", "2019-05-05", "北京市", "基层法院", "北京市某法院", "乙"))
    sites.wenshu_docs = spread + crowded_day
    sites.wenshu_cap = 5
    out = tmp_path / "out"
    assert wenshu_run(out, sites, cookie_file, "--result-cap", "5", "--date-from", "2019-02-01",
                      "--date-to", "2019-06-30") == 0
    assert sorted(d["id"] for d in records(out)) == sorted(f"wenshu:{j.doc_id}" for j in sites.wenshu_docs)
    keys = [{c["key"] for c in conditions} for conditions in list_conditions(sites)]
    assert any(KEY_COURT_PROVINCE in k for k in keys) and any(KEY_COURT_LEVEL in k for k in keys)
    levels = {c["value"] for conditions in list_conditions(sites) for c in conditions if c["key"] == KEY_COURT_LEVEL}
    assert levels <= {"1", "2", "3", "4"}
    assert all({"key": "s8", "value": "02"} in conditions for conditions in list_conditions(sites))
    assert all("s8" not in s.form for s in sites.requests_to(WENSHU))
    dates = {c["value"] for conditions in list_conditions(sites) for c in conditions if c["key"] == "cprq"}
    assert "2019-05-05 TO 2019-05-05" in dates
    assert json.loads((out / "runs.jsonl").read_text(encoding="utf-8").splitlines()[-1])["notes"] == []


def test_wenshu_part_over_cap_is_reported_as_shortfall(sites, tmp_path: Path, cookie_file: Path, capsys) -> None:  # noqa: F811
    sites.wenshu_docs = [FakeJudgment(f"x{i}", "2019-05-05", "上海市", "基层法院", "上海市某法院", f"丙{i}") for i in range(7)]
    sites.wenshu_cap = 5
    out = tmp_path / "out"
    assert wenshu_run(out, sites, cookie_file, "--result-cap", "5") == 0
    assert len(records(out)) == 5
    err = capsys.readouterr().err
    assert "warning: wenshu: 2019-05-05..2019-05-05 上海市 基层法院 has 7 results but only 5" in err
    last_run = json.loads((out / "runs.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert last_run["stats"]["shortfalls"] == 1 and "cookie" not in json.dumps(last_run).replace("cookie_given", "")


def test_12309_filters_by_province_and_document_type(sites, tmp_path: Path) -> None:  # noqa: F811
    sites.procuratorate["sh"] = procuratorate_articles(1, 8)
    sites.procuratorate["js"] = procuratorate_articles(2, 5)
    sites.procuratorate["bj"] = procuratorate_articles(3, 5)
    assert scrape(tmp_path, "12309", sites.url, "--province", "上海", "--province", "江苏",
                  "--doc-type", "不起诉决定书") == 0
    docs = records(tmp_path)
    expected = sorted(f"12309:{aid}" for p in ("sh", "js") for aid, title, _ in sites.procuratorate[p]
                      if title.endswith("不起诉决定书"))
    assert sorted(d["id"] for d in docs) == expected
    assert {d["metadata"]["doc_type"] for d in docs} == {"non_prosecution_decision"}
    assert {d["metadata"]["province"] for d in docs} == {"上海", "江苏"}
    assert sites.requests_to("/12309/gj/bj/") == []
    assert all(d["court"] == "测试市测试区人民检察院" and d["case_number"].startswith("测检刑诉〔") for d in docs)


def test_12309_sends_the_json_list_request_the_site_expects(sites, tmp_path: Path) -> None:  # noqa: F811
    sites.procuratorate["sxa"] = procuratorate_articles(1, 17)  # two list pages of 15
    assert scrape(tmp_path, "12309", sites.url, "--province", "山西") == 0
    lists = sites.requests_to("/getFileListByPage")
    assert [s.method for s in lists] == ["POST", "POST"]
    assert all(s.headers["Content-Type"].startswith("application/json") for s in lists)
    assert [s.json for s in lists] == [
        {"codeId": "", "page": n, "size": 15, "fileType": "法律文书公开", "channelWebPath": "/gj/sxa", "channelLevels": ""}
        for n in (1, 2)
    ]
    wanted = sorted(f"12309:{aid}" for aid, title, _ in sites.procuratorate["sxa"] if not title.endswith("抗诉书"))
    assert sorted(d["id"] for d in records(tmp_path)) == wanted
    last_run = json.loads((tmp_path / "runs.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    pages = last_run["stats"]["channels"]["山西"]["pages"]
    assert {page: p["listed"] for page, p in pages.items()} == {"1": 15, "2": 2}
    assert last_run["stats"]["channels"]["山西"]["wanted"] == len(wanted)


def test_12309_county_channel_through_channel_levels(sites, tmp_path: Path, capsys) -> None:  # noqa: F811
    sites.procuratorate["bj"] = procuratorate_articles(1, 4)
    sites.procuratorate["bj/bjshrq"] = procuratorate_articles(2, 3)
    levels = sites.procuratorate_levels("bj/bjshrq")
    channel = f"/12309/gj/bj/bjshrq/zjxflws/index.shtml?channelLevels={levels}"
    assert scrape(tmp_path, "12309", sites.url, "--channel", channel) == 0
    assert {s.json["channelLevels"] for s in sites.requests_to("/getFileListByPage")} == {levels}
    assert sorted(d["id"] for d in records(tmp_path)) == sorted(
        f"12309:{aid}" for aid, title, _ in sites.procuratorate["bj/bjshrq"] if not title.endswith("抗诉书"))
    assert "channel /12309/gj/bj/bjshrq/zjxflws/index.shtml: 2 documents wanted of 3 listed" in capsys.readouterr().err


def test_12309_default_run_asks_every_province_once(sites, tmp_path: Path) -> None:  # noqa: F811
    from scrapers.procuratorate_12309 import DEFAULT_PROVINCES, PROVINCE_PATHS

    for index, name in enumerate(DEFAULT_PROVINCES):
        sites.procuratorate[PROVINCE_PATHS[name]] = procuratorate_articles(index, 1)
    assert scrape(tmp_path, "12309", sites.url) == 0
    paths = [s.json["channelWebPath"] for s in sites.requests_to("/getFileListByPage")]
    assert sorted(paths) == sorted(f"/gj/{PROVINCE_PATHS[name]}" for name in DEFAULT_PROVINCES)
    assert "/gj" not in paths  # the SPP channel lists everything below it; it is asked for only by name


def test_12309_channel_without_documents_is_an_error(sites, tmp_path: Path, capsys) -> None:  # noqa: F811
    sites.procuratorate["sh"] = procuratorate_articles(1, 3)
    assert scrape(tmp_path, "12309", sites.url, "--province", "上海", "--province", "天津") == 1
    err = capsys.readouterr().err
    assert "channel 天津 lists no documents at all" in err and "rejected" in err
    assert len(list((tmp_path / "rejected").iterdir())) == 1
    assert len(records(tmp_path)) == 2  # 上海 was collected before


def test_12309_short_page_before_the_last_is_an_error(sites, tmp_path: Path, capsys) -> None:  # noqa: F811
    from scraper_server import list_key

    sites.procuratorate["sh"] = procuratorate_articles(1, 20)
    truncated = {"code": 200, "results": {"hits": {"total": 20, "hits": []}}}
    sites.inject(list_key("sh", 1), page(json.dumps(truncated).encode()))
    assert scrape(tmp_path, "12309", sites.url, "--province", "上海") == 1
    err = capsys.readouterr().err
    assert "page 1 of 2 lists no items although the total is 20" in err and "rejected" in err
    assert manifest(tmp_path) == []


def spc_articles(count: int) -> list[tuple[str, str, str]]:
    return [(str(400000 + i), f"典型案例第{i}批" if i % 2 else f"新闻{i}", f"2023-0{1 + i % 9}-1{i % 10}")
            for i in range(count)]


def test_spc_typical_cases_under_zixun_with_numbered_pages(sites, tmp_path: Path, capsys) -> None:  # noqa: F811
    sites.spc["/zixun/gengduo/104"] = spc_articles(8)  # 3 per page: 104.html, 104_2.html, 104_3.html
    assert scrape(tmp_path, "spc", sites.url, "--channel", "typical-cases", "--query", "典型案例") == 0
    docs = records(tmp_path)
    assert sorted(d["id"] for d in docs) == sorted(
        f"spc:{aid}" for aid, t, _ in sites.spc["/zixun/gengduo/104"] if "典型案例" in t)
    assert [s.path for s in sites.requests_to("/zixun/gengduo/")] == [
        "/zixun/gengduo/104.html", "/zixun/gengduo/104_2.html", "/zixun/gengduo/104_3.html"]
    one = next(d for d in docs if d["id"] == "spc:400001")
    assert (one["title"], one["date"], one["source"], one["metadata"]["origin"]) == (
        "典型案例第1批", "2023-02-11", "spc/html", "新闻局")
    assert "channel typical-cases: 4 documents wanted of 8 listed (p1: 3 listed/1 wanted" in capsys.readouterr().err


def test_spc_guiding_cases_and_a_custom_list_path(sites, tmp_path: Path) -> None:  # noqa: F811
    sites.spc["/shenpan/gengduo/77"] = spc_articles(4)
    assert scrape(tmp_path / "a", "spc", sites.url, "--channel", "guiding-cases") == 0
    assert len(records(tmp_path / "a")) == 4
    sites.spc["/fabu/gengduo/16"] = spc_articles(2)
    assert scrape(tmp_path / "b", "spc", sites.url, "--channel", "/fabu/gengduo/16.html") == 0
    assert len(records(tmp_path / "b")) == 2


def test_spc_pager_announcing_a_missing_page_stops_the_run(sites, tmp_path: Path, capsys) -> None:  # noqa: F811
    sites.spc["/zixun/gengduo/104"] = spc_articles(3)  # one page, but the page says there is a next one
    listing = ("<html><body><div class='sec_list'><ul>"
               + "".join(f'<li><a href="/zixun/xiangqing/{aid}.html">{t}</a><i class="date">{d}</i></li>'
                         for aid, t, d in sites.spc["/zixun/gengduo/104"])
               + "</ul></div><div class='page'><a href='/zixun/gengduo/104_2.html'>下一页</a></div></body></html>")
    sites.inject("/zixun/gengduo/104.html", page(listing.encode()))
    assert scrape(tmp_path, "spc", sites.url) == 1
    assert "/zixun/gengduo/104_2.html: HTTP 404" in capsys.readouterr().err


def test_spc_list_without_links_is_an_error_with_the_page_kept(sites, tmp_path: Path, capsys) -> None:  # noqa: F811
    sites.spc["/zixun/gengduo/104"] = spc_articles(3)
    moved = b"<html><body><div class='sec_list'><ul><li><a href='/fabu/new/1'>x</a></li></ul></div></body></html>"
    sites.inject("/zixun/gengduo/104.html", page(moved))
    assert scrape(tmp_path, "spc", sites.url) == 1
    err = capsys.readouterr().err
    assert "holds no article links" in err and "rejected" in err
    assert manifest(tmp_path) == []


def test_spc_has_no_statistics_channel(sites, tmp_path: Path, capsys) -> None:  # noqa: F811
    assert scrape(tmp_path, "spc", sites.url, "--channel", "statistics") == 2
    assert "unknown channel 'statistics'" in capsys.readouterr().err


def test_spp_typical_and_guiding_cases_page_from_index_2(sites, tmp_path: Path) -> None:  # noqa: F811
    sites.spp["zgjdxal"] = [(f"t2023030{i}_60{i}", f"典型案例{i}", f"2023-03-0{i + 1}") for i in range(7)]
    sites.spp["jczdal"] = [("t20220307_547759", "第三十五批指导性案例", "2022-03-07")]
    assert scrape(tmp_path / "t", "spp", sites.url, "--channel", "typical-cases") == 0
    assert [s.path for s in sites.requests_to("/spp/zgjdxal/index")] == [
        "/spp/zgjdxal/index.shtml", "/spp/zgjdxal/index_2.shtml", "/spp/zgjdxal/index_3.shtml"]
    docs = records(tmp_path / "t")
    assert len(docs) == 7 and {d["source"] for d in docs} == {"spp/html"}
    assert sorted(d["date"] for d in docs) == [f"2023-03-0{i + 1}" for i in range(7)]
    assert {d["metadata"]["origin"] for d in docs} == {"最高人民检察院"}
    assert scrape(tmp_path / "g", "spp", sites.url, "--channel", "guiding-cases") == 0
    assert [d["title"] for d in records(tmp_path / "g")] == ["第三十五批指导性案例"]


def test_spp_counter_announcing_a_missing_page_stops_the_run(sites, tmp_path: Path, capsys) -> None:  # noqa: F811
    sites.spp["zgjdxal"] = [("t20230301_601", "典型案例", "2023-03-01")]
    claims_two = ("<html><body><div class='commonList_con'><ul class='li_line'><li><a href='./202303/t20230301_601.shtml'>"
                  "典型案例</a><span>2023-03-01</span></li></ul></div>"
                  "<script>createPageHTML('page_div', 2, 1, 'index', 'shtml', 2);</script></body></html>")
    sites.inject("/spp/zgjdxal/index.shtml", page(claims_two.encode()))
    assert scrape(tmp_path, "spp", sites.url) == 1
    assert "/spp/zgjdxal/index_2.shtml: HTTP 404" in capsys.readouterr().err


def test_spp_list_markup_without_links_is_an_error(sites, tmp_path: Path, capsys) -> None:  # noqa: F811
    sites.spp["zgjdxal"] = [("t20230301_601", "典型案例", "2023-03-01")]
    sites.inject("/spp/zgjdxal/index.shtml", page(b"<html><body><ul class='li_line'></ul></body></html>"))
    assert scrape(tmp_path, "spp", sites.url) == 1
    err = capsys.readouterr().err
    assert "the list markup is there but it holds no article links" in err and "rejected" in err


def test_stored_list_pages_are_checked_again_on_every_run(sites, tmp_path: Path, monkeypatch, capsys) -> None:  # noqa: F811
    from scrapers import procuratorate_12309
    from scrapers.runner import Sanity

    sites.procuratorate["sh"] = procuratorate_articles(1, 6)
    assert scrape(tmp_path, "12309", sites.url, "--province", "上海") == 0
    capsys.readouterr()
    before = len(sites.seen)
    stricter = Sanity(max_items_per_page=5, full_page_items=5, earliest_date="2014-01-01")
    monkeypatch.setattr(procuratorate_12309, "SANITY", stricter)
    assert scrape(tmp_path, "12309", sites.url, "--province", "上海") == 1
    err = capsys.readouterr().err
    assert "6 items on one list page, more than the 5" in err and "the page is kept in" in err
    assert len(list((tmp_path / "rejected").iterdir())) == 1
    assert [s.path for s in sites.seen[before:]] == []  # the stored page was checked, nothing was fetched


def test_spp_custom_channel_and_implausible_dates(sites, tmp_path: Path, capsys) -> None:  # noqa: F811
    sites.spp["xwfbh/wsfbt"] = [(f"t2023030{i}_60{i}", f"{2015 + i}年全国检察机关主要办案数据", f"2023-03-0{i + 1}")
                               for i in range(5)]
    assert scrape(tmp_path / "ok", "spp", sites.url, "--channel", "/spp/xwfbh/wsfbt/") == 0
    assert len(records(tmp_path / "ok")) == 5
    sites.spp["xwfbh/wsfbt"][0] = ("t19990301_600", "旧文", "1999-03-01")
    assert scrape(tmp_path / "bad", "spp", sites.url, "--channel", "/spp/xwfbh/wsfbt/") == 1
    assert "listed date 1999-03-01 is outside the plausible range 2000-01-01.." in capsys.readouterr().err


@pytest.mark.parametrize(
    "extra, message",
    [
        (["12309", "--province", "火星"], "--province '火星': unknown"),
        (["12309", "--doc-type", "判决书"], "--doc-type '判决书'"),
        (["12309", "--until", "tomorrow"], "--until 'tomorrow': not an ISO date"),
        (["12309", "--rate", "0"], "--rate 0"),
        (["wenshu", "--query", "x", "--date-from", "2019/01/01"], "--date-from '2019/01/01': expected YYYY-MM-DD"),
        (["spc", "--channel", "nonsense"], "unknown channel 'nonsense'"),
        (["spc", "--channel", "/zixun/xiangqing/1.html"], "expected a list path like /zixun/gengduo/104.html"),
        (["12309", "--channel", "/12309/gj/bj/index.shtml"], "expected a 12309 list page"),
    ],
)
def test_bad_options_exit_2_with_one_line(sites, tmp_path: Path, capsys, monkeypatch, extra, message) -> None:  # noqa: F811
    from toolkit.cli import main

    monkeypatch.setenv(COOKIE_ENV, SECRET)
    code = main(["scrape", extra[0], "--out", str(tmp_path), "--base-url", sites.url, "--no-progress", *extra[1:]])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and message in err[0]


def test_judgstat_load_reads_a_scrape_folder(sites, tmp_path: Path, capsys) -> None:  # noqa: F811
    from toolkit.cli import main
    from toolkit.schema import DOCUMENT_FIELDS, read_table

    sites.procuratorate["sh"] = procuratorate_articles(1, 6)
    out = tmp_path / "scrape"
    assert scrape(out, "12309", sites.url, "--province", "上海") == 0
    assert scrape_store.sniff(out) and scrape_store.sniff(out / "manifest.jsonl")
    assert not scrape_store.sniff(FIXTURES)
    store = tmp_path / "docs.jsonl"
    assert main(["load", str(out), "-o", str(store), "--no-progress"]) == 0
    frame = read_table(store, DOCUMENT_FIELDS)
    assert len(frame) == 4 and set(frame["source"]) == {"12309/html"}


def test_loader_reports_damaged_store_lines(sites, tmp_path: Path) -> None:  # noqa: F811
    sites.procuratorate["sh"] = procuratorate_articles(1, 3)
    assert scrape(tmp_path, "12309", sites.url, "--province", "上海") == 0
    entries = manifest(tmp_path)
    doc_entries = [e for e in entries if e["kind"] == "document"]
    (tmp_path / doc_entries[0]["path"]).write_bytes(b"<html>changed</html>")
    with (tmp_path / "manifest.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"key": "torn')
    items = list(scrape_store.load(tmp_path))
    errors = [i for i in items if not isinstance(i, dict)]
    assert len([i for i in items if isinstance(i, dict)]) == len(doc_entries) - 1
    reasons = sorted(e.reason for e in errors)
    assert any("does not match its sha256" in r for r in reasons) and any("torn last line" in r for r in reasons)
    assert all(e.file.endswith("manifest.jsonl") and e.line for e in errors)
