"""A local JavaScript-rendered site on 127.0.0.1 for the browser route, and a source module that crawls it.

Two list pages whose HTML is an empty shell, filled by the page's own script:
    /12309/list.html?page=N   like the 12309 province lists: the script POSTs to /getFileListByPage
                              (codeId, page, size) and renders results.hits.hits[] {url, title,
                              createdTime} and hits.total into <ul id="list">
    /wenshu/list.html?page=N  like wenshu: the script POSTs to /rest.q4w and gets
                              {"code": 1, "secretKey": K, "result": base64(JSON XOR K)}, which it decrypts
                              in the browser before rendering
Documents are static pages /doc/<id>.html with the text in .detail_con. Faults are queued per path (one
per request): an HTTP status, or a whole page (captcha, login) served instead. Every request is logged
with its arrival time.

As a source module (`monkeypatch.setitem(SOURCE_MODULES, "jsfake", "js_site")`), crawl() reads the
rendered list pages (kind "list") and fetches each listed document; it declares FETCHERS so that
`judgstat scrape jsfake --fetcher browser` is allowed.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from loopback_http import start_loopback_server, stop_loopback_server
from bs4 import BeautifulSoup

from scrapers.errors import SiteChangedError
from scrapers.runner import Scraper
from scrapers.store import Request

PAGE_SIZE = 3
SECRET_KEY = "k3y"

SHELL = """<!doctype html><html><head><meta charset="utf-8"><title>终结性法律文书</title></head><body>
<h1>终结性法律文书</h1><ul id="list" data-pages=""></ul>
<script>
const page = Number(new URLSearchParams(location.search).get("page") || "1");
const form = new URLSearchParams({codeId: "sh", page: String(page), size: "%(size)d", fileType: "",
  channelWebPath: "/12309/gj/sh/zjxflws/", channelLevels: ""});
fetch("/getFileListByPage", {method: "POST", body: form}).then(r => r.json()).then(data => {
  const list = document.getElementById("list");
  for (const hit of data.results.hits.hits) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = hit.url; a.textContent = hit.title; a.title = hit.title;
    const span = document.createElement("span"); span.textContent = hit.createdTime;
    li.appendChild(a); li.appendChild(span); list.appendChild(li);
  }
  list.dataset.pages = String(Math.max(1, Math.ceil(data.results.hits.total / %(size)d)));
});
</script></body></html>"""

ENCRYPTED_SHELL = """<!doctype html><html><head><meta charset="utf-8"><title>裁判文书</title></head><body>
<ul id="list" data-pages=""></ul>
<script>
function decrypt(text, key) {
  const bytes = Uint8Array.from(atob(text), c => c.charCodeAt(0));
  const out = bytes.map((b, i) => b ^ key.charCodeAt(i %% key.length));
  return JSON.parse(new TextDecoder().decode(out));
}
const page = Number(new URLSearchParams(location.search).get("page") || "1");
fetch("/rest.q4w", {method: "POST", body: new URLSearchParams({pageNum: String(page), pageSize: "%(size)d",
  cfg: "com.lawyee.judge.dc.parse.dto.SearchDataDsoDTO@queryDoc"})}).then(r => r.json()).then(data => {
  const result = decrypt(data.result, data.secretKey);
  const list = document.getElementById("list");
  for (const row of result.queryResult.resultList) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = "/doc/" + row.rowkey + ".html"; a.textContent = row["1"];
    li.appendChild(a); list.appendChild(li);
  }
  list.dataset.pages = String(Math.max(1, Math.ceil(result.queryResult.resultCount / %(size)d)));
});
</script></body></html>"""


@dataclass
class Hit:
    method: str
    path: str
    at: float


def encrypt(obj: Any, key: str = SECRET_KEY) -> str:
    raw = json.dumps(obj, ensure_ascii=False).encode("utf-8")
    return base64.b64encode(bytes(b ^ ord(key[i % len(key)]) for i, b in enumerate(raw))).decode("ascii")


def article(doc_id: str, title: str) -> bytes:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<div class='detail_tit'>{title}</div><div class='detail_con'><p>测试市人民检察院</p>"
            f"<p>{title}</p><p>编号{doc_id}的示例文书正文，由本地测试站点生成。</p></div></body></html>").encode("utf-8")


class JsSite:
    def __init__(self, count: int = 5) -> None:
        self.docs = [(f"d{i}", f"某{i}侵犯公民个人信息案起诉书", f"2022-03-{i + 1:02d}") for i in range(count)]
        self.robots_txt = "User-agent: *\nAllow: /\n"
        self.faults: dict[str, deque[tuple[int, bytes]]] = defaultdict(deque)
        self.redirects: dict[str, str] = {}  # path -> Location of a 302
        self.log: list[Hit] = []
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    def start(self) -> "JsSite":
        self.server = start_loopback_server(lambda handler, method: self._handle(handler) if method != "HEAD" else handler.send_error(501))
        return self

    def stop(self) -> None:
        stop_loopback_server(self.server)

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def inject(self, path: str, status: int = 200, body: bytes = b"<html><body>busy</body></html>") -> None:
        with self.lock:
            self.faults[path].append((status, body))

    def hits(self, prefix: str = "/") -> list[Hit]:
        with self.lock:
            return [h for h in self.log if h.path.startswith(prefix)]

    def navigations(self) -> list[Hit]:
        """Requests for pages (what the fetcher navigates to), not the page scripts' JSON calls or robots.txt."""
        return [h for h in self.hits() if h.method == "GET" and h.path.endswith(".html")]

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(handler.rfile.read(length).decode("utf-8") if length else "").items()}
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        with self.lock:
            self.log.append(Hit(handler.command, parts.path, time.monotonic()))
            fault = self.faults[parts.path].popleft() if self.faults[parts.path] else None
        status, content_type, body = self._route(handler.command, parts.path, query, form)
        if fault is not None:
            status, content_type, body = fault[0], "text/html; charset=utf-8", fault[1]
        location = self.redirects.get(parts.path)
        if location is not None:
            status, body = 302, b"<html><body>moved</body></html>"
        try:
            handler.send_response(status)
            if location is not None:
                handler.send_header("Location", location)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except OSError:
            pass

    def _page(self, number: int) -> list[tuple[str, str, str]]:
        return self.docs[(number - 1) * PAGE_SIZE: number * PAGE_SIZE]

    def _route(self, method: str, path: str, query: dict[str, str], form: dict[str, str]) -> tuple[int, str, bytes]:
        html = "text/html; charset=utf-8"
        if path == "/robots.txt":
            return 200, "text/plain", self.robots_txt.encode()
        if path == "/12309/list.html":
            return 200, html, (SHELL % {"size": PAGE_SIZE}).encode("utf-8")
        if path == "/wenshu/list.html":
            return 200, html, (ENCRYPTED_SHELL % {"size": PAGE_SIZE}).encode("utf-8")
        if path == "/getFileListByPage" and method == "POST":
            hits = [{"url": f"/doc/{i}.html", "title": t, "createdTime": d} for i, t, d in self._page(int(form["page"]))]
            body = {"results": {"hits": {"total": len(self.docs), "hits": hits}}}
            return 200, "application/json", json.dumps(body, ensure_ascii=False).encode("utf-8")
        if path == "/rest.q4w" and method == "POST":
            rows = [{"rowkey": i, "1": t} for i, t, _ in self._page(int(form["pageNum"]))]
            result = {"queryResult": {"resultCount": len(self.docs), "resultList": rows}}
            body = {"code": 1, "secretKey": SECRET_KEY, "result": encrypt(result)}
            return 200, "application/json", json.dumps(body).encode("utf-8")
        if path.startswith("/doc/") and path.endswith(".html"):
            doc_id = path[5:-5]
            for i, title, _ in self.docs:
                if i == doc_id:
                    return 200, html, article(i, title)
        return 404, html, b"<html><head><title>404</title></head><body>not found</body></html>"


@pytest.fixture
def js_site() -> Iterator[JsSite]:
    site = JsSite().start()
    try:
        yield site
    finally:
        site.stop()


# -- the source module side ------------------------------------------------------------------------
NAME = "jsfake"
DEFAULT_BASE_URL = "http://127.0.0.1:9"  # never used: tests pass --base-url
NEEDS_COOKIE = False
FETCHERS = ("http", "browser")  # http first: the default; the lists only work with the browser
LIST_PATH = "/12309/list.html"


def browser_wait_for(url: str) -> str:
    return "#list li a" if "/list.html" in url else ".detail_con"


BROWSER_WAIT_FOR = browser_wait_for


def parse_rendered_list(body: bytes, url: str) -> tuple[list[str], int]:
    soup = BeautifulSoup(body, "html.parser")
    listing = soup.select_one("#list")
    links = [urljoin(url, a["href"]) for a in soup.select("#list li a[href]")]
    if listing is None or not links:
        raise SiteChangedError(f"{url}: the list is empty; it is filled by the page's JavaScript (use --fetcher browser)")
    pages = listing.get("data-pages") or "1"
    return links, int(pages) if pages.isdigit() else 1


def crawl(scraper: Scraper, base_url: str, options: dict[str, Any]) -> None:
    number, pages = 1, 1
    while number <= pages:
        request = Request.get(f"{base_url}{options.get('list_path') or LIST_PATH}?page={number}")
        body = scraper.fetch(request, kind="list", validate=lambda b, u=request.url: parse_rendered_list(b, u) and None)
        links, pages = parse_rendered_list(body, request.url)
        scraper.expect_documents(len(links))
        for link in links:
            scraper.fetch(Request.get(link), kind="document", doc_id=link.rsplit("/", 1)[1][:-5])
        number += 1
