"""One changed page, stored and diffed in one unit of work.

The snapshot, its claims and the events they cause are written in the caller's transaction, so a
failure leaves the database as it was: nothing half-stored, nothing lost, nothing duplicated.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.diff import diff
from pipeline.model import Claim, Document, FetchedPage
from storage import repository
from storage.models import Film


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    snapshot_id: int
    claims: int
    events: int


def _film_keys(s: Session, claims: Sequence[Claim]) -> frozenset[str]:
    """The keys of the films these claims resolve to (creating films seen for the first time)."""
    ids = {repository.resolve_film(s, c.film) for c in claims}
    if not ids:
        return frozenset()
    return frozenset(s.scalars(select(Film.key).where(Film.id.in_(ids))))


def ingest_page(s: Session, page: FetchedPage, document: Document, claims: Sequence[Claim],
                content_hash: str, run_id: int | None, now: datetime) -> IngestOutcome:
    """Store a new version of a page with its claims, diff the films it touches, store the events.

    The films compared are those the page spoke about before and those it speaks about now, so a
    claim that disappears is seen as well as one that appears.
    """
    keys = repository.film_keys_of_page(s, page.source, page.url) | _film_keys(s, claims)
    before = repository.current_claims(s, keys)
    stored = repository.store_snapshot(s, page, document, claims, content_hash)
    after = repository.current_claims(s, keys | stored.film_keys)
    events = diff(before, after)
    new_events = repository.save_events(s, events, run_id, now)
    return IngestOutcome(stored.snapshot_id, len(stored.claim_ids), new_events)
