"""Changed pages, stored and diffed in one unit of work.

The snapshots, their claims and the events they cause are written in the caller's transaction, so
a failure leaves the database as it was: nothing half-stored, nothing lost, nothing duplicated.

A batch costs a few queries for the state before it, whatever its size (the current claims the
replay can use, without their evidence text); its snapshots are then replayed in memory one by
one, exactly as `rediff` replays history, so a batch, page-by-page ingestion and a full recompute
all yield the same events.
"""
from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.compare import cast_key
from pipeline.model import Claim, Document, FetchedPage, ObservedClaim
from pipeline.replay import ClaimState, SnapshotClaims, replay_into
from storage import repository
from storage.gcpause import gc_paused
from storage.models import Film
from storage.repository.films import resolve_films
from storage.repository.locks import lock_for_ingest
from storage.repository.views import PageVersion


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    snapshot_id: int
    claims: int
    events: int
    # Another crawl stored this very version first: only the check was recorded (no snapshot).
    unchanged: bool = False


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    pages: tuple[IngestOutcome, ...]
    events: int


def _film_keys(s: Session, ids: dict[tuple[str, int | None], int]) -> dict[tuple[str, int | None], str]:
    """The film key of every resolved (title, year)."""
    keys = dict(s.execute(select(Film.id, Film.key).where(Film.id.in_(set(ids.values())))).tuples().all()) if ids else {}
    return {film: keys[film_id] for film, film_id in ids.items()}


def ingest_batch(s: Session, versions: Sequence[PageVersion], run_id: int | None, now: datetime,
                 timings: dict[str, float] | None = None) -> BatchOutcome:
    """Store new versions of pages with their claims, diff every film they touch, store the events.

    The films compared are those each page spoke about before and those it speaks about now, so a
    claim that disappears is seen as well as one that appears. With `timings`, the seconds spent
    storing (films, snapshots, claims, events) and diffing are added to its "storage" and "diff"
    entries, the diff's two parts (reading the state before, replaying) to "diff_state" and
    "diff_replay", for the crawl's run record and the benchmarks.
    """
    with gc_paused():
        return _ingest_batch(s, versions, run_id, now, timings)


def _ingest_batch(s: Session, all_versions: Sequence[PageVersion], run_id: int | None, now: datetime,
                  timings: dict[str, float] | None) -> BatchOutcome:
    clock = time.perf_counter
    started = clock()
    lock_for_ingest(s)
    # Under the lock: a version another crawl stored meanwhile is a check, not a second snapshot.
    latest = repository.latest_hashes(s, {(v.page.source, v.page.url) for v in all_versions})
    versions = [v for v in all_versions if latest.get((v.page.source, v.page.url)) != v.content_hash]
    for v in all_versions:
        if latest.get((v.page.source, v.page.url)) == v.content_hash:
            headers = {k.lower(): value for k, value in v.page.headers.items()}
            repository.record_unchanged(s, v.page.source, v.page.url, v.page.fetched_at, v.page.status,
                                        etag=headers.get("etag"), last_modified=headers.get("last-modified"))
    if not versions:
        return BatchOutcome(tuple(IngestOutcome(0, 0, 0, unchanged=True) for _ in all_versions), 0)
    film_ids = resolve_films(s, {(c.film, c.film_year) for v in versions for c in v.claims})
    key_of_film = _film_keys(s, film_ids)
    diff_started = clock()
    pages = {(v.page.source, v.page.url) for v in versions}
    films = set(key_of_film.values()) | repository.film_keys_of_pages(s, pages)
    # What the replay reads (pipeline.replay): the batch pages' own keys and the release dates of
    # their films; cast claims of actors no batch page names would be read and built for nothing.
    actors = {cast_key(key_of_film[(c.film, c.film_year)], c.value) for v in versions for c in v.claims if c.field == "cast"}
    state = ClaimState()
    by_page: dict[tuple[str, str], list[ObservedClaim]] = defaultdict(list)
    for claim in repository.current_claims_for_diff(s, films, pages=pages, actors=actors):
        by_page[(claim.source, claim.url)].append(claim)
    state.load(by_page)
    state_seconds = clock() - diff_started
    stored = repository.store_snapshots(s, versions, film_ids, run_id=run_id)
    history = [
        SnapshotClaims(v.page.source, v.page.url, st.snapshot_id, v.page.fetched_at, tuple(
            ObservedClaim(claim_id, key_of_film[(c.film, c.film_year)], v.page.source, v.page.url, st.snapshot_id,
                          v.page.fetched_at, c, v.document.published or v.page.published_hint)
            for claim_id, c in zip(st.claim_ids, v.claims, strict=True)
        ))
        for v, st in zip(versions, stored, strict=True)
    ]
    diff_started = clock()
    replayed = replay_into(state, history)
    known = repository.known_fingerprints(s, {r.event.fingerprint for r in replayed})
    replay_seconds = clock() - diff_started
    total = repository.save_events(s, [r.event for r in replayed], run_id, now, known=known)
    if timings is not None:
        diff_seconds = state_seconds + replay_seconds
        for key, seconds in (("diff", diff_seconds), ("diff_state", state_seconds), ("diff_replay", replay_seconds),
                             ("storage", clock() - started - diff_seconds)):
            timings[key] = timings.get(key, 0.0) + seconds
    per_snapshot: dict[int, int] = defaultdict(int)
    counted = set(known)
    for r in replayed:
        if r.event.fingerprint not in counted:
            counted.add(r.event.fingerprint)
            per_snapshot[r.snapshot_id] += 1
    outcomes = iter(IngestOutcome(st.snapshot_id, len(st.claim_ids), per_snapshot[st.snapshot_id]) for st in stored)
    kept = {id(v) for v in versions}
    return BatchOutcome(tuple(next(outcomes) if id(v) in kept else IngestOutcome(0, 0, 0, unchanged=True)
                              for v in all_versions), total)


def ingest_page(s: Session, page: FetchedPage, document: Document, claims: Sequence[Claim],
                content_hash: str, run_id: int | None, now: datetime) -> IngestOutcome:
    """Store one new version of a page: a batch of one."""
    (outcome,) = ingest_batch(s, [PageVersion(page, document, claims, content_hash)], run_id, now).pages
    return outcome
