"""The one item pipeline: hands each fetched page to pipeline/ and storage/, records each failure.

For a page whose body hashes to the same value as its latest snapshot, only the check is
recorded (`record_unchanged`): no new snapshot, claims or events. Otherwise the page is read
(`read_document`), its claims extracted (`extract_claims`) and everything stored and diffed by
`storage.ingest.ingest_page`, in one unit of work per page so a failure leaves no half-stored page.

Nothing here raises for a page: every problem becomes one line on stderr, one `fetch_failures`
row and a count in Scrapy's stats and in `CrawlCounts`.
"""
from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Callable, TextIO

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from pipeline.document import read_document
from pipeline.errors import UnreadableDocument
from pipeline.extract import extract_claims
from pipeline.hashing import content_hash
from pipeline.model import FetchedPage, WatchFilm
from scrapers.items import FailureItem, PageItem
from storage import repository
from storage.db import Database
from storage.ingest import ingest_page

logger = logging.getLogger(__name__)

STATS_PREFIX = "releasewatch"


@dataclass(slots=True)
class CrawlCounts:
    """What one crawl did, as the child process reports it back to run_crawl."""

    pages_fetched: int = 0
    pages_unchanged: int = 0
    pages_failed: int = 0
    claims: int = 0
    events: int = 0
    failures: list[tuple[str, str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "pages_fetched": self.pages_fetched, "pages_unchanged": self.pages_unchanged,
            "pages_failed": self.pages_failed, "claims": self.claims, "events": self.events,
            "failures": [list(f) for f in self.failures],
        }


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _failure_kind(reason: str) -> str:
    """A stats key for a reason: its first two words ("HTTP 404" -> "http_404", "timed out ..." -> "timed_out")."""
    words = reason.replace(":", " ").split()[:2]
    return "_".join(w.lower() for w in words) or "unknown"


def _content_type(headers: dict[str, str]) -> str | None:
    for key, value in headers.items():
        if key.lower() == "content-type":
            return value
    return None


class StorePagePipeline:
    """Extract, diff and store every PageItem; record every FailureItem (settings in from_crawler)."""

    def __init__(self, database_url: str, run_id: int | None, watchlist: tuple[WatchFilm, ...],
                 stats: StatsCollector | None = None, progress: TextIO | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.database_url = database_url
        self.run_id = run_id
        self.watchlist = watchlist
        self.stats = stats
        self.progress = progress
        self.clock = clock or (lambda: datetime.now(UTC))
        self.counts = CrawlCounts()
        self.database: Database | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePagePipeline:
        settings = crawler.settings
        url = settings.get("RELEASEWATCH_DATABASE_URL")
        if not url:
            raise ValueError("RELEASEWATCH_DATABASE_URL is not set: scrapers.run_crawl sets it for every crawl")
        run_id = settings.getint("RELEASEWATCH_RUN_ID") or None
        films = tuple(
            f if isinstance(f, WatchFilm) else WatchFilm(f["title"], tuple(f.get("aliases", ())), f.get("year"))
            for f in settings.getlist("RELEASEWATCH_WATCHLIST")
        )
        progress = sys.stderr if settings.getbool("RELEASEWATCH_PROGRESS", True) else None
        return cls(url, run_id, films, crawler.stats, progress)

    # -- Scrapy hooks ------------------------------------------------------------------------
    def open_spider(self) -> None:
        self.database = Database(self.database_url)

    def close_spider(self) -> None:
        if self.database is not None:
            self.database.dispose()

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PageItem):
            self.store_page(item.page)
        elif isinstance(item, FailureItem):
            self.record_failure(item.source, item.url, item.reason, item.at)
        return item

    # -- the work ----------------------------------------------------------------------------
    def store_page(self, page: FetchedPage) -> None:
        """Skip the page when unchanged, otherwise read, extract, store and diff it (one transaction)."""
        digest = content_hash(page.body)
        try:
            with self._session() as s:
                if repository.last_content_hash(s, page.source, page.url) == digest:
                    repository.record_unchanged(s, page.source, page.url, page.fetched_at, page.status)
                    outcome = None
                else:
                    document = read_document(
                        page.body, source=page.source, url=page.final_url,
                        content_type=_content_type(page.headers), headers=page.headers,
                        published_hint=page.published_hint,
                    )
                    claims = list(extract_claims(document, self.watchlist))
                    outcome = ingest_page(s, page, document, claims, digest, self.run_id, self.clock())
        except UnreadableDocument as exc:
            self.record_failure(page.source, page.url, f"cannot read page: {exc.reason}", page.fetched_at)
            return
        except Exception as exc:
            # A bug in extraction or a database problem: keep its traceback in the log for whoever
            # fixes it, record the page as failed, and go on with the other pages.
            logger.error("storing %s (%s) failed", page.url, page.source, exc_info=True)
            self.record_failure(page.source, page.url, f"cannot store page: {_one_line(exc)}", page.fetched_at)
            return

        if outcome is None:
            self.counts.pages_unchanged += 1
            self._inc("pages_unchanged")
            self._say(f"unchanged  {page.source}  {page.url}")
            return
        self.counts.pages_fetched += 1
        self.counts.claims += outcome.claims
        self.counts.events += outcome.events
        self._inc("pages_fetched")
        self._inc("claims", outcome.claims)
        self._inc("events", outcome.events)
        self._say(f"fetched  {page.source}  {page.url}  {outcome.claims} claims, {outcome.events} events")

    def record_failure(self, source: str, url: str, reason: str, at: datetime) -> None:
        """Count the failure, print its line and store it; a database outage only loses the row."""
        self.counts.pages_failed += 1
        self.counts.failures.append((source, url, reason))
        self._inc("pages_failed")
        self._inc(f"failures/{_failure_kind(reason)}")
        self._say(f"failed  {source}  {url}  {reason}")
        try:
            with self._session() as s:
                repository.record_failure(s, self.run_id, source, url, reason, at)
        except Exception as exc:
            self._inc("failure_records_lost")
            self._say(f"warning  cannot record the failure of {url} in the database: {_one_line(exc)}")

    def _session(self) -> Any:
        if self.database is None:
            raise RuntimeError("StorePagePipeline used before open_spider()")
        return self.database.session()

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None and count:
            self.stats.inc_value(f"{STATS_PREFIX}/{key}", count)

    def _say(self, line: str) -> None:
        if self.progress is not None:
            print(line, file=self.progress, flush=True)
