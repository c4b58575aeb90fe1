"""The browser route: headless Chromium renders a site's JavaScript lists, judgstat reads the rendered DOM.

Optional (`judgstat scrape SOURCE --fetcher browser`, for sources whose module declares
`FETCHERS = (..., "browser")`). It needs Debian's `chromium` and `chromium-driver` and Selenium
(`pip install selenium`). BrowserFetcher has the client's interface — `get(url)` and `send(request)`
return a `scrapers.client.Response` (FetchResult), `requests_sent` counts what went out — so the
runner stores, resumes and reports exactly as with plain HTTP, and keeps every polite rule:

- before each navigation, the same PoliteClient checks the allowed hosts and robots.txt (fetched over
  plain HTTP, once per origin) and waits its turn under the per-host interval: one navigation per interval;
- 429/5xx (and a page the browser could not load at all) are retried with the client's backoff, then a
  RetriesExhaustedError; 404/410 are DocumentGoneError (the document is skipped and recorded);
- captcha, login, block and JavaScript-challenge pages are recognised by scrapers/detect.py on the
  rendered page and stop the run with the page kept (the runner writes it under DIR/rejected/);
- a daily cap of navigations (default DEFAULT_DAILY_CAP, lower with --daily-cap) counted in
  DIR/browser-navigations.json, so reruns on the same day share it; reaching it is a normal,
  resumable stop (BoundReached);
- the JSON answers the page's own scripts received (fetch/XHR, the last ANSWERS_KEPT) are appended to the stored
  page as <script type="application/json" id="judgstat-answers">, so that a source module can check
  the rendered list against what the site answered (page_answers());
- the browser runs with the user's own profile (--browser-profile DIR: your login, never a shared
  account) or a fresh temporary one, with background networking, sync, component updates and QUIC off,
  and with host names outside the allowed ones unresolvable (--host-resolver-rules), so the page's own
  requests cannot leave the hosts the run may contact.

Lists that page inside the browser (12309, wenshu: the page's own script loads page N when its pager's
"next" button is clicked; no URL shows page N) are asked for as `paged_url(list_url, N)`, the list URL
with the fragment #judgstat-page=N, so that each page has its own request key in the store. The
fetcher shows page N by clicking the module's BROWSER_NEXT_PAGE button on page N-1, when the browser
shows it; otherwise it navigates to the list (page 1) and clicks forward. Each click counts as a
navigation: it waits its turn under the interval and takes one from the daily cap, because it makes the
page's script send one request. A page N-1 without an enabled next button is a SiteChangedError.

Limits, said plainly: Chromium follows HTTP redirects itself, so a hop is not checked before it is made;
the final URL is checked (allowed host, robots.txt) before its page is accepted, and the host-resolver
rules keep hops on allowed host names. Requests the page's own scripts make (its JSON list endpoint) are
the site's, not judgstat's: they are not spaced or checked against robots.txt one by one. Only GET
navigations are possible: a POST request is a FetchError.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlencode, urlsplit, urlunsplit

from scrapers.client import RETRY_STATUSES, PoliteClient, Response
from scrapers.detect import check_page
from scrapers.errors import (
    BoundReached,
    DocumentGoneError,
    FetchError,
    RetriesExhaustedError,
    ScrapeError,
    SiteChangedError,
)
from scrapers.pagetext import NEXT_PAGE_WORDS
from scrapers.store import Request, _write_atomic

DEFAULT_DAILY_CAP = 500  # navigations per calendar day; the user may lower it, never raise it
COUNTER_NAME = "browser-navigations.json"
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--metrics-recording-only",
)
ANSWERS_KEPT = 20  # the last JSON answers of a page's own scripts that are kept with the page
ANSWER_MAX_CHARS = 4_000_000  # a longer answer is not kept (a list answer is a few kB)
# Counts the page's own fetch/XHR calls in flight, so "rendered" can mean "quiet", and keeps the JSON
# answers they received (window.__judgstatAnswers): installed by CDP before any of the page's scripts run.
PENDING_COUNTER = """(() => {
  if ("__judgstatPending" in window) return;
  let pending = 0;
  const answers = [];
  Object.defineProperty(window, "__judgstatPending", {get: () => pending});
  Object.defineProperty(window, "__judgstatAnswers", {get: () => answers});
  const keep = (url, text) => {
    if (typeof text !== "string" || text.length > %(limit)d) return;
    try { JSON.parse(text); } catch (e) { return; }
    answers.push({url: String(url), body: text});
    if (answers.length > %(count)d) answers.shift();
  };
  const realFetch = window.fetch;
  if (realFetch) window.fetch = function (...args) {
    pending++;
    return realFetch.apply(this, args).then(response => {
      pending++;
      response.clone().text().then(text => keep(response.url, text), () => {}).finally(() => { pending--; });
      return response;
    }).finally(() => { pending--; });
  };
  const realSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    pending++;
    this.addEventListener("loadend", () => {
      if (this.responseType === "" || this.responseType === "text") keep(this.responseURL, this.responseText);
      pending--;
    }, {once: true});
    return realSend.apply(this, args);
  };
})();""" % {"limit": ANSWER_MAX_CHARS, "count": ANSWERS_KEPT}
# The answers appended to a stored rendered page, for the source module to check the list against.
ANSWERS_ID = "judgstat-answers"
READ_ANSWERS = "return window.__judgstatAnswers ? window.__judgstatAnswers.slice() : [];"
CLEAR_ANSWERS = "if (window.__judgstatAnswers) window.__judgstatAnswers.length = 0;"
RENDER_PROBE = (
    "return [document.readyState, document.documentElement ? document.documentElement.outerHTML.length : 0,"
    " performance.getEntriesByType('resource').length, window.__judgstatPending || 0];"
)
NAVIGATION_STATUS = (
    "const e = performance.getEntriesByType('navigation')[0];"
    "return e ? [e.responseStatus || 0, e.redirectCount || 0] : [0, 0];"
)


PAGE_FRAGMENT = "judgstat-page="
# Every element matching the pager selector, as [text, disabled] pairs (pick_next_button chooses one).
PAGER_PROBE = (
    "return Array.from(document.querySelectorAll(arguments[0])).map(e => [e.textContent.trim(),"
    " e.classList.contains('disabled') || e.hasAttribute('disabled') || e.getAttribute('aria-disabled') === 'true']);"
)
PAGER_CLICK = "document.querySelectorAll(arguments[0])[arguments[1]].click();"
DOCUMENT_HTML = "return document.documentElement ? document.documentElement.outerHTML : '';"


def with_answers(body: bytes, answers: list[dict[str, str]]) -> bytes:
    """The rendered page with the JSON answers its scripts received, as <script type="application/json">."""
    if not answers:
        return body
    data = json.dumps(answers, ensure_ascii=False).replace("</", "<\\/")
    block = f'<script type="application/json" id="{ANSWERS_ID}">{data}</script>'.encode("utf-8")
    end = body.rfind(b"</body>")
    return body[:end] + block + body[end:] if end >= 0 else body + block


def page_answers(body: bytes) -> list[dict[str, str]]:
    """The answers with_answers() put into a stored page ([] when there are none)."""
    from bs4 import BeautifulSoup

    tag = BeautifulSoup(body.decode("utf-8", errors="replace"), "html.parser").find(id=ANSWERS_ID)
    if tag is None:
        return []
    try:
        answers = json.loads(tag.get_text())
    except ValueError:
        return []
    return [a for a in answers if isinstance(a, dict) and isinstance(a.get("url"), str) and isinstance(a.get("body"), str)]


def paged_url(list_url: str, page: int) -> str:
    """The request URL of page `page` of a list that pages inside the browser (page 1: the list URL)."""
    return list_url if page == 1 else f"{list_url}#{PAGE_FRAGMENT}{page}"


def split_paged_url(url: str) -> tuple[str, int]:
    """(list URL, page) of a paged_url(); any other URL is page 1 of itself."""
    base, _, fragment = url.partition("#")
    if fragment.startswith(PAGE_FRAGMENT) and fragment[len(PAGE_FRAGMENT):].isdigit():
        return base, int(fragment[len(PAGE_FRAGMENT):])
    return url, 1


def pick_next_button(candidates: list[list[Any]]) -> int | None:
    """Index of the pager's next button among (text, disabled) pairs: the enabled one labelled 下一页,
    or the only one when a single element matches; None when there is no enabled next button."""
    labelled = [i for i, (text, _) in enumerate(candidates) if text in NEXT_PAGE_WORDS]
    if labelled:
        return next((i for i in labelled if not candidates[i][1]), None)
    if len(candidates) == 1 and not candidates[0][1]:
        return 0
    return None


def chromium_paths() -> tuple[str | None, str | None]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    return browser, shutil.which("chromedriver")


def host_resolver_rules(allowed_hosts: set[str] | frozenset[str] | None) -> str | None:
    """Chromium rule making every host name but the allowed ones fail to resolve (None: no restriction)."""
    if allowed_hosts is None:
        return None
    return "MAP * ~NOTFOUND, " + ", ".join(f"EXCLUDE {host}" for host in sorted(allowed_hosts))


def new_chromium_driver(user_data_dir: str | Path, *, allowed_hosts: set[str] | frozenset[str] | None = None) -> Any:
    """A Selenium WebDriver for headless system Chromium using the profile in `user_data_dir`."""
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not download anything
    os.environ.setdefault("SE_AVOID_STATS", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver = chromium_paths()
    if not browser or not driver:
        raise ScrapeError(
            "the browser route needs Chromium and its driver (Debian: apt-get install chromium chromium-driver)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={user_data_dir}")
    rules = host_resolver_rules(allowed_hosts)
    if rules:
        options.add_argument(f"--host-resolver-rules={rules}")
    return webdriver.Chrome(service=Service(executable_path=driver), options=options)


class DailyCap:
    """Navigations per calendar day, kept in a small JSON file written atomically (shared by reruns)."""

    def __init__(self, limit: int, path: Path | None, today: Callable[[], date] = date.today) -> None:
        if limit < 1 or limit > DEFAULT_DAILY_CAP:
            raise ValueError(f"daily cap must be between 1 and {DEFAULT_DAILY_CAP} navigations, got {limit}")
        self.limit = limit
        self.path = path
        self.today = today
        self._memory: dict[str, Any] = {}

    def _read(self) -> dict[str, Any]:
        if self.path is None or not self.path.exists():
            return dict(self._memory)
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # unreadable counter: start again rather than stop for ever
        return data if isinstance(data, dict) else {}

    def used_today(self) -> int:
        data = self._read()
        return int(data.get("count", 0)) if data.get("date") == self.today().isoformat() else 0

    def take(self) -> None:
        used = self.used_today()
        if used >= self.limit:
            raise BoundReached(
                f"daily cap of {self.limit} browser navigations reached for {self.today().isoformat()}; "
                "rerun tomorrow to continue"
            )
        data = {"date": self.today().isoformat(), "count": used + 1}
        self._memory = data
        if self.path is not None:
            _write_atomic(self.path, json.dumps(data).encode("utf-8"))


class BrowserFetcher:
    """get(url)/send(request) through headless Chromium, every navigation under the client's rules."""

    def __init__(
        self,
        client: PoliteClient,
        *,
        driver: Any | None = None,
        profile_dir: str | Path | None = None,
        daily_cap: int = DEFAULT_DAILY_CAP,
        counter_path: Path | None = None,
        wait_for: str | Callable[[str], str | None] | None = None,
        next_page: str | None = None,
        answer_check: Callable[[str, bytes], None] | None = None,
        render_timeout: float = 20.0,
        settle: float = 0.5,
        today: Callable[[], date] = date.today,
    ) -> None:
        """driver: an existing WebDriver (tests); else Chromium starts on first use with `profile_dir`
        (the user's own) or a fresh temporary profile removed by close().
        wait_for: a CSS selector (or url -> selector) that the rendered page must contain.
        next_page: CSS selector of the pager's next button, for lists that page in the browser.
        answer_check: (url, rendered page with its answers) -> None, raising the source's own error for an
        answer the page received that says stop or gone (before the selector is checked)."""
        self.client = client
        self.driver = driver
        self._owns_driver = driver is None
        self.profile_dir = Path(profile_dir) if profile_dir is not None else None
        self._temp_profile: str | None = None
        self.cap = DailyCap(daily_cap, counter_path, today)
        self.wait_for = wait_for
        self.next_page = next_page
        self.answer_check = answer_check
        # Set by the runner for the length of one fetch: raises BoundReached when --max-requests or --until
        # forbids another step (one fetch may take several: the list opened again, then clicks).
        self.before_step: Callable[[], None] | None = None
        self._showing: tuple[str, int] | None = None  # (list URL, page) the browser shows after a list fetch
        self.render_timeout = render_timeout
        self.settle = settle
        self.navigations = 0

    @property
    def requests_sent(self) -> int:
        return self.navigations + self.client.requests_sent  # navigations plus robots.txt over HTTP

    # -- lifecycle ------------------------------------------------------------------------------
    def _browser(self) -> Any:
        if self.driver is None:
            if self.profile_dir is not None:
                self.profile_dir.mkdir(parents=True, exist_ok=True)
                profile = str(self.profile_dir)
            else:
                profile = self._temp_profile = tempfile.mkdtemp(prefix="judgstat-browser-")
            try:
                self.driver = new_chromium_driver(profile, allowed_hosts=self.client.allowed_hosts)
            except ScrapeError:
                raise
            except Exception as exc:  # WebDriverException, a profile locked by a running browser, ...
                raise ScrapeError(
                    f"could not start Chromium with profile {profile}: {type(exc).__name__}: {str(exc)[:300]} "
                    "(close other browser windows using that profile)"
                ) from None
        if not getattr(self, "_instrumented", False):
            self.driver.set_page_load_timeout(self.client.politeness.read_timeout)
            self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PENDING_COUNTER})
            self._instrumented = True
        return self.driver

    def close(self) -> None:
        if self.driver is not None and self._owns_driver:
            try:
                self.driver.quit()
            finally:
                self.driver = None
        if self._temp_profile:
            shutil.rmtree(self._temp_profile, ignore_errors=True)
            self._temp_profile = None

    def __enter__(self) -> "BrowserFetcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- fetching -------------------------------------------------------------------------------
    def send(self, request: Request) -> Response:
        if request.method.upper() != "GET" or request.data:
            raise FetchError(f"{request.url}: the browser route navigates (GET) only; {request.method} is not possible")
        url = request.url
        if request.params:
            parts = urlsplit(url)
            query = "&".join(q for q in (parts.query, urlencode(list(request.params))) if q)
            url = urlunsplit(parts._replace(query=query))
        return self.get(url)

    def get(self, url: str) -> Response:
        base, page = split_paged_url(url)
        if page > 1:
            return self._get_page(base, page, url)
        self._showing = None
        response = self._get(url)
        self._showing = (url, 1)
        return response

    def _get(self, url: str) -> Response:
        self.client.check_target(url)  # allowed host and robots.txt, through the HTTP client's own code
        p = self.client.politeness
        last_problem = ""
        for attempt in range(p.max_retries + 1):
            self._step_allowed()
            self.client.wait_turn(url)
            status, final_url, redirects, body, problem = self._navigate(url)
            if problem is None:
                if final_url != url:
                    self.client.check_target(final_url, what=f" (the browser was redirected there from {url})")
                self._check_stop(status, body, url)
                if status not in RETRY_STATUSES:
                    if status in (404, 410):
                        raise DocumentGoneError(f"{url}: HTTP {status} (browser)")
                    if status and not 200 <= status < 300:
                        raise ScrapeError(f"{url}: HTTP {status} (browser); not retried")
                    self._check_rendered(url, body)
                    chain = tuple([url] * min(redirects, 1))
                    return Response(status or 200, "text/html; charset=utf-8", body, final_url, chain)
                problem = f"HTTP {status}"
            last_problem = problem
            if attempt < p.max_retries:
                backoff = min(p.backoff_cap, p.backoff_base * 2**attempt)
                self.client._pause("backoff", backoff + self.client.rng.uniform(0, p.backoff_base))
        raise RetriesExhaustedError(
            f"{url}: gave up after {p.max_retries + 1} browser navigations (last: {last_problem}). "
            "The site may be down or overloaded; rerun later to resume"
        )

    def _get_page(self, base: str, page: int, url: str) -> Response:
        """Page `page` of the list at `base`: one click from page-1 when the browser shows it, else from page 1."""
        if not self.next_page:
            raise FetchError(f"{url}: this source declares no pager (BROWSER_NEXT_PAGE); page {page} cannot be shown")
        if self._showing is None or self._showing[0] != base or self._showing[1] >= page:
            self.get(base)
        assert self._showing is not None
        response = None
        while self._showing[1] < page:
            response = self._click_next(base, self._showing[1] + 1)
            self._showing = (base, self._showing[1] + 1)
        assert response is not None
        return Response(response.status, response.content_type, response.body, url, ())

    def _click_next(self, base: str, page: int) -> Response:
        """Click the next button on page `page - 1` and return the list once the page's script re-rendered it."""
        label = paged_url(base, page)
        self.client.check_target(base)
        browser = self._browser()
        candidates = browser.execute_script(PAGER_PROBE, self.next_page)
        index = pick_next_button(candidates or [])
        if index is None:
            error = SiteChangedError(
                f"{label}: page {page - 1} has no enabled next-page button ({self.next_page!r}) although page "
                f"{page} was asked for; the pager has changed"
            )
            error.body = browser.page_source.encode("utf-8")  # type: ignore[attr-defined]
            raise error
        self._step_allowed()
        self.client.wait_turn(base)
        before = browser.execute_script(DOCUMENT_HTML)
        browser.execute_script(CLEAR_ANSWERS)
        self.navigations += 1
        browser.execute_script(PAGER_CLICK, self.next_page, index)
        deadline = time.monotonic() + self.render_timeout
        while time.monotonic() < deadline and browser.execute_script(DOCUMENT_HTML) == before:
            time.sleep(0.05)
        self._wait_rendered(browser, base, expect_selector=False)  # quiet: the script's requests are done
        self._wait_rendered(browser, base)
        body = with_answers(browser.page_source.encode("utf-8"), browser.execute_script(READ_ANSWERS) or [])
        if browser.execute_script(DOCUMENT_HTML) == before:
            error = SiteChangedError(
                f"{label}: clicking the next-page button changed nothing within {self.render_timeout:.0f} s; "
                "the pager or the page's script has changed"
            )
            error.body = body  # type: ignore[attr-defined]
            raise error
        self._check_stop(200, body, label)
        self._check_rendered(base, body)
        return Response(200, "text/html; charset=utf-8", body, browser.current_url, ())

    def _navigate(self, url: str) -> tuple[int, str, int, bytes, str | None]:
        """(status, final url, redirect count, rendered page, problem or None) of one navigation."""
        from selenium.common.exceptions import TimeoutException, WebDriverException

        browser = self._browser()
        self.navigations += 1
        try:
            browser.get(url)
        except TimeoutException:
            return 0, url, 0, b"", f"page did not load within {self.client.politeness.read_timeout:.0f} s"
        except WebDriverException as exc:
            return 0, url, 0, b"", f"browser error: {str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__}"
        final_url = browser.current_url
        if final_url.startswith("chrome-error:"):
            return 0, url, 0, b"", "the browser could not load the page (connection failed)"
        status, redirects = browser.execute_script(NAVIGATION_STATUS)
        self._wait_rendered(browser, url, expect_selector=200 <= int(status or 200) < 300)
        final_url = browser.current_url  # the page's script may have navigated on: that URL is checked too
        body = with_answers(browser.page_source.encode("utf-8"), browser.execute_script(READ_ANSWERS) or [])
        return int(status or 0), final_url, int(redirects or 0), body, None

    def _step_allowed(self) -> None:
        """The run's bounds, then the daily cap, before each navigation or click."""
        if self.before_step is not None:
            self.before_step()
        self.cap.take()

    def _check_stop(self, status: int, body: bytes, url: str) -> None:
        """Stop pages (captcha, login, block) and the answers the page received; the page goes with the error."""
        try:
            check_page(status, "text/html", body, url)
            if self.answer_check is not None:
                self.answer_check(url, body)
        except ScrapeError as exc:
            exc.body = body  # type: ignore[attr-defined]
            raise

    def _selector(self, url: str) -> str | None:
        return self.wait_for(url) if callable(self.wait_for) else self.wait_for

    def _wait_rendered(self, browser: Any, url: str, *, expect_selector: bool = True) -> None:
        """Until the selector is present, or the page is quiet: loaded, none of its own requests in flight,
        and no change to the DOM or to the list of loaded resources for `settle` seconds."""
        from selenium.webdriver.common.by import By

        selector = self._selector(url) if expect_selector else None
        deadline = time.monotonic() + self.render_timeout
        last, quiet_since = None, time.monotonic()
        while time.monotonic() < deadline:
            if selector and browser.find_elements(By.CSS_SELECTOR, selector):
                return
            probe = tuple(browser.execute_script(RENDER_PROBE))
            now = time.monotonic()
            if probe != last:
                last, quiet_since = probe, now
            elif probe[0] == "complete" and not probe[3] and now - quiet_since >= self.settle:
                return
            time.sleep(0.05)

    def _check_rendered(self, url: str, body: bytes) -> None:
        selector = self._selector(url)
        if not selector:
            return
        from bs4 import BeautifulSoup

        if not BeautifulSoup(body, "html.parser").select(selector):
            error = SiteChangedError(
                f"{url}: the rendered page has no {selector!r} after {self.render_timeout:.0f} s; "
                "the site's page or its script has changed"
            )
            error.body = body  # type: ignore[attr-defined]
            raise error
