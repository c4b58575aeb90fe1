"""Every source module declares how it may be fetched, consistently (#16).

Source modules are discovered in the scrapers package (a module with crawl() and document_record()) and
must each be reachable from scrapers.sources.SOURCE_MODULES. For every source name:
    FETCHERS          a non-empty tuple of "http" / "browser", the default first;
    ALLOWED_HOSTS     bare host names, including the host of the source's public base URL;
    BROWSER_WAIT_FOR  declared exactly when "browser" is a fetcher: a CSS selector (or url -> selector)
                      that compiles and is found in every rendered-page example of the source;
    BROWSER_NEXT_PAGE (lists that page in the browser), BROWSER_NEEDS_LOGIN and BROWSER_CHECK_ANSWERS
                      (callable) only with "browser";
    NEEDS_COOKIE      only with "http", with the COOKIE_ENV it reads.
Modules serving several sources (releases: spc, spp) may key a declaration by source name.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import soupsieve
from bs4 import BeautifulSoup
from scraper_server import loopback_only  # noqa: F401 (autouse fixture: no traffic leaves 127.0.0.1)

import scrapers
from scrapers.sources import SOURCE_MODULES, declared, default_base_url, source_module

FIXTURES = Path(__file__).resolve().parents[1] / "scrapers" / "fixtures"
KNOWN_FETCHERS = ("http", "browser")
SOURCES = sorted(SOURCE_MODULES)


def discovered_source_modules() -> set[str]:
    found = set()
    for info in pkgutil.iter_modules(scrapers.__path__):
        module = importlib.import_module(f"scrapers.{info.name}")
        if callable(getattr(module, "crawl", None)) and callable(getattr(module, "document_record", None)):
            found.add(module.__name__)
    return found


def html_examples(source: str) -> list[tuple[str, str]]:
    """(example file, URL) of every HTML example page of the source's module on one of its hosts."""
    module = source_module(source)
    hosts = set(declared(source, "ALLOWED_HOSTS", ()))
    out = []
    for stem in module.EXAMPLES:
        (path,) = FIXTURES.glob(f"{stem}.example.*")
        url = json.loads((FIXTURES / f"{stem}.expected.json").read_text(encoding="utf-8"))["args"].get("url")
        if path.suffix == ".html" and url and urlsplit(url).hostname in hosts:
            out.append((path.name, url))
    return out


def selector_for(source: str, url: str) -> str:
    wait_for = declared(source, "BROWSER_WAIT_FOR")
    return wait_for(url) if callable(wait_for) else wait_for


def test_every_source_module_is_reachable_by_a_source_name() -> None:
    assert discovered_source_modules() == set(SOURCE_MODULES.values())
    assert len(discovered_source_modules()) >= 3  # 12309, releases, wenshu: discovery itself works


@pytest.mark.parametrize("source", SOURCES)
def test_fetchers_and_hosts_are_declared(source: str) -> None:
    fetchers = declared(source, "FETCHERS")
    assert isinstance(fetchers, tuple) and fetchers and len(set(fetchers)) == len(fetchers)
    assert set(fetchers) <= set(KNOWN_FETCHERS), fetchers
    hosts = declared(source, "ALLOWED_HOSTS")
    assert isinstance(hosts, tuple) and hosts
    assert all(h == h.lower() and "/" not in h and ":" not in h for h in hosts), hosts
    assert urlsplit(default_base_url(source)).hostname in hosts


@pytest.mark.parametrize("source", SOURCES)
def test_browser_declarations_are_consistent(source: str) -> None:
    fetchers = declared(source, "FETCHERS")
    browser = "browser" in fetchers
    assert (declared(source, "BROWSER_WAIT_FOR") is not None) == browser  # browser in FETCHERS <=> a selector
    for name in ("BROWSER_NEXT_PAGE", "BROWSER_NEEDS_LOGIN", "BROWSER_CHECK_ANSWERS"):
        assert declared(source, name) is None or browser, f"{name} without the browser fetcher"
    if declared(source, "NEEDS_COOKIE", False):
        assert "http" in fetchers and isinstance(getattr(source_module(source), "COOKIE_ENV", None), str)
    if not browser:
        return
    urls = [default_base_url(source) + "/"] + [url for _, url in html_examples(source)]
    for url in urls:
        selector = selector_for(source, url)
        assert isinstance(selector, str) and selector.strip(), url
        soupsieve.compile(selector)  # raises on a selector the browser could not use either
    next_page = declared(source, "BROWSER_NEXT_PAGE")
    if next_page is not None:
        soupsieve.compile(next_page)
    assert declared(source, "BROWSER_CHECK_ANSWERS") is None or callable(declared(source, "BROWSER_CHECK_ANSWERS"))


@pytest.mark.parametrize("source", [s for s in SOURCES if "browser" in declared(s, "FETCHERS")])
def test_wait_for_selector_is_found_in_the_sources_example_pages(source: str) -> None:
    examples = html_examples(source)
    assert examples, f"{source}: no HTML example page to check BROWSER_WAIT_FOR against"
    next_page = declared(source, "BROWSER_NEXT_PAGE")
    pager_seen = False
    for name, url in examples:
        soup = BeautifulSoup((FIXTURES / name).read_bytes(), "html.parser")
        assert soup.select(selector_for(source, url)), f"{name}: no {selector_for(source, url)!r}"
        pager_seen = pager_seen or bool(next_page and soup.select(next_page))
    assert next_page is None or pager_seen, f"{source}: no example page shows the pager {next_page!r}"


@pytest.mark.parametrize("source", SOURCES)
def test_cli_refuses_a_fetcher_the_source_does_not_declare(source: str) -> None:
    from scrapers.cli import choose_fetcher
    from toolkit.cli import UsageError

    fetchers = declared(source, "FETCHERS")
    for name in KNOWN_FETCHERS:
        args = argparse.Namespace(source=source, fetcher=name, browser_profile=None, daily_cap=None)
        if name not in fetchers:
            with pytest.raises(UsageError, match=f"supports {', '.join(fetchers)} only"):
                choose_fetcher(args)
        elif name == "http":
            assert choose_fetcher(args) == "http"
