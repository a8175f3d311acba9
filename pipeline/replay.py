"""Replay stored history through the diff: what `releasewatch rediff` recomputes.

Snapshots are applied in the order they were fetched; each one replaces its page's claims, and
the films it touches (before or after) are diffed exactly as ingest does it, so a replay of the
same claims yields the same events (same fingerprints) as the crawls that stored them.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from pipeline.compare import key_of
from pipeline.diff import Slot, Slots, diff_slots, earlier_dates, page_slots, slots_of
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
    """The claims of the latest snapshot of every page, and what they say per diff key.

    The per-key slots (pipeline.diff.Slots) are kept as pages change rather than rebuilt from the
    claims of a film's every page at each snapshot; a change replaces the dicts of the keys it
    touches instead of editing them, so the slots handed out before it still show the state before.
    """

    def __init__(self) -> None:
        self._by_page: dict[PageKey, tuple[ObservedClaim, ...]] = {}
        self._slots: Slots = {}
        # (film, region) -> its release-date keys; dicts as ordered sets (see step)
        self._date_keys: dict[tuple[str, str | None], dict[tuple, None]] = defaultdict(dict)

    def claims_of(self, page: PageKey) -> tuple[ObservedClaim, ...]:
        return self._by_page.get(page, ())

    def load(self, pages: Mapping[PageKey, Sequence[ObservedClaim]]) -> None:
        """Start an empty state from these pages' claims, in one pass."""
        if self._by_page:
            raise ValueError("ClaimState.load needs an empty state; use apply to change one")
        ordered = sorted(pages)
        self._by_page = {page: tuple(pages[page]) for page in ordered}
        self._slots = slots_of(c for page in ordered for c in pages[page])
        for key in self._slots:
            if key[1] == "release_date":
                self._date_keys[(key[0], key[2])][key] = None

    def apply(self, page: PageKey, claims: tuple[ObservedClaim, ...]) -> None:
        self._install(page, claims, self._with_page(page, self._slots_of_page(page), page_slots(claims)))

    def _slots_of_page(self, page: PageKey) -> dict[tuple, Slot]:
        """What `page` says now per key, read off the kept slots."""
        found = {}
        for key in dict.fromkeys(key_of(c) for c in self.claims_of(page)):
            slot = self._slots.get(key, {}).get(page)
            if slot is not None:
                found[key] = slot
        return found

    def step(self, page: PageKey, claims: tuple[ObservedClaim, ...]) -> list[Event]:
        """Apply a new version of `page` and return the events it causes (pipeline.diff.diff_slots)."""
        old = self.claims_of(page)
        # Keys in an order fixed by the claims and the state's history, never by a set: sets of
        # tuples iterate by string hashes, which change per process, and the diff emits events in
        # the order it meets keys, so two runs would store them differently. Dicts are ordered sets.
        touched = dict.fromkeys(key_of(c) for c in (*old, *claims))
        # A region's comparison groups depend on every date of it: undated kinds join the primary one.
        relevant = dict(touched)
        for key in touched:
            if key[1] == "release_date":
                relevant.update(self._date_keys.get((key[0], key[2]), {}))
        old_slots, new_slots = self._slots_of_page(page), page_slots(claims)
        changed = self._with_page(page, old_slots, new_slots)
        before = {key: self._slots[key] for key in relevant if key in self._slots}
        now = dict(before)
        for key, pages in changed.items():
            if pages:
                now[key] = pages
            else:
                del now[key]
        new_ids = {c.claim_id for slot in new_slots.values() for c in slot.claims}
        new_ids -= {c.claim_id for slot in old_slots.values() for c in slot.claims}
        events = diff_slots(page, before, now, new_ids, earlier_dates(claims).get(page, frozenset()))
        self._install(page, claims, changed)
        return events

    def _with_page(self, page: PageKey, old: dict[tuple, Slot], new: dict[tuple, Slot]) -> Slots:
        """New page dicts (pages in order; empty when none is left) for the keys `page` changes."""
        changed: Slots = {}
        for key in {**old, **new}:
            pages = dict(self._slots.get(key, {}))
            slot = new.get(key)
            if slot is None:
                pages.pop(page, None)
            elif page in pages or not pages or next(reversed(pages)) < page:
                pages[page] = slot
            else:
                pages[page] = slot
                pages = dict(sorted(pages.items()))
            changed[key] = pages
        return changed

    def _install(self, page: PageKey, claims: tuple[ObservedClaim, ...], changed: Slots) -> None:
        self._by_page[page] = claims
        for key, pages in changed.items():
            dated = key[1] == "release_date"
            if pages:
                self._slots[key] = pages
                if dated:
                    self._date_keys[(key[0], key[2])][key] = None
            else:
                self._slots.pop(key, None)
                if dated:
                    self._date_keys[(key[0], key[2])].pop(key, None)


def replay(history: Iterable[SnapshotClaims]) -> list[ReplayedEvent]:
    """Every event the history implies, in order; `history` must be in fetch order."""
    return replay_into(ClaimState(), history)


def replay_into(state: ClaimState, history: Iterable[SnapshotClaims]) -> list[ReplayedEvent]:
    """Apply `history` on top of `state` (changing it) and return the events each snapshot causes."""
    found: list[ReplayedEvent] = []
    for snap in history:
        events = state.step((snap.source, snap.url), snap.claims)
        found += [ReplayedEvent(e, snap.snapshot_id, snap.fetched_at) for e in events]
    return found
