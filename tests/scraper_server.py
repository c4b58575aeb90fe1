"""A local stand-in for the scraped sites, on 127.0.0.1 only, with fault injection; and a loopback guard.

FakeSites serves, from synthetic documents, the request/response shapes the source modules expect:
    wenshu  POST /website/parse/rest.q4w (list: cfg=...@queryDoc, detail: cfg=...@docInfoSearch),
            session cookie required (else a login page), result cap and paging like the real site
    12309   POST /getFileListByPage (JSON body: codeId, page, size, fileType, channelWebPath, channelLevels;
                 answer {"code": 200, "results": {"hits": {"total", "hits": [{url, title, createdTime, ...}]}}}),
            GET  /12309/gj/<region>[/<sub>]/zjxflws/index.shtml (an empty shell, as on the real site),
                 /12309/gj/<region>[/<sub>]/zjxflws/<yyyymm>/t<date>_<id>.shtml (.detail_con articles)
    spc     GET  /zixun/gengduo/<channel>.html, <channel>_N.html, /zixun/xiangqing/<id>.html
    spp     GET  /spp/<channel>/index.shtml, index_N.shtml (N >= 2), <yyyymm>/t<date>_<id>.shtml
    robots  GET  /robots.txt (settable)
The browser route's pages (tests/rendered_pages.py) are served too: /js/flwsgk.js fills the 12309 list
shell, and the wenshu list and detail pages whose scripts send rest.q4w with a `ciphertext` (answered
encrypted, as the real site does; requests without it get plaintext, as the module's tests need).
GET /website/wenshu/181029BPRY8AYR1P/index.html?open=login is the login page; with &session=VALUE it
stands for a finished login and sets that session cookie in the browser.
Faults are queued per path (for the 12309 list: per "/getFileListByPage#<region>:<page>" too, see
list_key) and consumed one per matching request: HTTP status (429/500/503, with
optional Retry-After), a slow response, a truncated body (Content-Length larger than the body), a
captcha/login/any page, or a dropped connection.

Run as a script (`python tests/scraper_server.py CLI-ARGS...`) it installs the loopback guard and runs
`judgstat` with CLI-ARGS: the kill-mid-run test starts the scraper in a subprocess this way.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

import pytest
import rendered_pages
from js_site import SECRET_KEY, encrypt
from loopback_http import start_loopback_server, stop_loopback_server

FIXTURES = Path(__file__).resolve().parents[1] / "scrapers" / "fixtures"
LOOPBACK_NAMES = {"127.0.0.1", "::1", "localhost"}


# -- loopback guard -------------------------------------------------------------------------------
class NonLoopbackConnection(AssertionError):
    pass


def _host_of(address: Any) -> str:
    return str(address[0]) if isinstance(address, tuple) else str(address)


def install_loopback_guard(patch: Callable[[Any, str, Any], None]) -> None:
    """Make every connection or name lookup to anything but 127.0.0.1/::1/localhost fail loudly."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(address: Any) -> None:
        if isinstance(address, (str, bytes)):  # AF_UNIX paths are local
            return
        host = _host_of(address)
        if host not in LOOPBACK_NAMES:
            raise NonLoopbackConnection(f"test tried to reach {address!r}: only 127.0.0.1 is allowed")

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            check(address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            check(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and name not in LOOPBACK_NAMES:
            raise NonLoopbackConnection(f"test tried to resolve {name!r}: only 127.0.0.1 is allowed")
        return real_getaddrinfo(host, *args, **kwargs)

    patch(socket.socket, "connect", connect)
    patch(socket.socket, "connect_ex", connect_ex)
    patch(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Autouse in every scraper test module that imports it: no traffic leaves 127.0.0.1."""
    install_loopback_guard(monkeypatch.setattr)


# -- faults ----------------------------------------------------------------------------------------
@dataclass
class Fault:
    kind: str  # status | slow | truncated | page | drop
    status: int = 200
    retry_after: str | None = None
    seconds: float = 0.0
    body: bytes = b""


def status(code: int, retry_after: str | None = None) -> Fault:
    return Fault("status", status=code, retry_after=retry_after)


def slow(seconds: float) -> Fault:
    return Fault("slow", seconds=seconds)


def truncated() -> Fault:
    return Fault("truncated")


def page(name_or_body: str | bytes, code: int = 200) -> Fault:
    body = name_or_body if isinstance(name_or_body, bytes) else (FIXTURES / name_or_body).read_bytes()
    return Fault("page", status=code, body=body)


def drop() -> Fault:
    return Fault("drop")


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    headers: dict[str, str]
    at: float
    json: Any = None  # a JSON request body
    key: str = ""  # the finer fault key of a 12309 list request (list_key)


@dataclass
class Reply:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def html(body: str, status_code: int = 200) -> Reply:
    return Reply(status_code, "text/html; charset=utf-8", body.encode("utf-8"))


def as_json(obj: Any) -> Reply:
    return Reply(200, "application/json;charset=UTF-8", json.dumps(obj, ensure_ascii=False).encode("utf-8"))


# -- synthetic documents ----------------------------------------------------------------------------
@dataclass(frozen=True)
class FakeJudgment:
    doc_id: str
    day: str
    province: str
    level: str
    court: str
    defendant: str


def judgments(count: int, *, start: str = "2019-01-01", step_days: int = 9) -> list[FakeJudgment]:
    provinces = ("上海市", "北京市", "江苏省", "浙江省")
    levels = ("基层法院", "中级法院")
    first = date.fromisoformat(start)
    out = []
    for i in range(count):
        province = provinces[i % len(provinces)]
        level = levels[i % 2]
        kind = "中级人民法院" if level == "中级法院" else "某区人民法院"
        out.append(FakeJudgment(f"doc{i:04d}", (first + timedelta(days=i * step_days)).isoformat(),
                                province, level, f"{province}{kind}", f"被告人{i}号"))
    return out


def wenshu_detail_result(doc: FakeJudgment) -> dict[str, Any]:
    year = doc.day[:4]
    digits = "".join(c for c in doc.doc_id if c.isdigit()) or "0"
    return {
        "s1": f"{doc.defendant}侵犯公民个人信息一审刑事判决书",
        "s2": doc.court,
        "s7": f"（{year}）测{digits[-4:]:0>4}刑初{int(digits) + 1}号",
        "s31": doc.day,
        "s33": doc.province,
        "s4": doc.level,
        "qwContent": f"<div>{doc.court}</div><div>刑事判决书</div><div>本院认为，被告人{doc.defendant}的行为构成"
                     f"侵犯公民个人信息罪。判决如下：</div><div>被告人{doc.defendant}犯侵犯公民个人信息罪，"
                     f"判处有期徒刑一年。</div><div>文书编号{doc.doc_id}</div>",
    }


class FakeSites:
    """All fake sites on one server; tests configure documents, robots.txt and faults."""

    def __init__(self) -> None:
        self.robots_txt = "User-agent: *\nAllow: /\n"
        self.faults: dict[str, deque[Fault]] = defaultdict(deque)
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        # wenshu
        self.wenshu_docs: list[FakeJudgment] = []
        self.wenshu_cookie = "SESSION=valid-session"
        self.wenshu_cap = 600
        self.wenshu_withdrawn: set[str] = set()  # listed, but the detail says the document does not exist
        # 12309: channel key ("sh", or "bj/bjshrq" for a county below 北京) -> list of (article id, title, day)
        self.procuratorate: dict[str, list[tuple[str, str, str]]] = {}
        self.trs_page_size = 3  # spc / spp list pages; the 12309 list pages hold the requested size
        # spc: list path without ".html" ("/zixun/gengduo/104") -> list of (article id, title, day)
        # spp: channel ("zgjdxal", or "xwfbh/wsfbt") -> list of (article id, title, day)
        self.spc: dict[str, list[tuple[str, str, str]]] = {}
        self.spp: dict[str, list[tuple[str, str, str]]] = {}
        self.server: ThreadingHTTPServer | None = None

    # ---- lifecycle
    def start(self) -> "FakeSites":
        self.server = start_loopback_server(lambda handler, method: self._handle(handler, method) if method != "HEAD" else handler.send_error(501))
        return self

    def stop(self) -> None:
        stop_loopback_server(self.server)

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def inject(self, path: str, *faults: Fault) -> None:
        with self.lock:
            self.faults[path].extend(faults)

    def requests_to(self, path_prefix: str) -> list[Seen]:
        with self.lock:
            return [s for s in self.seen if s.path.startswith(path_prefix) or (s.key and s.key.startswith(path_prefix))]

    # ---- dispatch
    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        body_json, form = None, {}
        if "json" in (handler.headers.get("Content-Type") or ""):
            try:
                body_json = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                body_json = None
        else:
            form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8"), keep_blank_values=True).items()}
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        key = ""
        if parts.path == "/getFileListByPage" and isinstance(body_json, dict):
            region = str(body_json.get("channelWebPath", "")).rstrip("/").rsplit("/", 1)[-1]
            key = list_key(region, int(body_json.get("page") or 1))
        seen = Seen(method, parts.path, query, form, dict(handler.headers), time.monotonic(), body_json, key)
        with self.lock:
            self.seen.append(seen)
            queue = self.faults[key] if key and self.faults[key] else self.faults[parts.path]
            fault = queue.popleft() if queue else None
        try:
            if fault is not None and fault.kind == "drop":
                handler.close_connection = True
                handler.connection.shutdown(socket.SHUT_RDWR)
                return
            if fault is not None and fault.kind == "slow":
                time.sleep(fault.seconds)
            if fault is not None and fault.kind == "status":
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                reply = Reply(fault.status, "text/html; charset=utf-8", b"<html><body>busy</body></html>", headers)
            elif fault is not None and fault.kind == "page":
                reply = Reply(fault.status, "text/html; charset=utf-8", fault.body)
            else:
                reply = self._route(seen)
            self._send(handler, reply, truncate=fault is not None and fault.kind == "truncated")
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, reply: Reply, truncate: bool) -> None:
        handler.send_response(reply.status)
        handler.send_header("Content-Type", reply.content_type)
        declared = len(reply.body) + (64 if truncate else 0)
        handler.send_header("Content-Length", str(declared))
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        if truncate:
            handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(reply.body[: len(reply.body) // 2] if truncate else reply.body)
        handler.wfile.flush()
        if truncate:
            handler.close_connection = True

    def _route(self, seen: Seen) -> Reply:
        path = seen.path
        if path == "/robots.txt":
            if self.robots_txt is None:
                return html("<html><body>not found</body></html>", 404)
            return Reply(200, "text/plain", self.robots_txt.encode("utf-8"))
        if path == "/website/parse/rest.q4w" and seen.method == "POST":
            return self._wenshu(seen)
        if path == "/js/flwsgk.js":
            return Reply(200, "application/javascript; charset=utf-8", rendered_pages.FLWSGK_JS.encode("utf-8"))
        if path == "/website/wenshu/181217BMTKHNT2W0/index.html":
            return html(rendered_pages.WENSHU_LIST)
        if path == "/website/wenshu/181107ANFZ0BXSK4/index.html":
            return html(rendered_pages.WENSHU_DETAIL)
        if path == rendered_pages.LOGIN_PAGE:
            reply = Reply(200, "text/html; charset=utf-8", (FIXTURES / "login.example.html").read_bytes())
            if seen.query.get("session"):  # a finished login: the browser keeps the session cookie
                reply.headers["Set-Cookie"] = f"SESSION={seen.query['session']}; Path=/; Max-Age=86400"
                reply.body = "<html><head><title>首页</title></head><body>已登录</body></html>".encode("utf-8")
            return reply
        if path == "/getFileListByPage" and seen.method == "POST":
            return self._12309_list(seen)
        if path.startswith("/12309/gj/"):
            return self._12309_page(path)
        if path.startswith("/spp/"):
            return self._spp(path)
        if "/gengduo/" in path or "/xiangqing/" in path:
            return self._spc(seen)
        return html("<html><head><title>404</title></head><body>not found</body></html>", 404)

    # ---- wenshu
    def _wenshu(self, seen: Seen) -> Reply:
        if self.wenshu_cookie not in seen.headers.get("Cookie", ""):
            return Reply(200, "text/html; charset=utf-8", (FIXTURES / "login.example.html").read_bytes())
        cfg = seen.form.get("cfg", "")
        if cfg.endswith("@docInfoSearch"):
            doc = next((d for d in self.wenshu_docs if d.doc_id == seen.form.get("docId")), None)
            if doc is None or doc.doc_id in self.wenshu_withdrawn:
                return as_json({"code": 5, "success": False, "description": "文书不存在", "result": ""})
            return self._wenshu_answer(seen, wenshu_detail_result(doc))
        if not cfg.endswith("@queryDoc"):
            return as_json({"code": 5, "success": False, "description": "参数错误", "result": ""})
        hits = list(self.wenshu_docs)
        conditions = json.loads(seen.form.get("queryCondition", "[]"))
        if {"key": "s8", "value": "02"} not in conditions:
            hits = []  # every fake judgment is criminal: without the s8 condition nothing matches
        for condition in conditions:
            key, value = condition["key"], condition["value"]
            if key == "cprq":
                low, high = value.split(" TO ")
                hits = [d for d in hits if low <= d.day <= high]
            elif key == "s33":
                hits = [d for d in hits if d.province == value]
            elif key == "s4":  # court level as a code
                hits = [d for d in hits if {"1": "最高法院", "2": "高级法院", "3": "中级法院", "4": "基层法院"}.get(value) == d.level]
            elif key == "s21":
                hits = [d for d in hits if value in "侵犯公民个人信息"]
        hits.sort(key=lambda d: (d.day, d.doc_id), reverse=True)
        page_num, page_size = int(seen.form["pageNum"]), int(seen.form["pageSize"])
        reachable = hits[: self.wenshu_cap]
        rows = reachable[(page_num - 1) * page_size : page_num * page_size]
        result = {"queryResult": {"resultCount": len(hits), "resultList": [
            {"rowkey": d.doc_id, "1": f"{d.defendant}侵犯公民个人信息一审刑事判决书", "2": d.court, "31": d.day}
            for d in rows
        ]}}
        return self._wenshu_answer(seen, result)

    @staticmethod
    def _wenshu_answer(seen: Seen, result: dict[str, Any]) -> Reply:
        """Encrypted for the site's own page scripts (they send a ciphertext), plaintext otherwise."""
        if seen.form.get("ciphertext"):
            return as_json({"code": 1, "success": True, "description": "", "secretKey": SECRET_KEY,
                            "result": encrypt(result)})
        return as_json({"code": 1, "success": True, "description": "", "secretKey": "",
                        "result": json.dumps(result, ensure_ascii=False)})

    # ---- 12309
    def procuratorate_levels(self, key: str) -> str:
        """The channelLevels chain of a channel key: one made-up id per path segment."""
        return "".join(f"/id-{segment}" for segment in key.split("/"))

    def _12309_list(self, seen: Seen) -> Reply:
        body = seen.json if isinstance(seen.json, dict) else {}
        docs = [(key, *article) for key, articles in self.procuratorate.items() for article in articles]
        if body.get("fileType") != "法律文书公开":
            docs = []
        levels, web_path = str(body.get("channelLevels") or ""), str(body.get("channelWebPath") or "")
        if levels:
            docs = [d for d in docs if self.procuratorate_levels(d[0]).startswith(levels)]
        elif web_path != "/gj":
            below = web_path.removeprefix("/gj/")
            docs = [d for d in docs if d[0] == below or d[0].startswith(below + "/")]
        docs.sort(key=lambda d: (d[3], d[1]), reverse=True)
        page_number, size = int(body.get("page") or 1), int(body.get("size") or 15)
        chunk = docs[(page_number - 1) * size : page_number * size]
        hits = [
            {
                "url": f"{self.url}/12309/gj/{key}/zjxflws/{day[:7].replace('-', '')}/{aid}.shtml",
                "title": title,
                "createdTime": int(datetime.fromisoformat(f"{day}T10:00:00+08:00").timestamp() * 1000),
                "channelWebPath": f"/gj/{key}/zjxflws",
                "channelLevels": self.procuratorate_levels(key),
                "channel": [{"displayName": "最高人民检察院"}, {"displayName": key}, {"displayName": "法律文书公开"}],
            }
            for key, aid, title, day in chunk
        ]
        return as_json({"code": 200, "results": {"took": 1, "timed_out": False,
                                                 "hits": {"total": len(docs), "max_score": None, "hits": hits}}})

    def _12309_page(self, path: str) -> Reply:
        rest = path.removeprefix("/12309/gj/")
        if rest.endswith("/zjxflws/index.shtml") or rest.endswith("/zjxflws/"):
            return html("<html><head><title>法律文书公开</title></head><body><ul id='impFile'></ul>"
                        "<div id='page_div'></div><script src='/js/flwsgk.js'></script></body></html>")
        for key, articles in self.procuratorate.items():
            for aid, title, day in articles:
                if rest == f"{key}/zjxflws/{day[:7].replace('-', '')}/{aid}.shtml":
                    return html(self._trs_article(aid, title, day))
        return html("<html><head><title>404</title></head><body>not found</body></html>", 404)

    # ---- spp (TRS channels, pages counted from 1: index.shtml, index_2.shtml, ...)
    def _spp(self, path: str) -> Reply:
        for channel, articles in self.spp.items():
            root = f"/spp/{channel}/"
            if not path.startswith(root):
                continue
            rest = path[len(root):]
            if rest in ("", "index.shtml") or (rest.startswith("index_") and rest.endswith(".shtml")):
                number = 1 if rest in ("", "index.shtml") else int(rest[6:-6])
                size = self.trs_page_size
                pages = max(1, -(-len(articles) // size))
                if number > pages or number == 1 and rest.startswith("index_"):
                    break
                chunk = articles[(number - 1) * size : number * size]
                items = "".join(
                    f'<li><a href="./{day[:7].replace("-", "")}/{aid}.shtml" target="_blank">{title}</a><span>{day}</span></li>'
                    for aid, title, day in chunk
                )
                return html(f"<html><head><title>列表</title></head><body><div class='commonList_con'>"
                            f"<ul class='li_line'>{items}</ul></div><div id='page_div'></div>"
                            f"<script>createPageHTML('page_div', {pages}, {number}, 'index', 'shtml', {len(articles)});"
                            "</script></body></html>")
            for aid, title, day in articles:
                if rest == f"{day[:7].replace('-', '')}/{aid}.shtml":
                    return html(
                        f"<html><head><title>{title}</title></head><body><div class='detail_tit'>{title}</div>"
                        f"<div class='detail_extend1 fl'>时间：{day} 09:00:00　来源：最高人民检察院</div>"
                        f"<div id='fontzoom'><p>{title}正文（示例）。</p></div></body></html>"
                    )
        return html("<html><head><title>404</title></head><body>not found</body></html>", 404)

    @staticmethod
    def _trs_article(aid: str, title: str, day: str) -> str:
        return (
            f"<html><head><title>{title}</title></head><body><div class='detail_tit'>{title}</div>"
            f"<div class='detail_extend1'>发布时间：{day}</div><div class='detail_con'>"
            f"<p>测试市测试区人民检察院</p><p>{title[-6:]}</p><p>测检刑诉〔{day[:4]}〕{aid[-3:]}号</p>"
            f"<p>编号{aid}的示例文书正文。</p><p>二〇二二年三月一日</p></div></body></html>"
        )

    # ---- spc (/zixun/gengduo/104.html, 104_2.html, ...; keys of self.spc are list paths without .html)
    def _spc(self, seen: Seen) -> Reply:
        path = seen.path
        for channel, articles in self.spc.items():
            section = channel.split("/")[1]
            size = self.trs_page_size
            pages = max(1, -(-len(articles) // size))
            number = 1 if path == f"{channel}.html" else None
            if path.startswith(f"{channel}_") and path.endswith(".html") and path[len(channel) + 1 : -5].isdigit():
                number = int(path[len(channel) + 1 : -5])
            if number is not None and 1 <= number <= pages:
                chunk = articles[(number - 1) * size : number * size]
                items = "".join(
                    f'<li><a title="{title}" target="_blank" href="/{section}/xiangqing/{aid}.html">{title}</a>'
                    f' <i class="date">{day}</i></li>'
                    for aid, title, day in chunk
                )
                links = "".join(f'<li><a href="{channel}{"" if n == 1 else f"_{n}"}.html">{n}</a></li>'
                                for n in range(max(1, number - 2), min(pages, number + 2) + 1))
                if number < pages:
                    links += f'<li class="next"><a href="{channel}_{number + 1}.html">下一页</a></li>'
                return html(f"<html><body><div class='sec_list'><ul>{items}</ul></div>"
                            f"<div class='page'><ul id='yw1'>{links}</ul></div></body></html>")
            for aid, title, day in articles:
                if path == f"/{section}/xiangqing/{aid}.html":
                    return html(
                        f"<html><body><div class='detail'><div class='title'>{title}</div><div class='detail_mes'>"
                        f"<ul class='message'><li>来源：新闻局</li><li>发布时间：{day} 09:00:00</li></ul></div>"
                        f"<div class='txt_txt' id='zoom'><p>{title}正文（示例）。</p></div></div></body></html>"
                    )
        return html("<html><head><title>404</title></head><body>not found</body></html>", 404)


def list_key(region: str, page_number: int) -> str:
    """Fault key of one 12309 list request: region code ("sh") and page number."""
    return f"/getFileListByPage#{region}:{page_number}"


def procuratorate_articles(province_index: int, count: int) -> list[tuple[str, str, str]]:
    kinds = ("起诉书", "不起诉决定书", "刑事抗诉书")
    out = []
    for i in range(count):
        day = (date(2022, 1, 3) + timedelta(days=7 * i + province_index)).isoformat()
        aid = f"t{day.replace('-', '')}_{province_index}{i:04d}"
        out.append((aid, f"某{i}侵犯公民个人信息案{kinds[i % 3]}", day))
    return out


@pytest.fixture
def sites() -> Any:
    server = FakeSites().start()
    try:
        yield server
    finally:
        server.stop()


FAST = ["--rate", "500", "--backoff", "0.01", "--timeout", "2", "--no-progress"]


def scrape(out: Path, source: str, base_url: str, *extra: str) -> int:
    """Run `judgstat scrape` in-process with tiny delays; returns the exit code."""
    from toolkit.cli import main

    return main(["scrape", source, "--out", str(out), "--base-url", base_url, *FAST, *extra])


def manifest(out: Path) -> list[dict[str, Any]]:
    path = out / "manifest.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


if __name__ == "__main__":
    from toolkit.cli import main

    def _patch(target: Any, name: str, value: Any) -> None:
        setattr(target, name, value)

    install_loopback_guard(_patch)
    sys.exit(main(sys.argv[1:]))
