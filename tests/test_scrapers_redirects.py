"""Regression tests for issue #11 items 1, 2, 8 and 10 (cookie): redirects and request errors in scrapers/client.py.

Each test failed on the client that let requests follow redirects (allow_redirects=True): that one
fetched a cross-origin hop without its robots.txt, sent a same-site hop 2 ms after the first request,
ended a loop in a TooManyRedirects traceback, let ContentDecodingError / InvalidSchema / ValueError
escape (the last as a usage error, exit 2), dropped the cookie on a same-site hop, and stopped every
crawl at the first document robots.txt disallows. All traffic stays on 127.0.0.1 / localhost.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fault_server import Scripted, redirect, servers  # noqa: F401 (fixture)
from scraper_server import loopback_only  # noqa: F401 (autouse fixture)

import scrapers.sources
from scrapers.client import Politeness, PoliteClient
from scrapers.errors import (
    FetchError,
    HostNotAllowedError,
    RedirectError,
    RetriesExhaustedError,
    RobotsDisallowedError,
    SkippableError,
)
from scrapers.runner import Scraper
from scrapers.store import RawStore, Request

FAST = Politeness(rate=1000, max_retries=2, backoff_base=0.001, read_timeout=2, connect_timeout=2)


def client(**kwargs) -> PoliteClient:
    politeness = kwargs.pop("politeness", FAST)
    return PoliteClient(politeness, **kwargs)


def paths(hits) -> list[str]:
    return [h.path for h in hits]


# -- item 1: every hop through robots.txt, the rate limit and the host check ---------------------
def test_cross_origin_redirect_reads_that_origins_robots_first(servers) -> None:  # noqa: F811
    a, b = servers
    a.script("/doc", redirect(302, b.url + "/doc"))
    response = client().get(a.url + "/doc")
    assert response.url == b.url + "/doc" and response.redirects == (a.url + "/doc",)
    assert paths(b.hits()) == ["/robots.txt", "/doc"]  # B's robots.txt before anything else on B


def test_cross_origin_redirect_disallowed_by_its_robots_is_not_followed(servers) -> None:  # noqa: F811
    a, b = servers
    b.robots_txt = "User-agent: *\nDisallow: /private/\n"
    a.script("/doc", redirect(302, b.url + "/private/doc"))
    with pytest.raises(RobotsDisallowedError, match="redirect 1 from"):
        client().get(a.url + "/doc")
    assert paths(b.hits()) == ["/robots.txt"]


def test_same_site_redirect_waits_for_the_rate_limit_measured_at_the_server(servers) -> None:  # noqa: F811
    a, _ = servers
    a.script("/doc", redirect(302, "/login?next=/doc"))
    client(politeness=Politeness(rate=5, max_retries=0)).get(a.url + "/doc")  # one request per 200 ms
    times = [h.at for h in a.hits()]
    assert paths(a.hits()) == ["/robots.txt", "/doc", "/login"]
    assert min(later - earlier for earlier, later in zip(times, times[1:])) >= 0.19


def test_redirect_loop_is_a_recorded_error_after_few_requests(servers) -> None:  # noqa: F811
    a, _ = servers
    a.script("/a", redirect(302, "/b"))
    a.script("/b", redirect(302, "/a"))
    with pytest.raises(RedirectError, match="redirect loop"):
        client().get(a.url + "/a")
    assert paths(a.hits()) == ["/robots.txt", "/a", "/b"]


def test_redirect_chain_longer_than_the_hop_limit_stops(servers) -> None:  # noqa: F811
    a, _ = servers
    for i in range(20):
        a.script(f"/r{i}", redirect(301, f"/r{i + 1}"))
    with pytest.raises(RedirectError, match="more than 5 redirects"):
        client().get(a.url + "/r0")
    assert paths(a.hits()) == ["/robots.txt"] + [f"/r{i}" for i in range(6)]


def test_redirect_to_a_host_outside_the_allowed_ones_is_not_followed(servers) -> None:  # noqa: F811
    a, _ = servers
    a.script("/doc", redirect(302, f"http://localhost:{a.port}/elsewhere"))
    with pytest.raises(HostNotAllowedError, match="localhost"):
        client(allowed_hosts={"127.0.0.1"}).get(a.url + "/doc")
    assert [h.path for h in a.hits() if h.host.startswith("localhost")] == []


def test_redirect_methods_and_relative_locations(servers) -> None:  # noqa: F811
    a, _ = servers
    a.script("/form303", redirect(303, "done"))  # relative to /form303 -> /done
    a.script("/form307", redirect(307, "/kept"))
    a.script("/form308", redirect(308, "./kept8"))
    a.script("/form301", redirect(301, "/moved"))
    web = client()
    web.send(Request.post(a.url + "/form303", {"q": "1"}))
    web.send(Request.post(a.url + "/form307", {"q": "2"}))
    web.send(Request.post(a.url + "/form308", {"q": "3"}))
    web.send(Request.post(a.url + "/form301", {"q": "4"}))
    seen = [(h.method, h.path, h.body) for h in a.hits() if h.path != "/robots.txt"]
    assert seen == [
        ("POST", "/form303", b"q=1"), ("GET", "/done", b""),
        ("POST", "/form307", b"q=2"), ("POST", "/kept", b"q=2"),
        ("POST", "/form308", b"q=3"), ("POST", "/kept8", b"q=3"),
        ("POST", "/form301", b"q=4"), ("GET", "/moved", b""),
    ]


def test_redirect_without_location_is_an_error(servers) -> None:  # noqa: F811
    a, _ = servers
    a.script("/doc", Scripted(302, b"moved"))
    with pytest.raises(RedirectError, match="without a Location"):
        client().get(a.url + "/doc")


def test_robots_txt_redirect_is_followed_within_the_rules(servers) -> None:  # noqa: F811
    a, b = servers
    a.script("/robots.txt", redirect(301, b.url + "/robots.txt"))
    b.robots_txt = "User-agent: *\nDisallow: /doc\n"
    with pytest.raises(RobotsDisallowedError):
        client().get(a.url + "/doc")
    assert paths(a.hits()) == ["/robots.txt"] and paths(b.hits()) == ["/robots.txt"]


# -- item 10: the cookie on redirects -----------------------------------------------------------
def test_cookie_kept_on_same_site_redirect_and_dropped_cross_site(servers) -> None:  # noqa: F811
    a, _ = servers
    a.script("/doc", redirect(302, "/after-login"))
    a.script("/away", redirect(302, f"http://localhost:{a.port}/other"))
    web = client(cookie="SESSION=mine")
    web.get(a.url + "/doc")
    web.get(a.url + "/away")
    by_path = {h.path: h.headers.get("Cookie") for h in a.hits()}
    assert by_path["/doc"] == "SESSION=mine" and by_path["/after-login"] == "SESSION=mine"
    assert by_path["/away"] == "SESSION=mine" and by_path["/other"] is None
    assert by_path["/robots.txt"] is None  # robots.txt never needs the user's session


# -- item 2: other requests errors become fetch errors -----------------------------------------
def test_bad_gzip_is_retried_then_a_recorded_failure(servers) -> None:  # noqa: F811
    a, _ = servers
    a.script("/doc", Scripted(gzip_mode="bad"))
    with pytest.raises(RetriesExhaustedError, match="ContentDecodingError"):
        client().get(a.url + "/doc")
    assert len(a.hits("/doc")) == 3  # max_retries=2: retried, not hammered


def test_bad_gzip_once_then_good_succeeds(servers) -> None:  # noqa: F811
    a, _ = servers
    a.script("/doc", Scripted(gzip_mode="bad"), Scripted(body=b"<html>fine</html>", gzip_mode="good"))
    assert client().get(a.url + "/doc").body == b"<html>fine</html>"


@pytest.mark.parametrize("location", ["ftp://127.0.0.1/file", "http://[::1", "http://127.0.0.1:99999/x",
                                      "javascript:alert(1)", "mailto:a@b.c"])
def test_unusable_location_is_rejected_without_a_request(servers, location: str) -> None:  # noqa: F811
    a, _ = servers
    a.script("/doc", redirect(302, location))
    with pytest.raises(RedirectError):
        client().get(a.url + "/doc")
    assert paths(a.hits()) == ["/robots.txt", "/doc"]


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "http://[::1/x", "127.0.0.1/no-scheme"])
def test_unusable_request_url_is_a_fetch_error(url: str) -> None:
    with pytest.raises(FetchError):
        client().get(url)


# -- item 8 and the run record: through `judgstat scrape` with a source that is no real site ---
@pytest.fixture
def fake_source(monkeypatch: pytest.MonkeyPatch):
    import fake_source as module

    monkeypatch.setitem(scrapers.sources.SOURCE_MODULES, "fake", "fake_source")
    monkeypatch.setattr(module, "PATHS", [])
    monkeypatch.setattr(module, "RAISE", None)
    return module


def scrape_fake(out: Path, base_url: str, *extra: str) -> int:
    from toolkit.cli import main

    return main(["scrape", "fake", "--out", str(out), "--base-url", base_url, "--rate", "1000",
                 "--backoff", "0.001", "--retries", "1", "--timeout", "2", "--no-progress", *extra])


def runs(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "runs.jsonl").read_text(encoding="utf-8").splitlines()]


def stored_docs(out: Path) -> list[str]:
    return sorted(e["doc_id"] for e in RawStore.open(out).documents())


def test_robots_disallowed_document_is_skipped_recorded_and_the_crawl_goes_on(servers, fake_source, tmp_path, capsys) -> None:  # noqa: F811,E501
    a, _ = servers
    fake_source.PATHS = [f"/docs/{i:02d}" for i in range(32)]
    a.robots_txt = "User-agent: *\nDisallow: /docs/08\n"
    for attempt in range(2):  # the rerun resumes and still is not stopped by the disallowed link
        assert scrape_fake(tmp_path, a.url) == 0
        assert stored_docs(tmp_path) == sorted(p.strip("/") for p in fake_source.PATHS if p != "/docs/08")
        last = runs(tmp_path)[-1]
        assert last["status"] == "finished" and last["stats"]["shortfalls"] == 1
        assert any("docs/08" in note and "robots.txt" in note for note in last["notes"])
    assert a.hits("/docs/08") == []
    assert "robots.txt disallows" in capsys.readouterr().err


def test_redirect_faults_of_documents_are_skipped_and_recorded(servers, fake_source, tmp_path) -> None:  # noqa: F811
    a, _ = servers
    fake_source.PATHS = ["/loop", "/ftp", "/ipv6", "/good"]
    a.script("/loop", redirect(302, "/loop"))
    a.script("/ftp", redirect(302, "ftp://127.0.0.1/x"))
    a.script("/ipv6", redirect(302, "http://[::1"))
    assert scrape_fake(tmp_path, a.url) == 0  # not the usage error (exit 2) of before
    assert stored_docs(tmp_path) == ["good"]
    notes = runs(tmp_path)[-1]["notes"]
    assert len(notes) == 3 and all("skipped" in note for note in notes)


def test_list_page_that_cannot_be_fetched_still_stops_the_run(tmp_path: Path) -> None:
    # The skip rule is for documents only: without its list page a crawl does not know what to fetch.
    class Refusing:
        requests_sent = 0

        def send(self, request: Request):
            raise RedirectError("loop")

    scraper = Scraper("t", RawStore.open(tmp_path), Refusing(), progress=False)  # type: ignore[arg-type]
    with pytest.raises(RedirectError):
        scraper.fetch(Request.get("http://127.0.0.1/list"), kind="list")
    assert scraper.fetch(Request.get("http://127.0.0.1/doc"), kind="document") is None
    assert issubclass(RobotsDisallowedError, SkippableError)


@pytest.mark.parametrize(
    "exception, code, status",
    [(RuntimeError("a bug"), None, "crashed: RuntimeError"), (KeyboardInterrupt(), 130, "interrupted"),
     (ValueError("unknown channel"), 2, "bad options"), (SystemExit(3), None, "crashed: SystemExit")],
)
def test_runs_jsonl_records_every_way_a_run_ends(servers, fake_source, tmp_path, exception, code, status) -> None:  # noqa: F811,E501
    a, _ = servers
    fake_source.PATHS = ["/one"]
    fake_source.RAISE = exception
    if code is None:
        with pytest.raises(type(exception)):
            scrape_fake(tmp_path, a.url)
    else:
        assert scrape_fake(tmp_path, a.url) == code
    first, last = runs(tmp_path)
    assert first["status"] == "started" and last["status"].startswith(status)
    assert last["stats"]["documents_new"] == 1
