"""The schema: SQLAlchemy 2.0 typed models (DESIGN.md, "Claims" and "Events").

History is append-only: a page gets a new snapshot per fetched version, a snapshot gets its claims
once, and a claim row is never updated (enforced below). What a page says *now* is the claims of
its latest snapshot. Queries live in storage/repository, not here.

Every constraint and index is named through NAMING_CONVENTION so that Alembic migrations can refer
to them on SQLite (batch mode) and PostgreSQL alike.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, get_args

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, LargeBinary, MetaData, Unicode, UniqueConstraint, event
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column

from pipeline.model import EVENT_TYPES
from pipeline.model import Field as ClaimField
from storage.types import TYPE_ANNOTATION_MAP, Code, JsonDict, JsonList, LongText, Name, Url

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

RUN_STATUSES = ("running", "ok", "partial", "failed", "interrupted")
CLAIM_FIELDS: tuple[str, ...] = get_args(ClaimField)
# A new event type or claim field is a schema change (a migration), on purpose.


def utcnow() -> datetime:
    """Bookkeeping time (created_at/updated_at); times that mean something are passed in."""
    return datetime.now(timezone.utc)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = TYPE_ANNOTATION_MAP


class Source(Base):
    """A configured site (releasewatch.toml [[sources]]); rows are kept when the config drops one."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[Name] = mapped_column(unique=True)
    kind: Mapped[Code]
    trust: Mapped[float]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Page(Base):
    """A URL of a source and what the last check of it found."""

    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("source_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    url: Mapped[Url]
    first_seen_at: Mapped[datetime]
    last_checked_at: Mapped[datetime | None]
    last_status: Mapped[int | None]
    etag: Mapped[LongText | None]
    last_modified: Mapped[LongText | None]
    last_error: Mapped[LongText | None]
    # The newest snapshot (by fetch time, then id), kept by storage; see migration 0004 for why it
    # is not a foreign key. None until a version of the page is stored.
    latest_snapshot_id: Mapped[int | None] = mapped_column(index=True)


class Snapshot(Base):
    """One fetched version of a page (a new one only when the content hash changed)."""

    __tablename__ = "snapshots"
    __table_args__ = (Index(None, "page_id", "fetched_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"))
    fetched_at: Mapped[datetime]
    http_status: Mapped[int]
    etag: Mapped[LongText | None]
    last_modified: Mapped[LongText | None]
    content_hash: Mapped[Name]
    final_url: Mapped[Url]
    title: Mapped[LongText | None]
    published: Mapped[date | None]
    updated: Mapped[date | None]
    claim_count: Mapped[int] = mapped_column(default=0)
    # The run that stored it (0006), so that an interrupted run's counts can be rebuilt.
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)


class Film(Base):
    """A film, identified by pipeline.film_identity.film_key of its title."""

    __tablename__ = "films"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[LongText]
    key: Mapped[Name] = mapped_column(unique=True)
    year: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FilmAlias(Base):
    """Another title of a film (from the watch-list); its key resolves to the film."""

    __tablename__ = "film_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    film_id: Mapped[int] = mapped_column(ForeignKey("films.id"), index=True)
    alias: Mapped[LongText]
    key: Mapped[Name] = mapped_column(unique=True)


class ClaimRow(Base):
    """One pipeline.model.Claim as stored: append-only, never updated."""

    __tablename__ = "claims"
    __table_args__ = (CheckConstraint(_one_of("field", CLAIM_FIELDS), name="field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("snapshots.id"), index=True)
    film_id: Mapped[int] = mapped_column(ForeignKey("films.id"), index=True)
    film_written: Mapped[LongText | None]
    field: Mapped[Code]
    value: Mapped[LongText | None]
    precision: Mapped[Code | None]
    # "start"/"end" are SQL keywords; the columns are named so that hand-written SQL in psql works.
    start: Mapped[date | None] = mapped_column("start_date")
    end: Mapped[date | None] = mapped_column("end_date")
    status: Mapped[Code | None]
    region: Mapped[Code | None]
    kind: Mapped[Code | None]
    character: Mapped[LongText | None]
    evidence: Mapped[LongText]
    evidence_start: Mapped[int | None]
    evidence_end: Mapped[int | None]
    confidence: Mapped[float]
    extractor: Mapped[LongText]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


@event.listens_for(ClaimRow, "before_update")
def _claims_are_append_only(mapper: Mapper[Any], connection: Any, target: ClaimRow) -> None:
    raise RuntimeError(f"claim {target.id} was modified: claims are append-only (write a new snapshot instead)")


class EventRow(Base):
    """One pipeline.model.Event; the fingerprint makes recomputing it a no-op."""

    __tablename__ = "events"
    __table_args__ = (CheckConstraint(_one_of("type", EVENT_TYPES), name="type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[Code]
    film_id: Mapped[int] = mapped_column(ForeignKey("films.id"), index=True)
    field: Mapped[Code]
    region: Mapped[Code | None]
    kind: Mapped[Code | None]
    actor: Mapped[LongText | None]
    old_claim_ids: Mapped[JsonList]
    new_claim_ids: Mapped[JsonList]
    sources: Mapped[JsonList]
    summary: Mapped[LongText]
    severity: Mapped[Code]
    details: Mapped[JsonDict]
    fingerprint: Mapped[Name] = mapped_column(unique=True)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    detected_at: Mapped[datetime] = mapped_column(index=True)
    # Set by `releasewatch rediff` when the current rules no longer produce the event (0002).
    superseded_at: Mapped[datetime | None]


class CrawlRun(Base):
    """One crawl (of one or more sources) and what it counted."""

    __tablename__ = "crawl_runs"
    __table_args__ = (CheckConstraint(_one_of("status", RUN_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(index=True)
    finished_at: Mapped[datetime | None]
    status: Mapped[Code] = mapped_column(default="running")
    sources: Mapped[JsonList]
    pages_fetched: Mapped[int] = mapped_column(default=0)
    pages_unchanged: Mapped[int] = mapped_column(default=0)
    pages_failed: Mapped[int] = mapped_column(default=0)
    claims: Mapped[int] = mapped_column(default=0)
    events: Mapped[int] = mapped_column(default=0)
    # Per source: requested, fetched, not_modified, unchanged, new, failed, failed_by_reason,
    # claims, events, bytes, duration_s (0003). JSON so that a new count is not a migration.
    source_counts: Mapped[JsonDict] = mapped_column(default=dict, server_default="{}")
    # Run-wide figures: seconds spent fetching, extracting, storing, diffing (0003).
    stats: Mapped[JsonDict] = mapped_column(default=dict, server_default="{}")
    # Who owns a running run and when it last said it was alive (0006): see storage.repository.runs.
    heartbeat_at: Mapped[datetime | None]
    host: Mapped[Name | None]
    pid: Mapped[int | None]


class FetchFailure(Base):
    """A page that could not be fetched or read during a run (the source is a name: it may be unknown)."""

    __tablename__ = "fetch_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    source: Mapped[Name]
    url: Mapped[Url]
    reason: Mapped[LongText]
    at: Mapped[datetime]


class Listing(Base):
    """A feed, sitemap or robots.txt a source is read through, and what its last fetch left behind
    for the next one (0005): validators for a conditional request, and the listings it named (the
    child sitemaps of an index, the sitemaps of a robots.txt), which a 304 does not repeat."""

    __tablename__ = "listings"
    __table_args__ = (UniqueConstraint("source_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    url: Mapped[Url]
    etag: Mapped[LongText | None]
    last_modified: Mapped[LongText | None]
    # [[url, lastmod ISO date or null], ...]: what the listing named the last time it was read
    children: Mapped[JsonList] = mapped_column(default=list, server_default="[]")
    last_checked_at: Mapped[datetime | None]
    last_status: Mapped[int | None]


class EventAck(Base):
    """An analyst marked an event reviewed (`releasewatch ack`, 0009). Append-only: acking again
    adds a row, and the newest row is the one reports show."""

    __tablename__ = "event_acks"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    by: Mapped[Name]
    note: Mapped[LongText | None]
    at: Mapped[datetime]


class ReportMark(Base):
    """The newest event a report showed, per report kind (format, output and filters) (0009): a report
    run without --since starts after it. Event ids, not times, because rediff stores events found
    late with an old detected_at, and an analyst has still not seen those."""

    __tablename__ = "report_marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[Name] = mapped_column(unique=True)
    last_event_id: Mapped[int]
    reported_at: Mapped[datetime]
class SchedulerJob(Base):
    """A job of `releasewatch schedule`, as APScheduler's SQLAlchemyJobStore keeps it (0010).

    The columns are the ones APScheduler 3 defines (it reads and writes them itself); the table is
    declared here so that it is created by a migration like every other table, and a restart of the
    scheduler finds each job's next run time where the last one left it.
    """

    __tablename__ = "scheduler_jobs"

    id: Mapped[str] = mapped_column(Unicode(191), primary_key=True)
    next_run_time: Mapped[float | None] = mapped_column(Float(25), index=True)
    job_state: Mapped[bytes] = mapped_column(LargeBinary)
DELIVERY_STATUSES = ("pending", "sent", "failed")


class AlertSubscription(Base):
    """A configured [[alerts.subscriptions]] (0008), kept in the database so that the transaction
    that stores an event can queue its deliveries. `created_at` is the subscription's baseline:
    events stored before it existed are never sent (turning alerts on does not flood anyone)."""

    __tablename__ = "alert_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[Name] = mapped_column(unique=True)  # pipeline.alerts_config.Subscription.key
    name: Mapped[LongText]
    description: Mapped[LongText]  # what the email's footer says
    recipients: Mapped[JsonList]
    films: Mapped[JsonList]  # film keys; empty: every film
    events: Mapped[JsonList]
    sources: Mapped[JsonList]  # source names; empty: every source
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AlertDelivery(Base):
    """One alert to one recipient: the outbox row (0008), written in the transaction that stored its
    event, marked sent only after the server accepted the message. `dedup_key` makes queueing the
    same event (or source change) for the same recipient twice a no-op."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (
        CheckConstraint(_one_of("status", DELIVERY_STATUSES), name="status"),
        Index(None, "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[Name] = mapped_column(unique=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("alert_subscriptions.id"), index=True)
    channel: Mapped[Code]
    recipient: Mapped[Name]
    topic: Mapped[Code]  # the event type, or "source_broken"
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    payload: Mapped[JsonDict]  # what a source_broken alert says (no event row holds it)
    status: Mapped[Code] = mapped_column(default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    lease_owner: Mapped[Name | None]
    lease_until: Mapped[datetime | None]
    # Set when a message is first built for the delivery, so a retry (after a crash) sends the same
    # Message-ID, and a digest is rebuilt from the same deliveries.
    message_id: Mapped[Name | None] = mapped_column(index=True)
    last_error: Mapped[LongText | None]
    created_at: Mapped[datetime] = mapped_column(index=True)
    sent_at: Mapped[datetime | None]


class AlertState(Base):
    """The last state seen of something alerted on change of state (0008): "source:NAME" is "ok" or
    "broken", "crawl" is "ok" or "failed"."""

    __tablename__ = "alert_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[Name] = mapped_column(unique=True)
    state: Mapped[Code]
    detail: Mapped[LongText | None]
    changed_at: Mapped[datetime]
