"""The whole stored history, snapshot by snapshot in the order it was stored, for `releasewatch rediff`."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.model import ObservedClaim
from pipeline.replay import SnapshotClaims
from storage.models import ClaimRow, Film, Page, Snapshot, Source
from storage.repository._sql import driver_rows
from storage.repository.queries import LIGHT_COLUMNS, light_claims


def load_history(s: Session) -> list[SnapshotClaims]:
    """Every snapshot (including those with no claims) with its claims, in the order they were stored.

    That is the order the crawls diffed them in (a batch is stored in fetch order, under the ingest
    lock), so a replay gives the stored events again. Fetch order would not: crawls running at once
    store a page fetched earlier after one fetched later, and a batch holds a page whose extraction
    took longer after pages fetched after it.

    Three queries in all, whatever the size: the diff replays it in memory. The claims are read as
    the diff reads them (queries.light_claims: no evidence), through the driver, as a rediff reads
    every claim ever stored.
    """
    films = {film_id: (key, title) for film_id, key, title in s.execute(select(Film.id, Film.key, Film.title)).tuples()}
    snapshots = s.execute(
        select(Snapshot.id, Snapshot.fetched_at, Snapshot.published, Source.name, Page.url)
        .join(Page, Page.id == Snapshot.page_id)
        .join(Source, Source.id == Page.source_id)
        .order_by(Snapshot.id)
    ).tuples().all()
    seen: dict[int, tuple[str, str, datetime, date | None]] = {
        snapshot_id: (source, url, fetched_at, published) for snapshot_id, fetched_at, published, source, url in snapshots
    }
    claims: dict[int, list[ObservedClaim]] = defaultdict(list)
    for claim in light_claims(driver_rows(s, select(*LIGHT_COLUMNS).order_by(ClaimRow.id)), films, seen):
        claims[claim.snapshot_id].append(claim)
    return [SnapshotClaims(source, url, sid, fetched_at, tuple(claims.get(sid, ())))
            for sid, fetched_at, _, source, url in snapshots]


__all__ = ["load_history"]
