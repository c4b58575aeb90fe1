"""`judgstat app`: the tier calculator as a stand-alone web page (Voilà), served on 127.0.0.1 only.

    judgstat app [--port 8866] [--open]

The page is notebooks/app/tier_calculator.ipynb run by Voilà with its code cells hidden; the calculator
itself is toolkit.app.tier_app. Stop it with Ctrl-C.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

from toolkit.cli import UsageError
from toolkit.paths import REPO_ROOT

HOST = "127.0.0.1"
DEFAULT_PORT = 8866
APP_NOTEBOOK = REPO_ROOT / "notebooks" / "app" / "tier_calculator.ipynb"
# Server and kernel log lines that say nothing a user of a page on 127.0.0.1 can act on.
NOISE = re.compile(r"running over TCP without encryption|is not trusted|websocket_ping_timeout")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port on {HOST} (default {DEFAULT_PORT})")
    parser.add_argument("--open", action="store_true", help="also open the page in the default web browser")


def voila_command(notebook: Path, port: int, open_browser: bool = False) -> list[str]:
    """The Voilà command line serving `notebook` on HOST:`port` (used by `judgstat app` and the browser test)."""
    command = [sys.executable, "-m", "voila", str(notebook), f"--port={port}", f"--Voila.ip={HOST}",
               "--strip_sources=True", "--Voila.port_retries=0", "--Voila.log_level=WARN"]
    if not open_browser:
        command.append("--no-browser")
    return command


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: expected a port number from 1 to 65535")
    if importlib.util.find_spec("voila") is None:
        print("judgstat app: error: Voilà is not installed; run `make install` (or pip install -e '.[app]')",
              file=sys.stderr)
        return 1
    if not APP_NOTEBOOK.is_file():
        print(f"judgstat app: error: {APP_NOTEBOOK} not found (the page ships with a source checkout of judgstat)",
              file=sys.stderr)
        return 1
    if not port_is_free(args.port):
        print(f"judgstat app: error: port {args.port} on {HOST} is in use; choose another with --port",
              file=sys.stderr)
        return 1
    print(f"tier calculator: http://{HOST}:{args.port}/  (Ctrl-C stops it)", flush=True)
    server = subprocess.Popen(voila_command(APP_NOTEBOOK, args.port, args.open), cwd=APP_NOTEBOOK.parent,
                              stderr=subprocess.PIPE, text=True, errors="replace")
    relay = threading.Thread(target=relay_log, args=(server.stderr, sys.stderr), daemon=True)
    relay.start()

    def stop(_signum, _frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)  # a `kill` of this process also ends the server it started
    try:
        code = server.wait()
        relay.join(timeout=2)
        return code
    except KeyboardInterrupt:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)


def relay_log(source: IO[str], target: IO[str]) -> None:
    """Copy the server's log to `target`, less the NOISE lines."""
    for line in source:
        if not NOISE.search(line):
            target.write(line)
            target.flush()
