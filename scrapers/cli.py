"""`judgstat scrape SOURCE --query ... --out DIR`: collect documents politely and resumably.

Rerunning the same command resumes: stored responses are reused, only the rest is fetched.
Exit codes: 0 finished or stopped at --max-requests/--until (rerun to continue), 1 the site
stopped us or failed (message says why; what was stored is kept), 2 bad options, 130 Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapers.client import Politeness, PoliteClient, user_agent
from scrapers.errors import BoundReached, ScrapeError
from scrapers.runner import Bounds, Scraper
from scrapers.sources import SOURCE_MODULES, declared, default_base_url, source_module
from scrapers.store import RawStore, StoreError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", choices=sorted(SOURCE_MODULES), help="wenshu, 12309, spc or spp")
    parser.add_argument("--query", default="", help="keyword: wenshu full-text search; 12309/spc/spp title filter")
    parser.add_argument("--out", required=True, type=Path, help="output folder (raw store + manifest.jsonl)")
    parser.add_argument("--base-url", help="site root to use instead of the public one (tests, mirrors)")
    parser.add_argument("--rate", type=float, default=0.5, help="max requests per second per host (default 0.5)")
    parser.add_argument("--max-requests", type=int, help="stop after this many network requests (resume later)")
    parser.add_argument("--until", help="start no request at or after this local time (ISO date or date-time)")
    parser.add_argument("--timeout", type=float, default=30.0, help="read timeout in seconds (default 30)")
    parser.add_argument("--retries", type=int, default=4, help="retries on connection errors, 5xx, 429 (default 4)")
    parser.add_argument("--backoff", type=float, default=2.0, help="backoff base in seconds (default 2)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--allow-host", action="append", metavar="HOST",
                        help="another host name the run may contact (repeatable); default: the base URL's host only")
    parser.add_argument("--fetcher", choices=("http", "browser"),
                        help="http (plain requests) or browser (headless Chromium renders the site's JavaScript; "
                             "only for sources that declare it); default: the source's first")
    parser.add_argument("--browser-profile", type=Path, metavar="DIR",
                        help="browser route: YOUR Chromium profile folder, where you logged in with your own account "
                             "(required for wenshu); default: a fresh temporary one")
    parser.add_argument("--daily-cap", type=int, metavar="N",
                        help="browser route: at most N navigations per day (default and maximum 500)")
    parser.add_argument("--contact", help="your e-mail or web page, added to the User-Agent (recommended)")
    wenshu = parser.add_argument_group("wenshu")
    wenshu.add_argument("--cookie-file", type=Path, help="file holding YOUR logged-in session cookie (never logged)")
    wenshu.add_argument("--date-from", help="first judgment date, YYYY-MM-DD")
    wenshu.add_argument("--date-to", help="last judgment date, YYYY-MM-DD (default today)")
    wenshu.add_argument("--result-cap", type=int, help="hits the site lets you page through per query (default 600)")
    p12309 = parser.add_argument_group("12309")
    p12309.add_argument("--province", action="append", help="province short name, e.g. 上海 (repeatable; default all)")
    p12309.add_argument("--doc-type", action="append", help="起诉书, 不起诉决定书 or 刑事抗诉书 (repeatable)")
    channels = parser.add_argument_group("spc / spp / 12309")
    channels.add_argument(
        "--channel",
        help="spc/spp: typical-cases, guiding-cases, or the list path your browser shows "
             "(/zixun/gengduo/104.html, /spp/zgjdxal/); 12309: a city or county list page URL with its "
             "channelLevels (/12309/gj/bj/bjshrq/zjxflws/index.shtml?channelLevels=/…)",
    )


def _usage(message: str) -> Exception:
    from toolkit.cli import UsageError

    return UsageError(message)


def parse_until(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        until = datetime.fromisoformat(value)
    except ValueError:
        raise _usage(f"--until {value!r}: not an ISO date or date-time (e.g. 2026-12-01 or 2026-12-01T18:00)") from None
    # Bounds compare with naive local time: an explicit offset is converted to it.
    return until.astimezone().replace(tzinfo=None) if until.tzinfo else until


def _check_date(name: str, value: str | None) -> None:
    if value is None:
        return
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        raise _usage(f"{name} {value!r}: expected YYYY-MM-DD") from None


def read_cookie(args: argparse.Namespace, env_name: str) -> str | None:
    """The user's cookie from --cookie-file (a Cookie header value or a Netscape cookies.txt) or the environment."""
    if args.cookie_file is not None:
        try:
            raw = args.cookie_file.read_text(encoding="utf-8")
        except OSError as exc:
            raise _usage(f"--cookie-file {args.cookie_file}: cannot read ({exc.strerror})") from None
        pairs = []
        for line in raw.splitlines():
            fields = line.split("\t")
            if len(fields) == 7 and not line.startswith("#"):
                pairs.append(f"{fields[5]}={fields[6].strip()}")
        value = "; ".join(pairs) if pairs else raw.strip()
        if value.lower().startswith("cookie:"):
            value = value[7:].strip()
        if not value:
            raise _usage(f"--cookie-file {args.cookie_file}: the file is empty")
        return value
    return os.environ.get(env_name) or None


def build_options(args: argparse.Namespace) -> dict[str, Any]:
    _check_date("--date-from", args.date_from)
    _check_date("--date-to", args.date_to)
    options: dict[str, Any] = {
        "query": args.query,
        "date_from": args.date_from,
        "date_to": args.date_to,
        "result_cap": args.result_cap,
        "provinces": args.province,
        "doc_types": args.doc_type,
        "channel": args.channel,
    }
    if args.source in ("spc", "spp"):
        options["site"] = args.source
    if args.source == "12309":
        from scrapers.procuratorate_12309 import DOC_TYPES, PROVINCE_PATHS

        bad = [p for p in args.province or [] if p not in PROVINCE_PATHS]
        if bad:
            raise _usage(f"--province {bad[0]!r}: unknown; choose from {' '.join(PROVINCE_PATHS)}")
        bad = [t for t in args.doc_type or [] if t not in DOC_TYPES]
        if bad:
            raise _usage(f"--doc-type {bad[0]!r}: choose from {' '.join(DOC_TYPES)}")
    return options


def run(args: argparse.Namespace) -> int:
    module = source_module(args.source)
    options = build_options(args)
    until = parse_until(args.until)
    if args.rate <= 0:
        raise _usage(f"--rate {args.rate}: must be > 0 requests per second")
    if args.max_requests is not None and args.max_requests < 1:
        raise _usage(f"--max-requests {args.max_requests}: must be >= 1")
    fetcher_name = choose_fetcher(args)
    options["fetcher"] = fetcher_name
    cookie = None
    if fetcher_name == "http" and getattr(module, "NEEDS_COOKIE", False):
        cookie = read_cookie(args, module.COOKIE_ENV)
        if not cookie:
            raise _usage(
                f"{args.source} needs your own logged-in session cookie: --cookie-file FILE or ${module.COOKIE_ENV}"
            )
    elif fetcher_name == "browser" and args.cookie_file is not None:
        raise _usage("--cookie-file is for --fetcher http; the browser route uses the login in --browser-profile")
    if args.source == "wenshu" and not args.query:
        raise _usage("wenshu needs --query (full-text search words)")
    base_url = (args.base_url or default_base_url(args.source)).rstrip("/")
    politeness = Politeness(
        rate=args.rate, read_timeout=args.timeout, connect_timeout=min(10.0, args.timeout),
        max_retries=args.retries, backoff_base=args.backoff,
    )
    try:
        store = RawStore.open(args.out)
    except StoreError as exc:
        raise _usage(str(exc)) from None
    allowed_hosts = allowed_hosts_for(args.source, base_url, args.allow_host)
    client = PoliteClient(politeness, cookie=cookie, user_agent=user_agent(args.contact), allowed_hosts=allowed_hosts)
    fetcher: Any = client
    if fetcher_name == "browser":
        from scrapers.browser import COUNTER_NAME, DEFAULT_DAILY_CAP, BrowserFetcher

        fetcher = BrowserFetcher(
            client, profile_dir=args.browser_profile, daily_cap=args.daily_cap or DEFAULT_DAILY_CAP,
            counter_path=Path(args.out) / COUNTER_NAME, wait_for=declared(args.source, "BROWSER_WAIT_FOR"),
            next_page=declared(args.source, "BROWSER_NEXT_PAGE"),
            answer_check=declared(args.source, "BROWSER_CHECK_ANSWERS"), render_timeout=args.timeout,
        )
    scraper = Scraper(args.source, store, fetcher, Bounds(args.max_requests, until), progress=not args.no_progress)
    _log_run(args, base_url, "started", cookie_given=cookie is not None, allowed_hosts=sorted(allowed_hosts),
             fetcher=fetcher_name)
    # Whatever ends the run (an error of any kind, Ctrl-C, a kill signal turned into SystemExit), the
    # finally block records how in runs.jsonl; this status is what is left when nothing else is known.
    status, code = "ended unexpectedly (interrupted or an internal error); rerun the same command to continue", 1
    try:
        try:
            module.crawl(scraper, base_url, options)
            status, code = "finished", 0
        except BoundReached as exc:
            status, code = f"stopped: {exc}; rerun the same command to continue", 0
        except ScrapeError as exc:
            status, code = f"failed: {exc}", 1
        except KeyboardInterrupt:
            status, code = "interrupted; rerun the same command to continue", 130
        except ValueError as exc:  # a source module refusing its options (unknown channel, province, ...)
            status, code = f"bad options: {exc}", 2
            raise _usage(str(exc)) from None
        except BaseException as exc:  # a bug or SystemExit: recorded, then left to show itself
            status, code = f"crashed: {type(exc).__name__}: {str(exc)[:300]}", 1
            raise
    finally:
        scraper.close()
        if fetcher is not client:
            fetcher.close()
        stats = scraper.stats
        if code != 2:  # a usage error gets its one line from toolkit.cli, nothing else
            print(
                f"judgstat scrape {args.source}: {status}. documents: {stats.documents_new} new, "
                f"{stats.documents_reused} already stored; network requests: {fetcher.requests_sent}; out: {args.out}",
                file=sys.stderr,
            )
        for message in scraper.messages:
            print(f"judgstat scrape {args.source}: warning: {message}", file=sys.stderr)
        _log_run(args, base_url, status, cookie_given=cookie is not None, stats=vars(stats), notes=scraper.messages,
                 exit_code=code)
    return code


def choose_fetcher(args: argparse.Namespace) -> str:
    """--fetcher, checked against the FETCHERS the source module declares (default: its first; else http)."""
    fetchers = tuple(declared(args.source, "FETCHERS", ("http",)))
    name = args.fetcher or fetchers[0]
    if name not in fetchers:
        raise _usage(f"--fetcher {name}: {args.source} supports {', '.join(fetchers)} only")
    if name != "browser" and (args.browser_profile is not None or args.daily_cap is not None):
        raise _usage("--browser-profile and --daily-cap are for --fetcher browser")
    if name == "browser":
        from scrapers.browser import DEFAULT_DAILY_CAP, chromium_paths

        if args.daily_cap is not None and not 1 <= args.daily_cap <= DEFAULT_DAILY_CAP:
            raise _usage(f"--daily-cap {args.daily_cap}: must be between 1 and {DEFAULT_DAILY_CAP} (it can only be lowered)")
        try:
            import selenium  # noqa: F401
        except ImportError:
            raise _usage("--fetcher browser needs Selenium: pip install selenium") from None
        if None in chromium_paths():
            raise _usage("--fetcher browser needs Chromium and chromedriver (Debian: apt-get install chromium chromium-driver)")
        if args.browser_profile is not None and args.browser_profile.exists() and not args.browser_profile.is_dir():
            raise _usage(f"--browser-profile {args.browser_profile}: not a folder")
        if declared(args.source, "BROWSER_NEEDS_LOGIN", False) and args.browser_profile is None:
            raise _usage(
                f"{args.source} --fetcher browser needs --browser-profile DIR: the Chromium profile in which you "
                "logged in with your own account (a fresh profile has no login)"
            )
    return name


def allowed_hosts_for(source: str, base_url: str, extra: list[str] | None) -> set[str]:
    """Hosts a run may contact: the base URL's, those the source module declares, and --allow-host."""
    try:
        parts = urlsplit(base_url)
        base_host = parts.hostname
    except ValueError as exc:
        raise _usage(f"--base-url {base_url!r}: not a URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not base_host:
        raise _usage(f"--base-url {base_url!r}: expected http(s)://host[:port]")
    hosts = {base_host} | set(declared(source, "ALLOWED_HOSTS", ())) | set(extra or ())
    return {h.lower() for h in hosts if h}


def _log_run(args: argparse.Namespace, base_url: str, status: str, **fields: Any) -> None:
    """Append to DIR/runs.jsonl what was asked and how it ended (the cookie itself never appears)."""
    line = {
        "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "source": args.source,
        "query": args.query,
        "base_url": base_url,
        "rate": args.rate,
        "max_requests": args.max_requests,
        "until": args.until,
        "status": status,
        **fields,
    }
    with (Path(args.out) / "runs.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, ensure_ascii=False) + "\n")
