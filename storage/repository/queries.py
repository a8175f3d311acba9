"""Reading stored data: the current state the diff compares, events and runs for people, counts."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session

from pipeline.model import Claim, ObservedClaim
from storage.models import Base, ClaimRow, CrawlRun, EventRow, FetchFailure, Film, Page, Snapshot, Source
from storage.repository._sql import latest_snapshots, page_id
from storage.repository.films import film_ids_matching, key_of
from storage.repository.views import ClaimView, EventView, RunView


def _claims_with_context() -> Select[Any]:
    """Claims joined to what says where and when they were seen."""
    return (
        select(ClaimRow, Film.key, Film.title, Source.name, Page.url, Snapshot.fetched_at,
               Snapshot.published, Snapshot.updated)
        .join(Snapshot, Snapshot.id == ClaimRow.snapshot_id)
        .join(Page, Page.id == Snapshot.page_id)
        .join(Source, Source.id == Page.source_id)
        .join(Film, Film.id == ClaimRow.film_id)
    )


def _claim(row: ClaimRow, title: str) -> Claim:
    return Claim(
        film=title, field=row.field, value=row.value, evidence=row.evidence,  # type: ignore[arg-type]
        confidence=row.confidence, extractor=row.extractor, film_written=row.film_written,
        precision=row.precision, start=row.start, end=row.end, status=row.status,  # type: ignore[arg-type]
        region=row.region, kind=row.kind, character=row.character,  # type: ignore[arg-type]
        evidence_start=row.evidence_start, evidence_end=row.evidence_end,
    )


def current_claims(s: Session, film_keys: Iterable[str] | None = None) -> list[ObservedClaim]:
    """The claims of the latest snapshot of every page: what the sources say now, the diff's input.

    With `film_keys`, only claims about those films (a film key or one of its alias keys), in
    claim-id order so that the result is stable.
    """
    latest = latest_snapshots().subquery()
    stmt = _claims_with_context().join(latest, latest.c.id == ClaimRow.snapshot_id).order_by(ClaimRow.id)
    if film_keys is not None:
        keys = set(film_keys)
        if not keys:
            return []
        stmt = stmt.where(film_ids_matching(keys))
    return [
        ObservedClaim(
            claim_id=row.id, film_key=key, source=source, url=url, snapshot_id=row.snapshot_id,
            seen_at=fetched_at, claim=_claim(row, title), published=published,
        )
        for row, key, title, source, url, fetched_at, published, _updated in s.execute(stmt)
    ]


def film_keys_of_page(s: Session, source: str, url: str) -> frozenset[str]:
    """The films the page's latest snapshot had claims about (empty for an unknown page)."""
    page = page_id(s, source, url)
    if page is None:
        return frozenset()
    latest = latest_snapshots(page).subquery()
    keys = s.scalars(
        select(Film.key).distinct()
        .join(ClaimRow, ClaimRow.film_id == Film.id)
        .join(latest, latest.c.id == ClaimRow.snapshot_id)
    )
    return frozenset(keys)


def _claim_view(r: Row[Any]) -> ClaimView:
    row, _key, title, source, url, fetched_at, published, updated = r
    return ClaimView(
        id=row.id, film=title, film_written=row.film_written, field=row.field, value=row.value,
        precision=row.precision, start=row.start, end=row.end, status=row.status, region=row.region,
        kind=row.kind, character=row.character, evidence=row.evidence,
        evidence_start=row.evidence_start, evidence_end=row.evidence_end, confidence=row.confidence,
        extractor=row.extractor, source=source, url=url, fetched_at=fetched_at, published=published,
        snapshot_id=row.snapshot_id, updated=updated,
    )


def list_events(s: Session, *, since: datetime | None = None, film: str | None = None) -> list[EventView]:
    """Stored events, oldest first, optionally detected at or after `since` and about `film`.

    `film` matches a film's title or any of its aliases, the way the extractor would write it
    (case, accents and a leading article do not matter).
    """
    stmt = (
        select(EventRow, Film.title, Film.key)
        .join(Film, Film.id == EventRow.film_id)
        .order_by(EventRow.detected_at, EventRow.id)
    )
    if since is not None:
        stmt = stmt.where(EventRow.detected_at >= since)
    if film is not None:
        stmt = stmt.where(film_ids_matching([key_of(film)]))
    rows = s.execute(stmt).all()
    claim_ids = {int(i) for event, _, _ in rows for i in (*event.old_claim_ids, *event.new_claim_ids)}
    claims: dict[int, ClaimView] = {}
    if claim_ids:
        for r in s.execute(_claims_with_context().where(ClaimRow.id.in_(claim_ids))):
            view = _claim_view(r)
            claims[view.id] = view
    return [
        EventView(
            id=event.id, type=event.type, film=title, field=event.field, region=event.region,
            kind=event.kind, actor=event.actor, summary=event.summary, severity=event.severity,
            detected_at=event.detected_at, sources=list(event.sources),
            old=[claims[int(i)] for i in event.old_claim_ids if int(i) in claims],
            new=[claims[int(i)] for i in event.new_claim_ids if int(i) in claims],
            film_key=key, fingerprint=event.fingerprint, crawl_run_id=event.crawl_run_id,
            details=dict(event.details or {}), superseded_at=event.superseded_at,
        )
        for event, title, key in rows
    ]


def list_runs(s: Session, limit: int = 20) -> list[RunView]:
    """The latest `limit` crawl runs, newest first, with how many fetch failures each recorded."""
    failures = (
        select(func.count(FetchFailure.id)).where(FetchFailure.crawl_run_id == CrawlRun.id).scalar_subquery()
    )
    stmt = select(CrawlRun, failures).order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc()).limit(limit)
    return [
        RunView(
            id=run.id, started_at=run.started_at, finished_at=run.finished_at, status=run.status,
            sources=tuple(run.sources), pages_fetched=run.pages_fetched,
            pages_unchanged=run.pages_unchanged, pages_failed=run.pages_failed, claims=run.claims,
            events=run.events, failures=int(failed),
        )
        for run, failed in s.execute(stmt)
    ]


def counts(s: Session) -> dict[str, int]:
    """Rows per table, by table name (for tests and `releasewatch status`)."""
    return {
        table.name: int(s.scalar(select(func.count()).select_from(table)) or 0)
        for table in Base.metadata.sorted_tables
    }
