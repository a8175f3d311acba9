"""`releasewatch schedule`: run the table of scheduler.py in the foreground, once, or list it."""
from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import click

from releasewatch.cli import _database, _errors, _fail, _load_config, config_option, db_option, main

LOG_FORMAT = "%(asctime)s %(levelname)s %(message)s"


@contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGINT or SIGTERM, so that both stop the scheduler the same clean way."""
    stop = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        logging.getLogger("releasewatch.scheduler").info("%s received", signal.Signals(signum).name)
        stop.set()

    previous = {signum: signal.signal(signum, request_stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _print_jobs(rows: list, zone: str) -> None:
    tz = ZoneInfo(zone)
    width = max(len(r.job_id) for r in rows)
    schedule_width = max(len(r.schedule) for r in rows)
    for r in rows:
        when = f"next {r.next_run.astimezone(tz):%Y-%m-%d %H:%M:%S %Z}" if r.next_run else "-"
        note = {"new": "  (new: added at the next start)", "changed": "  (changed: rescheduled at the next start)",
                "removed": "  (no longer configured: removed at the next start)"}.get(r.note, "")
        click.echo(f"{r.job_id:<{width}}  {r.schedule:<{schedule_width}}  {when}{note}")


@main.command()
@click.option("--once", is_flag=True, help="Run every job once, now (each source's crawl, then alerts, then "
                                           "maintenance), and exit: 0 when none failed. For cron and tests.")
@click.option("--list", "list_jobs", is_flag=True, help="Show every job, its schedule and its next run time, and exit.")
@db_option
@config_option
def schedule(once: bool, list_jobs: bool, db: str | None, config_path: str | None) -> None:
    """Run releasewatch unattended: each source's crawl on its schedule, nightly maintenance.

    Jobs and their next run times are kept in the database, so a restart carries on where the last
    run stopped; a changed configuration is applied at start. Each crawl runs in its own process,
    at most one per source at a time, killed after [scheduler] crawl_timeout. One log line per job
    start and end. SIGINT or SIGTERM stops a running crawl, records it, and exits.
    """
    from releasewatch import scheduling
    from scheduler import job_table

    if once and list_jobs:
        _fail("--once and --list cannot be combined", 2)
    try:
        config = _load_config(config_path, required=True)
        job_table(config)  # an empty configuration fails here, before the database is touched
        database = _database(db, config)
        if list_jobs:
            _print_jobs(scheduling.list_jobs(config, database, datetime.now(timezone.utc)), config.scheduler.timezone)
            return
    except _errors() as exc:
        _fail(str(exc))
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, stream=sys.stderr)
    # APScheduler's own INFO lines ("Running job ...") would repeat ours without the counts.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        with _stop_on_signals() as stop:
            if once:
                ok = scheduling.run_once(config, database, stop) and not stop.is_set()
            else:
                scheduling.serve(config, database, stop)
    except _errors() as exc:
        _fail(str(exc))
    if once and not ok:
        sys.exit(1)
