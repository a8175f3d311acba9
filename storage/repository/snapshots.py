"""Writing new versions of pages: snapshots and their claims, a batch at a time.

A crawl stores hundreds of changed pages per unit of work. Row by row through the ORM that cost four
statements and two flushes per page; here a batch costs a few set-based statements whatever its
size: find (or create) its sources and pages, insert every snapshot, insert every claim, then update
the pages' bookkeeping (last check, validators, latest snapshot) in one executemany.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select, tuple_, update
from sqlalchemy.orm import Session

from pipeline.model import Claim
from storage.models import ClaimRow, Film, Page, Snapshot, Source, utcnow
from storage.repository._sql import CHUNK, insert_many_ignoring_duplicates, insert_rows
from storage.repository.films import resolve_films
from storage.repository.views import PageVersion, StoredSnapshot

URL_LENGTH = 2048  # pages.url / snapshots.final_url column size

FilmRef = tuple[str, int | None]  # (title, year) as a claim names its film


class CheckedPage(Protocol):
    last_checked_at: datetime | None
    last_status: int | None
    last_error: str | None


def mark_checked(page: CheckedPage, checked_at: datetime, status: int) -> bool:
    """Record a check of the page unless a newer one is recorded; whether it was the newest.

    Pages are fetched concurrently: an older result arriving late must not hide a newer one.
    """
    if page.last_checked_at is not None and checked_at < page.last_checked_at:
        return False
    page.last_checked_at, page.last_status, page.last_error = checked_at, status, None
    return True


@dataclass(slots=True)
class _PageBook:
    """A page's bookkeeping as the batch updates it, written back once at the end."""

    id: int
    last_checked_at: datetime | None
    last_status: int | None
    last_error: str | None
    etag: str | None
    last_modified: str | None
    latest_snapshot_id: int | None
    latest_fetched_at: datetime | None

    def record(self, fetched_at: datetime, status: int, headers: Mapping[str, str], snapshot_id: int) -> None:
        # An older version arriving late must not make the next request conditional on it either.
        if mark_checked(self, fetched_at, status):
            self.etag = headers.get("etag") or self.etag
            self.last_modified = headers.get("last-modified") or self.last_modified
        if self.latest_fetched_at is None or (fetched_at, snapshot_id) >= (self.latest_fetched_at, self.latest_snapshot_id or 0):
            self.latest_snapshot_id, self.latest_fetched_at = snapshot_id, fetched_at

    def row(self) -> dict[str, Any]:
        return {"id": self.id, "last_checked_at": self.last_checked_at, "last_status": self.last_status,
                "last_error": self.last_error, "etag": self.etag, "last_modified": self.last_modified,
                "latest_snapshot_id": self.latest_snapshot_id}


def source_ids(s: Session, names: Iterable[str]) -> dict[str, int]:
    """The id of every named source; a source not (yet) in the config is created, so its pages get stored."""
    wanted = set(names)
    found = dict(s.execute(select(Source.name, Source.id).where(Source.name.in_(wanted))).tuples().all())
    missing = wanted - found.keys()
    if missing:
        insert_many_ignoring_duplicates(s, Source, [{"name": n, "kind": "pages", "trust": 0.5} for n in sorted(missing)], ["name"])
        found.update(s.execute(select(Source.name, Source.id).where(Source.name.in_(missing))).tuples().all())
    return found


def _page_books(s: Session, keys: list[tuple[int, str]]) -> dict[tuple[int, str], _PageBook]:
    books: dict[tuple[int, str], _PageBook] = {}
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start:start + CHUNK]
        stmt = (
            select(Page.source_id, Page.url, Page.id, Page.last_checked_at, Page.last_status, Page.last_error,
                   Page.etag, Page.last_modified, Page.latest_snapshot_id, Snapshot.fetched_at)
            .outerjoin(Snapshot, Snapshot.id == Page.latest_snapshot_id)
            .where(tuple_(Page.source_id, Page.url).in_(chunk))
        )
        for source_id, url, page_id, checked, status, error, etag, modified, latest, latest_at in s.execute(stmt).tuples():
            books[(source_id, url)] = _PageBook(page_id, checked, status, error, etag, modified, latest, latest_at)
    return books


def page_books(s: Session, versions: Sequence[PageVersion]) -> dict[tuple[str, str], _PageBook]:
    """The bookkeeping of every page of the batch, keyed by (source, url as given); unknown pages are created."""
    ids = source_ids(s, {v.page.source for v in versions})
    first_seen: dict[tuple[int, str], datetime] = {}
    for v in versions:
        key = (ids[v.page.source], v.page.url[:URL_LENGTH])
        first_seen[key] = min(first_seen.get(key, v.page.fetched_at), v.page.fetched_at)
    keys = sorted(first_seen)
    books = _page_books(s, keys)
    missing = [key for key in keys if key not in books]
    if missing:
        insert_many_ignoring_duplicates(
            s, Page, [{"source_id": sid, "url": url, "first_seen_at": first_seen[(sid, url)]} for sid, url in missing],
            ["source_id", "url"])
        books.update(_page_books(s, missing))
    return {(v.page.source, v.page.url): books[(ids[v.page.source], v.page.url[:URL_LENGTH])] for v in versions}


def _snapshot_row(v: PageVersion, page_id: int, run_id: int | None) -> dict[str, Any]:
    headers = {name.lower(): value for name, value in v.page.headers.items()}
    return {
        "page_id": page_id, "fetched_at": v.page.fetched_at, "http_status": v.page.status,
        "etag": headers.get("etag"), "last_modified": headers.get("last-modified"), "content_hash": v.content_hash,
        "final_url": (v.page.final_url or v.page.url)[:URL_LENGTH], "title": v.document.title,
        "published": v.document.published or v.page.published_hint, "updated": v.document.updated,
        "claim_count": len(v.claims), "crawl_run_id": run_id,
    }


def _claim_row(claim: Claim, snapshot_id: int, film_id: int, at: datetime) -> dict[str, Any]:
    return {
        "snapshot_id": snapshot_id, "film_id": film_id, "film_written": claim.film_written, "field": claim.field,
        "value": claim.value, "precision": claim.precision, "start_date": claim.start, "end_date": claim.end,
        "status": claim.status, "region": claim.region, "kind": claim.kind, "character": claim.character,
        "evidence": claim.evidence, "evidence_start": claim.evidence_start, "evidence_end": claim.evidence_end,
        "confidence": claim.confidence, "extractor": claim.extractor, "created_at": at,
    }


def store_snapshots(s: Session, versions: Sequence[PageVersion],
                    film_ids: Mapping[FilmRef, int] | None = None, run_id: int | None = None) -> list[StoredSnapshot]:
    """Store new versions of pages and the claims read from them (append-only), in the given order.

    The caller decides which contents changed; each version becomes a new snapshot. Films named by
    the claims are resolved (created when unknown) unless `film_ids` already holds them. A page's
    latest snapshot is the one fetched last (then the one stored last), whatever order the versions
    arrive in.
    """
    if not versions:
        return []
    s.flush()  # ORM changes pending on these pages must not be written over the bulk update below
    ids = dict(film_ids or {})
    unresolved = {(c.film, c.film_year) for v in versions for c in v.claims} - ids.keys()
    if unresolved:
        ids.update(resolve_films(s, unresolved))
    books = page_books(s, versions)
    snapshot_ids = insert_rows(s, Snapshot, [_snapshot_row(v, books[(v.page.source, v.page.url)].id, run_id) for v in versions])
    stored_at = utcnow()
    claim_ids = insert_rows(s, ClaimRow, [
        _claim_row(c, snapshot_id, ids[(c.film, c.film_year)], stored_at)
        for v, snapshot_id in zip(versions, snapshot_ids, strict=True) for c in v.claims
    ])
    for v, snapshot_id in zip(versions, snapshot_ids, strict=True):
        headers = {name.lower(): value for name, value in v.page.headers.items()}
        books[(v.page.source, v.page.url)].record(v.page.fetched_at, v.page.status, headers, snapshot_id)
    written = {book.id: book for book in books.values()}
    s.execute(update(Page), [book.row() for book in written.values()])
    for obj in list(s.identity_map.values()):
        if isinstance(obj, Page) and obj.id in written:
            s.expire(obj)
    used = {ids[(c.film, c.film_year)] for v in versions for c in v.claims}
    keys = dict(s.execute(select(Film.id, Film.key).where(Film.id.in_(used))).tuples().all()) if used else {}
    stored: list[StoredSnapshot] = []
    claim_iter = iter(claim_ids)
    for v, snapshot_id in zip(versions, snapshot_ids, strict=True):
        these = tuple(next(claim_iter) for _ in v.claims)
        films = frozenset(keys[ids[(c.film, c.film_year)]] for c in v.claims)
        stored.append(StoredSnapshot(snapshot_id, books[(v.page.source, v.page.url)].id, these, films))
    return stored
