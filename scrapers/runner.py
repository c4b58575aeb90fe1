"""One scrape run: the store first, the network only for what is missing, within the user's bounds."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, TextIO

from tqdm import tqdm

from scrapers.client import PoliteClient
from scrapers.errors import BoundReached, DocumentGoneError, ScrapeError, SkippableError
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
