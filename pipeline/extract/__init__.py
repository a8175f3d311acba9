"""Document (+ watch-list) -> claims about films: release dates, directors, cast.

`extract_claims` runs the sentence rules (release_dates, directors, cast) and the structured-data
reader, then merges duplicates. It is deterministic and has no clock: relative dates are resolved
only against `document.published`.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from pipeline.extract.cast import cast_claims
from pipeline.extract.context import build_context
from pipeline.extract.credits import credit_claims
from pipeline.extract.directors import director_claims
from pipeline.extract.films import FilmMention
from pipeline.extract.release_dates import release_claims
from pipeline.extract.structured import structured_claims
from pipeline.film_identity import film_key
from pipeline.model import Claim, Document, WatchFilm
from pipeline.release_window import window

__all__ = ["extract_claims"]

# Pages without any of these words make no claims; skipping them keeps the non-film majority cheap.
_FILMISH = re.compile(
    r"\b(?:films?|movies?|cinemas?|theat(?:er|re)s?|direct(?:ed|or|s)|starring|stars|cast|sequel|spin-?off|"
    r"premieres?|release[sd]?|trailer|actor|actress|role|documentary|netflix|streaming|box office|franchise|"
    r"screen|opens|arrives|debuts|theatrical|blu-ray|dvd)\b"
)


def extract_claims(document: Document, watchlist: Sequence[WatchFilm] = ()) -> list[Claim]:
    """Every claim `document` makes, one per (film, field, value[, status]) with its best evidence.

    The sentence rules read English; a page that declares another language yields only the
    claims of its structured data.

    Never raises on odd text: a page it cannot make sense of yields an empty list.
    """
    claims: list[Claim] = list(structured_claims(document.structured, watchlist))
    text = document.text or ""
    english = not document.language or document.language.lower().startswith("en")
    if text.strip() and english and _worth_reading(text, watchlist):
        ctx = build_context(document, watchlist, film_page=_film_page(text))
        if ctx.films.mentions:
            for sentence in ctx.sentences:
                claims.extend(release_claims(ctx, sentence))
                claims.extend(director_claims(ctx, sentence))
                claims.extend(cast_claims(ctx, sentence))
                claims.extend(credit_claims(ctx, sentence))
            years = _film_years(text, ctx.films.mentions)
            claims = [replace(c, film_year=years[c.film]) if c.film in years and c.film_year is None else c for c in claims]
    return merge_claims(claims)


_PAREN_YEAR = re.compile(r"^\s*\(((?:19|20)\d\d)\)")


def _film_years(text: str, mentions: Sequence[FilmMention]) -> dict[str, int]:
    """Years the text gives a film right after its title ("Ballerina (2025)"), when it gives just one."""
    seen: dict[str, set[int]] = {}
    for m in mentions:
        hit = _PAREN_YEAR.match(text[m.end: m.end + 10])
        if hit:
            seen.setdefault(m.film, set()).add(int(hit.group(1)))
    return {film: years.pop() for film, years in seen.items() if len(years) == 1}


def _film_page(text: str) -> bool:
    """Whether the text is about films: a film word per 50 words (at least 2, at most 8 needed)."""
    needed = min(8, max(2, len(text) // 300))
    count = 0
    for _ in _FILMISH.finditer(text[:60_000].lower()):
        count += 1
        if count >= needed:
            return True
    return False


def _worth_reading(text: str, watchlist: Sequence[WatchFilm]) -> bool:
    """A cheap gate: film words three times (once in a short text), or a watched title once."""
    hits, needed = 0, 1 if len(text) < 2000 else 3
    for _ in _FILMISH.finditer(text[:60_000].lower()):
        hits += 1
        if hits >= needed:
            return True
    lowered = text.casefold()
    return any(f.title.casefold() in lowered or any(a.casefold() in lowered for a in f.aliases) for f in watchlist)


def _key(c: Claim) -> tuple[object, ...]:
    if c.field == "release_date":
        return (film_key(c.film), c.field, c.value, c.status, c.region)
    return (film_key(c.film), c.field, (c.value or "").casefold())


def merge_claims(claims: Sequence[Claim]) -> list[Claim]:
    """One claim per key, keeping the most confident (a cast claim with a character wins).

    Also drops what another claim of the page makes redundant: a current date that merely
    contains a more precise current date of the same film ("2025" next to "June 6, 2025"), and a
    current date the page itself calls a previous plan.
    """
    best: dict[tuple[object, ...], Claim] = {}
    order: list[tuple[object, ...]] = []
    for c in claims:
        k = _key(c)
        old = best.get(k)
        if old is None:
            best[k] = c
            order.append(k)
            continue
        if c.field == "cast" and bool(c.character) != bool(old.character):
            if c.character:
                best[k] = c
        elif c.confidence > old.confidence:
            best[k] = c
    out = [best[k] for k in order]
    dated = [c for c in out if c.field == "release_date" and c.value]
    previous = {(film_key(c.film), c.value) for c in dated if c.status == "previous"}
    keep: list[Claim] = []
    for c in out:
        if c.field == "release_date":
            if c.value is None and any(film_key(d.film) == film_key(c.film) and d.status == "current" for d in dated):
                continue
            if c.value and c.status == "current":
                if (film_key(c.film), c.value) in previous:
                    continue
                w = window(c.value)
                if any(
                    d is not c and d.status == "current" and film_key(d.film) == film_key(c.film)
                    and (d.kind == c.kind or c.kind in (None, "unspecified")) and w.contains(window(d.value)) and w != window(d.value)  # type: ignore[arg-type]
                    for d in dated
                ):
                    continue
        keep.append(c)
    return keep
