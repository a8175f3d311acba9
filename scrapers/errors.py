"""Errors raised by scrapers/: each tells the caller what to do."""
from __future__ import annotations

from scrapy.exceptions import IgnoreRequest


class CrawlError(Exception):
    """Base class for everything scrapers/ raises on purpose."""


class CrawlProcessFailed(CrawlError, RuntimeError):
    """The crawl's child process died before finishing its run: read `detail`, fix, crawl again."""

    def __init__(self, run_id: int, returncode: int, detail: str) -> None:
        self.run_id, self.returncode, self.detail = run_id, returncode, detail
        last = f": {detail}" if detail else ""
        super().__init__(f"crawl run #{run_id} stopped unexpectedly (exit status {returncode}){last}")


class CrawlInterrupted(KeyboardInterrupt):
    """A signal (SIGTERM) stopped the crawl as Ctrl-C would: the run was closed as interrupted."""

    def __init__(self, signal_name: str) -> None:
        self.signal_name = signal_name
        super().__init__(f"crawl interrupted by {signal_name}")


class NotASitemap(CrawlError, ValueError):
    """A sitemap URL answered with something that is not a sitemap: record it, skip the source's sitemap."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(f"not a sitemap: {detail}")


class NotAFeed(CrawlError, ValueError):
    """A feed URL answered with something that is neither RSS nor Atom: record it, skip the feed."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(f"not a feed: {detail}")


class TooLarge(CrawlError, ValueError):
    """A document grew past the size we read (after decompression): stop reading it, record it."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"larger than {limit / 1024 / 1024:g} MB uncompressed")


class UrlRefused(CrawlError, IgnoreRequest):
    """A URL the crawl may not fetch (see scrapers.url_policy): recorded as the page's failure, never fetched."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)
