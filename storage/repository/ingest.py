"""Writing what a crawl saw: sources, runs, failures, snapshots with their claims, events.

Every function takes the caller's Session and only flushes; Database.session() commits the unit of
work, so a crawl batch is stored entirely or not at all.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.config import SourceConfig
from pipeline.model import Claim, Document, Event, FetchedPage
from storage.errors import NotFound
from storage.models import CrawlRun, EventRow, FetchFailure, Page, Snapshot, Source
from storage.repository.alerts import queue_event_deliveries
from storage.repository._sql import CHUNK, among, insert_ignoring_duplicates, insert_many_ignoring_duplicates, page_id
from storage.repository.films import film_ids_for_keys
from storage.repository.snapshots import URL_LENGTH, mark_checked, source_ids, store_snapshots
from storage.repository.views import PageVersion, StoredSnapshot

FINISHED_STATUSES = ("ok", "partial", "failed", "interrupted")


def sync_sources(s: Session, sources: Sequence[SourceConfig]) -> None:
    """Make the sources table hold the configured sources (kind, trust); unlisted ones are kept."""
    for config in sources:
        row = s.scalar(select(Source).where(Source.name == config.name))
        if row is None:
            s.add(Source(name=config.name, kind=config.kind, trust=config.trust))
        elif (row.kind, row.trust) != (config.kind, config.trust):
            row.kind, row.trust = config.kind, config.trust
    s.flush()


def _page(s: Session, source: str, url: str, seen_at: datetime) -> Page:
    url = url[:URL_LENGTH]
    found = page_id(s, source, url)
    if found is None:
        values = {"source_id": source_ids(s, [source])[source], "url": url, "first_seen_at": seen_at}
        insert_ignoring_duplicates(s, Page, values, ["source_id", "url"])
        found = page_id(s, source, url)
    page = s.get(Page, found)
    assert page is not None
    return page


def start_run(s: Session, source_names: Sequence[str], started_at: datetime, *,
              host: str | None = None, pid: int | None = None) -> int:
    """Record that a crawl of these sources started; returns the run id for the other calls.

    `host` and `pid` name the process that will finish the run (see storage.repository.runs).
    """
    run = CrawlRun(started_at=started_at, status="running", sources=list(source_names),
                   heartbeat_at=started_at, host=host, pid=pid)
    s.add(run)
    s.flush()
    return run.id


def finish_run(
    s: Session, run_id: int, *, finished_at: datetime, status: str, pages_fetched: int,
    pages_unchanged: int, pages_failed: int, claims: int, events: int,
    source_counts: dict[str, Any] | None = None, stats: dict[str, Any] | None = None,
) -> None:
    """Record how a run ended (status ok, partial or failed) and what it counted, overall and per source."""
    if status not in FINISHED_STATUSES:
        raise ValueError(f"run status {status!r} is not one of {', '.join(FINISHED_STATUSES)}")
    run = s.get(CrawlRun, run_id)
    if run is None:
        raise NotFound("crawl run", run_id)
    run.finished_at, run.status = finished_at, status
    run.pages_fetched, run.pages_unchanged, run.pages_failed = pages_fetched, pages_unchanged, pages_failed
    run.claims, run.events = claims, events
    if source_counts is not None:
        run.source_counts = json.loads(json.dumps(source_counts))
    if stats is not None:
        run.stats = json.loads(json.dumps(stats))
    s.flush()


def record_failure(s: Session, run_id: int | None, source: str, url: str, reason: str, at: datetime) -> None:
    """Record that a page could not be fetched or read; the page (if known) shows it as its last error."""
    s.add(FetchFailure(crawl_run_id=run_id, source=source, url=url[:URL_LENGTH], reason=reason, at=at))
    found = page_id(s, source, url[:URL_LENGTH])
    if found is not None:
        page = s.get(Page, found)
        assert page is not None
        page.last_error = reason
    s.flush()


def last_content_hash(s: Session, source: str, url: str) -> str | None:
    """The content hash of the page's latest snapshot; None when the page was never stored."""
    return s.scalar(
        select(Snapshot.content_hash)
        .join(Page, Page.latest_snapshot_id == Snapshot.id)
        .join(Source, Source.id == Page.source_id)
        .where(Source.name == source, Page.url == url[:URL_LENGTH])
    )


def record_unchanged(s: Session, source: str, url: str, checked_at: datetime, status: int, *,
                     etag: str | None = None, last_modified: str | None = None) -> None:
    """Record a check that found the same content (or a 304): no snapshot, only the page's check time.

    New validators (a site may re-issue its ETag for the same bytes) replace the stored ones, so the
    next request of the page is conditional on what the site last said.
    """
    page = _page(s, source, url, checked_at)
    mark_checked(page, checked_at, status)
    page.etag = etag or page.etag
    page.last_modified = last_modified or page.last_modified
    s.flush()


def store_snapshot(
    s: Session, page: FetchedPage, document: Document, claims: Sequence[Claim], content_hash: str,
    film_ids: Mapping[tuple[str, int | None], int] | None = None,
) -> StoredSnapshot:
    """Store one fetched version of a page and the claims read from it: store_snapshots of one."""
    (stored,) = store_snapshots(s, [PageVersion(page, document, claims, content_hash)], film_ids)
    return stored


def _json_ready(details: dict[str, Any]) -> dict[str, Any]:
    """Event details as JSON stores them: dates as ISO text, sets as sorted lists; anything else is a bug."""

    def encode(value: object) -> object:
        if isinstance(value, (date, datetime)):
            return value.isoformat()
        if isinstance(value, (set, frozenset)):
            return sorted(value, key=str)
        raise TypeError(f"event details hold a {type(value).__name__}, which JSON cannot store: {value!r}")

    result: dict[str, Any] = json.loads(json.dumps(details, default=encode))
    return result


def known_fingerprints(s: Session, fingerprints: set[str]) -> set[str]:
    """Which of these event fingerprints are stored already.

    One query on PostgreSQL (a crawl batch asks about thousands), IN lists on SQLite (_sql.among).
    """
    known: set[str] = set()
    for condition in among(s, EventRow.fingerprint, sorted(fingerprints)):
        known.update(s.scalars(select(EventRow.fingerprint).where(condition)))
    return known


def save_events(s: Session, events: Sequence[Event], run_id: int | None, detected_at: datetime,
                known: set[str] | None = None) -> int:
    """Store the events whose fingerprint is new; returns how many were. Recomputing a diff is a no-op.

    Set-based: one lookup of known fingerprints (unless the caller just made it: `known`) and of
    film ids per chunk, then one multi-row insert (ON CONFLICT DO NOTHING, so a concurrent writer
    of the same event is harmless).
    """
    new = 0
    unique = list({e.fingerprint: e for e in events}.values())
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start:start + CHUNK]
        stored = known if known is not None else known_fingerprints(s, {e.fingerprint for e in chunk})
        fresh = [e for e in chunk if e.fingerprint not in stored]
        if not fresh:
            continue
        film_ids = film_ids_for_keys(s, {e.film_key for e in fresh})
        rows = [
            {
                "type": event.type, "film_id": film_ids[event.film_key], "field": event.field,
                "region": event.region, "kind": event.kind, "actor": event.actor,
                "old_claim_ids": list(event.old_claim_ids), "new_claim_ids": list(event.new_claim_ids),
                "sources": list(event.sources), "summary": event.summary, "severity": event.severity,
                "details": _json_ready(event.details), "fingerprint": event.fingerprint,
                "crawl_run_id": run_id, "detected_at": detected_at,
            }
            for event in fresh
        ]
        new += insert_many_ignoring_duplicates(s, EventRow, rows, ["fingerprint"])
        # The outbox: the alerts of these events are committed with them, or not at all.
        queue_event_deliveries(s, [e.fingerprint for e in fresh])
    return new
