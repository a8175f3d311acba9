"""`releasewatch report`, `film`, `calendar` and `ack`: what analysts read, share and mark reviewed.

Thin commands: parse options, call releasewatch.reporting, print one line per error.
"""
from __future__ import annotations

import getpass
import os
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from pipeline.model import EVENT_TYPES
from pipeline.reports import DOSSIER_FORMATS, REPORT_FORMATS
from releasewatch.cli import _database, _errors, _fail, _load_config, config_option, db_option, main


def _width() -> int:
    """The terminal's width on a terminal; 80 columns in a pipe or a file (COLUMNS overrides)."""
    if sys.stdout.isatty() or "COLUMNS" in os.environ:
        return shutil.get_terminal_size((80, 24)).columns
    return 80


def _types(values: tuple[str, ...]) -> tuple[str, ...]:
    wanted = tuple(t.strip() for v in values for t in v.split(",") if t.strip())
    unknown = [t for t in wanted if t not in EVENT_TYPES]
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)} (expected: {', '.join(EVENT_TYPES)})", param_hint="--type")
    return wanted


def _who() -> str:
    try:
        return os.environ.get("USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@main.command()
@click.option("--since", metavar="DATE|DURATION",
              help="Events detected since a date (2025-06-01, 2025-06-01T12:00) or for a duration (7d, 12h). "
                   "Default: since the last report of the same format, output and filters.")
@click.option("--film", "films", multiple=True, metavar="TITLE", help="Only this film (title or alias, any case; repeatable).")
@click.option("--type", "types", multiple=True, metavar="TYPE[,TYPE]",
              help=f"Only these event types (comma-separated or repeated): {', '.join(EVENT_TYPES)}.")
@click.option("--source", "sources", multiple=True, metavar="NAME", help="Only events involving this source (repeatable).")
@click.option("--unacked", is_flag=True, help="Hide events already marked reviewed with `releasewatch ack`.")
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), metavar="PATH",
              help="Write the report to this file instead of printing it.")
@db_option
@config_option
def report(since: str | None, films: tuple[str, ...], types: tuple[str, ...], sources: tuple[str, ...], unacked: bool,
           fmt: str, output: Path | None, db: str | None, config_path: str | None) -> None:
    """Show what changed and where sources disagree, with evidence and URLs.

    Newest first, grouped by film. html is one self-contained file with a timeline chart per film;
    md suits tickets and chat, csv spreadsheets, json scripts, atom feed readers.
    """
    from releasewatch.reporting import ReportRequest, make_report

    request = ReportRequest(fmt, since, films, _types(types), sources, unacked, output, _width())
    try:
        database = _database(db, _load_config(config_path, required=False))
        outcome = make_report(database, request, datetime.now(timezone.utc))
    except _errors() as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{output}: cannot write the report ({exc.strerror or exc})")
    n = len(outcome.view.events)
    if not n and (output is not None or fmt == "text"):
        # A data format printed to a pipe says it itself (an empty list), and nothing else may join it.
        why = ("no events yet: run `releasewatch crawl` first" if not outcome.stored_events else
               "no new events since the previous report (use --since to look further back)" if outcome.view.after_event_id
               else "no events match")
        click.echo(f"nothing to report: {why}" + ("" if outcome.written or output is None else f"; {output} left as it was"))
    if outcome.written:
        click.echo(f"wrote {n} event(s) as {fmt} to {output}")
    elif output is None and (n or fmt != "text"):
        click.echo(outcome.rendered, nl=False)


@main.command()
@click.argument("title")
@click.option("--format", "fmt", type=click.Choice(DOSSIER_FORMATS), default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), metavar="PATH", help="Write to this file.")
@db_option
@config_option
def film(title: str, fmt: str, output: Path | None, db: str | None, config_path: str | None) -> None:
    """A film's dossier: best estimates and why, every source's latest claim with evidence and URL,
    the history of claims as a timeline, cast and crew and which sources name them."""
    from releasewatch.reporting import make_dossier

    try:
        database = _database(db, _load_config(config_path, required=False))
        rendered = make_dossier(database, title, fmt, datetime.now(timezone.utc), _width())
        if output is not None:
            output.write_text(rendered, encoding="utf-8")
    except _errors() as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{output}: cannot write the dossier ({exc.strerror or exc})")
    click.echo(f"wrote the dossier of {title!r} as {fmt} to {output}" if output else rendered, nl=output is not None)


@main.command()
@click.option("--film", "films", multiple=True, metavar="TITLE", help="Only this film (repeatable).")
@click.option("--region", metavar="CC", help="Only dates for this country (ISO code), and worldwide dates of films without one.")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.ics")
@db_option
@config_option
def calendar(films: tuple[str, ...], region: str | None, output: Path, db: str | None, config_path: str | None) -> None:
    """Write the best current release dates as an iCalendar file to subscribe to.

    One event per film, region and kind; exact days are all-day events, coarser dates span their
    month, quarter, season or year and say so. Each event keeps its UID when the date moves.
    """
    from releasewatch.reporting import make_calendar

    try:
        database = _database(db, _load_config(config_path, required=False))
        ics, n = make_calendar(database, films, region, datetime.now(timezone.utc))
        output.write_bytes(ics)
    except _errors() as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{output}: cannot write the calendar ({exc.strerror or exc})")
    click.echo(f"wrote {n} release date(s) to {output}" + ("" if n else " (no current release-date claims match)"))


@main.command()
@click.argument("event_ids", nargs=-1, required=True, type=int, metavar="EVENT_ID...")
@click.option("--note", metavar="TEXT", help="Why, or what was done about it.")
@click.option("--by", "by", metavar="NAME", help="Who reviewed them (default: $USER).")
@db_option
@config_option
def ack(event_ids: tuple[int, ...], note: str | None, by: str | None, db: str | None, config_path: str | None) -> None:
    """Mark events reviewed; `report --unacked` hides them and the HTML report shows who reviewed what."""
    from releasewatch.reporting import ack as acknowledge

    who = by or _who()
    try:
        database = _database(db, _load_config(config_path, required=False))
        done = acknowledge(database, event_ids, who, note, datetime.now(timezone.utc))
    except _errors() as exc:
        _fail(str(exc))
    click.echo(f"{len(done)} event(s) marked reviewed by {who}: {', '.join(f'#{i}' for i in done)}")
