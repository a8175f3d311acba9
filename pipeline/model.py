"""The typed values that travel between stages (see DESIGN.md, "The flow of one page")."""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime
from typing import Any, Literal

Field = Literal["release_date", "director", "cast"]
Status = Literal["current", "previous"]
Precision = Literal["day", "month", "quarter", "season", "half", "year"]
ReleaseKind = Literal["premiere", "limited", "theatrical", "digital", "physical", "tv", "unspecified"]
EventType = Literal["new", "changed", "conflict", "resolved", "withdrawn"]

RELEASE_KINDS: tuple[str, ...] = ("premiere", "limited", "theatrical", "digital", "physical", "tv", "unspecified")
EVENT_TYPES: tuple[str, ...] = ("new", "changed", "conflict", "resolved", "withdrawn")


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """One HTTP (or file://) response as a spider saw it; the hand-off from scrapers/ to the rest."""

    source: str
    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime
    published_hint: date | None = None  # e.g. a feed entry's date
    cut_off_at: int | None = None  # the page was larger: `body` holds only its first this many bytes


@dataclass(frozen=True, slots=True)
class WatchFilm:
    """A film on the analyst's watch-list: its usual title and the other titles that name it."""

    title: str
    aliases: tuple[str, ...] = ()
    year: int | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """What a page says, independent of how it was fetched.

    `text` is the main article text, paragraphs separated by a blank line; claim evidence offsets
    index into it. `structured` holds the page's JSON-LD / microdata objects, flattened to a tuple of
    dicts (each with an "@type").
    """

    source: str
    text: str
    title: str | None = None
    url: str | None = None
    published: date | None = None
    updated: date | None = None
    language: str | None = None
    structured: tuple[dict[str, Any], ...] = ()
    warnings: tuple[str, ...] = ()
    # Short italic/emphasised/cited phrases of the page (HTML <i>, <em>, <cite>): sites set film
    # titles that way, so the extractor uses them as title candidates.
    emphasis: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Claim:
    """What one document says about one film (DESIGN.md, "Claims").

    `film` is the resolved title (the watch-list title when the film is on it); `film_written` is the
    title as the text wrote it. Release dates carry `value` at its stated precision ("2025-06-06",
    "2025-06", "2025-Q3", "2024-summer", "2025-H2", "2025") and `start`/`end`, the interval it
    stands for. A relative date that could not be resolved has `value` None.
    """

    film: str
    field: Field
    value: str | None
    evidence: str
    confidence: float
    extractor: str
    film_written: str | None = None
    precision: Precision | None = None
    start: date | None = None
    end: date | None = None
    status: Status | None = None
    region: str | None = None
    kind: ReleaseKind | None = None
    character: str | None = None
    evidence_start: int | None = None
    evidence_end: int | None = None
    film_year: int | None = None  # when the text dates the film ("Ballerina (2025)"): tells remakes apart

    def to_json(self) -> dict[str, Any]:
        """The claim as `releasewatch extract --json` prints it (a stable interface)."""
        return {
            "film": self.film,
            "field": self.field,
            "value": self.value,
            "precision": self.precision,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "status": self.status,
            "region": self.region,
            "kind": self.kind,
            "character": self.character,
            "evidence": self.evidence,
            "confidence": round(self.confidence, 3),
            "extractor": self.extractor,
        }


@dataclass(frozen=True, slots=True, init=False)
class ObservedClaim:
    """A stored claim as the diff sees it: the claim plus where and when it was seen.

    Its own __init__: a frozen dataclass's sets each field through object.__setattr__, which made
    building the state a crawl batch is diffed against (tens of thousands of claims) cost a tenth
    of the diff; the slots' own setters do the same work in half the time.
    """

    claim_id: int
    film_key: str
    source: str
    url: str
    snapshot_id: int
    seen_at: datetime
    claim: Claim
    published: date | None = None
    # pipeline.compare's key_of and value_of, remembered on first use: a replay asks them of the
    # same claim at every snapshot that touches its film. Not part of equality or the repr.
    memo_key: tuple | None = dataclass_field(default=None, init=False, compare=False, repr=False)
    memo_value: str | None = dataclass_field(default=None, init=False, compare=False, repr=False)

    def __init__(self, claim_id: int, film_key: str, source: str, url: str, snapshot_id: int, seen_at: datetime,
                 claim: Claim, published: date | None = None) -> None:
        (set_id, set_film, set_source, set_url, set_snapshot, set_seen, set_claim, set_published, set_key,
         set_value) = _OBSERVED_SETTERS
        set_id(self, claim_id)
        set_film(self, film_key)
        set_source(self, source)
        set_url(self, url)
        set_snapshot(self, snapshot_id)
        set_seen(self, seen_at)
        set_claim(self, claim)
        set_published(self, published)
        set_key(self, None)
        set_value(self, None)


_OBSERVED_SETTERS: tuple[Any, ...] = tuple(
    vars(ObservedClaim)[name].__set__ for name in (
        "claim_id", "film_key", "source", "url", "snapshot_id", "seen_at", "claim", "published", "memo_key", "memo_value"))


@dataclass(frozen=True, slots=True)
class Event:
    """One thing an analyst should hear about (DESIGN.md, "Events").

    `old_claim_ids` / `new_claim_ids` point at stored claims; `fingerprint` identifies the event so
    that computing it again stores nothing new.
    """

    type: EventType
    film_key: str
    field: Field
    region: str | None
    kind: str | None
    actor: str | None
    old_claim_ids: tuple[int, ...]
    new_claim_ids: tuple[int, ...]
    sources: tuple[str, ...]
    summary: str
    fingerprint: str
    severity: str = "normal"
    details: dict[str, Any] = dataclass_field(default_factory=dict)
