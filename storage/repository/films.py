"""Films and their aliases: the watch-list in the database, and title → film resolution."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from pipeline.film_identity import film_key
from pipeline.model import WatchFilm
from storage.models import Film, FilmAlias
from storage.repository._sql import insert_ignoring_duplicates

KEY_LENGTH = 300  # films.key / film_aliases.key column size


def key_of(title: str, year: int | None = None) -> str:
    """film_key() fitted to the key column; a title of punctuation only keys on its own text."""
    key = film_key(title, year) or title.strip().casefold()
    if not key:
        raise ValueError("a film title must not be empty")
    return key[:KEY_LENGTH]


def film_id_by_key(s: Session, key: str) -> int | None:
    """The film a key names: watch-list aliases first (they are the analyst's word), then film keys."""
    found = s.scalar(select(FilmAlias.film_id).where(FilmAlias.key == key))
    if found is None:
        found = s.scalar(select(Film.id).where(Film.key == key))
    return found


def film_ids_matching(keys: Iterable[str]) -> ColumnElement[bool]:
    """A WHERE clause: the film's key, or one of its aliases' keys, is in `keys`."""
    wanted = list(keys)
    return or_(Film.key.in_(wanted), Film.id.in_(select(FilmAlias.film_id).where(FilmAlias.key.in_(wanted))))


def resolve_film(s: Session, title: str, year: int | None = None) -> int:
    """The id of the film `title` names (by alias key, then title key); creates the film if unknown.

    With a year, "title (year)" is tried first, and a film of the same title whose known year is
    different is another film (a remake): it gets its own row, keyed "title (year)". Without a year,
    or when the stored film's year is unknown, the title alone decides.
    """
    key = key_of(title)
    if year:
        found = film_id_by_key(s, key_of(title, year))
        if found is not None:
            return found
    found = film_id_by_key(s, key)
    if found is not None:
        known_year = s.scalar(select(Film.year).where(Film.id == found))
        if not year or known_year is None or known_year == year:
            return found
        key = key_of(title, year)
    insert_ignoring_duplicates(s, Film, {"title": title.strip(), "key": key, "year": year}, ["key"])
    found = film_id_by_key(s, key)
    assert found is not None, f"film {key!r} vanished right after it was inserted"
    return found


def resolve_films(s: Session, films: Iterable[tuple[str, int | None]]) -> dict[tuple[str, int | None], int]:
    """resolve_film for many (title, year) pairs: the common case, a known title without a year,
    costs two queries for the whole set; the rest goes through resolve_film one by one."""
    wanted = set(films)
    plain = {film: key_of(film[0]) for film in wanted if not film[1]}
    keys = set(plain.values())
    found: dict[str, int] = {}
    if keys:
        found.update(s.execute(select(Film.key, Film.id).where(Film.key.in_(keys))).tuples().all())
        # Aliases win over title keys, as in film_id_by_key.
        found.update(s.execute(select(FilmAlias.key, FilmAlias.film_id).where(FilmAlias.key.in_(keys))).tuples().all())
    resolved = {film: found[key] for film, key in plain.items() if key in found}
    for film in wanted - resolved.keys():
        resolved[film] = resolve_film(s, *film)
    return resolved


def film_ids_for_keys(s: Session, keys: set[str]) -> dict[str, int]:
    """film_for_key for many keys: alias keys first, then film keys, unknown keys become films."""
    found: dict[str, int] = dict(s.execute(select(FilmAlias.key, FilmAlias.film_id).where(FilmAlias.key.in_(keys))).tuples().all())
    rest = keys - found.keys()
    if rest:
        found.update(s.execute(select(Film.key, Film.id).where(Film.key.in_(rest))).tuples().all())
    for key in keys - found.keys():
        found[key] = film_for_key(s, key)
    return found


def film_for_key(s: Session, key: str) -> int:
    """The film a stored key names (events carry keys, not titles); an unknown key becomes a film."""
    found = film_id_by_key(s, key)
    if found is None:
        insert_ignoring_duplicates(s, Film, {"title": key, "key": key[:KEY_LENGTH]}, ["key"])
        found = film_id_by_key(s, key[:KEY_LENGTH])
    assert found is not None
    return found


def sync_watchlist(s: Session, films: Sequence[WatchFilm]) -> None:
    """Make the films table hold the watch-list: one film per entry, its title, year and aliases.

    Additive on purpose: films and aliases dropped from the config stay, because stored claims and
    events point at them. An alias moves to the entry that lists it now.
    """
    for wanted in films:
        key = key_of(wanted.title)
        film = s.scalar(select(Film).where(Film.key == key))
        if film is None:
            known = film_id_by_key(s, key)  # the title may be another film's alias
            film = s.get(Film, known) if known is not None else None
        if film is None:
            resolve_film(s, wanted.title, wanted.year)
            film = s.scalar(select(Film).where(Film.key == key))
            assert film is not None
        film.title = wanted.title
        if wanted.year is not None:
            film.year = wanted.year
        for alias in wanted.aliases:
            alias_key = key_of(alias)
            if alias_key == film.key:
                continue
            row = s.scalar(select(FilmAlias).where(FilmAlias.key == alias_key))
            if row is None:
                s.add(FilmAlias(film_id=film.id, alias=alias, key=alias_key))
            else:
                row.film_id, row.alias = film.id, alias
        s.flush()
