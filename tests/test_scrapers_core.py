"""Scraping core without a site: request keys, the atomic store, Retry-After, politeness arithmetic, the guard."""

from __future__ import annotations

import hashlib
import io
import json
import socket
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests
from scraper_server import NonLoopbackConnection, loopback_only, sites  # noqa: F401 (fixtures)

from scrapers.client import USER_AGENT, Politeness, PoliteClient, parse_retry_after, user_agent
from scrapers.errors import BoundReached, RetriesExhaustedError, RobotsDisallowedError
from scrapers.runner import Bounds
from scrapers.store import RawStore, Request, StoreError


def test_request_key_ignores_parameter_order_but_not_values() -> None:
    a = Request.post("http://h/x", {"a": 1, "b": "二"})
    b = Request.post("http://h/x", {"b": "二", "a": "1"})
    assert a.key == b.key
    assert a.key != Request.post("http://h/x", {"a": 2, "b": "二"}).key
    assert a.key != Request.get("http://h/x", {"a": 1, "b": "二"}).key


def test_store_put_then_reopen(tmp_path: Path) -> None:
    store = RawStore.open(tmp_path)
    request = Request.get("http://h/doc/1")
    entry = store.put(request, status=200, content_type="text/html; charset=utf-8", body="正文".encode(),
                      source="t", kind="document", doc_id="1")
    assert entry["sha256"] == hashlib.sha256("正文".encode()).hexdigest()
    assert (tmp_path / entry["path"]).read_bytes() == "正文".encode()
    assert entry["path"].endswith(".html")
    for field in ("url", "params", "status", "fetched_at", "sha256", "content_type"):
        assert field in entry
    again = RawStore.open(tmp_path)
    assert again.has(request.key) and again.read(request.key).body == "正文".encode()


def test_store_cuts_torn_manifest_line_and_forgets_bad_bodies(tmp_path: Path) -> None:
    store = RawStore.open(tmp_path)
    good = store.put(Request.get("http://h/1"), status=200, content_type="text/html", body=b"one",
                     source="t", kind="document")
    bad = store.put(Request.get("http://h/2"), status=200, content_type="text/html", body=b"two",
                    source="t", kind="document")
    (tmp_path / bad["path"]).write_bytes(b"tw")  # altered after the fact
    with (tmp_path / "manifest.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"key": "torn')
    (tmp_path / "raw" / "ab").mkdir(exist_ok=True)
    (tmp_path / "raw" / "ab" / "x.html.123.tmp").write_bytes(b"partial")
    reopened = RawStore.open(tmp_path)
    assert reopened.has(good["key"]) and not reopened.has(bad["key"])
    assert (tmp_path / "manifest.jsonl").read_text(encoding="utf-8").endswith("}\n")
    assert not list((tmp_path / "raw").rglob("*.tmp"))


def test_store_removes_orphan_bodies_and_names_a_corrupt_line(tmp_path: Path) -> None:
    store = RawStore.open(tmp_path)
    store.put(Request.get("http://h/1"), status=200, content_type="text/html", body=b"one", source="t", kind="list")
    orphan = tmp_path / "raw" / "ff" / ("f" * 64 + ".html")
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"renamed into place, manifest line never written")
    RawStore.open(tmp_path)
    assert not orphan.exists()
    lines = (tmp_path / "manifest.jsonl").read_text(encoding="utf-8")
    (tmp_path / "manifest.jsonl").write_text("{oops\n" + lines, encoding="utf-8")
    with pytest.raises(StoreError, match=r"manifest.jsonl:1: manifest line is not JSON"):
        RawStore.open(tmp_path)


def test_parse_retry_after() -> None:
    assert parse_retry_after("7") == 7.0
    now = datetime(2024, 1, 1, 0, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after("Mon, 01 Jan 2024 00:00:30 GMT", now) == 30.0
    assert parse_retry_after("Sun, 31 Dec 2023 23:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_bounds() -> None:
    Bounds(max_requests=3).check(2, datetime.now())
    with pytest.raises(BoundReached, match="max-requests 3"):
        Bounds(max_requests=3).check(3, datetime.now())
    with pytest.raises(BoundReached, match="until"):
        Bounds(until=datetime(2000, 1, 1)).check(0, datetime.now())


def test_until_accepts_dates_and_offsets() -> None:
    from scrapers.cli import parse_until

    assert parse_until("2026-12-01") == datetime(2026, 12, 1)
    aware = parse_until("2026-12-01T18:00+00:00")
    assert aware.tzinfo is None
    assert aware == datetime(2026, 12, 1, 18, tzinfo=timezone.utc).astimezone().replace(tzinfo=None)
    assert parse_until(None) is None


def test_robots_failure_is_not_forgotten(sites) -> None:  # noqa: F811
    from scraper_server import status

    sites.procuratorate["sh"] = []
    sites.inject("/robots.txt", status(500), status(500))
    client = PoliteClient(Politeness(rate=1000, max_retries=1, backoff_base=0.001))
    with pytest.raises(RetriesExhaustedError):
        client.send(Request.get(sites.url + "/12309/gj/sh/zjxflws/index.shtml"))
    client.send(Request.get(sites.url + "/12309/gj/sh/zjxflws/index.shtml"))  # asks for robots.txt again
    assert [s.path for s in sites.seen] == ["/robots.txt"] * 3 + ["/12309/gj/sh/zjxflws/index.shtml"]


def test_politeness_rejects_nonpositive_rate() -> None:
    with pytest.raises(ValueError, match="rate"):
        Politeness(rate=0)


class FakeClock:
    """Time that only moves when the client sleeps: rate-limit arithmetic without waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def test_rate_limit_and_crawl_delay(sites) -> None:  # noqa: F811
    sites.procuratorate["sh"] = []
    clock = FakeClock()
    client = PoliteClient(Politeness(rate=0.5), sleep=clock.sleep, clock=clock)
    for _ in range(3):
        client.send(Request.get(sites.url + "/12309/gj/sh/zjxflws/index.shtml"))
    # robots.txt + 3 pages = 4 requests, each after a 2 s gap (rate 0.5/s) on a clock that never moves by itself
    assert clock.sleeps == pytest.approx([2.0, 2.0, 2.0])
    sites.robots_txt = "User-agent: *\nCrawl-delay: 5\n"
    clock2 = FakeClock()
    client2 = PoliteClient(Politeness(rate=10), sleep=clock2.sleep, clock=clock2)
    client2.send(Request.get(sites.url + "/12309/gj/sh/zjxflws/index.shtml"))
    assert clock2.sleeps == pytest.approx([5.0])  # Crawl-delay wins over a faster --rate


def test_user_agent_is_descriptive_and_sent(sites) -> None:  # noqa: F811
    sites.procuratorate["sh"] = []
    PoliteClient(Politeness(rate=1000)).send(Request.get(sites.url + "/12309/gj/sh/zjxflws/index.shtml"))
    agents = {s.headers.get("User-Agent") for s in sites.seen}
    assert agents == {USER_AGENT} and "judgstat" in USER_AGENT and "README" in USER_AGENT
    assert user_agent("me@example.edu").endswith("; contact: me@example.edu)")


def test_robots_disallow_refuses_without_requesting(sites) -> None:  # noqa: F811
    sites.robots_txt = "User-agent: *\nDisallow: /12309/\n"
    client = PoliteClient(Politeness(rate=1000))
    with pytest.raises(RobotsDisallowedError, match="robots.txt disallows"):
        client.send(Request.get(sites.url + "/12309/gj/sh/zjxflws/index.shtml"))
    assert [s.path for s in sites.seen] == ["/robots.txt"]


def test_missing_robots_allows_everything(sites) -> None:  # noqa: F811
    sites.robots_txt = None
    sites.procuratorate["sh"] = []
    PoliteClient(Politeness(rate=1000)).send(Request.get(sites.url + "/12309/gj/sh/zjxflws/index.shtml"))
    assert [s.path for s in sites.seen] == ["/robots.txt", "/12309/gj/sh/zjxflws/index.shtml"]


def test_guard_blocks_non_loopback_traffic() -> None:
    with pytest.raises(NonLoopbackConnection):
        socket.create_connection(("192.0.2.1", 80), timeout=0.5)  # TEST-NET-1, never routed
    with pytest.raises((NonLoopbackConnection, requests.ConnectionError)):
        requests.get("https://wenshu.court.gov.cn/robots.txt", timeout=0.5)


def test_default_base_url_is_never_contacted_in_tests(tmp_path: Path) -> None:
    from toolkit.cli import main

    with pytest.raises(NonLoopbackConnection):
        main(["scrape", "spp", "--out", str(tmp_path), "--no-progress", "--retries", "0"])
    runs = [json.loads(line) for line in (tmp_path / "runs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert runs[0]["base_url"] == "https://www.spp.gov.cn"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_counts_documents(sites, tmp_path: Path) -> None:  # noqa: F811
    from scrapers import procuratorate_12309
    from scrapers.runner import Scraper
    from scraper_server import procuratorate_articles

    sites.procuratorate["sh"] = procuratorate_articles(1, 3)
    screen = Terminal()
    scraper = Scraper("12309", RawStore.open(tmp_path), PoliteClient(Politeness(rate=1000)), progress_file=screen)
    procuratorate_12309.crawl(scraper, sites.url, {"provinces": ["上海"]})
    scraper.close()
    assert "2/2" in screen.getvalue() and "doc" in screen.getvalue()  # 2 of 3 are 起诉书/不起诉决定书


def test_backoff_grows_exponentially_with_bounded_jitter(sites) -> None:  # noqa: F811
    from scraper_server import status

    sites.procuratorate["sh"] = []
    path = "/12309/gj/sh/zjxflws/index.shtml"
    sites.inject(path, status(500), status(502), status(503), status(504))
    clock = FakeClock()
    client = PoliteClient(Politeness(rate=1000, backoff_base=2.0), sleep=clock.sleep, clock=clock)
    client.send(Request.get(sites.url + path))
    backoffs = [seconds for reason, seconds in client.waits if reason == "backoff"]
    assert len(backoffs) == 4
    for attempt, seconds in enumerate(backoffs):
        assert 2.0 * 2**attempt <= seconds < 2.0 * 2**attempt + 2.0  # base * 2^n plus jitter in [0, base)
    assert len(set(round(s - 2.0 * 2**n, 6) for n, s in enumerate(backoffs))) > 1  # the jitter varies
