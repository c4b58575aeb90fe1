"""`judgstat scrape <source> --fetcher browser` for the real source modules, in headless Chromium (#16).

FakeSites (tests/scraper_server.py) serves, besides the plain-HTTP shapes, the pages of the browser route
(tests/rendered_pages.py): the 12309 list shell filled by its script and paged with `.nextbtn`, the wenshu
list and detail pages whose scripts send rest.q4w with their own ciphertext and decrypt the answer, and the
SPC / SPP pages as they are. Without Chromium these tests skip, except where JUDGSTAT_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser import _require_browser
from scraper_server import (  # noqa: F401 (fixtures)
    judgments,
    loopback_only,
    manifest,
    page,
    procuratorate_articles,
    scrape,
    sites,
)

from scrapers.browser import new_chromium_driver, paged_url, pick_next_button, split_paged_url
from scrapers.store import RawStore
from toolkit.loaders import scrape_store

QUERY = "侵犯公民个人信息"
BROWSER = ["--fetcher", "browser", "--rate", "20"]


@pytest.fixture
def chromium() -> None:
    _require_browser()


def stored_ids(out: Path) -> list[str]:
    return sorted(entry["doc_id"] for entry in RawStore.open(out).documents())


def records(out: Path) -> list[dict]:
    items = list(scrape_store.load(out))
    assert [i for i in items if not isinstance(i, dict)] == []
    return items


def runs(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "runs.jsonl").read_text(encoding="utf-8").splitlines()]


def test_12309_browser_route_reads_the_rendered_shell_and_clicks_through_its_pages(chromium, sites, tmp_path) -> None:  # noqa: F811,E501
    sites.procuratorate["sh"] = procuratorate_articles(1, 20)  # 20 documents: list pages of 15 and 5
    wanted = sorted(aid for aid, title, _ in sites.procuratorate["sh"] if not title.endswith("刑事抗诉书"))
    out = tmp_path / "browser"
    assert scrape(out, "12309", sites.url, "--province", "上海", *BROWSER) == 0
    assert stored_ids(out) == wanted  # every wanted document, each once
    navigations = [s for s in sites.seen if s.method == "GET" and s.path.endswith(".shtml")]
    assert [s.path for s in navigations].count("/12309/gj/sh/zjxflws/index.shtml") == 1  # page 2 by a click
    assert [s.json["page"] for s in sites.requests_to("/getFileListByPage")] == [1, 2]  # sent by the page itself
    assert all(s.json["channelWebPath"] == "/gj/sh" for s in sites.requests_to("/getFileListByPage"))
    assert sites.requests_to("/robots.txt") and sites.requests_to("/robots.txt")[0].at < navigations[0].at
    assert json.loads((out / "browser-navigations.json").read_text())["count"] == 1 + 1 + len(wanted)
    assert runs(out)[0]["fetcher"] == "browser" and runs(out)[-1]["status"] == "finished"
    loaded = records(out)
    assert sorted(r["metadata"]["article_id"] for r in loaded) == wanted
    assert {r["source"] for r in loaded} == {"12309/html"} and all(r["metadata"]["published_date"] for r in loaded)

    http_out = tmp_path / "http"  # the plain-HTTP route collects the same documents
    assert scrape(http_out, "12309", sites.url, "--province", "上海", "--fetcher", "http") == 0
    assert stored_ids(http_out) == wanted

    before = len(sites.seen)
    assert scrape(out, "12309", sites.url, "--province", "上海", *BROWSER) == 0  # resumed from the store
    assert [s.path for s in sites.seen[before:]] == []


def test_12309_browser_route_resumes_a_run_stopped_after_page_one(chromium, sites, tmp_path) -> None:  # noqa: F811
    sites.procuratorate["sh"] = procuratorate_articles(1, 20)
    wanted = sorted(aid for aid, title, _ in sites.procuratorate["sh"] if not title.endswith("刑事抗诉书"))
    out = tmp_path / "out"
    assert scrape(out, "12309", sites.url, "--province", "上海", *BROWSER, "--max-requests", "2") == 0
    assert "max-requests 2" in runs(out)[-1]["status"]  # robots.txt and page 1: page 2 is not stored yet
    assert [e["url"] for e in manifest(out)] == [f"{sites.url}/12309/gj/sh/zjxflws/index.shtml"]
    # a bound of 2: robots.txt (1) and the list opened again (2) for page 2; the click would be a third
    assert scrape(out, "12309", sites.url, "--province", "上海", *BROWSER, "--max-requests", "2") == 0
    assert "max-requests 2" in runs(out)[-1]["status"]
    assert [s.json["page"] for s in sites.requests_to("/getFileListByPage")] == [1, 1]
    assert scrape(out, "12309", sites.url, "--province", "上海", *BROWSER) == 0
    assert stored_ids(out) == wanted
    lists = [e["url"] for e in manifest(out) if e["kind"] == "list"]
    assert lists == [f"{sites.url}/12309/gj/sh/zjxflws/index.shtml", f"{sites.url}/12309/gj/sh/zjxflws/index.shtml#judgstat-page=2"]
    # page 2 of the last run: the list opened again and its next button clicked once
    assert [s.json["page"] for s in sites.requests_to("/getFileListByPage")] == [1, 1, 1, 2]


def test_12309_browser_route_keeps_robots_txt(chromium, sites, tmp_path) -> None:  # noqa: F811
    sites.procuratorate["sh"] = procuratorate_articles(1, 4)
    aid, _, day = sites.procuratorate["sh"][1]  # a 不起诉决定书, wanted
    refused = f"/12309/gj/sh/zjxflws/{day[:7].replace('-', '')}/{aid}.shtml"
    sites.robots_txt = f"User-agent: *\nDisallow: {refused}\n"
    out = tmp_path / "out"
    assert scrape(out, "12309", sites.url, "--province", "上海", *BROWSER) == 0
    assert aid not in stored_ids(out) and len(stored_ids(out)) == 2
    assert sites.requests_to(refused) == []  # never opened in the browser
    assert any(aid in note and "robots.txt" in note for note in runs(out)[-1]["notes"])


def login_in_profile(profile: Path, site_url: str, session: str = "valid-session") -> None:
    """What the user does once: log in in their own Chromium profile (here: the fake site's login)."""
    driver = new_chromium_driver(profile, allowed_hosts={"127.0.0.1"})
    try:
        driver.get(f"{site_url}/website/wenshu/181029BPRY8AYR1P/index.html?open=login&session={session}")
        assert "已登录" in driver.page_source
    finally:
        driver.quit()


def test_wenshu_browser_route_with_the_users_own_login(chromium, sites, tmp_path) -> None:  # noqa: F811
    sites.wenshu_docs = judgments(23, step_days=10)  # 23 hits in 2019: pages of 15 and 8
    profile = tmp_path / "profile"
    login_in_profile(profile, sites.url)
    out = tmp_path / "out"
    assert scrape(out, "wenshu", sites.url, "--query", QUERY, "--date-from", "2019-01-01", "--date-to", "2019-12-31",
                  *BROWSER, "--browser-profile", str(profile)) == 0
    assert stored_ids(out) == sorted(j.doc_id for j in sites.wenshu_docs)
    asked = sites.requests_to("/website/parse/rest.q4w")
    assert all(s.form.get("ciphertext") and "SESSION=valid-session" in s.headers.get("Cookie", "") for s in asked)
    assert sorted(s.form["pageNum"] for s in asked if s.form["cfg"].endswith("@queryDoc")) == ["1", "2"]
    list_pages = [s for s in sites.seen if s.path == "/website/wenshu/181217BMTKHNT2W0/index.html"]
    assert len(list_pages) == 1 and list_pages[0].query["s8"] == "02" and list_pages[0].query["s21"] == QUERY
    docs = {r["id"]: r for r in records(out)}
    assert sorted(docs) == sorted(f"wenshu:{j.doc_id}" for j in sites.wenshu_docs)
    first = docs["wenshu:doc0000"]
    assert first["source"] == "wenshu/html" and first["date"] == "2019-01-01"
    assert "判处有期徒刑一年" in first["text"] and first["title"] == "被告人0号侵犯公民个人信息一审刑事判决书"


def test_wenshu_browser_route_tells_answer_codes_apart(chromium, sites, tmp_path, capsys) -> None:  # noqa: F811
    sites.wenshu_docs = judgments(4)
    sites.wenshu_withdrawn = {"doc0002"}  # listed, but its detail answer says 文书不存在
    profile = tmp_path / "profile"
    login_in_profile(profile, sites.url)
    out = tmp_path / "out"
    run = ["--query", QUERY, "--date-from", "2019-01-01", "--date-to", "2019-12-31", *BROWSER,
           "--browser-profile", str(profile)]
    assert scrape(out, "wenshu", sites.url, *run) == 0
    assert stored_ids(out) == ["doc0000", "doc0001", "doc0003"]
    assert any("doc0002" in note and "no longer available" in note for note in runs(out)[-1]["notes"])

    limited = json.dumps({"code": -9, "success": False, "description": "", "result": ""}).encode()
    sites.inject("/website/parse/rest.q4w", page(limited))  # the next list answer the page receives
    assert scrape(tmp_path / "again", "wenshu", sites.url, *run) == 1
    err = capsys.readouterr().err
    assert "code -9: the site is rate-limiting" in err and "kept in" in err


def test_wenshu_browser_route_without_a_login_stops_on_the_login_page(chromium, sites, tmp_path, capsys) -> None:  # noqa: F811,E501
    sites.wenshu_docs = judgments(3)
    out = tmp_path / "out"
    assert scrape(out, "wenshu", sites.url, "--query", QUERY, "--date-from", "2019-01-01", "--date-to", "2019-12-31",
                  *BROWSER, "--browser-profile", str(tmp_path / "fresh-profile")) == 1
    err = capsys.readouterr().err
    assert "login page" in err and "rejected" in err
    assert len(list((out / "rejected").iterdir())) == 1 and stored_ids(out) == []
    assert [s for s in sites.seen if s.path.endswith("181107ANFZ0BXSK4/index.html")] == []


@pytest.mark.parametrize("source", ["spc", "spp"])
def test_release_sites_through_the_browser(chromium, sites, tmp_path, source) -> None:  # noqa: F811
    articles = [(f"{400 + i}", f"侵犯公民个人信息典型案例{i}", f"2023-0{1 + i}-15") for i in range(5)]
    if source == "spc":
        sites.spc["/zixun/gengduo/104"] = articles
    else:
        sites.spp["zgjdxal"] = [(f"t2023{day[5:7]}15_{aid}", title, day) for aid, title, day in articles]
    out = tmp_path / "out"
    assert scrape(out, source, sites.url, *BROWSER) == 0
    assert len(stored_ids(out)) == 5 and len(records(out)) == 5


def test_wenshu_browser_route_needs_the_users_profile_not_a_cookie(chromium, sites, tmp_path, capsys) -> None:  # noqa: F811,E501
    assert scrape(tmp_path, "wenshu", sites.url, "--query", QUERY, "--fetcher", "browser") == 2
    assert "needs --browser-profile DIR" in capsys.readouterr().err
    cookie = tmp_path / "cookie.txt"
    cookie.write_text("SESSION=valid-session", encoding="utf-8")
    assert scrape(tmp_path, "wenshu", sites.url, "--query", QUERY, "--browser-profile", str(tmp_path / "p"),
                  "--cookie-file", str(cookie)) == 2
    assert "--cookie-file is for --fetcher http" in capsys.readouterr().err
    assert sites.seen == []


def test_paged_urls_and_the_next_button() -> None:
    assert paged_url("http://h/l.html?a=1", 1) == "http://h/l.html?a=1"
    assert split_paged_url(paged_url("http://h/l.html?a=1", 3)) == ("http://h/l.html?a=1", 3)
    assert split_paged_url("http://h/l.html#top") == ("http://h/l.html#top", 1)
    assert pick_next_button([["上一页", False], ["2", False], ["下一页", False]]) == 2
    assert pick_next_button([["上一页", False], ["下一页", True]]) is None  # the last page: disabled
    assert pick_next_button([["›", False]]) == 0 and pick_next_button([]) is None
    assert pick_next_button([["1", False], ["2", False]]) is None  # ambiguous: no labelled next button


def test_12309_pager_that_no_longer_matches_fails_loudly(chromium, sites, tmp_path, capsys, monkeypatch) -> None:  # noqa: F811,E501
    from scrapers import procuratorate_12309

    monkeypatch.setattr(procuratorate_12309, "BROWSER_NEXT_PAGE", ".next-page")  # as if the site renamed it
    sites.procuratorate["sh"] = procuratorate_articles(1, 20)
    out = tmp_path / "out"
    assert scrape(out, "12309", sites.url, "--province", "上海", *BROWSER) == 1
    err = capsys.readouterr().err
    assert "page 1 of the 2 the site announces (total 20) offers no next-page button" in err and "kept in" in err
    assert stored_ids(out) == [] and len(list((out / "rejected").iterdir())) == 1


def test_wenshu_pager_that_no_longer_matches_fails_loudly(chromium, sites, tmp_path, capsys, monkeypatch) -> None:  # noqa: F811,E501
    from scrapers import wenshu

    monkeypatch.setattr(wenshu, "BROWSER_NEXT_PAGE", ".left_7_3 a.next")
    sites.wenshu_docs = judgments(23, step_days=10)
    profile = tmp_path / "profile"
    login_in_profile(profile, sites.url)
    out = tmp_path / "out"
    assert scrape(out, "wenshu", sites.url, "--query", QUERY, "--date-from", "2019-01-01", "--date-to", "2019-12-31",
                  *BROWSER, "--browser-profile", str(profile)) == 1
    err = capsys.readouterr().err
    assert "no next page after page 1 although the site counts 23 results (2 pages of 15)" in err
    assert stored_ids(out) == []


FIXTURES = Path(__file__).resolve().parents[1] / "scrapers" / "fixtures"


def test_rendered_12309_list_must_agree_with_the_answer_the_page_received() -> None:
    from scrapers.browser import ANSWERS_ID
    from scrapers.errors import SiteChangedError
    from scrapers.procuratorate_12309 import parse_rendered_list

    url = "https://www.12309.gov.cn/12309/gj/sh/zjxflws/index.shtml"
    rendered = (FIXTURES / "12309_rendered_list.example.html").read_bytes()
    assert len(parse_rendered_list(rendered, url).items) == 3
    without_answer = rendered[: rendered.index(f'<script type="application/json" id="{ANSWERS_ID}"'.encode())] + b"</body></html>"
    with pytest.raises(SiteChangedError, match="received no /getFileListByPage answer"):
        parse_rendered_list(without_answer, url)
    first_row = rendered[rendered.index(b"<li>"): rendered.index(b"</li>") + 5]
    with pytest.raises(SiteChangedError, match=r"rendered rows \(2\) are not the 3 hits"):
        parse_rendered_list(rendered.replace(first_row, b""), url)
    elsewhere = rendered.replace(b'href="https://www.12309.gov.cn/12309/gj/sh/hpq/', b'href="https://elsewhere.example/12309/gj/sh/hpq/')
    with pytest.raises(SiteChangedError, match="points to another host"):
        parse_rendered_list(elsewhere, url)
    with pytest.raises(SiteChangedError, match="has no rows"):
        parse_rendered_list(b"<html><body><ul id='impFile'></ul></body></html>", url)


SAVED_PAGES = Path(__file__).resolve().parent / "fixtures" / "loaders" / "wenshu_saved_pages"
README = Path(__file__).resolve().parents[1] / "scrapers" / "README.md"
HOW_TO = "judgstat load wenshu-pages/ -o judgments.parquet"


def test_readme_how_to_loads_saved_wenshu_pages(tmp_path, monkeypatch, capsys) -> None:
    """The README's command, word for word, on synthetic saved pages: a browser's "Save page as" .html and
    the site's download (.doc holding HTML), plus a login page that must land in the errors table."""
    import shutil

    from toolkit.cli import main
    from toolkit.schema import DOCUMENT_FIELDS, read_table

    assert f"\n{HOW_TO}\n" in README.read_text(encoding="utf-8")
    folder = tmp_path / "wenshu-pages"
    shutil.copytree(SAVED_PAGES, folder)
    shutil.copy(FIXTURES / "login.example.html", folder / "登录.html")
    monkeypatch.chdir(tmp_path)
    assert main(HOW_TO.split()[1:] + ["--no-progress"]) == 3  # 3: a file is in the errors table
    frame = read_table(tmp_path / "judgments.parquet", DOCUMENT_FIELDS).set_index("id")
    assert sorted(frame.index) == ["Sy/nthDoc+0001aa==", "周某案"]  # the docId of the saved URL, else the file name
    assert set(frame["source"]) == {"wenshu/html"}
    first = frame.loc["Sy/nthDoc+0001aa=="]
    assert (first["court"], first["case_number"], first["date"]) == ("测试省测试市测试区人民法院", "（2021）测0101刑初77号", "2021-04-12")
    errors = (tmp_path / "judgments.errors.csv").read_text(encoding="utf-8")
    assert "登录.html" in errors and "no judgment body" in errors
