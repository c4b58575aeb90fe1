"""One scrape run: the store first, the network only for what is missing, within the user's bounds."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Callable, Iterable, TextIO

from tqdm import tqdm

from scrapers.client import PoliteClient
from scrapers.errors import BoundReached, DocumentGoneError, ScrapeError, SiteChangedError, SkippableError
from scrapers.store import RawStore, Request


@dataclass
class Bounds:
    max_requests: int | None = None  # network requests this run (stored responses are free)
    until: datetime | None = None  # no new request starts at or after this local time

    def check(self, requests_made: int, now: datetime) -> None:
        if self.max_requests is not None and requests_made >= self.max_requests:
            raise BoundReached(f"--max-requests {self.max_requests} reached")
        if self.until is not None and now >= self.until:
            raise BoundReached(f"--until {self.until.isoformat(sep=' ')} reached")


@dataclass
class RunStats:
    fetched: int = 0  # responses fetched from the network and stored this run
    reused: int = 0  # responses served from the store (resume)
    documents_new: int = 0
    documents_reused: int = 0
    shortfalls: int = 0  # query partitions that could not be collected completely
    # channel -> {"pages": {page: {"listed": n, "wanted": m}}, "listed": total, "wanted": total}
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)


class Scraper:
    """Handed to a source's crawl(): fetch() returns the body of a request, stored first."""

    def __init__(
        self,
        source: str,
        store: RawStore,
        client: PoliteClient,
        bounds: Bounds | None = None,
        *,
        progress: bool = True,
        now: Callable[[], datetime] = datetime.now,
        progress_file: TextIO | None = None,
    ) -> None:
        self.source = source
        self.store = store
        self.client = client
        self.bounds = bounds or Bounds()
        self.stats = RunStats()
        self.now = now
        self.bar = tqdm(
            total=0, unit="doc", desc=source, file=progress_file or sys.stderr,
            disable=None if progress else True,  # None: shown on a terminal only
        )
        self._requests_this_run = 0
        self.messages: list[str] = []

    def expect_documents(self, count: int) -> None:
        self.bar.total = (self.bar.total or 0) + count
        self.bar.refresh()

    def note(self, message: str) -> None:
        """A warning the user must see at the end of the run (e.g. a partition over the result cap)."""
        self.messages.append(message)

    def fetch(
        self,
        request: Request,
        *,
        kind: str,
        doc_id: str | None = None,
        validate: Callable[[bytes], None] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> bytes | None:
        """Body of `request`: from the store when present, else fetched, checked and stored atomically.

        kind: "list" (navigation) or "document" (one document, loadable by toolkit.loaders.scrape_store).
        validate: raises SiteChangedError / JavaScriptRequiredError for a body of the wrong shape,
        which is then kept under rejected/ and never stored.
        A document that is gone (404/410) or may not or cannot be fetched (robots.txt, host, redirect,
        URL: SkippableError) is reported with note() and None is returned; such a list page stops the run.
        """
        if self.store.has(request.key):
            stored = self.store.read(request.key)
            self.stats.reused += 1
            if kind == "document":
                self.stats.documents_reused += 1
                self.bar.update(1)
            return stored.body
        self.bounds.check(self._requests_this_run, self.now())
        before = self.client.requests_sent
        steps = hasattr(self.client, "before_step")  # a fetcher that may take several steps for one request
        if steps:
            self.client.before_step = lambda: self.bounds.check(
                self._requests_this_run + self.client.requests_sent - before, self.now()
            )
        try:
            response = self.client.send(request)
            if validate is not None:
                try:
                    validate(response.body)
                except ScrapeError as exc:
                    exc.body = response.body  # type: ignore[attr-defined]
                    raise
        except SkippableError as exc:  # gone, robots.txt, host not allowed, unusable URL or redirect
            if kind != "document":
                raise
            why = "no longer available" if isinstance(exc, DocumentGoneError) else "not fetched"
            self.note(f"{self.source}: document {doc_id or request.url} skipped, {why} ({exc})")
            self.stats.shortfalls += 1
            self.bar.update(1)
            return None
        except ScrapeError as exc:
            body = getattr(exc, "body", None)
            if body is not None:
                kept = self.store.reject(f"{self.source}-{kind}", body)
                exc.args = (f"{exc.args[0]} (the response is kept in {kept})",)
            raise
        finally:
            self._requests_this_run += self.client.requests_sent - before
            if steps:
                self.client.before_step = None
        self.store.put(
            request,
            status=response.status,
            content_type=response.content_type,
            body=response.body,
            source=self.source,
            kind=kind,
            doc_id=doc_id,
            extra=extra,
        )
        self.stats.fetched += 1
        if kind == "document":
            self.stats.documents_new += 1
            self.bar.update(1)
        return response.body

    def close(self) -> None:
        self.bar.close()
        for line in self.summary_lines():
            print(f"judgstat scrape {self.source}: {line}", file=sys.stderr)

    # -- listing health (issue #16 items 4 and 5): no silent empty runs, per-channel summary -------
    def fetch_list(
        self,
        request: Request,
        check: Callable[[bytes], Any],
        *,
        extra: dict[str, Any] | None = None,
    ) -> tuple[bytes, Any]:
        """(body, check(body)): a list page fetched or reused from the store, checked on every run.

        A new page that fails its check is kept under rejected/ and never stored; a stored page that
        fails it now (the checks changed since it was stored) is kept under rejected/ as well.
        """
        body = self.fetch(request, kind="list", validate=check, extra=extra)
        assert body is not None  # a list page that is gone raises instead
        try:
            return body, check(body)
        except ScrapeError as exc:
            raise self.keep_and_fail(str(exc), body) from None

    def keep_and_fail(self, message: str, body: bytes, kind: str = "list") -> SiteChangedError:
        """A SiteChangedError whose message says where the offending page is kept."""
        kept = self.store.reject(f"{self.source}-{kind}", body)
        return SiteChangedError(f"{message} (the page is kept in {kept})")

    def record_page(self, channel: str, page: int | str, listed: int, wanted: int) -> None:
        tally = self.stats.channels.setdefault(channel, {"pages": {}, "listed": 0, "wanted": 0})
        tally["pages"][str(page)] = {"listed": listed, "wanted": wanted}
        tally["listed"] = sum(p["listed"] for p in tally["pages"].values())
        tally["wanted"] = sum(p["wanted"] for p in tally["pages"].values())

    def summary_lines(self) -> list[str]:
        lines = []
        for channel, tally in self.stats.channels.items():
            pages = ", ".join(f"p{page}: {p['listed']} listed/{p['wanted']} wanted" for page, p in tally["pages"].items())
            lines.append(f"channel {channel}: {tally['wanted']} documents wanted of {tally['listed']} listed ({pages})")
        return lines


@dataclass(frozen=True)
class Sanity:
    """What a healthy list page of one source looks like; checked on every page of every run.

    Each source module declares its own SANITY (the numbers are data, with their reasons there).
    """

    max_items_per_page: int  # more than this: the parser is reading something other than the list
    full_page_items: int | None  # a page before the last that has fewer items than this: a gap
    earliest_date: str  # ISO; a listed date before this is implausible for the source
    future_days: int = 2  # a listed date after today + this many days is implausible

    def check_page(
        self, url: str, count: int, dates: Iterable[str | None], *, last_page: bool, today: date | None = None
    ) -> None:
        if count > self.max_items_per_page:
            raise SiteChangedError(
                f"{url}: {count} items on one list page, more than the {self.max_items_per_page} this source "
                "ever shows; the parser is probably reading the wrong part of the page"
            )
        if not last_page and self.full_page_items is not None and count < self.full_page_items:
            raise SiteChangedError(
                f"{url}: {count} items on a page that is not the last one (a full page has "
                f"{self.full_page_items}); the list would have a gap"
            )
        latest = ((today or date.today()) + timedelta(days=self.future_days)).isoformat()
        for value in dates:
            if value is not None and not self.earliest_date <= value <= latest:
                raise SiteChangedError(
                    f"{url}: listed date {value} is outside the plausible range {self.earliest_date}..{latest}; "
                    "the list layout or its date field has probably changed"
                )


def require_listed(scraper: Scraper, channel: str, listed_total: int, last_body: bytes, url: str) -> None:
    """A channel that lists no item at all is an error (the site changed), never a run with 0 documents."""
    if listed_total == 0:
        raise scraper.keep_and_fail(
            f"{url}: channel {channel} lists no documents at all; the site has probably changed "
            "(or the channel path is wrong)",
            last_body,
        )
