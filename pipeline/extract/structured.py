"""Claims read from a page's structured data (JSON-LD / microdata Movie, ScreeningEvent).

Publishers that describe a film in schema.org terms state its director, actors (with
PerformanceRole character names) and release date outright; these claims need no language rules.
A ScreeningEvent's startDate is a showtime, not a release, so only its film's people are read.
"""
from __future__ import annotations

import re
from typing import Any, Iterator, Sequence

from pipeline.extract.films import title_variants
from pipeline.film_identity import film_key
from pipeline.model import Claim, WatchFilm
from pipeline.release_window import window


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    return {str(x) for x in t} if isinstance(t, list) else {str(t)}


def _names(value: Any) -> list[tuple[str, str | None]]:
    """(person name, character) pairs from a schema.org director/actor value."""
    out: list[tuple[str, str | None]] = []
    for v in value if isinstance(value, list) else [value]:
        if isinstance(v, str) and v.strip():
            out.append((v.strip(), None))
        elif isinstance(v, dict):
            if "PerformanceRole" in _types(v):
                for name, _ in _names(v.get("actor")):
                    char = v.get("characterName")
                    out.append((name, char.strip() if isinstance(char, str) and char.strip() else None))
            elif isinstance(v.get("name"), str) and v["name"].strip():
                out.append((v["name"].strip(), None))
    return out


def _resolve(title: str, watchlist: Sequence[WatchFilm]) -> str:
    key = film_key(title)
    for film in watchlist:
        if key in {film_key(v) for v in title_variants(film)}:
            return film.title
    return title


def structured_claims(objects: Sequence[dict[str, Any]], watchlist: Sequence[WatchFilm] = ()) -> Iterator[Claim]:
    """Director, cast and release-date claims stated by Movie objects (and films ScreeningEvents present)."""
    movies: list[dict[str, Any]] = []
    for obj in objects:
        types = _types(obj)
        if "Movie" in types:
            movies.append(obj)
        elif "ScreeningEvent" in types and isinstance(obj.get("workPresented"), dict):
            movies.append({**obj["workPresented"], "@type": "Movie", "_screening": True})
    for movie in movies:
        title = movie.get("name")
        if not isinstance(title, str) or not title.strip():
            continue
        film = _resolve(title.strip(), watchlist)

        def evidence(prop: str, value: str) -> str:
            # No sentence states it: show the analyst the property that does.
            return f'structured data (schema.org Movie "{title.strip()}"): {prop} = "{value}"'

        for name, _ in _names(movie.get("director")):
            yield Claim(film=film, film_written=title, field="director", value=name,
                        evidence=evidence("director", name), confidence=0.9, extractor="structured.director")
        for name, character in _names(movie.get("actor") or movie.get("actors")):
            shown = f"{name} as {character}" if character else name
            yield Claim(film=film, film_written=title, field="cast", value=name, character=character,
                        evidence=evidence("actor", shown), confidence=0.9, extractor="structured.actor")
        prop = "datePublished" if movie.get("datePublished") else "releaseDate"
        released = movie.get(prop)
        if isinstance(released, str) and not movie.get("_screening"):
            m = re.match(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", released.strip())
            if m:
                value = "-".join(g for g in m.groups() if g)
                try:
                    win = window(value)
                except ValueError:
                    continue
                yield Claim(film=film, film_written=title, field="release_date", value=value,
                            precision=win.precision, start=win.start, end=win.end,  # type: ignore[arg-type]
                            status="current", kind="unspecified", evidence=evidence(prop, released.strip()),
                            confidence=0.85,
                            extractor="structured.date_published")
