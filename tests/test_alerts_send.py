"""Alerts end to end against a real SMTP server on 127.0.0.1 (aiosmtpd, started by the tests).

The events are real: pages are ingested (as a crawl does) and their deliveries are queued in the
same transaction. Sending runs send_pending with the clock passed in, in this process or in child
processes (a sender killed between the server's 250 and the mark; two senders at once).
"""
from __future__ import annotations

import email
import email.policy
import os
import signal
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select

from alert_helpers import T0, alerts_config, alerts_toml, date_claim, say
from pipeline.config import Config, parse_config
from pipeline.model import Claim, Document, FetchedPage
from releasewatch.alerts import preview_pending, send_pending
from releasewatch.alerts.errors import PasswordMissing
from releasewatch.cli import main
from smtp_fixtures import PASSWORD, USERNAME, SmtpSink
from storage.db import Database
from storage.ingest import ingest_page
from storage.models import AlertDelivery, EventRow
from storage.rediff import rediff
from storage.repository import alerts as outbox
from storage.repository import finish_run, start_run, sync_sources

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def sdb(sqlite_url: str) -> Database:
    database = Database(sqlite_url)
    database.upgrade()
    yield database
    database.dispose()


def subscribe(db: Database, config: Config, at: datetime = T0 - timedelta(days=1)) -> None:
    with db.session() as s:
        sync_sources(s, config.sources)
        assert config.alerts is not None
        outbox.sync_subscriptions(s, config.alerts.subscriptions, at)


def conflict_then_resolution(db: Database, start: datetime = T0 - timedelta(hours=3)) -> None:
    """studio: June 6, 2025 (new); fans: July 7, 2024 (conflict); fans corrects itself (changed, resolved)."""
    say(db, "studio", start, date_claim("2025-06-06", "Ballerina opens on June 6, 2025."))
    say(db, "fans", start + timedelta(minutes=10), date_claim("2024-07-07", "Ballerina hits theaters July 7, 2024."))
    say(db, "fans", start + timedelta(minutes=20), date_claim("2025-06-06", "Ballerina now opens June 6, 2025."))


def deliveries(db: Database) -> list[AlertDelivery]:
    with db.session() as s:
        return list(s.scalars(select(AlertDelivery).order_by(AlertDelivery.id)))


def received_ids(sink: SmtpSink) -> list[str]:
    return [m.message_id for m in sink.messages]


# --- the outbox is written with the events ---------------------------------------------------------

def test_deliveries_are_queued_with_their_events_once_per_recipient(db: Database) -> None:
    config = alerts_config(1, subscriptions='''
[[alerts.subscriptions]]
name = "Ballerina watch"
to = ["analyst@example.com", "boss@example.com"]
films = ["Ballerina"]

[[alerts.subscriptions]]
name = "all conflicts"
to = ["Analyst@example.com"]
events = ["conflict"]

[[alerts.subscriptions]]
name = "other film"
to = ["nobody@example.com"]
films = ["Sinners"]
''')
    # Before alerts exist: this event is never alerted (the subscription's baseline).
    say(db, "studio", T0 - timedelta(days=2), date_claim("2025-06-06", "Ballerina opens on June 6, 2025."))
    subscribe(db, config)
    assert deliveries(db) == []
    say(db, "fans", T0 - timedelta(hours=2), date_claim("2024-07-07", "Ballerina hits theaters July 7, 2024."))
    rows = deliveries(db)
    # The conflict goes to analyst once (not again through "all conflicts": same address, any case) and to boss.
    assert sorted((r.recipient, r.topic) for r in rows) == [("analyst@example.com", "conflict"), ("boss@example.com", "conflict")]
    assert all(r.status == "pending" and r.event_id is not None for r in rows)

    # A unit of work that fails stores neither the events nor their deliveries.
    with pytest.raises(RuntimeError), db.session() as s:
        url = "https://fans.test/a"
        ingest_page(s, FetchedPage("fans", url, url, 200, {}, b"", T0), Document("fans", "t"),
                    [date_claim("2025-06-06", "Ballerina now opens June 6, 2025.")], "h-rollback", None, T0)
        assert s.scalar(select(AlertDelivery.id).where(AlertDelivery.topic == "resolved")) is not None
        raise RuntimeError("crash inside the unit of work")
    assert len(deliveries(db)) == 2

    # Queueing the same events again is a no-op.
    with db.session() as s:
        fingerprints = list(s.scalars(select(EventRow.fingerprint)))
        assert outbox.queue_event_deliveries(s, fingerprints) == 0

    # rediff stores the events the rules produce and no longer finds; they are alerted like a crawl's.
    with db.session() as s:
        s.execute(delete(AlertDelivery))
        s.execute(delete(EventRow).where(EventRow.type == "conflict"))
    with db.session() as s:
        outcome = rediff(s, T0)
    assert outcome.added == 1
    assert sorted(r.recipient for r in deliveries(db)) == ["analyst@example.com", "boss@example.com"]


# --- sending -------------------------------------------------------------------------------------

def test_starttls_and_auth_deliver_good_multipart_mail_and_the_password_stays_secret(tls_smtp_server: SmtpSink, sdb: Database, tmp_path: Path) -> None:
    ca_file = tmp_path / "smtp-cert.pem"
    extra = f'username = "{USERNAME}"\npassword_env = "RW_TEST_SMTP_PASSWORD"\nca_file = "{ca_file}"'
    config = alerts_config(tls_smtp_server.port, security="starttls", extra=extra)
    subscribe(sdb, config)
    conflict_then_resolution(sdb)
    now = T0
    with pytest.raises(PasswordMissing, match=r"\$RW_TEST_SMTP_PASSWORD, which is not set"):
        send_pending(config, sdb, now, environ={})
    assert all(d.status == "pending" and d.lease_owner is None for d in deliveries(sdb))

    wrong = send_pending(config, sdb, now, environ={"RW_TEST_SMTP_PASSWORD": "not-the-password-xyz"})
    assert wrong.messages == 0 and wrong.retrying == 1
    assert "refused the login as alerts (127.0.0.1:" in wrong.errors[0] and "): 535 5.7.8" in wrong.errors[0] and "not-the-password-xyz" not in wrong.errors[0]

    summary = send_pending(config, sdb, now + timedelta(minutes=5), environ={"RW_TEST_SMTP_PASSWORD": PASSWORD})
    assert (summary.messages, summary.sent, summary.pending) == (6, 6, 0)
    assert tls_smtp_server.authenticated == [True] * 6
    by_id = {m.message_id: m for m in tls_smtp_server.messages}
    for d in deliveries(sdb):
        assert d.status == "sent" and d.message_id == f"<releasewatch.delivery.{d.id}@releasewatch.example>"
        m = by_id[d.message_id]
        assert m.rcpt_tos == [d.recipient] and m.message["To"] == d.recipient
        assert m.message["From"] == "releasewatch <alerts@releasewatch.example>"
        assert m.mail_from == "alerts@releasewatch.example"
        assert m.message["Date"] == format_datetime(d.created_at)  # when the alert arose, the same on a resend
        assert d.created_at < now
        assert m.message["Auto-Submitted"] == "auto-generated"
        assert m.message["List-Unsubscribe"].strip().startswith("<mailto:alerts@releasewatch.example?subject=unsubscribe")
        assert m.message["X-Releasewatch-Delivery"] == str(d.id)
        assert m.message.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in m.message.iter_parts()] == ["text/plain", "text/html"]
        assert "for the subscription Ballerina watch (films: Ballerina" in m.message.get_body(("plain",)).get_content()
    subjects = sorted({m.message["Subject"] for m in tls_smtp_server.messages})
    assert subjects == [
        "Ballerina: postponed by 334 days to June 6, 2025 (fans)",
        "Ballerina: release date conflict resolved, sources agree again (was June 6, 2025 vs July 7, 2024)",
        "Ballerina: release date conflict, June 6, 2025 vs July 7, 2024",
    ]
    # The password is nowhere: not in the database file, not in `alerts status`.
    for path in tmp_path.glob("releasewatch.db*"):
        assert PASSWORD.encode() not in path.read_bytes() and b"not-the-password-xyz" not in path.read_bytes()
    status = CliRunner().invoke(main, ["alerts", "status", "--db", sdb.url])
    assert status.exit_code == 0 and "pending 0  sent 6  failed 0" in status.output
    assert PASSWORD not in status.output


def test_a_server_that_is_down_keeps_everything_pending_and_a_later_send_delivers_each_once(sdb: Database) -> None:
    sink = SmtpSink()  # not started: connection refused
    config = alerts_config(sink.port)
    subscribe(sdb, config)
    conflict_then_resolution(sdb)
    down = send_pending(config, sdb, T0)
    assert (down.messages, down.retrying, down.failed, down.pending) == (0, 1, 0, 6)
    assert "cannot connect to the SMTP server (127.0.0.1:" in down.errors[0]
    tried = [d for d in deliveries(sdb) if d.attempts]
    assert len(tried) == 1 and tried[0].next_attempt_at == T0 + timedelta(minutes=1)
    assert all(d.lease_owner is None for d in deliveries(sdb))  # untried ones were given back
    sink.start()
    try:
        early = send_pending(config, sdb, T0)  # the one that failed waits for its backoff
        assert (early.messages, early.pending) == (5, 1)
        later = send_pending(config, sdb, T0 + timedelta(minutes=2))
        assert (later.messages, later.pending) == (1, 0)
        again = send_pending(config, sdb, T0 + timedelta(hours=1))
        assert again.messages == 0
    finally:
        sink.stop()
    assert sorted(received_ids(sink)) == sorted(d.message_id for d in deliveries(sdb))
    assert len(set(received_ids(sink))) == 6 and all(d.status == "sent" for d in deliveries(sdb))


def test_a_4xx_is_retried_with_backoff_then_delivered(smtp_server: SmtpSink, sdb: Database) -> None:
    config = alerts_config(smtp_server.port)
    subscribe(sdb, config)
    conflict_then_resolution(sdb)
    smtp_server.handler.data_replies = ["451 4.3.0 Mailbox busy, try again later"] * 2
    first = send_pending(config, sdb, T0)
    assert (first.messages, first.retrying) == (4, 2)
    busy = [d for d in deliveries(sdb) if d.status == "pending"]
    assert [d.last_error for d in busy] == [f"the server refused DATA (127.0.0.1:{smtp_server.port}): 451 4.3.0 Mailbox busy, try again later"] * 2
    assert {d.next_attempt_at for d in busy} == {T0 + timedelta(minutes=1)}
    assert send_pending(config, sdb, T0 + timedelta(seconds=30)).messages == 0  # not due yet
    smtp_server.handler.data_replies = ["451 4.3.0 still busy"]
    second = send_pending(config, sdb, T0 + timedelta(minutes=1))
    assert (second.messages, second.retrying) == (1, 1)
    still = [d for d in deliveries(sdb) if d.status == "pending"]
    assert still[0].attempts == 2 and still[0].next_attempt_at == T0 + timedelta(minutes=3)  # doubled
    assert send_pending(config, sdb, T0 + timedelta(minutes=3)).messages == 1
    assert all(d.status == "sent" for d in deliveries(sdb)) and len(set(received_ids(smtp_server))) == 6


def test_a_5xx_fails_for_good_with_the_servers_words_and_max_attempts_ends_retries(smtp_server: SmtpSink, sdb: Database) -> None:
    config = alerts_config(smtp_server.port, extra="max_attempts = 2")
    subscribe(sdb, config)
    conflict_then_resolution(sdb)
    refusal = "550 5.1.1 <boss@example.com>: Recipient address rejected: User unknown"
    smtp_server.handler.refuse["boss@example.com"] = refusal
    summary = send_pending(config, sdb, T0)
    assert (summary.messages, summary.failed, summary.pending) == (3, 3, 0)
    failed = [d for d in deliveries(sdb) if d.status == "failed"]
    assert {d.recipient for d in failed} == {"boss@example.com"} and {d.attempts for d in failed} == {1}
    assert failed[0].last_error == f"the server refused RCPT TO (127.0.0.1:{smtp_server.port}): {refusal}"
    assert send_pending(config, sdb, T0 + timedelta(days=1)).messages == 0  # never retried

    status = CliRunner().invoke(main, ["alerts", "status", "--db", sdb.url])
    assert "pending 0  sent 3  failed 3" in status.output and refusal in status.output

    # max_attempts = 2: a message refused with 4xx twice is given up, with the last reason.
    say(sdb, "studio", T0, date_claim("2025-07-01", "Ballerina moves to July 1, 2025."))
    smtp_server.handler.refuse.clear()
    smtp_server.handler.data_replies = ["451 4.7.1 greylisted"] * 8  # 4 messages (changed, conflict), twice
    send_pending(config, sdb, T0)
    send_pending(config, sdb, T0 + timedelta(minutes=1))
    given_up = [d for d in deliveries(sdb) if d.last_error and "greylisted" in d.last_error]
    assert len(given_up) == 4 and {(d.status, d.attempts) for d in given_up} == {("failed", 2)}


SENDER_CHILD = textwrap.dedent('''
    import os, signal, sys
    from datetime import datetime
    from pipeline.config import load_config
    from storage.db import Database
    from releasewatch.alerts import send_pending

    config, url, now, kill_after, batch = sys.argv[1], sys.argv[2], datetime.fromisoformat(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    accepted = 0

    def observe(outcome):
        global accepted
        if outcome.error is None:
            accepted += 1
            if accepted == kill_after:  # the server said 250; die before recording it
                os.kill(os.getpid(), signal.SIGKILL)

    summary = send_pending(load_config(config), Database(url), now, batch=batch, observe=observe)
    print(summary.messages)
''')


def run_sender(config_path: Path, url: str, now: datetime, *, kill_after: int = 0, batch: int = 100) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", SENDER_CHILD, str(config_path), url, now.isoformat(), str(kill_after), str(batch)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_sender_killed_between_the_250_and_the_mark_loses_nothing_and_the_resend_has_the_same_id(
        smtp_server: SmtpSink, sdb: Database, tmp_path: Path) -> None:
    config_path = tmp_path / "releasewatch.toml"
    config_path.write_text(alerts_toml(smtp_server.port), encoding="utf-8")
    config = parse_config(config_path.read_text(), str(config_path))
    subscribe(sdb, config)
    conflict_then_resolution(sdb)
    child = run_sender(config_path, sdb.url, T0, kill_after=2)
    _, err = child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL, err
    assert len(smtp_server.messages) == 2
    in_doubt = [d for d in deliveries(sdb) if d.status == "pending" and d.lease_owner]
    assert len(in_doubt) == 6 - 1  # the batch is still leased: one accepted-but-unmarked, four untried
    doubtful = smtp_server.messages[1].message_id

    # Another sender leaves a live lease alone ...
    assert send_pending(config, sdb, T0 + timedelta(minutes=5)).messages == 0
    # ... and takes the deliveries over once it has expired.
    after = send_pending(config, sdb, T0 + timedelta(minutes=11))
    assert (after.messages, after.pending) == (5, 0)
    assert all(d.status == "sent" for d in deliveries(sdb))

    # None lost: every delivery reached its recipient. The one the dead sender could not mark went
    # again with the same Message-ID (and the same bytes), so a mailbox that already has that id
    # (as mail stores that drop duplicate Message-IDs do) keeps one copy; every other message went once.
    raw = received_ids(smtp_server)
    assert sorted(set(raw)) == sorted(d.message_id for d in deliveries(sdb))
    assert [i for i in raw if raw.count(i) > 1] == [doubtful, doubtful]
    copies = [m for m in smtp_server.messages if m.message_id == doubtful]
    assert copies[0].raw == copies[1].raw
    assert copies[0].rcpt_tos == copies[1].rcpt_tos
    for recipient, ids in smtp_server.by_recipient().items():
        assert all(n == 1 for i, n in ids.items() if i != doubtful), recipient


def test_two_senders_at_once_deliver_each_message_once(smtp_server: SmtpSink, db: Database, tmp_path: Path) -> None:
    config_path = tmp_path / "releasewatch.toml"
    config_path.write_text(alerts_toml(smtp_server.port, subscriptions='''
[[alerts.subscriptions]]
name = "everything new"
to = ["a@example.com", "b@example.com"]
events = ["new"]
'''), encoding="utf-8")
    config = parse_config(config_path.read_text(), str(config_path))
    subscribe(db, config)
    claims = [Claim(f"Film {i}", "director", f"Director {i}", f"Film {i} is directed by Director {i}.", 0.9, "rule")
              for i in range(20)]
    say(db, "studio", T0 - timedelta(hours=1), *claims)
    assert len(deliveries(db)) == 40
    senders = [run_sender(config_path, db.url, T0, batch=3) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in senders]
    assert [p.returncode for p in senders] == [0, 0], outputs
    counts = [int(out.strip()) for out, _ in outputs]
    assert sum(counts) == 40
    raw = received_ids(smtp_server)
    assert len(raw) == 40 and len(set(raw)) == 40
    assert all(d.status == "sent" for d in deliveries(db))


def test_a_digest_goes_out_at_its_hour_grouped_by_film(smtp_server: SmtpSink, sdb: Database) -> None:
    config = alerts_config(smtp_server.port, extra='mode = "digest"\ndigest_at = "08:00"\ntimezone = "Europe/Paris"')
    subscribe(sdb, config)
    conflict_then_resolution(sdb, T0 - timedelta(hours=3))  # 05:00-05:20 Paris time
    before_hour = T0 - timedelta(minutes=1)  # 07:59 in Paris
    assert send_pending(config, sdb, before_hour).messages == 0
    assert preview_pending(config, sdb, before_hour) == []
    at_hour = T0  # 08:00 in Paris
    summary = send_pending(config, sdb, at_hour)
    assert (summary.messages, summary.sent) == (2, 6)
    for m in smtp_server.messages:
        assert m.message["Subject"] == "releasewatch digest: 3 alerts about 1 film (Ballerina 3)"
        assert m.message["X-Releasewatch-Delivery"].count(",") == 2
        text = m.message.get_body(("plain",)).get_content()
        assert "== Ballerina (3) ==" in text and text.count("\n* Ballerina: ") == 3
    # An event after the hour waits for tomorrow's digest, even if send runs every few minutes.
    say(sdb, "studio", T0 + timedelta(minutes=30), date_claim("2025-07-01", "Ballerina moves to July 1, 2025."))
    assert send_pending(config, sdb, T0 + timedelta(hours=2)).messages == 0
    assert send_pending(config, sdb, T0 + timedelta(days=1)).messages == 2
    assert len(smtp_server.messages) == 4


def test_a_broken_source_is_told_once_per_change_of_state(smtp_server: SmtpSink, sdb: Database) -> None:
    config = alerts_config(smtp_server.port, subscriptions='''
[[alerts.subscriptions]]
name = "ops"
to = ["ops@example.com"]
events = ["source_broken"]
sources = ["fans"]
''')
    subscribe(sdb, config)

    def run(at: datetime, fans_ok: bool) -> None:
        with sdb.session() as s:
            run_id = start_run(s, ["studio", "fans"], at)
            counts = {"studio": {"fetched": 1}, "fans": {"fetched": 1} if fans_ok else {"failed": 1}}
            finish_run(s, run_id, finished_at=at, status="partial" if not fans_ok else "ok", pages_fetched=1,
                       pages_unchanged=0, pages_failed=0 if fans_ok else 1, claims=0, events=0, source_counts=counts)

    run(T0, True)
    assert send_pending(config, sdb, T0).messages == 0  # healthy from the start: nothing to tell
    for hour in (1, 2, 3):
        run(T0 + timedelta(hours=hour), False)
    assert send_pending(config, sdb, T0 + timedelta(hours=3, minutes=1)).messages == 1
    assert send_pending(config, sdb, T0 + timedelta(hours=3, minutes=2)).messages == 0  # still broken: not again
    run(T0 + timedelta(hours=4), False)
    assert send_pending(config, sdb, T0 + timedelta(hours=4, minutes=1)).messages == 0
    run(T0 + timedelta(hours=5), True)
    assert send_pending(config, sdb, T0 + timedelta(hours=5, minutes=1)).messages == 1
    subjects = [m.message["Subject"] for m in smtp_server.messages]
    assert subjects == ["Source fans is BROKEN: failed its last 3 runs", "Source fans works again"]
    assert [m.rcpt_tos for m in smtp_server.messages] == [["ops@example.com"]] * 2


# --- the command line ----------------------------------------------------------------------------

def test_alerts_send_dry_run_test_and_status_from_the_command_line(smtp_server: SmtpSink, sdb: Database, tmp_path: Path) -> None:
    config_path = tmp_path / "releasewatch.toml"
    config_path.write_text(alerts_toml(smtp_server.port), encoding="utf-8")
    subscribe(sdb, parse_config(config_path.read_text(), str(config_path)), datetime.now(timezone.utc) - timedelta(days=1))
    conflict_then_resolution(sdb, datetime.now(timezone.utc) - timedelta(hours=1))
    cli = CliRunner()
    dry = cli.invoke(main, ["alerts", "send", "--dry-run", "--config", str(config_path), "--db", sdb.url])
    assert dry.exit_code == 0, dry.output
    lines = dry.output.splitlines()
    assert len(lines) == 6 and lines[0].startswith("would send #1  to analyst@example.com  <releasewatch.delivery.1@releasewatch.example>  Ballerina: release date conflict")
    assert smtp_server.messages == []

    test = cli.invoke(main, ["alerts", "test", "--to", "me@example.com", "--config", str(config_path)])
    assert test.exit_code == 0, test.output
    assert "DATA" in test.output and "250 2.0.0 Ok: queued as RW1" in test.output and "accepted" in test.output
    assert smtp_server.messages[0].rcpt_tos == ["me@example.com"]

    sent = cli.invoke(main, ["alerts", "send", "--config", str(config_path), "--db", sdb.url])
    assert sent.exit_code == 0, sent.output
    assert sent.output.count("\nsent ") + sent.output.startswith("sent ") == 6
    assert "alerts: 6 message(s) sent (6 alert(s)), 0 pending" in sent.output
    status = cli.invoke(main, ["alerts", "status", "--config", str(config_path), "--db", sdb.url])
    assert "pending 0  sent 6  failed 0" in status.output

    smtp_server.stop()
    down = cli.invoke(main, ["alerts", "test", "--config", str(config_path)])
    assert down.exit_code == 1 and "error: cannot connect to the SMTP server (127.0.0.1:" in down.output


def test_alerts_commands_without_an_alerts_table_say_so(tmp_path: Path) -> None:
    config_path = tmp_path / "releasewatch.toml"
    config_path.write_text('[[sources]]\nname = "a"\nurls = ["https://a.example/"]\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["alerts", "send", "--config", str(config_path), "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {config_path}: no [alerts] table: add one (see examples/releasewatch.toml) to send alerts"


def test_crawl_with_alerts_sends_what_the_crawl_found(smtp_server: SmtpSink, tmp_path: Path) -> None:
    page = tmp_path / "ballerina.txt"
    page.write_text("Ballerina opens in theaters on June 6, 2025, Lionsgate said on Monday.\n", encoding="utf-8")
    config_path = tmp_path / "releasewatch.toml"
    config_path.write_text(f'''
[[sources]]
name = "saved"
urls = ["{page.as_uri()}"]

[[films]]
title = "Ballerina"

[alerts]
smtp_port = {smtp_server.port}
security = "none"
sender = "alerts@releasewatch.example"

[[alerts.subscriptions]]
to = ["analyst@example.com"]
events = ["new"]
''', encoding="utf-8")
    db_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    result = CliRunner().invoke(main, ["crawl", "--alerts", "--config", str(config_path), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "alerts: 1 message(s) sent (1 alert(s)), 0 pending" in result.output
    (message,) = smtp_server.messages
    assert message.message["Subject"] == "Ballerina: new theatrical release date: June 6, 2025 (saved)"
    assert page.as_uri() in message.message.get_body(("plain",)).get_content()
