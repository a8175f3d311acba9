"""Errors raised by scrapers/: each tells the caller what to do."""
from __future__ import annotations


class CrawlError(Exception):
    """Base class for everything scrapers/ raises on purpose."""


class CrawlProcessFailed(CrawlError, RuntimeError):
    """The crawl's child process died before finishing its run: read `detail`, fix, crawl again."""

    def __init__(self, run_id: int, returncode: int, detail: str) -> None:
        self.run_id, self.returncode, self.detail = run_id, returncode, detail
        last = f": {detail}" if detail else ""
        super().__init__(f"crawl run #{run_id} stopped unexpectedly (exit status {returncode}){last}")
