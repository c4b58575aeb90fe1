"""Why a scrape stopped. Every error carries a one-line message meant for the user, never a secret."""

from __future__ import annotations


class ScrapeError(Exception):
    """Base class: the run stopped and the message says why and what to do."""


class StopRun(ScrapeError):
    """The site refuses us (block, captcha, login, robots.txt, JavaScript): retrying would only hammer it."""


class BlockedError(StopRun):
    pass


class CaptchaError(StopRun):
    pass


class LoginRequiredError(StopRun):
    pass


class RobotsDisallowedError(StopRun):
    pass


class JavaScriptRequiredError(StopRun):
    """The response is encrypted or only usable by running the site's JavaScript, which judgstat never does."""


class DocumentGoneError(ScrapeError):
    """One document is no longer published (404/410, or the site says it does not exist): skipped and reported."""


class SiteChangedError(ScrapeError):
    """A response no longer has the shape this module was written for."""


class RetriesExhaustedError(ScrapeError):
    """Transient failures (connection errors, timeouts, 5xx, 429) outlasted the retry budget."""


class BoundReached(Exception):
    """--max-requests or --until was reached: a normal, resumable stop (not an error)."""
