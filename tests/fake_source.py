"""A source module for scraper tests that must not depend on any real site's shape.

Registered by a test with `monkeypatch.setitem(scrapers.sources.SOURCE_MODULES, "fake", "fake_source")`;
it fetches the document paths in PATHS (set by the test) under --base-url, one by one, and can be told
to end in any exception (RAISE) after them, to test how `judgstat scrape` records every way a run ends.
"""

from __future__ import annotations

from typing import Any

from scrapers.runner import Scraper
from scrapers.store import Request

NAME = "fake"
DEFAULT_BASE_URL = "http://127.0.0.1:9"  # never used: tests pass --base-url
NEEDS_COOKIE = False
PATHS: list[str] = []
RAISE: BaseException | None = None


def crawl(scraper: Scraper, base_url: str, options: dict[str, Any]) -> None:
    scraper.expect_documents(len(PATHS))
    for path in PATHS:
        scraper.fetch(Request.get(base_url + path), kind="document", doc_id=path.strip("/"))
    if RAISE is not None:
        raise RAISE
