"""`releasewatch rediff`: recompute every event from stored claims after extraction or diff rules improve.

Nothing an analyst already saw is deleted: stored events stay; events the current rules produce
and that are not stored yet are added; stored events the current rules no longer produce are
reported (and marked, so reports can tell them apart).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pipeline.replay import replay
from storage.models import EventRow
from storage.repository import save_events
from storage.repository._sql import among
from storage.repository.history import load_history
from storage.gcpause import gc_paused

@dataclass(frozen=True, slots=True)
class RediffOutcome:
    snapshots: int
    recomputed: int
    added: int
    already_stored: int
    no_longer_produced: tuple[int, ...]


def rediff(s: Session, now: datetime) -> RediffOutcome:
    """Replay the whole history through the diff and store what is new (in the caller's unit of work)."""
    with gc_paused():
        history = load_history(s)
        events = {r.event.fingerprint: r.event for r in replay(history)}
    stored = dict(s.execute(select(EventRow.fingerprint, EventRow.id)).tuples().all())
    added = save_events(s, list(events.values()), None, now, known=set(stored))
    stale = tuple(sorted(event_id for fingerprint, event_id in stored.items() if fingerprint not in events))
    produced_again = sorted(stored[f] for f in events if f in stored)
    for condition in among(s, EventRow.id, stale):
        s.execute(update(EventRow).where(condition, EventRow.superseded_at.is_(None)).values(superseded_at=now))
    for condition in among(s, EventRow.id, produced_again):
        s.execute(update(EventRow).where(condition, EventRow.superseded_at.is_not(None)).values(superseded_at=None))
    return RediffOutcome(len(history), len(events), added, len(events) - added, stale)
