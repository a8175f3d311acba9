"""The whole stored history, snapshot by snapshot in fetch order, for `releasewatch rediff`."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.model import ObservedClaim
from pipeline.replay import SnapshotClaims
from storage.models import ClaimRow, Page, Snapshot, Source
from storage.repository.queries import claims_with_context, observed_claim


def load_history(s: Session) -> list[SnapshotClaims]:
    """Every snapshot (including those with no claims) with its claims, ordered by fetch time then id.

    Two queries in all, whatever the size: the diff replays it in memory.
    """
    claims: dict[int, list[ObservedClaim]] = defaultdict(list)
    stmt = claims_with_context().order_by(ClaimRow.id).execution_options(yield_per=5000)
    for r in s.execute(stmt):
        claims[r.snapshot_id].append(observed_claim(r))
    snapshots = s.execute(
        select(Snapshot.id, Snapshot.fetched_at, Source.name, Page.url)
        .join(Page, Page.id == Snapshot.page_id)
        .join(Source, Source.id == Page.source_id)
        .order_by(Snapshot.fetched_at, Snapshot.id)
    )
    return [SnapshotClaims(source, url, sid, fetched_at, tuple(claims.get(sid, ()))) for sid, fetched_at, source, url in snapshots]


__all__ = ["load_history"]
