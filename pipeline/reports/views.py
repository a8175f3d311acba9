"""What report renderers are given: typed, frozen views built by pipeline.reports.build.

Renderers are pure functions of these views (and of nothing else: no clock, no database), so the
same view renders to text, HTML, Markdown, CSV, JSON or Atom and golden files stay byte-stable.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol


class ClaimView(Protocol):
    """A stored claim with where and when it was seen (storage.repository.ClaimView has this shape;
    pipeline/ never imports storage/). Read-only members, which frozen dataclasses satisfy."""

    @property
    def id(self) -> int: ...

    @property
    def film(self) -> str: ...

    @property
    def field(self) -> str: ...

    @property
    def value(self) -> str | None: ...

    @property
    def precision(self) -> str | None: ...

    @property
    def start(self) -> date | None: ...

    @property
    def end(self) -> date | None: ...

    @property
    def status(self) -> str | None: ...

    @property
    def region(self) -> str | None: ...

    @property
    def kind(self) -> str | None: ...

    @property
    def character(self) -> str | None: ...

    @property
    def evidence(self) -> str: ...

    @property
    def confidence(self) -> float: ...

    @property
    def extractor(self) -> str: ...

    @property
    def source(self) -> str: ...

    @property
    def url(self) -> str: ...

    @property
    def fetched_at(self) -> datetime: ...

    @property
    def published(self) -> date | None: ...

    @property
    def snapshot_id(self) -> int: ...


class EventView(Protocol):
    """A stored event with its claims (storage.repository.EventView)."""

    @property
    def id(self) -> int: ...

    @property
    def type(self) -> str: ...

    @property
    def film(self) -> str: ...

    @property
    def field(self) -> str: ...

    @property
    def region(self) -> str | None: ...

    @property
    def kind(self) -> str | None: ...

    @property
    def actor(self) -> str | None: ...

    @property
    def summary(self) -> str: ...

    @property
    def severity(self) -> str: ...

    @property
    def details(self) -> dict[str, Any]: ...

    @property
    def detected_at(self) -> datetime: ...

    @property
    def film_key(self) -> str: ...

    @property
    def fingerprint(self) -> str: ...

    @property
    def superseded_at(self) -> datetime | None: ...

    @property
    def sources(self) -> Sequence[str]: ...

    @property
    def old(self) -> Sequence[ClaimView]: ...

    @property
    def new(self) -> Sequence[ClaimView]: ...


@dataclass(frozen=True, slots=True)
class Review:
    """The newest acknowledgement of an event: who reviewed it, when, and what they noted."""

    event_id: int
    by: str
    at: datetime
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ReportEvent:
    """An event as a report lists it: the stored event and its review, if any."""

    event: EventView
    review: Review | None = None


@dataclass(frozen=True, slots=True)
class EstimateView:
    """The best current value of one release key / director / cast member, and why."""

    field: str
    scope: str  # region and kind of a date, the actor of a cast estimate, "" otherwise
    shown: str
    share: float
    reason: str
    supporting: tuple[str, ...]
    dissenting: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Said:
    """Where a source says a value: the sentence and its page."""

    source: str
    evidence: str
    url: str


@dataclass(frozen=True, slots=True)
class ConflictSide:
    """One value in an open conflict and where each source holding it says so."""

    value: str
    said: tuple[Said, ...]


@dataclass(frozen=True, slots=True)
class OpenConflict:
    """A group whose current claims disagree now (not only when an event was stored)."""

    field: str
    scope: str
    sides: tuple[ConflictSide, ...]


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    """What one source claimed (a release date's start day) from `seen_at` on."""

    seen_at: datetime
    day: date
    value: str
    url: str
    changed_from: str | None = None  # the value this point replaced, when the source moved its date


@dataclass(frozen=True, slots=True)
class TimelineSeries:
    source: str
    points: tuple[TimelinePoint, ...]


@dataclass(frozen=True, slots=True)
class Timeline:
    """The claimed release date over time for one release key, one series per source."""

    scope: str
    series: tuple[TimelineSeries, ...]
    until: datetime  # the right edge: when the report was made (the last claim still holds)


@dataclass(frozen=True, slots=True)
class FilmSection:
    """Everything a report says about one film."""

    title: str
    key: str
    estimates: tuple[EstimateView, ...]
    conflicts: tuple[OpenConflict, ...]
    events: tuple[ReportEvent, ...]
    timeline: Timeline | None
    hidden_events: int = 0  # events past the per-film limit, left out of HTML to keep it small


@dataclass(frozen=True, slots=True)
class ReportView:
    """A change report: its events newest first grouped by film, and the films they touch."""

    generated_at: datetime
    since: datetime | None
    after_event_id: int | None
    filters: dict[str, Any]
    events: tuple[ReportEvent, ...]
    films: tuple[FilmSection, ...]

    @property
    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for e in self.events:
            found[e.event.type] = found.get(e.event.type, 0) + 1
        return dict(sorted(found.items()))

    @property
    def films_in_conflict(self) -> tuple[str, ...]:
        return tuple(f.title for f in self.films if f.conflicts)


@dataclass(frozen=True, slots=True)
class Dossier:
    """`releasewatch film TITLE`: what is known about one film and how it came to be known."""

    title: str
    key: str
    aliases: tuple[str, ...]
    generated_at: datetime
    estimates: tuple[EstimateView, ...]
    conflicts: tuple[OpenConflict, ...]
    latest: tuple[ClaimView, ...]  # every source's current claims
    history: tuple[ClaimView, ...]  # every claim ever stored, oldest first
    people: tuple[tuple[str, str, str | None, tuple[str, ...]], ...]  # (field, name, character, sources)
    timeline: Timeline | None
    events: tuple[ReportEvent, ...]
