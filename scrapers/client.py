"""HTTP with manners: User-Agent, robots.txt, a per-host rate limit, timeouts, retries with backoff.

PoliteClient.send() returns a complete 2xx response or raises:
- StopRun subclasses (block, captcha, login, robots.txt, JavaScript) at once, without retrying;
- RetriesExhaustedError when connection errors, timeouts, truncated bodies, 5xx or 429 outlast
  `max_retries` (each retry waits exponential backoff with jitter, or the server's Retry-After).
"""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import requests

from scrapers import __version__ as scrapers_version
from scrapers.detect import check_page
from scrapers.errors import DocumentGoneError, RetriesExhaustedError, RobotsDisallowedError, ScrapeError, StopRun
from scrapers.store import Request

USER_AGENT = (
    f"judgstat-scraper/{scrapers_version} (academic research tool; honours robots.txt and rate limits; "
    "see scrapers/README.md in the judgstat package)"
)


def user_agent(contact: str | None = None) -> str:
    """The User-Agent, with the user's contact (e-mail or web page) so a site can reach a person."""
    return USER_AGENT if not contact else USER_AGENT[:-1] + f"; contact: {contact})"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass
class Politeness:
    rate: float = 0.5  # requests per second per host; 0.5 = one request every 2 s
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_retries: int = 4
    backoff_base: float = 2.0  # seconds; attempt n waits base * 2**n plus up to base of jitter
    backoff_cap: float = 120.0
    max_retry_after: float = 600.0  # a server asking for a longer pause stops the run instead
    obey_robots: bool = True

    def __post_init__(self) -> None:
        if self.rate <= 0:
            raise ValueError(f"rate must be > 0 requests per second, got {self.rate}")


@dataclass
class HostState:
    robots: RobotFileParser | None = None
    min_interval: float = 0.0
    last_request: float | None = None


@dataclass
class Response:
    status: int
    content_type: str
    body: bytes
    url: str


class PoliteClient:
    def __init__(
        self,
        politeness: Politeness | None = None,
        *,
        cookie: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.politeness = politeness or Politeness()
        self.session = requests.Session()
        self.session.headers["User-Agent"] = user_agent
        self.user_agent = user_agent
        if cookie:
            # Sent as a header only; it is never part of a request key, the manifest, or any message.
            self.session.headers["Cookie"] = cookie
        self.sleep = sleep
        self.clock = clock
        self.rng = rng or random.Random()
        self.hosts: dict[str, HostState] = {}
        self.requests_sent = 0
        self.waits: list[tuple[str, float]] = []  # (reason, seconds) for each deliberate pause

    # -- politeness -------------------------------------------------------------------------
    def _host(self, url: str) -> tuple[str, HostState]:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self.hosts:
            state = HostState(min_interval=1.0 / self.politeness.rate)
            if self.politeness.obey_robots:
                self._load_robots(origin, state)  # a host is only known once its robots.txt is
            self.hosts[origin] = state
        return origin, self.hosts[origin]

    def _load_robots(self, origin: str, state: HostState) -> None:
        robots_url = f"{origin}/robots.txt"
        parser = RobotFileParser(robots_url)
        response = self._send_with_retries(Request.get(robots_url), state, check=False)
        if response.status in (401, 403):
            parser.disallow_all = True
        elif 400 <= response.status < 500:
            parser.allow_all = True  # no robots.txt: everything allowed (RFC 9309 2.3.1.3)
        elif response.status >= 500:
            raise ScrapeError(f"{robots_url}: HTTP {response.status}; without robots.txt the site is treated as closed")
        else:
            parser.parse(response.body.decode("utf-8", errors="replace").splitlines())
        state.robots = parser
        delay = parser.crawl_delay(self.user_agent)
        if delay:
            state.min_interval = max(state.min_interval, float(delay))

    def _wait_turn(self, state: HostState) -> None:
        if state.last_request is not None:
            remaining = state.min_interval - (self.clock() - state.last_request)
            if remaining > 0:
                self._pause("rate limit", remaining)
        state.last_request = self.clock()

    def _pause(self, reason: str, seconds: float) -> None:
        self.waits.append((reason, seconds))
        self.sleep(seconds)

    def allowed(self, url: str) -> bool:
        _, state = self._host(url)
        return state.robots is None or state.robots.can_fetch(self.user_agent, url)

    # -- sending ------------------------------------------------------------------------------
    def send(self, request: Request) -> Response:
        _, state = self._host(request.url)
        if not self.allowed(request.url):
            raise RobotsDisallowedError(
                f"{request.url}: robots.txt disallows this path for judgstat; refusing to fetch it"
            )
        return self._send_with_retries(request, state, check=True)

    def _send_with_retries(self, request: Request, state: HostState, *, check: bool) -> Response:
        p = self.politeness
        last_problem = ""
        for attempt in range(p.max_retries + 1):
            self._wait_turn(state)
            retry_after: float | None = None
            try:
                response = self._send_once(request)
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError, TruncatedBody) as exc:
                last_problem = _short(exc)
            else:
                if check:
                    try:
                        check_page(response.status, response.content_type, response.body, request.url)
                    except StopRun as exc:
                        exc.body = response.body  # type: ignore[attr-defined]
                        raise
                if response.status not in RETRY_STATUSES:
                    if check and response.status in (404, 410):
                        raise DocumentGoneError(f"{request.url}: HTTP {response.status}")
                    if check and not 200 <= response.status < 300:
                        raise ScrapeError(f"{request.url}: HTTP {response.status}; not retried")
                    return response
                last_problem = f"HTTP {response.status}"
                retry_after = response.retry_after
            if attempt == p.max_retries:
                break
            if retry_after is not None:
                if retry_after > p.max_retry_after:
                    raise RetriesExhaustedError(
                        f"{request.url}: the server asks to wait {retry_after:.0f} s (Retry-After); "
                        "stopping instead. Rerun later: stored responses are kept"
                    )
                self._pause("retry-after", retry_after)
            else:
                backoff = min(p.backoff_cap, p.backoff_base * 2**attempt)
                self._pause("backoff", backoff + self.rng.uniform(0, p.backoff_base))
        raise RetriesExhaustedError(
            f"{request.url}: gave up after {p.max_retries + 1} attempts (last: {last_problem}). "
            "The site may be down or overloaded; rerun later to resume"
        )

    def _send_once(self, request: Request) -> "ResponseWithRetry":
        p = self.politeness
        self.requests_sent += 1
        raw = self.session.request(
            request.method,
            request.url,
            params=list(request.params) or None,
            data=list(request.data) or None,
            timeout=(p.connect_timeout, p.read_timeout),
            allow_redirects=True,
        )
        body = raw.content
        declared = raw.headers.get("Content-Length")
        if declared and "Content-Encoding" not in raw.headers and declared.isdigit() and int(declared) != len(body):
            raise TruncatedBody(f"body has {len(body)} bytes, Content-Length says {declared}")
        return ResponseWithRetry(
            raw.status_code,
            raw.headers.get("Content-Type", ""),
            body,
            raw.url,
            parse_retry_after(raw.headers.get("Retry-After")),
        )


@dataclass
class ResponseWithRetry(Response):
    retry_after: float | None = field(default=None)


class TruncatedBody(Exception):
    pass


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None when absent/invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


def _short(exc: BaseException) -> str:
    """Exception summary without request headers (where a cookie could hide)."""
    return f"{type(exc).__name__}: {str(exc)[:200]}"
