"""Fault injection against the local server: every fault ends in the complete set or a clear stop.

All traffic goes to 127.0.0.1 (the loopback guard is autouse); delays are tiny (--rate 500,
--backoff 0.01) except the one test that checks a real 1-second Retry-After.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scraper_server import (  # noqa: F401 (fixtures)
    drop,
    list_key,
    loopback_only,
    manifest,
    page,
    procuratorate_articles,
    scrape,
    sites,
    slow,
    status,
    truncated,
)

from toolkit.loaders import scrape_store

LIST = list_key("sh", 1)  # POST /getFileListByPage for 上海, page 1
LIST2 = list_key("sh", 2)


def setup_12309(sites, count: int = 20) -> list[str]:  # noqa: F811
    """count articles for 上海; 15 per list page, so the default 20 make two list pages."""
    sites.procuratorate["sh"] = procuratorate_articles(1, count)
    return sorted(f"12309:{aid}" for aid, title, _ in sites.procuratorate["sh"]
                  if title.endswith(("起诉书", "不起诉决定书")) and not title.endswith("抗诉书"))


def run_12309(out: Path, sites, *extra: str) -> int:  # noqa: F811
    return scrape(out, "12309", sites.url, "--province", "上海", *extra)


def loaded_ids(out: Path) -> list[str]:
    items = list(scrape_store.load(out))
    errors = [i for i in items if not isinstance(i, dict)]
    assert errors == []
    return sorted(i["id"] for i in items)


def assert_store_consistent(out: Path) -> None:
    entries = manifest(out)
    keys = [e["key"] for e in entries]
    assert len(keys) == len(set(keys)), "a response was stored twice"
    referenced = {e["path"] for e in entries}
    on_disk = {p.relative_to(out).as_posix() for p in (out / "raw").rglob("*") if p.is_file()}
    assert on_disk == referenced, "files without manifest lines, or manifest lines without files"
    assert not list(out.rglob("*.tmp"))


def detail_requests(sites) -> list[str]:  # noqa: F811
    return [s.path for s in sites.requests_to("/12309/gj/sh/zjxflws/2")]


def test_clean_run_collects_exactly_the_wanted_documents(sites, tmp_path: Path) -> None:  # noqa: F811
    wanted = setup_12309(sites)
    assert run_12309(tmp_path, sites, "--contact", "me@example.edu") == 0
    assert loaded_ids(tmp_path) == wanted
    assert all(s.headers["User-Agent"].endswith("contact: me@example.edu)") for s in sites.seen)
    assert sorted(detail_requests(sites)) == sorted(set(detail_requests(sites)))  # no document fetched twice
    assert len(detail_requests(sites)) == len(wanted)  # 刑事抗诉书 filtered out on the list page
    assert_store_consistent(tmp_path)


@pytest.mark.parametrize(
    "fault",
    [status(500), status(503), status(502), drop(), truncated(), slow(1.0)],
    ids=["500", "503", "502", "dropped", "truncated", "slower-than-timeout"],
)
def test_transient_faults_are_retried_and_nothing_is_lost(sites, tmp_path: Path, fault) -> None:  # noqa: F811
    wanted = setup_12309(sites)
    first_doc = "/12309/gj/sh/zjxflws/" + sites.procuratorate["sh"][0][2][:7].replace("-", "") + "/" \
        + sites.procuratorate["sh"][0][0] + ".shtml"
    sites.inject(LIST, fault)
    sites.inject(first_doc, fault, fault)
    assert run_12309(tmp_path, sites, "--timeout", "0.3") == 0
    assert loaded_ids(tmp_path) == wanted
    assert len(sites.requests_to(LIST)) == 2 and len(sites.requests_to(first_doc)) == 3
    assert_store_consistent(tmp_path)
    body = (tmp_path / next(e["path"] for e in manifest(tmp_path) if e["url"].endswith(first_doc))).read_bytes()
    assert body.rstrip().endswith(b"</html>")  # the complete body, not the truncated one


def test_retry_after_is_honoured(sites, tmp_path: Path) -> None:  # noqa: F811
    wanted = setup_12309(sites, 2)
    sites.inject(LIST, status(429, retry_after="1"))
    assert run_12309(tmp_path, sites) == 0
    first, second = sites.requests_to(LIST)
    assert second.at - first.at >= 0.9  # waited the server's 1 s, not the 0.01 s backoff
    assert loaded_ids(tmp_path) == wanted


def test_retry_after_longer_than_allowed_stops_the_run(sites, tmp_path: Path, capsys) -> None:  # noqa: F811
    setup_12309(sites, 2)
    sites.inject(LIST, status(503, retry_after="86400"))
    assert run_12309(tmp_path, sites) == 1
    assert "Retry-After" in capsys.readouterr().err
    assert len(sites.requests_to(LIST)) == 1


def test_persistent_5xx_gives_up_then_resume_completes(sites, tmp_path: Path, capsys) -> None:  # noqa: F811
    wanted = setup_12309(sites)
    sites.inject(LIST2, *[status(500)] * 3)
    assert run_12309(tmp_path, sites, "--retries", "2") == 1
    assert "gave up after 3 attempts" in capsys.readouterr().err
    partial = loaded_ids(tmp_path)
    assert partial and set(partial) < set(wanted)
    assert run_12309(tmp_path, sites, "--retries", "2") == 0
    assert loaded_ids(tmp_path) == wanted
    assert len(detail_requests(sites)) == len(wanted)  # the rerun fetched only what was missing
    assert_store_consistent(tmp_path)


@pytest.mark.parametrize(
    "name, words",
    [("captcha.example.html", "captcha"), ("login.example.html", "login page"),
     ("js_challenge.example.html", "JavaScript")],
)
def test_stop_pages_stop_at_once_and_are_kept_aside(sites, tmp_path: Path, capsys, name, words) -> None:  # noqa: F811
    wanted = setup_12309(sites)
    sites.inject(LIST2, page(name))
    assert run_12309(tmp_path, sites) == 1
    err = capsys.readouterr().err
    assert words in err and "rejected" in err
    assert len(sites.requests_to(LIST2)) == 1  # no retry flood
    assert len(list((tmp_path / "rejected").iterdir())) == 1
    assert not any('"page":2' in e["data"].get("__json_body__", "") for e in manifest(tmp_path))  # not stored
    assert run_12309(tmp_path, sites) == 0  # once the site is fine again, a rerun finishes the set
    assert loaded_ids(tmp_path) == wanted
    assert_store_consistent(tmp_path)


def test_missing_document_is_skipped_and_fetched_on_rerun(sites, tmp_path: Path, capsys) -> None:  # noqa: F811
    wanted = setup_12309(sites)
    aid, _, day = sites.procuratorate["sh"][1]
    gone = f"/12309/gj/sh/zjxflws/{day[:7].replace('-', '')}/{aid}.shtml"
    sites.inject(gone, page(b"<html><head><title>404</title></head></html>", code=404))
    assert run_12309(tmp_path, sites) == 0
    assert "skipped, no longer available" in capsys.readouterr().err
    assert loaded_ids(tmp_path) == [i for i in wanted if i != f"12309:{aid}"]
    assert len(sites.requests_to(gone)) == 1  # a 404 is not retried
    assert run_12309(tmp_path, sites) == 0
    assert loaded_ids(tmp_path) == wanted


def test_missing_list_page_stops(sites, tmp_path: Path, capsys) -> None:  # noqa: F811
    setup_12309(sites)
    sites.inject(LIST2, status(404))
    assert run_12309(tmp_path, sites) == 1
    assert "HTTP 404" in capsys.readouterr().err


def test_403_is_a_block_not_a_retry(sites, tmp_path: Path, capsys) -> None:  # noqa: F811
    setup_12309(sites)
    sites.inject(LIST, status(403))
    assert run_12309(tmp_path, sites) == 1
    assert "403" in capsys.readouterr().err and len(sites.requests_to(LIST)) == 1


def test_robots_disallowed_path_is_never_requested(sites, tmp_path: Path, capsys) -> None:  # noqa: F811
    setup_12309(sites)
    sites.robots_txt = "User-agent: *\nDisallow: /12309/gj/sh/\n"
    # every listed document is disallowed: each is skipped and recorded, the run goes on (#11 item 8)
    assert run_12309(tmp_path, sites) == 0
    captured = capsys.readouterr()
    assert "robots.txt disallows" in captured.out + captured.err
    assert [entry for entry in manifest(tmp_path) if entry["kind"] != "list"] == []
    assert sites.requests_to("/12309/") == []


def test_changed_layout_stops_with_site_changed(sites, tmp_path: Path, capsys) -> None:  # noqa: F811
    setup_12309(sites)
    sites.inject(LIST, page(b"<html><head><title>new look</title></head><body><div>redesigned</div></body></html>"))
    assert run_12309(tmp_path, sites) == 1
    err = capsys.readouterr().err
    assert "expected a JSON answer from getFileListByPage" in err and "rejected" in err
    assert manifest(tmp_path) == []


def test_rate_limit_spaces_requests(sites, tmp_path: Path) -> None:  # noqa: F811
    setup_12309(sites, 2)
    assert scrape(tmp_path, "12309", sites.url, "--province", "上海", "--rate", "10") == 0
    times = [s.at for s in sites.seen]
    assert len(times) >= 3
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.08  # 0.1 s apart at the client; arrival jitter
