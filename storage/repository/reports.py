"""What change reports, film dossiers, calendars and `ack` read and write.

Events are loaded with the claims they cite (as list_events does) but filtered in SQL by type,
film, time and review; the newest review of each event; the whole claim history of films for
timelines; and the report marks that let `report` without --since start where it left off.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from pipeline.reports.views import Review
from storage.errors import NotFound
from storage.models import ClaimRow, EventAck, EventRow, Film, FilmAlias, ReportMark, Snapshot
from storage.repository._sql import among
from storage.repository.films import film_ids_matching
from storage.repository.queries import _claim_view, claims_with_context
from storage.repository.views import ClaimView, EventView


_EVENT_COLUMNS = (EventRow.id, EventRow.type, EventRow.field, EventRow.region, EventRow.kind, EventRow.actor,
                  EventRow.summary, EventRow.severity, EventRow.detected_at, EventRow.sources, EventRow.old_claim_ids,
                  EventRow.new_claim_ids, EventRow.fingerprint, EventRow.crawl_run_id, EventRow.details,
                  EventRow.superseded_at)


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events a report shows; every part narrows it, an empty part does not."""

    since: datetime | None = None
    after_event_id: int | None = None
    film_keys: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    unacked: bool = False


def report_events(s: Session, wanted: EventFilter) -> list[EventView]:
    """Stored events matching `wanted`, oldest first, each with the claims it cites.

    Sources are matched in Python: events keep theirs as a JSON list, which SQLite and PostgreSQL
    query differently, and a report never holds more than some ten thousand events.
    """
    # Plain columns, not ORM objects: a report reads up to tens of thousands of events at once.
    stmt = select(*_EVENT_COLUMNS, Film.title, Film.key).join(Film, Film.id == EventRow.film_id).order_by(EventRow.id)
    if wanted.since is not None:
        stmt = stmt.where(EventRow.detected_at >= wanted.since)
    if wanted.after_event_id is not None:
        stmt = stmt.where(EventRow.id > wanted.after_event_id)
    if wanted.film_keys:
        stmt = stmt.where(film_ids_matching(wanted.film_keys))
    if wanted.types:
        stmt = stmt.where(EventRow.type.in_(wanted.types))
    if wanted.unacked:
        stmt = stmt.where(~exists().where(EventAck.event_id == EventRow.id))
    rows = s.execute(stmt).all()
    if wanted.sources:
        chosen = set(wanted.sources)
        rows = [r for r in rows if chosen & set(r.sources)]
    claim_ids = sorted({int(i) for r in rows for i in (*r.old_claim_ids, *r.new_claim_ids)})
    claims: dict[int, ClaimView] = {}
    for condition in among(s, ClaimRow.id, claim_ids):
        for c in s.execute(claims_with_context().where(condition)):
            claims[c.id] = _claim_view(c)
    return [
        EventView(
            id=r.id, type=r.type, film=r.title, field=r.field, region=r.region, kind=r.kind, actor=r.actor,
            summary=r.summary, severity=r.severity, detected_at=r.detected_at, sources=list(r.sources),
            old=[claims[int(i)] for i in r.old_claim_ids if int(i) in claims],
            new=[claims[int(i)] for i in r.new_claim_ids if int(i) in claims],
            film_key=r.key, fingerprint=r.fingerprint, crawl_run_id=r.crawl_run_id,
            details=dict(r.details or {}), superseded_at=r.superseded_at,
        )
        for r in rows
    ]


def event_count(s: Session) -> int:
    return int(s.scalar(select(func.count(EventRow.id))) or 0)


def reviews_of(s: Session, event_ids: Iterable[int]) -> dict[int, Review]:
    """The newest review of each of these events that has one."""
    found: dict[int, Review] = {}
    for condition in among(s, EventAck.event_id, sorted(set(event_ids))):
        stmt = select(EventAck).where(condition).order_by(EventAck.at, EventAck.id)
        for ack in s.scalars(stmt):
            found[ack.event_id] = Review(ack.event_id, ack.by, ack.at, ack.note)
    return found


def acknowledge(s: Session, event_ids: Sequence[int], by: str, note: str | None, at: datetime) -> list[int]:
    """Mark events reviewed by `by` at `at`; NotFound (and nothing written) when an id is unknown."""
    wanted = sorted(set(event_ids))
    known = set(s.scalars(select(EventRow.id).where(EventRow.id.in_(wanted)))) if wanted else set()
    missing = [i for i in wanted if i not in known]
    if missing:
        raise NotFound("event", missing[0] if len(missing) == 1 else missing)
    s.add_all(EventAck(event_id=i, by=by, note=note, at=at) for i in wanted)
    s.flush()
    return wanted


def report_mark(s: Session, key: str) -> int | None:
    """The newest event id the report kind `key` showed, or None if it never ran."""
    return s.scalar(select(ReportMark.last_event_id).where(ReportMark.key == key))


def save_report_mark(s: Session, key: str, last_event_id: int, at: datetime) -> None:
    mark = s.scalar(select(ReportMark).where(ReportMark.key == key))
    if mark is None:
        s.add(ReportMark(key=key, last_event_id=last_event_id, reported_at=at))
    else:
        mark.last_event_id = max(mark.last_event_id, last_event_id)
        mark.reported_at = at
    s.flush()


def claim_history(s: Session, film_keys: Iterable[str]) -> list[ClaimView]:
    """Every claim ever stored about these films (by film or alias key), oldest sighting first."""
    keys = sorted(set(film_keys))
    if not keys:
        return []
    stmt = claims_with_context().where(film_ids_matching(keys)).order_by(Snapshot.fetched_at, ClaimRow.id)
    return [_claim_view(r) for r in s.execute(stmt)]


def claim_history_of_film_ids(s: Session, film_keys: Iterable[str]) -> dict[str, list[ClaimView]]:
    """claim_history per film key, for many films at once (release dates only: what timelines draw)."""
    found: dict[str, list[ClaimView]] = {}
    for condition in among(s, Film.key, sorted(set(film_keys))):
        stmt = (claims_with_context().where(condition, ClaimRow.field == "release_date")
                .order_by(Snapshot.fetched_at, ClaimRow.id))
        for r in s.execute(stmt):
            found.setdefault(r.film_key, []).append(_claim_view(r))
    return found


def known_titles(s: Session) -> dict[str, str]:
    """Every film title and alias, mapped to its film's key: what a title may be matched against."""
    titles = dict(s.execute(select(Film.title, Film.key)).tuples().all())
    titles.update(s.execute(select(FilmAlias.alias, Film.key).join(Film, Film.id == FilmAlias.film_id)).tuples().all())
    return titles


def film_of_key(s: Session, key: str) -> tuple[str, str, tuple[str, ...]]:
    """(title, key, aliases) of the film a title or alias key names; NotFound otherwise."""
    film = s.execute(select(Film).where(film_ids_matching([key]))).scalars().first()
    if film is None:
        raise NotFound("film", key)
    aliases = tuple(s.scalars(select(FilmAlias.alias).where(FilmAlias.film_id == film.id).order_by(FilmAlias.alias)))
    return film.title, film.key, aliases
