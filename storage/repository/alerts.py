"""The alert outbox: subscriptions, deliveries queued with their events, leases, and outcomes.

Queueing happens in the caller's unit of work (the one storing the events), so an event and its
deliveries are committed together or not at all. Sending is done by releasewatch.alerts, in small
transactions of its own: claim a few due deliveries under a lease, send, mark each one.

Claims and marks start their transaction with the UPDATE itself: on SQLite a transaction that read
first and writes later cannot wait for a concurrent writer (it fails at once with "database is
locked"), while one that writes first waits on the busy timeout like any other statement.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, and_, bindparam, func, or_, select, text, update
from sqlalchemy.orm import Session

from pipeline.alerts_config import Subscription
from storage.models import AlertDelivery, AlertState, AlertSubscription, EventRow, Film
from storage.repository._sql import among, insert_many_ignoring_duplicates
from storage.repository.films import film_ids_matching, key_of

EMAIL = "email"
_DELIVERIES: Table = AlertDelivery.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class ClaimedDelivery:
    """A delivery this sender holds the lease of, with what its message needs."""

    id: int
    channel: str
    recipient: str
    topic: str
    event_id: int | None
    payload: dict[str, Any]
    attempts: int
    message_id: str | None
    created_at: datetime
    subscription: str  # the subscription's description, for the footer
    subscription_key: str


@dataclass(frozen=True, slots=True)
class DeliveryLine:
    """One delivery as `alerts status` lists it."""

    id: int
    recipient: str
    topic: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    sent_at: datetime | None
    subscription: str


@dataclass(frozen=True, slots=True)
class SourceState:
    """Something alerted on change of state: `key` "source:NAME" (ok/broken) or "crawl" (ok/failed)."""

    key: str
    source: str | None
    state: str
    detail: str | None


def sync_subscriptions(s: Session, subscriptions: Sequence[Subscription], now: datetime) -> None:
    """Make the active subscriptions be the configured ones. A new one starts its baseline now;
    one no longer configured is deactivated (its queued deliveries are still sent)."""
    wanted = {sub.key: sub for sub in subscriptions}
    stored = {row.key: row for row in s.scalars(select(AlertSubscription))}
    for key, row in stored.items():
        if row.active and key not in wanted:
            row.active, row.updated_at = False, now
    for key, sub in wanted.items():
        found = stored.get(key)
        if found is None:
            s.add(AlertSubscription(
                key=key, name=sub.name, description=sub.describe(), recipients=list(sub.to),
                films=sorted({key_of(title) for title in sub.films}), events=list(sub.events),
                sources=list(sub.sources), active=True, created_at=now, updated_at=now,
            ))
        elif not found.active:
            # Back after a pause: a fresh baseline, so what happened meanwhile does not flood.
            found.active, found.created_at, found.updated_at = True, now, now
    s.flush()


def _active(s: Session) -> list[AlertSubscription]:
    return list(s.scalars(select(AlertSubscription).where(AlertSubscription.active.is_(True)).order_by(AlertSubscription.id)))


def _film_filter(s: Session, sub: AlertSubscription) -> set[int] | None:
    if not sub.films:
        return None
    return set(s.scalars(select(Film.id).where(film_ids_matching(sub.films))))


def queue_event_deliveries(s: Session, fingerprints: Iterable[str]) -> int:
    """Queue one delivery per matching subscription recipient for the events with these
    fingerprints; returns how many were queued. A recipient of several matching subscriptions
    gets the event once (the first subscription names it). Queueing twice is a no-op."""
    subscriptions = [sub for sub in _active(s) if set(sub.events) - {"source_broken"}]
    wanted = list(fingerprints)
    if not subscriptions or not wanted:
        return 0
    films = {sub.id: _film_filter(s, sub) for sub in subscriptions}
    rows: list[dict[str, Any]] = []
    for condition in among(s, EventRow.fingerprint, wanted):
        for event_id, type_, film_id, sources, detected_at in s.execute(
            select(EventRow.id, EventRow.type, EventRow.film_id, EventRow.sources, EventRow.detected_at)
            .where(condition).order_by(EventRow.id)
        ):
            for sub in subscriptions:
                chosen = films[sub.id]
                if type_ not in sub.events or (chosen is not None and film_id not in chosen):
                    continue
                if sub.sources and not set(sub.sources) & set(sources or ()):
                    continue
                rows.extend(
                    _delivery(f"event:{event_id}:{recipient.lower()}", sub, recipient, type_, detected_at, event_id=event_id)
                    for recipient in sub.recipients
                )
    return insert_many_ignoring_duplicates(s, AlertDelivery, rows, ["dedup_key"])


def _delivery(dedup_key: str, sub: AlertSubscription, recipient: str, topic: str, at: datetime, *,
              event_id: int | None = None, payload: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "dedup_key": dedup_key, "subscription_id": sub.id, "channel": EMAIL, "recipient": recipient,
        "topic": topic, "event_id": event_id, "payload": payload or {}, "status": "pending", "attempts": 0,
        "next_attempt_at": at, "created_at": at,
    }


def queue_state_changes(s: Session, states: Sequence[SourceState], now: datetime) -> int:
    """Record the current state of each source (and of the crawl); queue a `source_broken`
    delivery for each one whose state changed since the last call. A source seen for the first
    time counts as having been ok, so one already broken is told once, and a healthy one is not."""
    stored = {row.key: row for row in s.scalars(select(AlertState))}
    subscriptions = [sub for sub in _active(s) if "source_broken" in sub.events]
    rows: list[dict[str, Any]] = []
    for state in states:
        row = stored.get(state.key)
        before = row.state if row is not None else "ok"
        if row is None:
            row = AlertState(key=state.key, state=state.state, detail=state.detail, changed_at=now)
            s.add(row)
        elif row.state != state.state:
            row.state, row.detail, row.changed_at = state.state, state.detail, now
        if before == state.state:
            continue
        payload = {"key": state.key, "source": state.source, "state": state.state, "was": before, "detail": state.detail}
        for sub in subscriptions:
            if sub.sources and state.source not in sub.sources:
                continue
            rows.extend(
                _delivery(f"state:{state.key}:{now.isoformat()}:{state.state}:{recipient.lower()}", sub, recipient,
                          "source_broken", now, payload=payload)
                for recipient in sub.recipients
            )
    s.flush()
    return insert_many_ignoring_duplicates(s, AlertDelivery, rows, ["dedup_key"])


def _due(now: datetime, created_before: datetime | None) -> Any:
    condition = and_(
        AlertDelivery.status == "pending", AlertDelivery.next_attempt_at <= now,
        or_(AlertDelivery.lease_until.is_(None), AlertDelivery.lease_until <= now),
    )
    if created_before is not None:
        condition = and_(condition, AlertDelivery.created_at < created_before)
    return condition


def claim_due(s: Session, owner: str, now: datetime, until: datetime, limit: int,
              created_before: datetime | None = None) -> list[ClaimedDelivery]:
    """Lease up to `limit` due deliveries to `owner` until `until`, oldest first.

    Due: pending, its next attempt time reached, and no live lease (a sender that died mid-send
    leaves a lease that expires, and only then is its delivery taken over). One UPDATE claims them,
    so two senders never hold the same delivery.
    """
    due = _due(now, created_before)
    ids = select(AlertDelivery.id).where(due).order_by(AlertDelivery.id).limit(limit)
    if s.get_bind().dialect.name == "postgresql":
        ids = ids.with_for_update(skip_locked=True)
    s.execute(
        update(AlertDelivery).where(AlertDelivery.id.in_(ids.scalar_subquery()), due)
        .values(lease_owner=owner, lease_until=until).execution_options(synchronize_session=False)
    )
    stmt = (
        select(AlertDelivery, AlertSubscription.description, AlertSubscription.key)
        .join(AlertSubscription, AlertSubscription.id == AlertDelivery.subscription_id)
        .where(AlertDelivery.lease_owner == owner, AlertDelivery.lease_until == until, AlertDelivery.status == "pending")
        .order_by(AlertDelivery.id)
    )
    return _claimed(s, stmt)


def peek_due(s: Session, now: datetime, limit: int, created_before: datetime | None = None) -> list[ClaimedDelivery]:
    """What claim_due would take, without taking it (`alerts send --dry-run`)."""
    stmt = (
        select(AlertDelivery, AlertSubscription.description, AlertSubscription.key)
        .join(AlertSubscription, AlertSubscription.id == AlertDelivery.subscription_id)
        .where(_due(now, created_before)).order_by(AlertDelivery.id).limit(limit)
    )
    return _claimed(s, stmt)


def _claimed(s: Session, stmt: Any) -> list[ClaimedDelivery]:
    return [
        ClaimedDelivery(d.id, d.channel, d.recipient, d.topic, d.event_id, dict(d.payload or {}), d.attempts,
                        d.message_id, d.created_at, description, key)
        for d, description, key in s.execute(stmt)
    ]


def set_message_ids(s: Session, owner: str, message_ids: dict[int, str]) -> None:
    """Remember the Message-ID each claimed delivery goes out with, before it is sent."""
    if not message_ids:
        return
    table = _DELIVERIES
    s.execute(
        update(table).where(table.c.id == bindparam("delivery"), table.c.lease_owner == owner)
        .values(message_id=bindparam("message")),
        [{"delivery": i, "message": m} for i, m in message_ids.items()],
    )


def quick_commits(s: Session, *, connection_wide: bool = False) -> None:
    """Let the marks that follow commit without waiting for the disk (a mark after each message).

    A process crash loses nothing either way (SQLite's WAL is written before the commit returns;
    PostgreSQL's server holds it); only a power loss in the next moments can undo the last marks,
    and then those messages go again with the same Message-ID, as after a crash of the sender
    itself. Waiting for the disk at every message would cap sending at ~100 messages a second.
    SQLite applies the setting to the connection, for the rest of its life (NORMAL is what SQLite
    recommends with WAL anyway): call it once with `connection_wide`. PostgreSQL applies it to the
    current transaction only: call it before each mark.
    """
    sqlite = s.get_bind().dialect.name == "sqlite"
    if sqlite and connection_wide:
        s.execute(text("PRAGMA synchronous=NORMAL"))
    elif not sqlite and not connection_wide:
        s.execute(text("SET LOCAL synchronous_commit TO OFF"))


_MARK_SENT = (
    update(_DELIVERIES)
    .where(_DELIVERIES.c.id.in_(bindparam("ids", expanding=True)), _DELIVERIES.c.lease_owner == bindparam("owner"),
           _DELIVERIES.c.status == "pending")
    .values(status="sent", sent_at=bindparam("sent_at"), lease_owner=None, lease_until=None, last_error=None,
            attempts=_DELIVERIES.c.attempts + 1)
)  # built once: this runs after every message sent


def mark_sent(s: Session, owner: str, ids: Sequence[int], now: datetime) -> int:
    """The server accepted the message of these deliveries: they are done. Returns how many were
    still this sender's to mark (a lease lost to another sender is not overwritten)."""
    result = s.execute(_MARK_SENT, {"ids": list(ids), "owner": owner, "sent_at": now})
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def mark_failed_attempt(s: Session, owner: str, ids: Sequence[int], now: datetime, error: str, *,
                        permanent: bool, max_attempts: int, backoff: timedelta) -> None:
    """Record a failed attempt: permanent failures and the last allowed attempt end as `failed`;
    temporary ones wait backoff x 2^(attempts - 1) before the next try (capped at a day)."""
    for d in s.scalars(
        select(AlertDelivery).where(AlertDelivery.id.in_(list(ids)), AlertDelivery.lease_owner == owner,
                                    AlertDelivery.status == "pending")
    ):
        d.attempts += 1
        d.last_error = error
        d.lease_owner, d.lease_until = None, None
        if permanent or d.attempts >= max_attempts:
            d.status = "failed"
        else:
            d.next_attempt_at = now + min(backoff * 2 ** (d.attempts - 1), timedelta(days=1))
    s.flush()


def extend_lease(s: Session, owner: str, until: datetime) -> None:
    """Keep the deliveries this sender still holds for longer (a long batch on a slow server)."""
    s.execute(update(_DELIVERIES).where(_DELIVERIES.c.lease_owner == owner, _DELIVERIES.c.status == "pending")
              .values(lease_until=until))


def release(s: Session, owner: str, ids: Sequence[int]) -> None:
    """Give claimed deliveries back untried (the run stopped before reaching them)."""
    if ids:
        s.execute(update(AlertDelivery).where(AlertDelivery.id.in_(list(ids)), AlertDelivery.lease_owner == owner)
                  .values(lease_owner=None, lease_until=None))


def delivery_counts(s: Session) -> dict[str, int]:
    """Deliveries by status: pending, sent, failed."""
    found = dict(s.execute(select(AlertDelivery.status, func.count(AlertDelivery.id)).group_by(AlertDelivery.status)).tuples().all())
    return {status: int(found.get(status, 0)) for status in ("pending", "sent", "failed")}


def delivery_lines(s: Session, statuses: Sequence[str], limit: int = 50) -> list[DeliveryLine]:
    """The newest deliveries in these statuses, with their last error."""
    stmt = (
        select(AlertDelivery, AlertSubscription.name)
        .join(AlertSubscription, AlertSubscription.id == AlertDelivery.subscription_id)
        .where(AlertDelivery.status.in_(list(statuses)))
        .order_by(AlertDelivery.id.desc()).limit(limit)
    )
    return [
        DeliveryLine(d.id, d.recipient, d.topic, d.status, d.attempts, d.next_attempt_at, d.last_error, d.sent_at, name)
        for d, name in s.execute(stmt)
    ]


def pending_count(s: Session) -> int:
    return int(s.scalar(select(func.count(AlertDelivery.id)).where(AlertDelivery.status == "pending")) or 0)


def statuses(s: Session, ids: Sequence[int]) -> list[str]:
    """The status of each of these deliveries."""
    return list(s.scalars(select(AlertDelivery.status).where(AlertDelivery.id.in_(list(ids)))))
