"""`releasewatch alerts send | test | status`: the outbox from the command line (thin: each command
calls one function of releasewatch.alerts and prints what it returns)."""
from __future__ import annotations

import sys
from datetime import datetime, timezone

import click

from releasewatch.cli import _database, _errors, _fail, _load_config, config_option, db_option, main


def print_outcome(outcome) -> None:  # type: ignore[no-untyped-def]
    """One line per message: what the server said, or why it was not sent."""
    out = outcome.outgoing
    ids = ",".join(f"#{i}" for i in out.delivery_ids)
    if outcome.error is None:
        click.echo(f"sent    {ids}  {out.recipient}  {out.subject}  [{outcome.reply.code} {outcome.reply.text}]")
    else:
        state = "retry" if outcome.error.temporary else "failed"
        click.echo(f"{state:<7} {ids}  {out.recipient}  {out.subject}  [{outcome.error.reason}]")


def print_summary(summary) -> None:  # type: ignore[no-untyped-def]
    parts = [f"{summary.messages} message(s) sent ({summary.sent} alert(s))"]
    if summary.retrying:
        parts.append(f"{summary.retrying} to retry")
    if summary.failed:
        parts.append(f"{summary.failed} failed")
    parts.append(f"{summary.pending} pending")
    click.echo("alerts: " + ", ".join(parts))


def send_after_crawl(config, database) -> bool:  # type: ignore[no-untyped-def]
    """`crawl --alerts`: send what the crawl queued; False when some alert could not be sent."""
    from releasewatch.alerts import send_pending

    summary = send_pending(config, database, datetime.now(timezone.utc), observe=print_outcome)
    print_summary(summary)
    return not (summary.retrying or summary.failed)


@main.group()
def alerts() -> None:
    """Email alerts: send the queued ones, send a test, show what is pending, sent or failed."""


@alerts.command()
@click.option("--dry-run", is_flag=True, help="Print the messages that would go out; send and record nothing.")
@db_option
@config_option
def send(dry_run: bool, db: str | None, config_path: str | None) -> None:
    """Send every due alert once (retries wait with exponential backoff; digests wait for digest_at)."""
    from releasewatch.alerts import preview_pending, send_pending

    now = datetime.now(timezone.utc)
    try:
        config = _load_config(config_path, required=True)
        database = _database(db, config)
        if dry_run:
            for out in preview_pending(config, database, now):
                ids = ",".join(f"#{i}" for i in out.delivery_ids)
                click.echo(f"would send {ids}  to {out.recipient}  {out.message_id}  {out.subject}")
            return
        summary = send_pending(config, database, now, observe=print_outcome)
    except _errors() as exc:
        _fail(str(exc))
    print_summary(summary)
    if summary.retrying or summary.failed:
        sys.exit(1)


@alerts.command()
@click.option("--to", "to", multiple=True, metavar="ADDRESS", help="Send to this address (repeatable; default: every subscribed address).")
@config_option
def test(to: tuple[str, ...], config_path: str | None) -> None:
    """Send one test email and print exactly what the server said."""
    from releasewatch.alerts import send_test

    try:
        config = _load_config(config_path, required=True)
        result = send_test(config, list(to), datetime.now(timezone.utc))
    except _errors() as exc:
        _fail(str(exc))
    for reply in result.transcript:
        click.echo(f"{reply.command:<28} {reply.code} {reply.text}")
    if result.error is not None:
        _fail(result.error.reason)
    click.echo(f"test email {result.message_id} accepted")


@alerts.command()
@click.option("--limit", default=20, show_default=True, help="How many pending and failed deliveries to list.")
@db_option
@config_option
def status(limit: int, db: str | None, config_path: str | None) -> None:
    """Show how many alerts are pending, sent and failed, and the last error of those not sent."""
    from storage.repository import alerts as outbox

    try:
        database = _database(db, _load_config(config_path, required=False))
        with database.session() as s:
            counts = outbox.delivery_counts(s)
            lines = outbox.delivery_lines(s, ("pending", "failed"), limit)
    except _errors() as exc:
        _fail(str(exc))
    click.echo(f"pending {counts['pending']}  sent {counts['sent']}  failed {counts['failed']}")
    for line in lines:
        when = "" if line.status != "pending" else f"  next try {line.next_attempt_at:%Y-%m-%d %H:%M} UTC"
        error = f"  last error: {line.last_error}" if line.last_error else ""
        click.echo(f"#{line.id} {line.status} {line.topic} to {line.recipient} ({line.subscription}), "
                   f"{line.attempts} attempt(s){when}{error}")
