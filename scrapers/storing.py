"""Storage off the crawl's event loop: batches written by one database worker (a thread or a process).

Scrapy's reactor and SQLAlchemy are both pure-Python work; sharing one interpreter lock, a busy
database thread slows the downloads and the hand-off to the extraction workers. So when the crawl
extracts in worker processes it also stores in one: `storage_worker` returns a single-process pool
whose calls run one at a time (SQLite has one writer anyway) against a Database opened there
once. Without extraction workers (tests, tiny crawls) a single thread does the same job.

Every function here runs in that worker and returns plain values: outcomes per page, the seconds
spent, and the problems to report (the worker has no stderr or Scrapy stats of its own).
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from scrapers.lifeline import worker_lifeline
from storage import repository
from storage.db import Database, storage_failure
from storage.errors import StorageFailed
from storage.ingest import IngestOutcome, PageVersion, ingest_batch
from storage.repository.listings import ListingCheck

logger = logging.getLogger(__name__)

_database: Database | None = None


@dataclass(frozen=True, slots=True)
class Checked:
    """A check that found the page unchanged (same hash, or a 304)."""

    source: str
    url: str
    at: datetime
    status: int
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class Failed:
    source: str
    url: str
    reason: str
    at: datetime


@dataclass(slots=True)
class Written:
    """What writing one batch did: per version an outcome or why it could not be stored."""

    outcomes: list[IngestOutcome | str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    records_lost: int = 0


def storage_worker(in_process: bool) -> Executor:
    """One worker for every database call of a crawl (see the module docstring)."""
    if in_process:
        return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=worker_lifeline, initargs=(os.getpid(),))
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="releasewatch-db")


def open_store(database_url: str, source_names: Iterable[str]) -> dict[tuple[str, str], str | None]:
    """Open the worker's database; returns the latest content hash of every known page of these sources."""
    global _database
    _database = Database(database_url)
    names = list(source_names)
    if not names:
        return {}
    with _database.session() as s:
        return {key: state.content_hash for key, state in repository.page_states(s, names).items()}


def close_store() -> None:
    global _database
    if _database is not None:
        _database.dispose()
        _database = None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(getattr(exc, "orig", None) or exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _stop_if_failing(exc: Exception) -> None:
    """Raise StorageFailed when `exc` says the database cannot store anything (not one page's problem)."""
    reason = storage_failure(exc)
    if reason is not None:
        raise StorageFailed(reason) from None


def _write_checks(s: object, run_id: int | None, checked: list[Checked], failed: list[Failed],
                  timings: dict[str, float]) -> None:
    started = time.perf_counter()
    for c in checked:
        repository.record_unchanged(s, c.source, c.url, c.at, c.status, etag=c.etag,  # type: ignore[arg-type]
                                    last_modified=c.last_modified)
    for f in failed:
        repository.record_failure(s, run_id, f.source, f.url, f.reason, f.at)  # type: ignore[arg-type]
    timings["storage"] = timings.get("storage", 0.0) + time.perf_counter() - started


def write_batch(run_id: int | None, versions: list[PageVersion], checked: list[Checked], failed: list[Failed],
                now: datetime, listings: Sequence[ListingCheck] = ()) -> Written:
    """Store one batch in one unit of work; on any error, again one item per unit of work.

    So a page that cannot be stored (a bug, a constraint) costs only itself: the others of its
    batch are stored, and it is reported with its reason. A failure of the database itself (lost,
    full, I/O errors) raises StorageFailed at once instead: every other write would fail the same way.
    """
    assert _database is not None, "open_store() was not called in this worker"
    written = Written()
    try:
        with _database.session() as s:
            _write_checks(s, run_id, checked, failed, written.timings)
            repository.record_listings(s, listings)
            if versions:
                written.outcomes = list(ingest_batch(s, versions, run_id, now, written.timings).pages)
        return written
    except Exception as exc:
        _stop_if_failing(exc)
        logger.warning("storing a batch of %d pages failed (%s); storing them one by one", len(versions), _one_line(exc))
        written = Written(warnings=[f"a batch of {len(versions)} pages failed ({_one_line(exc)}); stored one by one"])
    items: list[Checked | Failed] = [*checked, *failed]
    for item in items:
        try:
            with _database.session() as s:
                _write_checks(s, run_id, [item] if isinstance(item, Checked) else [],
                              [item] if isinstance(item, Failed) else [], written.timings)
        except Exception as exc:
            _stop_if_failing(exc)
            written.records_lost += 1
            written.warnings.append(f"cannot record {item.url} in the database: {_one_line(exc)}")
    for check in listings:
        try:
            with _database.session() as s:
                repository.record_listings(s, [check])
        except Exception as exc:
            _stop_if_failing(exc)
            # Only the next request of this listing is unconditional: nothing else is lost.
            written.warnings.append(f"cannot record listing {check.url} in the database: {_one_line(exc)}")
    for version in versions:
        try:
            with _database.session() as s:
                (outcome,) = ingest_batch(s, [version], run_id, now, written.timings).pages
            written.outcomes.append(outcome)
        except Exception as exc:
            _stop_if_failing(exc)
            logger.error("storing %s (%s) failed: %s", version.page.url, version.page.source, _one_line(exc))
            written.outcomes.append(f"cannot store page: {_one_line(exc)}")
    return written
