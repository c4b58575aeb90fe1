"""A programmable HTTP server on 127.0.0.1 for the redirect and property tests of scrapers/client.py.

Unlike tests/scraper_server.py (which fakes the sites), this one serves whatever a test scripts, per
path: any status and headers (Location, Retry-After, Content-Encoding), a delay, a body cut short of
its Content-Length, a gzip body that does not decode, a dropped connection. Every request is recorded
with the Host header and the arrival time, so politeness is measured where it matters: at the server.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest
from loopback_http import start_loopback_server, stop_loopback_server


@dataclass
class Scripted:
    status: int = 200
    body: bytes = b"<html><body>ok</body></html>"
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/html; charset=utf-8"
    delay: float = 0.0
    truncate: bool = False  # send half the body, announce all of it
    gzip_mode: str = ""  # "" | "good" | "bad" (Content-Encoding: gzip over bytes that are not gzip)
    drop: bool = False  # close the connection without answering


def redirect(code: int, location: str) -> Scripted:
    return Scripted(code, b"<html><body>moved</body></html>", {"Location": location})


@dataclass
class Hit:
    host: str  # the Host header: what the client thinks it is talking to
    port: int
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


class FaultServer:
    """One listening socket; `script(path, ...)` queues answers, the last one repeats when the queue runs dry."""

    def __init__(self, log: list[Hit] | None = None, lock: threading.Lock | None = None) -> None:
        self.robots_txt: str | None = "User-agent: *\nAllow: /\n"
        self.scripts: dict[str, deque[Scripted]] = defaultdict(deque)
        self.log = log if log is not None else []
        self.lock = lock or threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    def start(self) -> "FaultServer":
        self.server = start_loopback_server(lambda handler, method: self._handle(handler))
        return self

    def stop(self) -> None:
        stop_loopback_server(self.server)

    @property
    def port(self) -> int:
        assert self.server is not None
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def script(self, path: str, *answers: Scripted) -> None:
        with self.lock:
            self.scripts[path].extend(answers)

    def hits(self, path: str | None = None) -> list[Hit]:
        with self.lock:
            return [h for h in self.log if h.port == self.port and (path is None or h.path == path)]

    def _next(self, path: str) -> Scripted | None:
        with self.lock:
            queue = self.scripts.get(path)
            if not queue:
                return None
            return queue.popleft() if len(queue) > 1 else queue[0]

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        path = handler.path.split("?", 1)[0]
        hit = Hit(handler.headers.get("Host", ""), self.port, handler.command, path, dict(handler.headers), body,
                  time.monotonic())
        with self.lock:
            self.log.append(hit)
        answer = self._next(path)
        if answer is None:
            if path == "/robots.txt":
                answer = (Scripted(404, b"no robots") if self.robots_txt is None
                          else Scripted(200, self.robots_txt.encode(), content_type="text/plain"))
            else:
                answer = Scripted(200, f"<html><body>document {path}</body></html>".encode())
        try:
            self._send(handler, answer)
        except OSError:
            pass

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, answer: Scripted) -> None:
        if answer.delay:
            time.sleep(answer.delay)
        if answer.drop:
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)
            return
        body = answer.body
        headers = dict(answer.headers)
        if answer.gzip_mode == "good":
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        elif answer.gzip_mode == "bad":
            body = b"\x1f\x8b\x08\x00not really gzip" + body
            headers["Content-Encoding"] = "gzip"
        handler.send_response(answer.status)
        handler.send_header("Content-Type", answer.content_type)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            handler.send_header(name, value)
        if answer.truncate:
            handler.send_header("Connection", "close")
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(body[: len(body) // 2] if answer.truncate else body)
        handler.wfile.flush()
        if answer.truncate:
            handler.close_connection = True


@pytest.fixture
def servers() -> Iterator[tuple[FaultServer, FaultServer]]:
    """Two servers sharing one request log: two origins (127.0.0.1:A and 127.0.0.1:B)."""
    log: list[Hit] = []
    lock = threading.Lock()
    pair = (FaultServer(log, lock).start(), FaultServer(log, lock).start())
    try:
        yield pair
    finally:
        for server in pair:
            server.stop()
