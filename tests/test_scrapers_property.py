"""Property test (issue #11 "Also"): the scraper client under random sequences of faults, judged at the server.

Hypothesis draws, per document, a short script of answers the local servers give in turn (the last
one repeats): 200, 404/410/403, 429/5xx (some with Retry-After: 0), redirects of every code to the
same origin, another origin, a path that origin's robots.txt disallows, a host outside the allowed
ones, back to itself (loop), to ftp://, to a broken IPv6 URL, relative, or without Location; slow
answers (some past the read timeout), bodies cut short, gzip that decodes and gzip that does not,
dropped connections. It also draws which documents robots.txt of the first origin disallows.

Whatever was drawn:
- nothing but a ScrapeError ever leaves Scraper.fetch (no traceback);
- at each server, measured from its own request log per Host: robots.txt is requested before any
  other path, no path robots.txt disallows is requested, no request reaches a host outside the
  allowed ones, and consecutive requests are at least a quarter of the interval apart (the client waits a
  full interval; the server stamps a request when its thread runs, which on a loaded machine can lag
  by tens of ms, while the old client's redirect hops arrived 2-3 ms apart, well under the 12.5 ms);
- every document is either stored exactly once (complete body) or recorded as failed (raised or
  noted), never both, never neither; a rerun requests no stored document again;
- a document whose every answer is a plain 200 is stored.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import defaultdict
from pathlib import Path
from urllib.robotparser import RobotFileParser

from fault_server import FaultServer, Scripted, redirect
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scraper_server import loopback_only  # noqa: F401 (autouse fixture)

from scrapers.client import USER_AGENT, Politeness, PoliteClient
from scrapers.errors import ScrapeError
from scrapers.runner import Scraper
from scrapers.store import RawStore, Request

INTERVAL = 0.05  # seconds between requests to one host (the check allows a quarter of it: server-side thread jitter)
READ_TIMEOUT = 0.15
B_ROBOTS = "User-agent: *\nDisallow: /private/\n"

TARGETS = ("same", "cross", "private", "foreign", "loop", "ftp", "ipv6", "relative", "none")
answers = st.one_of(
    st.just(("ok",)),
    st.tuples(st.just("status"), st.sampled_from([403, 404, 410, 429, 500, 502, 503, 504]),
              st.sampled_from([None, "0"])),
    st.tuples(st.just("redirect"), st.sampled_from([301, 302, 303, 307, 308]), st.sampled_from(TARGETS)),
    st.tuples(st.just("delay"), st.sampled_from([0.01, 0.3])),
    st.just(("truncate",)),
    st.tuples(st.just("gzip"), st.sampled_from(["good", "bad"])),
    st.just(("drop",)),
)
documents = st.lists(st.lists(answers, min_size=1, max_size=3), min_size=1, max_size=4)


def document_body(path: str) -> bytes:
    return f"<html><body>document {path}</body></html>".encode()


def scripted(answer: tuple, path: str, i: int, k: int, a: FaultServer, b: FaultServer) -> Scripted:
    kind = answer[0]
    if kind == "ok":
        return Scripted(body=document_body(path))
    if kind == "status":
        headers = {"Retry-After": answer[2]} if answer[2] else {}
        return Scripted(answer[1], b"<html><body>not now</body></html>", headers)
    if kind == "delay":
        return Scripted(body=document_body(path), delay=answer[1])
    if kind == "truncate":
        return Scripted(body=document_body(path), truncate=True)
    if kind == "gzip":
        return Scripted(body=document_body(path), gzip_mode=answer[1])
    if kind == "drop":
        return Scripted(drop=True)
    code, target = answer[1], answer[2]
    location = {
        "same": f"/t{i}_{k}",
        "cross": f"{b.url}/t{i}_{k}",
        "private": f"{b.url}/private/t{i}_{k}",
        "foreign": f"http://localhost:{a.port}/t{i}_{k}",
        "loop": path,
        "ftp": "ftp://127.0.0.1/file",
        "ipv6": "http://[::1",
        "relative": f"t{i}_{k}_rel",
        "none": None,
    }[target]
    return redirect(code, location) if location is not None else Scripted(code, b"moved")


def check_politeness_at_the_servers(a: FaultServer, b: FaultServer, robots_of: dict[int, str]) -> None:
    by_host: dict[str, list] = defaultdict(list)
    for hit in sorted(a.log, key=lambda h: h.at):
        by_host[hit.host].append(hit)
    for host, hits in by_host.items():
        assert not host.startswith("localhost"), f"a request reached {host}, outside the allowed hosts"
        assert hits[0].path == "/robots.txt", f"{host}: {hits[0].path} requested before robots.txt"
        port = hits[0].port
        rules = RobotFileParser()
        rules.parse(robots_of[port].splitlines())
        for hit in hits:
            assert rules.can_fetch(USER_AGENT, f"http://{host}{hit.path}"), f"{host}{hit.path} is disallowed"
        gaps = [later.at - earlier.at for earlier, later in zip(hits, hits[1:])]
        assert all(gap >= INTERVAL / 4 for gap in gaps), f"{host}: requests {min(gaps) * 1000:.1f} ms apart"


def run_once(store_dir: Path, a: FaultServer, paths: list[str]) -> tuple[Scraper, dict[str, str]]:
    politeness = Politeness(rate=1 / INTERVAL, max_retries=2, backoff_base=0.001, read_timeout=READ_TIMEOUT,
                            connect_timeout=0.5)
    client = PoliteClient(politeness, allowed_hosts={"127.0.0.1"}, cookie="SESSION=x")
    scraper = Scraper("prop", RawStore.open(store_dir), client, progress=False)
    failed: dict[str, str] = {}
    for path in paths:
        doc_id = path.strip("/")
        try:
            scraper.fetch(Request.get(a.url + path), kind="document", doc_id=doc_id)
        except ScrapeError as exc:  # anything else fails the test: that would be a traceback
            failed[doc_id] = str(exc)
    scraper.close()
    return scraper, failed


@settings(max_examples=35, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(docs=documents, disallowed=st.sets(st.integers(0, 3), max_size=2))
def test_client_under_random_faults(docs: list[list[tuple]], disallowed: set[int]) -> None:
    a, b = FaultServer().start(), FaultServer()
    b.log, b.lock = a.log, a.lock  # one log: the order of requests across both servers
    b.start()
    store_dir = Path(tempfile.mkdtemp(prefix="judgstat-prop-"))
    try:
        a.robots_txt = "User-agent: *\n" + "".join(f"Disallow: /d{i}\n" for i in sorted(disallowed)) + "Allow: /\n"
        b.robots_txt = B_ROBOTS
        paths = [f"/d{i}" for i in range(len(docs))]
        for i, (path, script) in enumerate(zip(paths, docs)):
            a.script(path, *(scripted(answer, path, i, k, a, b) for k, answer in enumerate(script)))

        scraper, failed = run_once(store_dir, a, paths)

        check_politeness_at_the_servers(a, b, {a.port: a.robots_txt, b.port: b.robots_txt})
        noted = {path.strip("/") for path in paths for note in scraper.messages if f"document {path.strip('/')} " in note}
        entries = [e for e in RawStore.open(store_dir).documents()]
        stored = [e["doc_id"] for e in entries]
        assert len(stored) == len(set(stored)), "a document was stored twice"
        for i, path in enumerate(paths):
            doc_id = path.strip("/")
            outcomes = (doc_id in stored) + (doc_id in failed) + (doc_id in noted)
            assert outcomes == 1, f"{doc_id} ({docs[i]}): stored={doc_id in stored} failed={failed.get(doc_id)} noted={doc_id in noted}"
            if i in disallowed:
                assert doc_id in noted and a.hits(path) == []
            elif all(answer == ("ok",) for answer in docs[i]):
                assert doc_id in stored, f"{doc_id}: only 200s, yet {failed.get(doc_id) or 'noted'}"
        for entry in entries:
            body = (store_dir / entry["path"]).read_bytes()
            assert body.startswith(b"<html>") and body.endswith(b"</html>"), f"{entry['doc_id']}: incomplete body"

        # A rerun over the stored documents sends nothing for them.
        before = len(a.log)
        stored_paths = [f"/{doc_id}" for doc_id in stored]
        rerun, refailed = run_once(store_dir, a, stored_paths)
        assert refailed == {} and rerun.stats.documents_reused == len(stored_paths)
        assert len(a.log) == before
    finally:
        a.stop()
        b.stop()
        shutil.rmtree(store_dir, ignore_errors=True)
