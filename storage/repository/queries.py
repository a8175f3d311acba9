"""Reading stored data: the current state the diff compares, events and runs for people, counts."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, func, select, tuple_
from sqlalchemy.orm import Session

from pipeline.model import Claim, ObservedClaim
from storage.models import Base, ClaimRow, CrawlRun, EventRow, FetchFailure, Film, Page, Snapshot, Source
from storage.repository._sql import latest_snapshots, page_id
from storage.repository.films import film_ids_matching, key_of
from storage.repository.views import ClaimView, EventView, RunView


_CLAIM_COLUMNS = (
    ClaimRow.id, ClaimRow.snapshot_id, ClaimRow.film_written, ClaimRow.field, ClaimRow.value, ClaimRow.precision,
    ClaimRow.start, ClaimRow.end, ClaimRow.status, ClaimRow.region, ClaimRow.kind, ClaimRow.character,
    ClaimRow.evidence, ClaimRow.evidence_start, ClaimRow.evidence_end, ClaimRow.confidence, ClaimRow.extractor,
)


def claims_with_context() -> Select[Any]:
    """Claims joined to what says where and when they were seen, as plain columns.

    Plain rows, not ORM objects: the diff reads tens of thousands of claims at a time, and claims
    are never updated, so identity-map bookkeeping would buy nothing.
    """
    return (
        select(*_CLAIM_COLUMNS, Film.key.label("film_key"), Film.title.label("film_title"),
               Source.name.label("source"), Page.url.label("url"), Snapshot.fetched_at, Snapshot.published,
               Snapshot.updated)
        .join(Snapshot, Snapshot.id == ClaimRow.snapshot_id)
        .join(Page, Page.id == Snapshot.page_id)
        .join(Source, Source.id == Page.source_id)
        .join(Film, Film.id == ClaimRow.film_id)
    )


def claim_of(r: Row[Any]) -> Claim:
    """A row of claims_with_context() as the pipeline's Claim (titled with the film it resolved to)."""
    return Claim(
        film=r.film_title, field=r.field, value=r.value, evidence=r.evidence,
        confidence=r.confidence, extractor=r.extractor, film_written=r.film_written,
        precision=r.precision, start=r.start, end=r.end, status=r.status,
        region=r.region, kind=r.kind, character=r.character,
        evidence_start=r.evidence_start, evidence_end=r.evidence_end,
    )


def observed_claim(r: Row[Any]) -> ObservedClaim:
    """A row of claims_with_context() as the diff sees it."""
    return ObservedClaim(
        claim_id=r.id, film_key=r.film_key, source=r.source, url=r.url, snapshot_id=r.snapshot_id,
        seen_at=r.fetched_at, claim=claim_of(r), published=r.published,
    )


def current_claim_rows(s: Session, film_keys: Iterable[str] | None = None) -> list[Row[Any]]:
    """current_claims as rows of claims_with_context(), for callers that keep only some of them."""
    latest = latest_snapshots().subquery()
    stmt = claims_with_context().join(latest, latest.c.id == ClaimRow.snapshot_id).order_by(ClaimRow.id)
    if film_keys is not None:
        keys = set(film_keys)
        if not keys:
            return []
        stmt = stmt.where(film_ids_matching(keys))
    return list(s.execute(stmt).all())


def current_claims(s: Session, film_keys: Iterable[str] | None = None) -> list[ObservedClaim]:
    """The claims of the latest snapshot of every page: what the sources say now, the diff's input.

    With `film_keys`, only claims about those films (a film key or one of its alias keys), in
    claim-id order so that the result is stable.
    """
    return [observed_claim(r) for r in current_claim_rows(s, film_keys)]


def film_keys_of_pages(s: Session, pages: Iterable[tuple[str, str]]) -> frozenset[str]:
    """The films the latest snapshots of these (source, url) pages had claims about; one query per 500 pages."""
    wanted = sorted(set(pages))
    keys: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        page_ids = select(Page.id).join(Source, Source.id == Page.source_id).where(
            tuple_(Source.name, Page.url).in_(chunk))
        latest = latest_snapshots(pages=page_ids).subquery()
        keys.update(s.scalars(
            select(Film.key).distinct()
            .join(ClaimRow, ClaimRow.film_id == Film.id)
            .join(latest, latest.c.id == ClaimRow.snapshot_id)
        ))
    return frozenset(keys)


def film_keys_of_page(s: Session, source: str, url: str) -> frozenset[str]:
    """The films the page's latest snapshot had claims about (empty for an unknown page)."""
    return film_keys_of_pages(s, [(source, url)])


def _claim_view(r: Row[Any]) -> ClaimView:
    return ClaimView(
        id=r.id, film=r.film_title, film_written=r.film_written, field=r.field, value=r.value,
        precision=r.precision, start=r.start, end=r.end, status=r.status, region=r.region,
        kind=r.kind, character=r.character, evidence=r.evidence,
        evidence_start=r.evidence_start, evidence_end=r.evidence_end, confidence=r.confidence,
        extractor=r.extractor, source=r.source, url=r.url, fetched_at=r.fetched_at, published=r.published,
        snapshot_id=r.snapshot_id, updated=r.updated,
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
        for r in s.execute(claims_with_context().where(ClaimRow.id.in_(claim_ids))):
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
            events=run.events, failures=int(failed), source_counts=dict(run.source_counts or {}),
            stats=dict(run.stats or {}),
        )
        for run, failed in s.execute(stmt)
    ]


def counts(s: Session) -> dict[str, int]:
    """Rows per table, by table name (for tests and `releasewatch status`)."""
    return {
        table.name: int(s.scalar(select(func.count()).select_from(table)) or 0)
        for table in Base.metadata.sorted_tables
    }
