"""The feeds, sitemaps and robots.txt files a crawl reads, between runs: validators and children.

`listing_states` is read once before a crawl (one query); `record_listings` writes a batch of
checks in the crawl's storage worker, newest check last.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Listing, Source
from storage.repository._sql import insert_many_ignoring_duplicates
from storage.repository.snapshots import URL_LENGTH, source_ids

Child = tuple[str, date | None]  # a listing it names, with the lastmod the parent gave it


@dataclass(frozen=True, slots=True)
class ListingState:
    etag: str | None
    last_modified: str | None
    children: tuple[Child, ...]


@dataclass(frozen=True, slots=True)
class ListingCheck:
    """One fetch of a listing: 200 (read: its validators and the listings it named) or 304."""

    source: str
    url: str
    at: datetime
    status: int
    etag: str | None
    last_modified: str | None
    children: tuple[Child, ...] | None  # None: unchanged (a 304 keeps what was stored)


def listing_states(s: Session, source_names: Iterable[str]) -> dict[tuple[str, str], ListingState]:
    """Every stored listing of these sources, keyed by (source name, URL)."""
    names = sorted(set(source_names))
    if not names:
        return {}
    stmt = (select(Source.name, Listing.url, Listing.etag, Listing.last_modified, Listing.children)
            .join(Source, Source.id == Listing.source_id).where(Source.name.in_(names)))
    return {
        (name, url): ListingState(etag, last_modified, tuple(
            (child, date.fromisoformat(lastmod) if lastmod else None) for child, lastmod in children or ()))
        for name, url, etag, last_modified, children in s.execute(stmt).tuples()
    }


def record_listings(s: Session, checks: Sequence[ListingCheck]) -> None:
    """Keep each listing's validators and children from its newest check (a 304 keeps the children)."""
    if not checks:
        return
    ids = source_ids(s, {c.source for c in checks})
    wanted = {(ids[c.source], c.url[:URL_LENGTH]) for c in checks}
    insert_many_ignoring_duplicates(s, Listing, [{"source_id": sid, "url": url} for sid, url in sorted(wanted)],
                                    ["source_id", "url"])
    rows = {(row.source_id, row.url): row for row in s.scalars(
        select(Listing).where(Listing.source_id.in_({sid for sid, _ in wanted})))}
    for check in sorted(checks, key=lambda c: c.at):
        row = rows[(ids[check.source], check.url[:URL_LENGTH])]
        if row.last_checked_at is not None and check.at < row.last_checked_at:
            continue
        row.last_checked_at, row.last_status = check.at, check.status
        row.etag = check.etag or row.etag
        row.last_modified = check.last_modified or row.last_modified
        if check.children is not None:
            row.children = [[child, lastmod.isoformat() if lastmod else None] for child, lastmod in check.children]
    s.flush()
