"""Why a scrape stopped. Every error carries a one-line message meant for the user, never a secret."""

from __future__ import annotations


class ScrapeError(Exception):
    """Base class: the run stopped and the message says why and what to do."""


class StopRun(ScrapeError):
    """The site refuses us (block, captcha, login, robots.txt, JavaScript): retrying would only hammer it."""


class SkippableError(ScrapeError):
    """This one request cannot be made or answered usefully, but the site is fine with us.

    For a document the runner skips it, records why (run notes, runs.jsonl) and goes on; a list page
    with such an error stops the run, since what it would list is unknown.
    """


class BlockedError(StopRun):
    pass


class CaptchaError(StopRun):
    pass


class LoginRequiredError(StopRun):
    pass


class RobotsDisallowedError(StopRun, SkippableError):
    """robots.txt of the request's (or a redirect hop's) origin disallows it: never requested."""


class HostNotAllowedError(SkippableError):
    """The request, or a redirect hop, goes to a host outside the ones this run may contact."""


class FetchError(SkippableError):
    """A request that cannot be sent as it stands (bad URL, unsupported scheme): not retried."""


class RedirectError(FetchError):
    """A redirect chain that cannot be followed: a loop, too many hops, a missing or unusable Location."""


class JavaScriptRequiredError(StopRun):
    """The response is encrypted or only usable by running the site's JavaScript, which judgstat never does."""


class DocumentGoneError(SkippableError):
    """One document is no longer published (404/410, or the site says it does not exist): skipped and reported."""


class SiteChangedError(ScrapeError):
    """A response no longer has the shape this module was written for."""


class RetriesExhaustedError(ScrapeError):
    """Transient failures (connection errors, timeouts, 5xx, 429) outlasted the retry budget."""


class BoundReached(Exception):
    """--max-requests or --until was reached: a normal, resumable stop (not an error)."""
