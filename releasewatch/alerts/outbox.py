"""Sending the outbox: `send_pending` is what `alerts send`, `crawl --alerts` and the scheduler call.

Each run leases a few due deliveries at a time (a delivery whose sender died is taken over only
after its lease expires), writes down the Message-ID each one goes out with, sends, and marks every
message in its own transaction right after the server's reply: sent (250), retry later with
exponential backoff (4xx, server down), or failed for good with the server's words (5xx, or the
last of max_attempts). A crash between the server's 250 and the mark is the one moment a message
can go out twice, and then it goes with the same Message-ID, so the copy is recognisable.
"""
from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from pipeline.alerts.email import AlertItem, RenderedEmail, render_email
from pipeline.alerts.text import SourceChange
from pipeline.alerts_config import AlertsConfig, digest_slot
from pipeline.config import Config
from releasewatch.alerts.channels import CHANNELS, Channel
from releasewatch.alerts.errors import AlertsError, AlertsNotConfigured, DeliveryFailed
from releasewatch.alerts.message import Mail, build_message, delivery_message_id, digest_message_id, sender_domain
from releasewatch.alerts.smtp import Reply
from storage.db import Database
from storage.repository import list_events, list_runs, source_health
from storage.repository import alerts as outbox

DEFAULT_LEASE = timedelta(minutes=10)  # far longer than a batch takes to send
BATCH = 100  # deliveries claimed at a time in immediate mode
DIGEST_BATCH = 5000  # a digest claims everything due at once, so one recipient gets one message
BACKOFF = timedelta(minutes=1)  # first retry delay; doubles with each attempt


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to one recipient, carrying one delivery (or a digest of several)."""

    delivery_ids: tuple[int, ...]
    channel: str
    recipient: str
    message_id: str
    subject: str
    message: Mail


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the server said about one message, given to `observe` before it is recorded."""

    outgoing: Outgoing
    reply: Reply | None
    error: DeliveryFailed | None


@dataclass(frozen=True, slots=True)
class SendSummary:
    """What one run did. `pending` counts what is still queued afterwards (not yet due, retrying)."""

    messages: int  # messages the server accepted
    sent: int  # deliveries they carried
    retrying: int  # deliveries that failed for now and will be retried
    failed: int  # deliveries that failed for good in this run
    pending: int
    state_changes: int  # source_broken deliveries queued by this run
    errors: tuple[str, ...] = ()  # each distinct failure reason of this run


def _alerts(config: Config) -> AlertsConfig:
    if config.alerts is None:
        raise AlertsNotConfigured(config.path)
    return config.alerts


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _current_states(s: Session, broken_after: int) -> list[outbox.SourceState]:
    states = [outbox.SourceState(f"source:{h.name}", h.name, "broken" if h.broken else "ok", h.why_broken)
              for h in source_health(s, broken_after)]
    finished = [r for r in list_runs(s, limit=5) if r.finished_at is not None]
    if finished:
        run = finished[0]
        failed = run.status == "failed"
        states.append(outbox.SourceState("crawl", None, "failed" if failed else "ok",
                                         f"crawl run #{run.id} failed" if failed else None))
    return states


def _item(d: outbox.ClaimedDelivery, events: Mapping[int, object]) -> AlertItem:
    if d.event_id is not None:
        return AlertItem(d.id, event=events[d.event_id])  # type: ignore[arg-type]
    p = d.payload
    return AlertItem(d.id, change=SourceChange(p.get("source"), str(p.get("state")), str(p.get("was")), p.get("detail")))


def compose(s: Session, deliveries: Sequence[outbox.ClaimedDelivery], alerts: AlertsConfig,
            digest_at: datetime | None = None) -> list[Outgoing]:
    """The messages for these deliveries: one each, or in digest mode one per recipient (a digest
    that was already begun keeps its Message-ID and its deliveries).

    A message is dated when its alert was queued (a digest: at its digest time), not when it is
    sent, so a message sent again after a crash is the same message, byte for byte."""
    events = {e.id: e for e in list_events(s, ids={d.event_id for d in deliveries if d.event_id is not None})}
    groups: dict[tuple[str, str], list[outbox.ClaimedDelivery]] = {}
    for d in deliveries:
        if alerts.mode == "digest":
            key = ("id", d.message_id) if d.message_id else ("to", d.recipient.lower())
        else:
            key = ("id", d.message_id or delivery_message_id(d.id, alerts.sender))
        groups.setdefault(key, []).append(d)
    result = []
    # Recipients of the same alert get the same words: render each distinct content once.
    rendered_for: dict[tuple[object, ...], RenderedEmail] = {}
    for (kind, value), members in groups.items():
        ids = tuple(d.id for d in members)
        message_id = value if kind == "id" else digest_message_id(ids, alerts.sender)
        footer = "; ".join(dict.fromkeys(d.subscription for d in members))
        dated = (digest_at or max(d.created_at for d in members)).astimezone(alerts.zone)
        content = (footer, dated, tuple((d.event_id, repr(sorted(d.payload.items()))) for d in members))
        rendered = rendered_for.get(content)
        if rendered is None:
            rendered = rendered_for[content] = render_email([_item(d, events) for d in members], footer, dated,
                                                            digest=alerts.mode == "digest")
        first = members[0]
        message = build_message(rendered, sender=alerts.sender, recipient=first.recipient, message_id=message_id,
                                dated=dated, delivery_ids=ids, subscription_key=first.subscription_key)
        result.append(Outgoing(ids, first.channel, first.recipient, message_id, rendered.subject, message))
    return result


def send_pending(config: Config, database: Database, now: datetime, *, lease: timedelta = DEFAULT_LEASE,
                 batch: int = BATCH, environ: Mapping[str, str] | None = None,
                 observe: Callable[[Outcome], None] | None = None) -> SendSummary:
    """Send every due delivery once; the function the CLI and the scheduler call.

    `now` is the clock (aware datetime): due times, leases, backoff, the digest hour and the Date
    header are all reckoned from it. In digest mode only deliveries queued before the latest
    `digest_at` are due, so calling this after every crawl sends each digest once, at its hour.
    `observe` sees each server reply before it is recorded (the CLI prints it).
    Raises AlertsNotConfigured, PasswordMissing (before anything is claimed) and
    storage.errors.DatabaseUnavailable; a failing mail server is recorded, never raised.
    """
    alerts = _alerts(config)
    channels: dict[str, Channel] = {}

    def channel(name: str) -> Channel:
        if name not in channels:
            channels[name] = CHANNELS[name].connect(alerts, os.environ if environ is None else environ)
        return channels[name]

    channel("email")  # a missing password fails here, before any delivery is leased
    with database.session() as s:
        outbox.sync_subscriptions(s, alerts.subscriptions, now)
        changes = 0
        if any("source_broken" in sub.events for sub in alerts.subscriptions):
            changes = outbox.queue_state_changes(s, _current_states(s, config.crawl.broken_after), now)
    digest = alerts.mode == "digest"
    before = digest_slot(now, alerts.digest_at, alerts.zone) if digest else None
    owner = _owner()
    started = time.monotonic()

    def lease_end() -> datetime:
        # Leases are judged by other senders against their own clocks, so they run from `now`
        # as time actually passes in this run, however long it takes.
        return now + timedelta(seconds=time.monotonic() - started) + lease

    messages = sent = retrying = failed = 0
    errors: dict[str, None] = {}
    try:
        stopped = False
        while not stopped:
            with database.session() as s:
                until = lease_end()
                claimed = outbox.claim_due(s, owner, now, until, DIGEST_BATCH if digest else batch, before)
            if not claimed:
                break
            with database.session() as s:
                outgoing = compose(s, claimed, alerts, before)
                outbox.set_message_ids(s, owner, {i: o.message_id for o in outgoing for i in o.delivery_ids})
            # One session for the batch's marks, each committed on its own right after the
            # server's reply (the session holds no transaction while a message is on the wire).
            with database.session() as s:
                outbox.quick_commits(s, connection_wide=True)
                for index, out in enumerate(outgoing):
                    if lease_end() - until > lease / 2:  # half the lease is gone: renew it
                        until = lease_end()
                        outbox.extend_lease(s, owner, until)
                        s.commit()
                    try:
                        reply = channel(out.channel).send(out.message, out.recipient)
                    except DeliveryFailed as exc:
                        if observe is not None:
                            observe(Outcome(out, None, exc))
                        errors[exc.reason] = None
                        outbox.mark_failed_attempt(s, owner, out.delivery_ids, now, exc.reason, permanent=not exc.temporary,
                                                   max_attempts=alerts.max_attempts, backoff=BACKOFF)
                        states = outbox.statuses(s, out.delivery_ids)
                        s.commit()
                        failed += states.count("failed")
                        retrying += states.count("pending")
                        if exc.connection:
                            # The server cannot be used now: the rest waits for the next run, untried.
                            outbox.release(s, owner, [i for o in outgoing[index + 1:] for i in o.delivery_ids])
                            s.commit()
                            stopped = True
                            break
                        continue
                    if observe is not None:
                        observe(Outcome(out, reply, None))
                    outbox.quick_commits(s)
                    outbox.mark_sent(s, owner, out.delivery_ids, now)
                    s.commit()
                    messages += 1
                    sent += len(out.delivery_ids)
    finally:
        for open_channel in channels.values():
            open_channel.close()
    with database.session() as s:
        pending = outbox.pending_count(s)
    return SendSummary(messages, sent, retrying, failed, pending, changes, tuple(errors))


def preview_pending(config: Config, database: Database, now: datetime, limit: int = 1000) -> list[Outgoing]:
    """The messages send_pending would send now, without sending, leasing or recording anything."""
    alerts = _alerts(config)
    before = digest_slot(now, alerts.digest_at, alerts.zone) if alerts.mode == "digest" else None
    with database.session() as s:
        return compose(s, outbox.peek_due(s, now, limit, before), alerts, before)


@dataclass(frozen=True, slots=True)
class TestResult:
    message_id: str
    transcript: tuple[Reply, ...]
    error: DeliveryFailed | None


def send_test(config: Config, to: Sequence[str], now: datetime, environ: Mapping[str, str] | None = None) -> TestResult:
    """Send one test email to `to` (default: every subscribed address) and keep what the server said."""
    alerts = _alerts(config)
    recipients = list(dict.fromkeys(to or [a for sub in alerts.subscriptions for a in sub.to]))
    if not recipients:
        raise AlertsError("no recipient: pass --to ADDRESS, or add [[alerts.subscriptions]] with to = [...]")
    connection = CHANNELS["email"].connect(alerts, os.environ if environ is None else environ)
    local_now = now.astimezone(alerts.zone)
    message_id = f"<releasewatch.test.{uuid.uuid4().hex}@{sender_domain(alerts.sender)}>"
    subject = f"releasewatch test: alerts from {alerts.smtp_host} reach you"
    text = (f"{subject}.\n\nThis test was sent at {local_now:%Y-%m-%d %H:%M %Z} through "
            f"{alerts.smtp_host}:{alerts.smtp_port} ({alerts.security}). Alerts will look like this one.\n")
    html = f"<p>{subject}.</p><p>Sent at {local_now:%Y-%m-%d %H:%M %Z}.</p>"
    error = None
    try:
        for recipient in recipients:
            message = build_message(RenderedEmail(subject, text, html), sender=alerts.sender, recipient=recipient,
                                    message_id=message_id, dated=local_now, delivery_ids=(),
                                    subscription_key="test")
            connection.send(message, recipient)
    except DeliveryFailed as exc:
        error = exc
    finally:
        connection.close()
    return TestResult(message_id, tuple(connection.transcript), error)
