"""Reading stored data: the current state the diff compares, events and runs for people, counts."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Row, Select, func, select, tuple_
from sqlalchemy.orm import Session

from pipeline.compare import name_key
from pipeline.model import Claim, ObservedClaim
from storage.models import Base, ClaimRow, CrawlRun, EventRow, FetchFailure, Film, Page, Snapshot, Source
from storage.repository._sql import CHUNK, among, driver_rows
from storage.repository.films import film_ids_matching, key_of
from storage.repository.views import ClaimView, EventView, RunView

PageKey = tuple[str, str]  # (source, url)

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


def current_claims(s: Session, film_keys: Iterable[str] | None = None) -> list[ObservedClaim]:
    """The claims of the latest snapshot of every page: what the sources say now, in full.

    With `film_keys`, only claims about those films (a film key or one of its alias keys), in
    claim-id order so that the result is stable.
    """
    stmt = claims_with_context().where(Page.latest_snapshot_id == ClaimRow.snapshot_id).order_by(ClaimRow.id)
    if film_keys is not None:
        keys = set(film_keys)
        if not keys:
            return []
        stmt = stmt.where(film_ids_matching(keys))
    return [observed_claim(r) for r in s.execute(stmt)]


def _films_matching(s: Session, keys: Iterable[str]) -> dict[int, tuple[str, str]]:
    """id -> (key, title) of the films these keys (film or alias keys) name."""
    wanted = sorted(set(keys))
    films: dict[int, tuple[str, str]] = {}
    for start in range(0, len(wanted), CHUNK):
        stmt = select(Film.id, Film.key, Film.title).where(film_ids_matching(wanted[start:start + CHUNK]))
        films.update((film_id, (key, title)) for film_id, key, title in s.execute(stmt).tuples())
    return films


LightRow = tuple[Any, ...]  # the values of LIGHT_COLUMNS, as the driver gives them
LIGHT_COLUMNS = (ClaimRow.id, ClaimRow.snapshot_id, ClaimRow.film_id, ClaimRow.field, ClaimRow.value,
                 ClaimRow.status, ClaimRow.region, ClaimRow.kind, ClaimRow.character)


def current_claims_for_diff(s: Session, film_keys: Iterable[str], *, pages: Iterable[PageKey] = (),
                            actors: Iterable[tuple[str, str, str]] | None = None) -> list[ObservedClaim]:
    """current_claims() of these films as the diff reads them: cheap enough to load at every crawl batch.

    Only what decides keys, comparison groups and events is read (field, value, status, region, kind,
    character; source, page, snapshot, when seen, published); the evidence, the date interval,
    confidence and extractor are left empty, as events cite claims by id and reports read them then.
    With `actors` (cast keys, pipeline.compare.cast_key), cast claims about other actors are left out,
    except on `pages`, whose every claim is kept and whose actors join `actors`: what a replay of new
    versions of `pages` can read (pipeline.replay diffs a page's own keys and its films' dates and
    directors).
    """
    films = _films_matching(s, film_keys)
    ids = sorted(films)
    rows: list[tuple[Any, ...]] = []
    seen: dict[int, tuple[str, str, datetime, date | None]] = {}
    for start in range(0, len(ids), CHUNK):
        rows += driver_rows(s, select(*LIGHT_COLUMNS).join(Page, Page.latest_snapshot_id == ClaimRow.snapshot_id)
                            .where(ClaimRow.film_id.in_(ids[start:start + CHUNK])))
    for condition in among(s, Snapshot.id, sorted({r[1] for r in rows})):
        for snapshot_id, *where in s.execute(
            select(Snapshot.id, Source.name, Page.url, Snapshot.fetched_at, Snapshot.published)
            .join(Page, Page.id == Snapshot.page_id)
            .join(Source, Source.id == Page.source_id)
            .where(condition)
        ).tuples():
            seen[snapshot_id] = tuple(where)  # type: ignore[assignment]
    page_set = set(pages)
    on_pages = {snapshot_id for snapshot_id, where in seen.items() if where[:2] in page_set}
    if actors is not None:
        # Per film id, the actor name keys to keep (pipeline.compare.cast_key's third part).
        film_ids = defaultdict(set)
        for film_id, (key, _) in films.items():
            film_ids[key].add(film_id)
        names: dict[int, set[str]] = defaultdict(set)
        for key, _, name in actors:
            for film_id in film_ids.get(key, ()):
                names[film_id].add(name)
        for _, snapshot_id, film_id, field, value, *_ in rows:
            if field == "cast" and snapshot_id in on_pages:
                names[film_id].add(name_key(value or ""))
        rows = [r for r in rows if r[3] != "cast" or r[1] in on_pages or name_key(r[4] or "") in names[r[2]]]
    rows.sort(key=itemgetter(0))
    return light_claims(rows, films, seen)


def light_claims(rows: Iterable[LightRow], films: dict[int, tuple[str, str]],
                 seen: dict[int, tuple[str, str, datetime, date | None]]) -> list[ObservedClaim]:
    """Rows of LIGHT_COLUMNS as the diff reads them: `films` gives each film id's key and title,
    `seen` each snapshot id's source, url, fetch time and published date. Only what decides keys,
    groups and events is kept; the evidence, date interval, confidence and extractor are left empty
    (events cite claims by id, and reports read them then)."""
    claims = []
    # Without evidence, the claims of many pages are equal (every site gives the same cast): one
    # Claim serves them all.
    light: dict[tuple, Claim] = {}
    for claim_id, snapshot_id, film_id, field, value, status, region, kind, character in rows:
        key, title = films[film_id]
        source, url, fetched_at, published = seen[snapshot_id]
        said = (film_id, field, value, status, region, kind, character)
        claim = light.get(said)
        if claim is None:
            claim = light[said] = Claim(title, field, value, "", 0.0, "", None, None, None, None, status, region, kind,
                                        character)
        claims.append(ObservedClaim(claim_id, key, source, url, snapshot_id, fetched_at, claim, published))
    return claims


def film_keys_of_pages(s: Session, pages: Iterable[tuple[str, str]]) -> frozenset[str]:
    """The films the latest snapshots of these (source, url) pages had claims about.

    Two indexed lookups per 500 pages: the pages' latest snapshots by (source id, url), then their
    claims' films by snapshot id (joining sources by name made PostgreSQL scan every page).
    """
    wanted = sorted(set(pages))
    names = {source for source, _ in wanted}
    source_ids = dict(s.execute(select(Source.name, Source.id).where(Source.name.in_(names))).tuples().all()) if names else {}
    keyed = [(source_ids[source], url) for source, url in wanted if source in source_ids]
    keys: set[str] = set()
    for start in range(0, len(keyed), CHUNK):
        latest = [i for i in s.scalars(select(Page.latest_snapshot_id).where(
            tuple_(Page.source_id, Page.url).in_(keyed[start:start + CHUNK]))) if i is not None]
        if latest:
            keys.update(s.scalars(select(Film.key).distinct().join(ClaimRow, ClaimRow.film_id == Film.id)
                                  .where(ClaimRow.snapshot_id.in_(latest))))
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


def list_events(s: Session, *, since: datetime | None = None, film: str | None = None,
                ids: Iterable[int] | None = None) -> list[EventView]:
    """Stored events, oldest first, optionally detected at or after `since`, about `film`, among `ids`.

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
    if ids is not None:
        stmt = stmt.where(EventRow.id.in_(sorted(set(ids))))
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
