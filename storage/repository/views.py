"""What repository functions take and return: plain frozen dataclasses, detached from any session."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime
from typing import Any

from pipeline.model import Claim, Document, FetchedPage


@dataclass(frozen=True, slots=True)
class PageVersion:
    """One changed page to store: what was fetched, what it says, and its content hash."""

    page: FetchedPage
    document: Document
    claims: Sequence[Claim]
    content_hash: str


@dataclass(frozen=True, slots=True)
class StoredSnapshot:
    """The ids store_snapshot() wrote, and the films (keys) its claims are about."""

    snapshot_id: int
    page_id: int
    claim_ids: tuple[int, ...]
    film_keys: frozenset[str]


@dataclass(frozen=True, slots=True)
class ClaimView:
    """A stored claim with where and when it was seen, as reports show it."""

    id: int
    film: str
    film_written: str | None
    field: str
    value: str | None
    precision: str | None
    start: date | None
    end: date | None
    status: str | None
    region: str | None
    kind: str | None
    character: str | None
    evidence: str
    evidence_start: int | None
    evidence_end: int | None
    confidence: float
    extractor: str
    source: str
    url: str
    fetched_at: datetime
    published: date | None
    snapshot_id: int
    updated: date | None = None

    def to_claim(self) -> Claim:
        """The pipeline.model.Claim this row stores."""
        return Claim(
            film=self.film, field=self.field, value=self.value, evidence=self.evidence,  # type: ignore[arg-type]
            confidence=self.confidence, extractor=self.extractor, film_written=self.film_written,
            precision=self.precision, start=self.start, end=self.end, status=self.status,  # type: ignore[arg-type]
            region=self.region, kind=self.kind, character=self.character,  # type: ignore[arg-type]
            evidence_start=self.evidence_start, evidence_end=self.evidence_end,
        )


@dataclass(frozen=True, slots=True)
class EventView:
    """A stored event with the claims it is about (old: before, new: now)."""

    id: int
    type: str
    film: str
    field: str
    region: str | None
    kind: str | None
    actor: str | None
    summary: str
    severity: str
    detected_at: datetime
    sources: list[str]
    old: list[ClaimView]
    new: list[ClaimView]
    film_key: str = ""
    fingerprint: str = ""
    crawl_run_id: int | None = None
    details: dict[str, Any] = dataclass_field(default_factory=dict)
    superseded_at: datetime | None = None  # when rediff found the current rules no longer produce it


@dataclass(frozen=True, slots=True)
class RunView:
    """One crawl run, newest first in list_runs()."""

    id: int
    started_at: datetime
    finished_at: datetime | None
    status: str
    sources: tuple[str, ...]
    pages_fetched: int
    pages_unchanged: int
    pages_failed: int
    claims: int
    events: int
    failures: int = 0  # fetch_failures rows recorded for the run
    source_counts: dict[str, Any] = dataclass_field(default_factory=dict)  # per source (see CrawlRun)
    stats: dict[str, Any] = dataclass_field(default_factory=dict)  # run-wide timings
