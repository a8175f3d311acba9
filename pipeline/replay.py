"""Replay stored history through the diff: what `releasewatch rediff` recomputes.

Snapshots are applied in the order they were fetched; each one replaces its page's claims, and
the films it touches (before or after) are diffed exactly as ingest does it, so a replay of the
same claims yields the same events (same fingerprints) as the crawls that stored them.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from pipeline.compare import key_of
from pipeline.diff import diff
from pipeline.model import Event, ObservedClaim

PageKey = tuple[str, str]
WHOLE_FILM_FIELDS = ("release_date", "director")


@dataclass(frozen=True, slots=True)
class SnapshotClaims:
    """One stored version of a page and the claims read from it (possibly none)."""

    source: str
    url: str
    snapshot_id: int
    fetched_at: datetime
    claims: tuple[ObservedClaim, ...]


@dataclass(frozen=True, slots=True)
class ReplayedEvent:
    event: Event
    snapshot_id: int
    detected_at: datetime


class ClaimState:
    """The claims of the latest snapshot of every page, indexed by film for the diff."""

    def __init__(self) -> None:
        self._by_page: dict[PageKey, tuple[ObservedClaim, ...]] = {}
        self._pages_by_film: dict[str, set[PageKey]] = defaultdict(set)

    def films_of(self, page: PageKey) -> set[str]:
        return {c.film_key for c in self.claims_of(page)}

    def claims_for(self, films: Iterable[str]) -> list[ObservedClaim]:
        films = set(films)
        pages = set().union(*(self._pages_by_film.get(f, set()) for f in films)) if films else set()
        return [c for page in sorted(pages) for c in self._by_page[page] if c.film_key in films]

    def claims_of(self, page: PageKey) -> tuple[ObservedClaim, ...]:
        return self._by_page.get(page, ())

    def apply(self, page: PageKey, claims: tuple[ObservedClaim, ...]) -> None:
        for film in self.films_of(page):
            self._pages_by_film[film].discard(page)
        self._by_page[page] = claims
        for c in claims:
            self._pages_by_film[c.film_key].add(page)


def _relevant(claims: list[ObservedClaim], touched: set[tuple]) -> list[ObservedClaim]:
    """The claims whose events one page can change: its own keys, and every release date and
    director of its films (their comparison groups depend on all of a film's claims).

    Other keys hold the same claims before and after the page, so the diff would find nothing there;
    leaving them out keeps a page's diff small however much is known about its films.
    """
    return [c for c in claims if c.claim.field in WHOLE_FILM_FIELDS or key_of(c) in touched]


def replay(history: Iterable[SnapshotClaims]) -> list[ReplayedEvent]:
    """Every event the history implies, in order; `history` must be in fetch order."""
    return replay_into(ClaimState(), history)


def replay_into(state: ClaimState, history: Iterable[SnapshotClaims]) -> list[ReplayedEvent]:
    """Apply `history` on top of `state` (changing it) and return the events each snapshot causes."""
    found: list[ReplayedEvent] = []
    for snap in history:
        page = (snap.source, snap.url)
        touched = {key_of(c) for c in (*state.claims_of(page), *snap.claims)}
        films = {key[0] for key in touched}
        before = _relevant(state.claims_for(films), touched)
        state.apply(page, snap.claims)
        after = _relevant(state.claims_for(films), touched)
        found += [ReplayedEvent(e, snap.snapshot_id, snap.fetched_at) for e in diff(before, after)]
    return found
