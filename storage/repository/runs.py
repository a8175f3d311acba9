"""Crawl runs whose process is gone: heartbeats, and closing such a run as `interrupted`.

A run is finished by the process that started it. When that process dies first (kill -9, the
database lost mid-crawl, a scheduler timing the crawl out, a reboot) nothing finished it and it
stayed `running` for ever, with counts of 0 although pages were stored. So a running run names its
owner (host, pid) and the owner refreshes `heartbeat_at` while it crawls. `abandoned_runs` finds
the running runs whose owner is gone: on this host a pid that no longer runs, on any host a
heartbeat older than `STALE_AFTER`. `interrupt_run` closes one of them with the counts rebuilt
from what the run stored (its snapshots, events and failure records). The next crawl calls
`close_abandoned_runs` before it starts; a scheduler that kills a crawl it started calls
`interrupt_run` on that crawl's run.
"""
from __future__ import annotations

from collections.abc import Callable
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.errors import NotFound
from storage.models import CrawlRun, EventRow, FetchFailure, Page, Snapshot, Source

HEARTBEAT_SECONDS = 5.0  # how often a crawl's owner refreshes heartbeat_at
STALE_AFTER = timedelta(seconds=60)  # a heartbeat this old means the owner is gone, wherever it ran
CRAWL_PROBLEM = "(crawl)"  # the source name of a failure about the whole run, not one page


@dataclass(frozen=True, slots=True)
class RebuiltCounts:
    """What a run stored, counted from the rows it left (pages found unchanged leave none)."""

    pages_fetched: int
    pages_failed: int
    claims: int
    events: int
    source_counts: dict[str, dict[str, Any]]


def beat(s: Session, run_id: int, at: datetime) -> None:
    """Say that the run's owner is alive (a no-op once the run is finished)."""
    s.execute(update(CrawlRun).where(CrawlRun.id == run_id, CrawlRun.status == "running").values(heartbeat_at=at))


def rebuilt_counts(s: Session, run_id: int) -> RebuiltCounts:
    """The run's counts, overall and per source, from the snapshots, events and failures it stored."""
    per_source: dict[str, dict[str, Any]] = defaultdict(lambda: {"new": 0, "claims": 0, "events": 0, "failed": 0,
                                                                 "failed_by_reason": {}})
    stored = (select(Source.name, func.count(Snapshot.id), func.coalesce(func.sum(Snapshot.claim_count), 0))
              .join(Page, Page.id == Snapshot.page_id).join(Source, Source.id == Page.source_id)
              .where(Snapshot.crawl_run_id == run_id).group_by(Source.name))
    for name, snapshots, claims in s.execute(stored).tuples():
        per_source[name]["new"], per_source[name]["claims"] = int(snapshots), int(claims)
    failed = (select(FetchFailure.source, FetchFailure.reason, func.count(FetchFailure.id))
              .where(FetchFailure.crawl_run_id == run_id, FetchFailure.source != CRAWL_PROBLEM)
              .group_by(FetchFailure.source, FetchFailure.reason))
    for name, reason, count in s.execute(failed).tuples():
        per_source[name]["failed"] += int(count)
        per_source[name]["failed_by_reason"][reason] = int(count)
    events = int(s.scalar(select(func.count(EventRow.id)).where(EventRow.crawl_run_id == run_id)) or 0)
    return RebuiltCounts(
        pages_fetched=sum(c["new"] for c in per_source.values()),
        pages_failed=sum(c["failed"] for c in per_source.values()),
        claims=sum(c["claims"] for c in per_source.values()),
        events=events, source_counts={name: dict(c) for name, c in sorted(per_source.items())},
    )


def interrupt_run(s: Session, run_id: int, at: datetime, reason: str) -> RebuiltCounts | None:
    """Close a running run as `interrupted` at `at`, counts rebuilt, `reason` recorded as its failure.

    Returns the counts, or None when the run had finished already (its own counts stand).
    Call it for a crawl whose process was killed or timed out, or whose owner is gone.
    """
    run = s.get(CrawlRun, run_id, with_for_update=s.get_bind().dialect.name == "postgresql")
    if run is None:
        raise NotFound("crawl run", run_id)
    if run.status != "running":
        return None
    counts = rebuilt_counts(s, run_id)
    s.add(FetchFailure(crawl_run_id=run_id, source=CRAWL_PROBLEM, url="", reason=reason, at=at))
    run.status, run.finished_at = "interrupted", at
    run.pages_fetched, run.pages_failed = counts.pages_fetched, counts.pages_failed
    run.claims, run.events = counts.claims, counts.events
    run.source_counts = {**dict(run.source_counts or {}), **counts.source_counts}
    s.flush()
    return counts


def abandoned_runs(s: Session, now: datetime, *, host: str, running: Callable[[int], bool]) -> list[int]:
    """Running runs whose owner is gone: a pid on this host that `running` denies, or a stale heartbeat."""
    stale = now - STALE_AFTER
    rows = s.execute(select(CrawlRun.id, CrawlRun.host, CrawlRun.pid, CrawlRun.heartbeat_at, CrawlRun.started_at)
                     .where(CrawlRun.status == "running").order_by(CrawlRun.id)).tuples()
    return [run_id for run_id, owner_host, pid, heartbeat, started in rows
            if (owner_host == host and pid is not None and not running(pid)) or (heartbeat or started) < stale]


def close_abandoned_runs(s: Session, now: datetime, *, host: str, running: Callable[[int], bool]) -> list[int]:
    """Close every abandoned run (see `abandoned_runs`) as interrupted; returns their ids."""
    closed = []
    for run_id in abandoned_runs(s, now, host=host, running=running):
        if interrupt_run(s, run_id, now, "interrupted: the crawl's process is gone") is not None:
            closed.append(run_id)
    return closed
