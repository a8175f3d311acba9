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
from pipeline.diff import diff_page
from pipeline.model import Event, ObservedClaim

PageKey = tuple[str, str]


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

    def claims_around(self, page: PageKey, films: set[str]) -> tuple[list[ObservedClaim], list[ObservedClaim]]:
        """The other pages' claims about `films`, page by page in page order, split where `page`
        sorts: the claims its own go between."""
        before: list[ObservedClaim] = []
        after: list[ObservedClaim] = []
        for other in self._pages_of(films):
            if other != page:
                (before if other < page else after).extend(c for c in self._by_page[other] if c.film_key in films)
        return before, after

    def _pages_of(self, films: set[str]) -> list[PageKey]:
        return sorted(set().union(*(self._pages_by_film.get(f, ()) for f in films))) if films else []

    def claims_of(self, page: PageKey) -> tuple[ObservedClaim, ...]:
        return self._by_page.get(page, ())

    def apply(self, page: PageKey, claims: tuple[ObservedClaim, ...]) -> None:
        for film in self.films_of(page):
            self._pages_by_film[film].discard(page)
        self._by_page[page] = claims
        for c in claims:
            self._pages_by_film[c.film_key].add(page)


def _relevant(claims: list[ObservedClaim], touched: set[tuple]) -> list[ObservedClaim]:
    """The claims whose events one page can change: those of its own keys, and every release date
    of a film and region it dates (a region's comparison groups depend on all of its dates: claims
    without a kind join the kind most sources give).

    Other keys hold the same claims before and after the page, so the diff would find nothing there;
    leaving them out keeps a page's diff small however much is known about its films.
    """
    regions = {(key[0], key[2]) for key in touched if key[1] == "release_date"}
    return [
        c for c in claims
        if (c.claim.field == "release_date" and (c.film_key, c.claim.region) in regions) or key_of(c) in touched
    ]


def replay(history: Iterable[SnapshotClaims]) -> list[ReplayedEvent]:
    """Every event the history implies, in order; `history` must be in fetch order."""
    return replay_into(ClaimState(), history)


def replay_into(state: ClaimState, history: Iterable[SnapshotClaims]) -> list[ReplayedEvent]:
    """Apply `history` on top of `state` (changing it) and return the events each snapshot causes."""
    found: list[ReplayedEvent] = []
    for snap in history:
        page = (snap.source, snap.url)
        old = state.claims_of(page)
        touched = {key_of(c) for c in (*old, *snap.claims)}
        films = {key[0] for key in touched}
        # The other pages say the same before and after: gather their claims once, around the page's.
        lower, upper = (_relevant(side, touched) for side in state.claims_around(page, films))
        state.apply(page, snap.claims)
        events = diff_page(page, lower, old, snap.claims, upper)
        found += [ReplayedEvent(e, snap.snapshot_id, snap.fetched_at) for e in events]
    return found
