"""Changed pages, stored and diffed in one unit of work.

The snapshots, their claims and the events they cause are written in the caller's transaction, so
a failure leaves the database as it was: nothing half-stored, nothing lost, nothing duplicated.

A batch costs one query for the state before it, whatever its size; its snapshots are then
replayed in memory one by one, exactly as `rediff` replays history, so a batch, page-by-page
ingestion and a full recompute all yield the same events.
"""
from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from pipeline.compare import cast_key
from pipeline.model import Claim, Document, FetchedPage, ObservedClaim
from pipeline.replay import ClaimState, SnapshotClaims, replay_into
from storage import repository
from storage.models import Film
from storage.repository.films import resolve_films


@dataclass(frozen=True, slots=True)
class PageVersion:
    """One changed page to store: what was fetched, what it says, and its content hash."""

    page: FetchedPage
    document: Document
    claims: Sequence[Claim]
    content_hash: str


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    snapshot_id: int
    claims: int
    events: int


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    pages: tuple[IngestOutcome, ...]
    events: int


def _film_keys(s: Session, ids: dict[tuple[str, int | None], int]) -> dict[tuple[str, int | None], str]:
    """The film key of every resolved (title, year)."""
    keys = dict(s.execute(select(Film.id, Film.key).where(Film.id.in_(set(ids.values())))).tuples().all()) if ids else {}
    return {film: keys[film_id] for film, film_id in ids.items()}


def _rows_the_replay_reads(rows: list[Row[Any]], versions: Sequence[PageVersion], pages: set[tuple[str, str]],
                           key_of_film: dict[tuple[str, int | None], str]) -> Iterator[Row[Any]]:
    """The current-claim rows the batch's replay can use (see pipeline.replay: a page's diff reads
    its own keys and its films' dates and directors): every row of the batch's pages, and of other
    pages every row but cast claims about actors none of the batch's pages names. Building claims
    for rows the replay would drop costs more than reading them."""
    actors = {cast_key(key_of_film[(c.film, c.film_year)], c.value) for v in versions for c in v.claims if c.field == "cast"}
    actors |= {cast_key(r.film_key, r.value) for r in rows if r.field == "cast" and (r.source, r.url) in pages}
    for r in rows:
        if r.field != "cast" or (r.source, r.url) in pages or cast_key(r.film_key, r.value) in actors:
            yield r


def ingest_batch(s: Session, versions: Sequence[PageVersion], run_id: int | None, now: datetime,
                 timings: dict[str, float] | None = None) -> BatchOutcome:
    """Store new versions of pages with their claims, diff every film they touch, store the events.

    The films compared are those each page spoke about before and those it speaks about now, so a
    claim that disappears is seen as well as one that appears. With `timings`, the seconds spent
    storing (films, snapshots, claims, events) and diffing (reading the state before, replaying)
    are added to its "storage" and "diff" entries, for the crawl's run record and the benchmark.
    """
    clock = time.perf_counter
    started = clock()
    film_ids = resolve_films(s, {(c.film, c.film_year) for v in versions for c in v.claims})
    key_of_film = _film_keys(s, film_ids)
    diff_started = clock()
    pages = {(v.page.source, v.page.url) for v in versions}
    films: set[str] = set(key_of_film.values()) | repository.film_keys_of_pages(s, pages)
    state = ClaimState()
    by_page: dict[tuple[str, str], list[ObservedClaim]] = defaultdict(list)
    for row in _rows_the_replay_reads(repository.current_claim_rows(s, films), versions, pages, key_of_film):
        by_page[(row.source, row.url)].append(repository.observed_claim(row))
    for page, claims in by_page.items():
        state.apply(page, tuple(claims))
    diff_seconds = clock() - diff_started
    history = []
    outcomes = []
    for v in versions:
        stored = repository.store_snapshot(s, v.page, v.document, v.claims, v.content_hash, film_ids)
        published = v.document.published or v.page.published_hint
        observed = tuple(
            ObservedClaim(claim_id, key_of_film[(c.film, c.film_year)], v.page.source, v.page.url, stored.snapshot_id,
                          v.page.fetched_at, c, published)
            for claim_id, c in zip(stored.claim_ids, v.claims, strict=True)
        )
        history.append(SnapshotClaims(v.page.source, v.page.url, stored.snapshot_id, v.page.fetched_at, observed))
        outcomes.append((stored, len(stored.claim_ids)))
    diff_started = clock()
    replayed = replay_into(state, history)
    known = repository.known_fingerprints(s, {r.event.fingerprint for r in replayed})
    diff_seconds += clock() - diff_started
    total = repository.save_events(s, [r.event for r in replayed], run_id, now)
    if timings is not None:
        timings["diff"] = timings.get("diff", 0.0) + diff_seconds
        timings["storage"] = timings.get("storage", 0.0) + (clock() - started - diff_seconds)
    per_snapshot: dict[int, int] = defaultdict(int)
    for r in replayed:
        if r.event.fingerprint not in known:
            known.add(r.event.fingerprint)
            per_snapshot[r.snapshot_id] += 1
    return BatchOutcome(tuple(IngestOutcome(st.snapshot_id, n, per_snapshot[st.snapshot_id]) for st, n in outcomes), total)


def ingest_page(s: Session, page: FetchedPage, document: Document, claims: Sequence[Claim],
                content_hash: str, run_id: int | None, now: datetime) -> IngestOutcome:
    """Store one new version of a page: a batch of one."""
    (outcome,) = ingest_batch(s, [PageVersion(page, document, claims, content_hash)], run_id, now).pages
    return outcome
