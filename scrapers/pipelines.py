"""The one item pipeline: hands each fetched page to pipeline/ and storage/, records each failure.

Per page: a body whose hash equals the latest stored one is only recorded as checked (no
extraction); a 304 likewise. Otherwise the page is read and its claims extracted in a worker
process (scrapers.extraction), so extraction uses every core while the crawl process downloads.
Changed pages, checks and failures are then written in batches (`ingest_batch`: one query for the
state before, the diff replayed in memory) by one database worker (scrapers.storing), every `RELEASEWATCH_BATCH_PAGES`
pages or `RELEASEWATCH_BATCH_SECONDS` seconds and at the end; a batch that fails is retried page
by page, so one bad page never loses the others.

Nothing here raises for a page: every problem becomes one line on stderr, one `fetch_failures`
row and a count in Scrapy's stats and in `CrawlCounts` (overall and per source). A failure of the
storage itself (its worker died, the database is lost or full) is not a page's problem: it stops
the crawl with one line, and every page not stored is counted as failed and handed back to the
parent in `CrawlCounts.unrecorded`, which records them if it can (`CrawlCounts.fatal` says why).

A feed's or sitemap's validators are written only once every page it named is stored (or was
found unchanged): were they saved while a named page failed or was never reached, the next run
would get a 304 and never ask for that page again.
"""
from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, TextIO

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from pipeline.hashing import content_hash
from pipeline.model import FetchedPage, WatchFilm
from pipeline.terminal import visible
from scrapers.extraction import Extracted, extract_page, extraction_pool
from scrapers import reasons
from scrapers.items import FailureItem, ListingItem, NotModifiedItem, PageItem
from scrapers.storing import Checked, Failed, Written, close_store, open_store, storage_worker, write_batch
from storage.errors import StorageFailed
from storage.ingest import PageVersion
from storage.repository.listings import ListingCheck

logger = logging.getLogger(__name__)

STATS_PREFIX = "releasewatch"
SOURCE_COUNT_KEYS = ("requested", "fetched", "not_modified", "unchanged", "new", "failed", "cut_off", "claims", "events",
                     "bytes")


def _new_source_counts() -> dict[str, Any]:
    counts: dict[str, Any] = dict.fromkeys(SOURCE_COUNT_KEYS, 0)
    counts["failed_by_reason"] = {}
    counts["duration_s"] = 0.0
    return counts


@dataclass(slots=True)
class CrawlCounts:
    """What one crawl did, as the child process reports it back to run_crawl."""

    pages_fetched: int = 0  # new versions stored
    pages_unchanged: int = 0  # same body hash, or 304 Not Modified
    pages_failed: int = 0
    claims: int = 0
    events: int = 0
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    fatal: str | None = None  # why storing stopped (the crawl stopped with it)
    unrecorded: list[tuple[str, str, str, str]] = field(default_factory=list)  # (source, url, reason, ISO time)

    def source(self, name: str) -> dict[str, Any]:
        return self.sources.setdefault(name, _new_source_counts())

    def to_json(self) -> dict[str, Any]:
        return {
            "pages_fetched": self.pages_fetched, "pages_unchanged": self.pages_unchanged,
            "pages_failed": self.pages_failed, "claims": self.claims, "events": self.events,
            "failures": [list(f) for f in self.failures], "sources": self.sources,
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
            "fatal": self.fatal, "unrecorded": [list(u) for u in self.unrecorded],
        }


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _failure_kind(reason: str) -> str:
    """A stats key for a reason: its first two words ("HTTP 404" -> "http_404", "timed out ..." -> "timed_out")."""
    words = reason.replace(":", " ").split()[:2]
    return "_".join(w.lower() for w in words) or "unknown"


class StorePagePipeline:
    """Extract, diff and store every PageItem; record every check and failure (settings in from_crawler)."""

    def __init__(self, database_url: str, run_id: int | None, watchlist: tuple[WatchFilm, ...],
                 stats: StatsCollector | None = None, progress: TextIO | None = None,
                 clock: Callable[[], datetime] | None = None, *, workers: int = 0,
                 batch_pages: int = 100, batch_seconds: float = 5.0, source_names: tuple[str, ...] = ()) -> None:
        self.database_url = database_url
        self.run_id = run_id
        self.watchlist = watchlist
        self.stats = stats
        self.progress = progress
        self.clock = clock or (lambda: datetime.now(UTC))
        self.workers = workers
        self.batch_pages = max(1, batch_pages)
        self.batch_seconds = batch_seconds
        self.source_names = source_names
        self.counts = CrawlCounts()
        self._hashes: dict[tuple[str, str], str | None] = {}
        self._pool: Executor | None = None
        self._db_worker: Executor | None = None
        self._versions: list[PageVersion] = []
        self._checked: list[Checked] = []
        self._failed: list[Failed] = []
        self._listings: list[ListingCheck] = []
        self._flush_lock: asyncio.Lock | None = None
        self.crawler: Crawler | None = None
        # (source, url) -> whether every outcome of the page in this run was a success (stored or unchanged).
        self._page_ok: dict[tuple[str, str], bool] = {}
        self._pending_listings: list[tuple[ListingCheck, tuple[str, ...]]] = []
        self._last_flush = time.monotonic()
        self._started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePagePipeline:
        settings = crawler.settings
        url = settings.get("RELEASEWATCH_DATABASE_URL")
        if not url:
            raise ValueError("RELEASEWATCH_DATABASE_URL is not set: the pipeline has nowhere to store pages")
        run_id = settings.getint("RELEASEWATCH_RUN_ID") or None
        films = tuple(
            f if isinstance(f, WatchFilm) else WatchFilm(f["title"], tuple(f.get("aliases", ())), f.get("year"))
            for f in settings.getlist("RELEASEWATCH_WATCHLIST")
        )
        progress = sys.stderr if settings.getbool("RELEASEWATCH_PROGRESS", True) else None
        workers = settings.get("RELEASEWATCH_EXTRACT_WORKERS")
        pipeline = cls(url, run_id, films, crawler.stats, progress,
                       workers=os.cpu_count() or 1 if workers is None else int(workers),
                       batch_pages=settings.getint("RELEASEWATCH_BATCH_PAGES", 100),
                       batch_seconds=settings.getfloat("RELEASEWATCH_BATCH_SECONDS", 5.0),
                       source_names=tuple(settings.getlist("RELEASEWATCH_SOURCE_NAMES")))
        pipeline.crawler = crawler
        return pipeline

    # -- Scrapy hooks ------------------------------------------------------------------------
    async def open_spider(self) -> None:
        self._started = self._last_flush = time.monotonic()
        self._flush_lock = asyncio.Lock()
        # One worker owns every database call: SQLite has one writer, and the reactor never waits on SQL.
        # A process when extraction has processes too, so that storing does not hold the reactor's GIL.
        self._db_worker = storage_worker(in_process=self.workers > 0)
        if self.workers > 0:
            # Started now, so that the workers are ready by the time the first pages have arrived.
            self._pool = extraction_pool(self.workers, self.watchlist)
        self._hashes = await self._in_db_worker(open_store, self.database_url, self.source_names)

    async def close_spider(self) -> None:
        try:
            # A page whose batch could not be stored becomes a failure, queued for one more write;
            # a listing whose pages are all stored by a flush is written by the next one.
            for _ in range(5):
                if self.counts.fatal is not None:
                    break
                self._settle_listings()
                if not (self._versions or self._checked or self._failed or self._listings):
                    break
                await self._flush()
            self._pending_listings.clear()  # pages never reached: their listing is read whole next time
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=self.counts.fatal is None, cancel_futures=True)
            if self._db_worker is not None:
                if self.counts.fatal is None:
                    await self._in_db_worker(close_store)
                self._db_worker.shutdown(wait=self.counts.fatal is None, cancel_futures=True)
            elapsed = time.monotonic() - self._started
            self.counts.timings["wall"] = elapsed

    async def process_item(self, item: Any) -> Any:
        # Never raises: Scrapy would log the item (a page's whole body) with the traceback.
        try:
            if self.counts.fatal is not None:
                self._not_stored(item)
                return item
            if isinstance(item, PageItem):
                await self.store_page(item.page)
            elif isinstance(item, NotModifiedItem):
                self._checked.append(Checked(item.source, item.url, item.at, 304, item.etag, item.last_modified))
                self._count_unchanged(item.source, item.url, "not_modified")
            elif isinstance(item, FailureItem):
                self.record_failure(item.source, item.url, item.reason, item.at)
            elif isinstance(item, ListingItem):
                self._pending_listings.append((item.check, item.pages))
            await self._maybe_flush()
        except Exception as exc:
            logger.error("the item pipeline failed: %s", _one_line(exc))
            self._stop(f"the item pipeline failed: {_one_line(exc)}")
        return item

    # -- the work ----------------------------------------------------------------------------
    async def store_page(self, page: FetchedPage) -> None:
        """Skip the page when unchanged, otherwise read and extract it and queue it for the next batch."""
        key = (page.source, page.url)
        digest = content_hash(page.body)
        self.counts.source(page.source)["fetched"] += 1
        if page.cut_off_at is not None:
            self.counts.source(page.source)["cut_off"] += 1
            self._inc("cut_off")
            self._say(f"cut off  {page.source}  {page.url}  larger than {reasons.size(page.cut_off_at)}: "
                      f"only its first {reasons.size(page.cut_off_at)} are read")
        if self._hashes.get(key) == digest:
            lower = {k.lower(): v for k, v in page.headers.items()}
            self._checked.append(Checked(page.source, page.url, page.fetched_at, page.status,
                                          lower.get("etag"), lower.get("last-modified")))
            self._count_unchanged(page.source, page.url, "unchanged")
            return
        try:
            extracted = await self._extract(page)
        except Exception as exc:
            # A bug in extraction: keep its traceback in the log for whoever fixes it, record the
            # page as failed, and go on with the other pages.
            logger.error("extracting %s (%s) failed", page.url, page.source, exc_info=True)
            self.record_failure(page.source, page.url, f"cannot extract page: {_one_line(exc)}", page.fetched_at)
            return
        self.counts.timings["extract"] = self.counts.timings.get("extract", 0.0) + extracted.seconds
        if extracted.document is None:
            self.record_failure(page.source, page.url, f"cannot read page: {extracted.unreadable}", page.fetched_at)
            return
        if self.counts.fatal is not None:  # storing failed while this page was being extracted
            self._not_stored(PageItem(page))
            return
        self._hashes[key] = digest
        # The body is not stored and a batch may hold hundreds of pages: keep only what is.
        self._versions.append(PageVersion(replace(page, body=b""), extracted.document, extracted.claims, digest))

    async def _extract(self, page: FetchedPage) -> Extracted:
        if self._pool is not None:
            try:
                return await asyncio.wrap_future(self._pool.submit(extract_page, page))
            except BrokenProcessPool:
                # A worker died (killed, out of memory): go on extracting here rather than failing every page.
                logger.warning("the extraction processes stopped; extracting in the crawl process from now on")
                self._pool = None
        return extract_page(page, self.watchlist)

    def record_failure(self, source: str, url: str, reason: str, at: datetime) -> None:
        """Count the failure, print its line and queue its record for the next batch."""
        self.counts.pages_failed += 1
        self.counts.failures.append((source, url, reason))
        mine = self.counts.source(source)
        mine["failed"] += 1
        mine["failed_by_reason"][reason] = mine["failed_by_reason"].get(reason, 0) + 1
        self._touch(source)
        self._inc("pages_failed")
        self._inc(f"failures/{_failure_kind(reason)}")
        self._say(f"failed  {source}  {url}  {reason}")
        self._page_ok[(source, url)] = False
        self._failed.append(Failed(source, url, reason, at))

    def _count_unchanged(self, source: str, url: str, kind: str) -> None:
        self._page_ok.setdefault((source, url), True)
        self.counts.pages_unchanged += 1
        self.counts.source(source)[kind] += 1
        self._touch(source)
        self._inc("pages_unchanged")
        self._inc(kind)
        self._say(f"unchanged  {source}  {url}" + ("  (304 not modified)" if kind == "not_modified" else ""))

    # -- batches -----------------------------------------------------------------------------
    async def _maybe_flush(self) -> None:
        waiting = len(self._versions) + len(self._checked) + len(self._failed) + len(self._listings)
        if waiting >= self.batch_pages or (waiting and time.monotonic() - self._last_flush >= self.batch_seconds):
            await self._flush()

    async def _flush(self) -> None:
        """Write what is queued in one unit of work on the database thread (one batch at a time)."""
        assert self._flush_lock is not None, "StorePagePipeline used before open_spider()"
        async with self._flush_lock:
            if self.counts.fatal is not None:
                return
            self._settle_listings()
            versions, checked, failed, listings = self._versions, self._checked, self._failed, self._listings
            self._versions, self._checked, self._failed, self._listings = [], [], [], []
            # Extraction finishes in any order; the diff replays the batch in the order pages were fetched,
            # as `rediff` replays history, so the events do not depend on which worker was faster.
            versions.sort(key=lambda v: (v.page.fetched_at, v.page.source, v.page.url))
            self._last_flush = time.monotonic()
            if not (versions or checked or failed or listings):
                return
            try:
                written: Written = await self._in_db_worker(write_batch, self.run_id, versions, checked, failed,
                                                            self.clock(), listings)
            except (StorageFailed, BrokenProcessPool) as exc:
                reason = exc.reason if isinstance(exc, StorageFailed) else f"the storage worker died{self._worker_exit()}"
                self._stop(reason, versions=versions, failed=failed)
                return
        for key, seconds in written.timings.items():
            self.counts.timings[key] = self.counts.timings.get(key, 0.0) + seconds
        for warning in written.warnings:
            self._say(f"warning  {warning}")
        self._inc("failure_records_lost", written.records_lost)
        for version, outcome in zip(versions, written.outcomes, strict=True):
            page = version.page
            if isinstance(outcome, str):
                # Not stored: the next run must extract it again, not take it for unchanged.
                self._hashes.pop((page.source, page.url), None)
                self.record_failure(page.source, page.url, outcome, page.fetched_at)
                continue
            if outcome.unchanged:
                # A concurrent crawl stored this very version first.
                self._count_unchanged(page.source, page.url, "unchanged")
                continue
            self._page_ok.setdefault((page.source, page.url), True)
            self.counts.pages_fetched += 1
            self.counts.claims += outcome.claims
            self.counts.events += outcome.events
            mine = self.counts.source(page.source)
            mine["new"] += 1
            mine["claims"] += outcome.claims
            mine["events"] += outcome.events
            self._touch(page.source)
            self._inc("pages_fetched")
            self._inc("claims", outcome.claims)
            self._inc("events", outcome.events)
            self._say(f"fetched  {page.source}  {page.url}  {outcome.claims} claims, {outcome.events} events")

    def _settle_listings(self) -> None:
        """Queue for writing the listings whose named pages all succeeded; forget those with a failed one."""
        waiting = []
        for check, pages in self._pending_listings:
            outcomes = [self._page_ok.get((check.source, url)) for url in pages]
            if all(outcomes):
                self._listings.append(check)
            elif False in outcomes:
                self._inc("listings_not_kept")
            else:
                waiting.append((check, pages))
        self._pending_listings = waiting

    def _stop(self, reason: str, *, versions: list[PageVersion] = (), failed: list[Failed] = ()) -> None:  # type: ignore[assignment]
        """Storing failed as a whole: one line, the pages not stored handed back as failures, the crawl stopped."""
        first = self.counts.fatal is None
        if first:
            self.counts.fatal = reason
            self._say(f"error  storage failed, stopping the crawl: {reason}")
        for record in failed:  # counted already; their records were not written
            self.counts.unrecorded.append((record.source, record.url, record.reason, record.at.isoformat()))
        for version in [*versions, *self._versions]:
            self._not_stored(PageItem(version.page))
        for record in self._failed:
            self.counts.unrecorded.append((record.source, record.url, record.reason, record.at.isoformat()))
        self._versions, self._checked, self._failed, self._listings = [], [], [], []
        self._pending_listings.clear()
        if first and self.crawler is not None and self.crawler.engine is not None:
            engine = self.crawler.engine
            if engine.spider is not None:
                asyncio.ensure_future(engine.close_spider_async(reason="storage_failed"))

    def _not_stored(self, item: Any) -> None:
        """A page that arrived after storing failed, or was waiting for a batch that failed: a failure, quietly
        (the crawl's one line says why)."""
        if isinstance(item, NotModifiedItem):
            self.counts.pages_unchanged += 1  # nothing to store but the check
            return
        if isinstance(item, PageItem):
            source, url, at = item.page.source, item.page.url, item.page.fetched_at
        elif isinstance(item, FailureItem):
            source, url, at = item.source, item.url, item.at
        else:
            return
        reason = f"not stored: {self.counts.fatal}"
        if isinstance(item, FailureItem):
            reason = item.reason
        self.counts.pages_failed += 1
        self.counts.failures.append((source, url, reason))
        mine = self.counts.source(source)
        mine["failed"] += 1
        mine["failed_by_reason"][reason] = mine["failed_by_reason"].get(reason, 0) + 1
        self._inc("pages_failed")
        self._page_ok[(source, url)] = False
        self.counts.unrecorded.append((source, url, reason, at.isoformat()))

    def _worker_exit(self) -> str:
        """How the storage worker process ended, when it can still be told (its pool keeps the process)."""
        processes = getattr(self._db_worker, "_processes", None) or {}
        for process in list(processes.values()):
            code = getattr(process, "exitcode", None)
            if code is not None and code < 0:
                return f" (killed by signal {-code})"
            if code:
                return f" (exit status {code})"
        return ""

    async def _in_db_worker(self, fn: Callable[..., Any], *args: Any) -> Any:
        assert self._db_worker is not None
        return await asyncio.wrap_future(self._db_worker.submit(fn, *args))

    # -- bookkeeping -------------------------------------------------------------------------
    def _touch(self, source: str) -> None:
        self.counts.source(source)["duration_s"] = round(time.monotonic() - self._started, 3)

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None and count:
            self.stats.inc_value(f"{STATS_PREFIX}/{key}", count)

    def _say(self, line: str) -> None:
        if self.progress is not None:
            print(visible(line), file=self.progress, flush=True)
