"""One way the tests' fake sites listen: a threaded HTTP/1.1 server on 127.0.0.1 (a free port) that hands
every GET, POST and HEAD to one function, and stops cleanly."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable


def start_loopback_server(handle: Callable[[BaseHTTPRequestHandler, str], None]) -> ThreadingHTTPServer:
    """A running server on 127.0.0.1; `handle(request_handler, method)` answers each request."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else each keep-alive reply stalls ~40 ms on delayed ACKs

        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            handle(self, "GET")

        def do_POST(self) -> None:
            handle(self, "POST")

        def do_HEAD(self) -> None:
            handle(self, "HEAD")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    return server


def stop_loopback_server(server: ThreadingHTTPServer | None) -> None:
    if server is not None:
        server.shutdown()
        server.server_close()
