"""HTTP with manners: User-Agent, robots.txt, a per-host rate limit, timeouts, retries with backoff.

PoliteClient.send() returns a complete 2xx response or raises:
- StopRun subclasses (block, captcha, login, robots.txt, JavaScript) at once, without retrying;
- RetriesExhaustedError when connection errors, timeouts, truncated or undecodable bodies, 5xx or 429
  outlast `max_retries` (each retry waits exponential backoff with jitter, or the server's Retry-After);
- HostNotAllowedError / FetchError / RedirectError for a request that must not or cannot be sent.

Redirects are followed here, one hop at a time (requests never follows them): every hop is checked
against the allowed hosts and its own origin's robots.txt, waits its turn under that host's rate limit,
and is retried like any request. 301/302/303 turn into a GET without a body, 307/308 keep method and
body. The user's cookie goes with a hop only to the host name of the original request over a scheme
at least as safe (http -> https keeps it, another host or https -> http drops it). More than
`max_redirects` hops, or a hop seen before, is a RedirectError.
"""

from __future__ import annotations

import email.utils
import http.client
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Iterable
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import requests
from requests.cookies import extract_cookies_to_jar

from scrapers import __version__ as scrapers_version
from scrapers.detect import check_page
from scrapers.errors import (
    DocumentGoneError,
    FetchError,
    HostNotAllowedError,
    RedirectError,
    RetriesExhaustedError,
    RobotsDisallowedError,
    ScrapeError,
    StopRun,
)
from scrapers.store import Request

USER_AGENT = (
    f"judgstat-scraper/{scrapers_version} (academic research tool; honours robots.txt and rate limits; "
    "see scrapers/README.md in the judgstat package)"
)


def user_agent(contact: str | None = None) -> str:
    """The User-Agent, with the user's contact (e-mail or web page) so a site can reach a person."""
    return USER_AGENT if not contact else USER_AGENT[:-1] + f"; contact: {contact})"


RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
SCHEMES = frozenset({"http", "https"})


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
    max_redirects: int = 5  # hops followed after the first request

    def __post_init__(self) -> None:
        if self.rate <= 0:
            raise ValueError(f"rate must be > 0 requests per second, got {self.rate}")


@dataclass
class HostState:
    robots: RobotFileParser | None = None
    robots_problem: str | None = None  # why robots.txt could not be read (then everything is disallowed)
    min_interval: float = 0.0
    last_request: float | None = None


@dataclass
class Response:
    status: int
    content_type: str
    body: bytes
    url: str  # where the body came from: the last hop of a redirect chain
    redirects: tuple[str, ...] = ()  # URLs of the hops before `url`, first request first


FetchResult = Response  # what every fetcher's get(url) returns (PoliteClient, browser.BrowserFetcher)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


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
        allowed_hosts: Iterable[str] | None = None,
    ) -> None:
        """allowed_hosts: host names this client may contact (None: any); checked on every hop."""
        self.politeness = politeness or Politeness()
        self.session = requests.Session()
        self.session.headers["User-Agent"] = user_agent
        self.user_agent = user_agent
        # Sent as a header only; it is never part of a request key, the manifest, or any message.
        self.cookie = cookie or None
        self.allowed_hosts = None if allowed_hosts is None else frozenset(h.lower() for h in allowed_hosts)
        self.sleep = sleep
        self.clock = clock
        self.rng = rng or random.Random()
        self.hosts: dict[str, HostState] = {}
        self.requests_sent = 0
        self.waits: list[tuple[str, float]] = []  # (reason, seconds) for each deliberate pause

    # -- politeness -------------------------------------------------------------------------
    def _state(self, origin: str) -> HostState:
        """Rate-limit state of an origin, without touching its robots.txt."""
        if origin not in self.hosts:
            self.hosts[origin] = HostState(min_interval=1.0 / self.politeness.rate)
        return self.hosts[origin]

    def _host(self, url: str) -> tuple[str, HostState]:
        origin = origin_of(url)
        state = self._state(origin)
        if self.politeness.obey_robots and state.robots is None:
            self._load_robots(origin, state)  # a host is only usable once its robots.txt is known
        return origin, state

    def check_target(self, url: str, *, what: str = "") -> None:
        """Raise unless `url` may be requested: an http(s) URL on an allowed host that robots.txt allows.

        Reading robots.txt of a new origin is itself a (rate-limited) request.
        """
        label = f"{url}{what}"
        try:
            parts = urlsplit(url)
            host = parts.hostname
        except ValueError as exc:
            raise FetchError(f"{label}: not a usable URL ({exc})") from None
        if parts.scheme.lower() not in SCHEMES:
            raise FetchError(f"{label}: scheme {parts.scheme or '(none)'!r} is not http or https; not fetched")
        if not host:
            raise FetchError(f"{label}: no host name; not fetched")
        if self.allowed_hosts is not None and host.lower() not in self.allowed_hosts:
            raise HostNotAllowedError(
                f"{label}: host {host} is not one this run may contact ({', '.join(sorted(self.allowed_hosts))}); "
                "not fetched"
            )
        if not self.allowed(url):
            problem = self.hosts[origin_of(url)].robots_problem
            reason = f"robots.txt cannot be read ({problem})" if problem else "robots.txt disallows this path for judgstat"
            raise RobotsDisallowedError(f"{label}: {reason}; refusing to fetch it")

    def _load_robots(self, origin: str, state: HostState) -> None:
        robots_url = f"{origin}/robots.txt"
        parser = RobotFileParser(robots_url)
        try:
            response = self._follow(Request.get(robots_url), robots=False)
        except (FetchError, HostNotAllowedError) as exc:
            # A robots.txt that redirects where we may not or cannot go: the site is treated as closed.
            parser.disallow_all = True
            state.robots = parser
            state.robots_problem = str(exc)
            return
        if response.status in (401, 403):
            parser.disallow_all = True
        elif 400 <= response.status < 500:
            parser.allow_all = True  # no robots.txt: everything allowed (RFC 9309 2.3.1.3)
        elif response.status >= 500 or not 200 <= response.status < 300:
            raise ScrapeError(f"{robots_url}: HTTP {response.status}; without robots.txt the site is treated as closed")
        else:
            parser.parse(response.body.decode("utf-8", errors="replace").splitlines())
        state.robots = parser
        delay = parser.crawl_delay(self.user_agent)
        if delay:
            state.min_interval = max(state.min_interval, float(delay))

    def wait_turn(self, url: str) -> None:
        """Wait until the rate limit of `url`'s origin allows the next request (used by other fetchers too)."""
        self._wait_turn(self._state(origin_of(url)))

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
    def get(self, url: str) -> Response:
        return self.send(Request.get(url))

    def send(self, request: Request) -> Response:
        return self._follow(request, robots=True)

    def _follow(self, request: Request, *, robots: bool) -> Response:
        """Send `request` and follow its redirects one hop at a time, each hop through every check.

        robots=False is for robots.txt itself: its hops skip robots.txt and check_page, and a
        non-2xx final status is returned for the caller to interpret.
        """
        try:
            first_host = urlsplit(request.url).hostname
        except ValueError as exc:
            raise FetchError(f"{request.url}: not a usable URL ({exc})") from None
        first_secure = request.url.lower().startswith("https:")
        hop, chain = request, []
        seen: set[tuple[str, str, tuple]] = set()
        while True:
            suffix = f" (redirect {len(chain)} from {request.url})" if chain else ""
            if robots:
                self.check_target(hop.url, what=suffix)
            else:
                self._check_host(hop.url, suffix)
            state = self._state(origin_of(hop.url))
            parts = urlsplit(hop.url)
            cookie = robots and self.cookie and parts.hostname == first_host and (parts.scheme == "https" or not first_secure)
            response = self._send_with_retries(hop, state, check=robots, cookie=bool(cookie), label=suffix)
            if response.status not in REDIRECT_STATUSES:
                response.redirects = tuple(chain)
                return response
            seen.add((hop.method, hop.url, hop.data))
            chain.append(hop.url)
            hop = _next_hop(hop, response, request.url)
            if (hop.method, hop.url, hop.data) in seen:
                raise RedirectError(f"{request.url}: redirect loop ({' -> '.join(chain + [hop.url])}); not followed")
            if len(chain) > self.politeness.max_redirects:
                raise RedirectError(
                    f"{request.url}: more than {self.politeness.max_redirects} redirects "
                    f"(last to {hop.url}); not followed further"
                )

    def _check_host(self, url: str, suffix: str) -> None:
        """The allowed-host part of check_target, for robots.txt hops."""
        try:
            parts = urlsplit(url)
            host = parts.hostname
        except ValueError as exc:
            raise FetchError(f"{url}{suffix}: not a usable URL ({exc})") from None
        if parts.scheme.lower() not in SCHEMES or not host:
            raise FetchError(f"{url}{suffix}: not an http(s) URL with a host; not fetched")
        if self.allowed_hosts is not None and host.lower() not in self.allowed_hosts:
            raise HostNotAllowedError(f"{url}{suffix}: host {host} is not one this run may contact; not fetched")

    def _send_with_retries(
        self, request: Request, state: HostState, *, check: bool, cookie: bool = False, label: str = ""
    ) -> "ResponseWithRetry":
        p = self.politeness
        last_problem = ""
        for attempt in range(p.max_retries + 1):
            self._wait_turn(state)
            retry_after: float | None = None
            try:
                response = self._send_once(request, cookie=cookie)
            except (requests.exceptions.InvalidSchema, requests.exceptions.InvalidURL,
                    requests.exceptions.MissingSchema, requests.exceptions.InvalidHeader, ValueError) as exc:
                raise FetchError(f"{request.url}{label}: cannot be requested ({_short(exc)}); not retried") from None
            except (requests.RequestException, http.client.HTTPException, TruncatedBody, OSError) as exc:
                # Connection errors, timeouts, broken chunking, bodies that do not decode (bad gzip): transient.
                last_problem = _short(exc)
            else:
                if response.status in REDIRECT_STATUSES:
                    return response  # the caller decides whether and where to follow
                if check:
                    try:
                        check_page(response.status, response.content_type, response.body, request.url)
                    except StopRun as exc:
                        exc.body = response.body  # type: ignore[attr-defined]
                        raise
                if response.status not in RETRY_STATUSES:
                    if check and response.status in (404, 410):
                        raise DocumentGoneError(f"{request.url}{label}: HTTP {response.status}")
                    if check and not 200 <= response.status < 300:
                        raise ScrapeError(f"{request.url}{label}: HTTP {response.status}; not retried")
                    return response
                last_problem = f"HTTP {response.status}"
                retry_after = response.retry_after
            if attempt == p.max_retries:
                break
            if retry_after is not None:
                if retry_after > p.max_retry_after:
                    raise RetriesExhaustedError(
                        f"{request.url}{label}: the server asks to wait {retry_after:.0f} s (Retry-After); "
                        "stopping instead. Rerun later: stored responses are kept"
                    )
                self._pause("retry-after", retry_after)
            else:
                backoff = min(p.backoff_cap, p.backoff_base * 2**attempt)
                self._pause("backoff", backoff + self.rng.uniform(0, p.backoff_base))
        raise RetriesExhaustedError(
            f"{request.url}{label}: gave up after {p.max_retries + 1} attempts (last: {last_problem}). "
            "The site may be down or overloaded; rerun later to resume"
        )

    def _send_once(self, request: Request, *, cookie: bool = False) -> "ResponseWithRetry":
        p = self.politeness
        self.requests_sent += 1
        headers = {"Cookie": self.cookie} if cookie else {}
        json_body = request.json_body  # Request.post_json: sent as application/json, not as a form
        if json_body is not None:
            headers["Content-Type"] = "application/json;charset=UTF-8"
        prepared = self.session.prepare_request(requests.Request(
            request.method,
            request.url,
            params=list(request.params) or None,
            data=json_body.encode("utf-8") if json_body is not None else (list(request.data) or None),
            headers=headers or None,
        ))
        # The adapter, not Session.send: even with allow_redirects=False the session parses a redirect's
        # Location to offer `response.next`, and a bad Location would raise there, before we see it.
        adapter = self.session.get_adapter(prepared.url)
        settings = self.session.merge_environment_settings(prepared.url, {}, True, None, None)  # proxies, CA bundle
        with adapter.send(
            prepared, stream=True, timeout=(p.connect_timeout, p.read_timeout),
            verify=settings["verify"], proxies=settings["proxies"], cert=settings["cert"],
        ) as raw:
            extract_cookies_to_jar(self.session.cookies, prepared, raw.raw)
            status = raw.status_code
            if status in REDIRECT_STATUSES:
                body = b""  # a redirect's body is never used; not reading it avoids decoding surprises
                raw.close()
            else:
                body = raw.content
            declared = raw.headers.get("Content-Length")
            if (body or status not in REDIRECT_STATUSES) and declared and "Content-Encoding" not in raw.headers \
                    and declared.isdigit() and int(declared) != len(body):
                raise TruncatedBody(f"body has {len(body)} bytes, Content-Length says {declared}")
            return ResponseWithRetry(
                status,
                raw.headers.get("Content-Type", ""),
                body,
                request.url,
                retry_after=parse_retry_after(raw.headers.get("Retry-After")),
                location=raw.headers.get("Location"),
            )


def _next_hop(hop: Request, response: "ResponseWithRetry", first_url: str) -> Request:
    """The request a redirect asks for (RFC 9110 15.4): relative Location resolved against the hop."""
    if not response.location or not response.location.strip():
        raise RedirectError(f"{first_url}: HTTP {response.status} from {hop.url} without a Location header")
    try:
        target = urljoin(hop.url, response.location.strip())
        parts = urlsplit(target)
        parts.port  # noqa: B018 (raises ValueError on a bad port)
    except ValueError as exc:
        raise RedirectError(
            f"{first_url}: redirect from {hop.url} to an unusable Location {response.location[:200]!r} ({exc})"
        ) from None
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        raise RedirectError(
            f"{first_url}: redirect from {hop.url} to {target[:200]!r}, not an http(s) URL with a host; not followed"
        )
    target = parts._replace(fragment="").geturl()
    if response.status in (307, 308):
        return Request(hop.method, target, (), hop.data)
    method = "HEAD" if hop.method == "HEAD" else "GET"
    return Request(method, target)


@dataclass
class ResponseWithRetry(Response):
    retry_after: float | None = field(default=None)
    location: str | None = field(default=None)


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
