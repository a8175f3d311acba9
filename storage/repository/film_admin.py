"""Films as an analyst manages them: list them with their aliases and counts, merge two that are one."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.orm import Session

from storage.errors import NotFound
from storage.models import ClaimRow, EventRow, Film, FilmAlias
from storage.repository.films import film_id_by_key, key_of


@dataclass(frozen=True, slots=True)
class FilmView:
    id: int
    title: str
    key: str
    year: int | None
    aliases: tuple[str, ...]
    claims: int
    events: int


@dataclass(frozen=True, slots=True)
class MergeOutcome:
    kept: FilmView
    merged_title: str
    claims_moved: int
    events_moved: int


def _counts(s: Session, column, film_ids: list[int]) -> dict[int, int]:  # type: ignore[no-untyped-def]
    if not film_ids:
        return {}
    return dict(s.execute(select(column, func.count()).where(column.in_(film_ids)).group_by(column)).tuples().all())


def list_films(s: Session, film_ids: list[int] | None = None) -> list[FilmView]:
    """Films by title, each with its aliases and how many claims and events name it."""
    stmt = select(Film).order_by(Film.title, Film.id)
    if film_ids is not None:
        stmt = stmt.where(Film.id.in_(film_ids))
    films = list(s.scalars(stmt))
    ids = [f.id for f in films]
    aliases: dict[int, list[str]] = {}
    if ids:
        for film_id, alias in s.execute(select(FilmAlias.film_id, FilmAlias.alias).where(FilmAlias.film_id.in_(ids)).order_by(FilmAlias.alias)):
            aliases.setdefault(film_id, []).append(alias)
    claims, events = _counts(s, ClaimRow.film_id, ids), _counts(s, EventRow.film_id, ids)
    return [FilmView(f.id, f.title, f.key, f.year, tuple(aliases.get(f.id, ())), claims.get(f.id, 0), events.get(f.id, 0))
            for f in films]


def find_film(s: Session, title: str) -> int:
    """The film a title or alias names; NotFound otherwise."""
    found = film_id_by_key(s, key_of(title))
    if found is None:
        raise NotFound("film", title)
    return found


def merge_films(s: Session, keep: str, merge: str) -> MergeOutcome:
    """Join film `merge` into film `keep`: every claim, event and alias moves; the merged title
    becomes an alias, so later pages that write it resolve to the kept film."""
    keep_id, merge_id = find_film(s, keep), find_film(s, merge)
    if keep_id == merge_id:
        raise ValueError(f"{keep!r} and {merge!r} are already the same film")
    merged = s.get(Film, merge_id)
    assert merged is not None
    title, key = merged.title, merged.key
    # An UPDATE's result is a CursorResult, which has the rowcount; Session.execute is typed as Result.
    claims = cast(CursorResult[Any], s.execute(update(ClaimRow).where(ClaimRow.film_id == merge_id).values(film_id=keep_id))).rowcount
    events = cast(CursorResult[Any], s.execute(update(EventRow).where(EventRow.film_id == merge_id).values(film_id=keep_id))).rowcount
    s.execute(update(FilmAlias).where(FilmAlias.film_id == merge_id).values(film_id=keep_id))
    s.execute(delete(Film).where(Film.id == merge_id))
    s.flush()
    s.add(FilmAlias(film_id=keep_id, alias=title, key=key))
    s.flush()
    (view,) = list_films(s, [keep_id])
    return MergeOutcome(view, title, claims or 0, events or 0)
