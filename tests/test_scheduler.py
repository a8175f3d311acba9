"""The scheduler: its table of jobs, the job store across restarts, and real runs against a local site.

Crawls run with shortened Scrapy timeouts (FAST) where the scheduler runs in this process; the
tests that need signals run `releasewatch schedule` as a child process, as an operator would.
"""
from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from click.testing import CliRunner
from sqlalchemy import select

from pipeline.config import parse_config
from releasewatch.cli import main
from releasewatch.sample_server import SampleSite
from releasewatch.scheduling import Runner, list_jobs, opened_scheduler, run_once, serve, sync_jobs
from scheduler import JobContext, JobOutcome, JobSpec, job_table
from scrapers.crawl import run_crawl
from storage import repository
from storage.db import Database
from storage.models import CrawlRun, FetchFailure

ROOT = Path(__file__).resolve().parents[1]
RELEASEWATCH = str(Path(sys.executable).with_name("releasewatch"))
FAST = {"DOWNLOAD_TIMEOUT": 20, "RETRY_TIMES": 0, "AUTOTHROTTLE_START_DELAY": 0, "AUTOTHROTTLE_MAX_DELAY": 0.2,
        "DOWNLOAD_DELAY": 0, "RELEASEWATCH_EXTRACT_WORKERS": 0}
FILMS = ("The Salt Road", "The Narrows", "Low Tide")
PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{film} gets a date</title>
<meta property="article:published_time" content="2026-10-01T08:00:00+00:00"></head>
<body><main><article><h1>{film} gets a date</h1>
<p>Northlight Pictures has set a June 11, 2027 release date for {film}, exclusively in theaters.</p>
<p>{film} is directed by Teodora Vance.</p></article></main></body></html>
"""


def _config(site: SampleSite, db_url: str, sources: dict[str, str], scheduler: str = "") -> str:
    """A releasewatch.toml: one source per entry ('name': 'pages a.html b.html; every = "1s"')."""
    lines = [f'[database]\nurl = "{db_url}"\n', f"[scheduler]\n{scheduler}\n"]
    for name, spec in sources.items():
        pages, _, timing = spec.partition(";")
        urls = ", ".join(f'"{site.url(p)}"' for p in pages.split())
        lines.append(f'[[sources]]\nname = "{name}"\nurls = [{urls}]\n{timing.strip()}\n')
    lines += [f'[[films]]\ntitle = "{film}"\n' for film in FILMS]
    return "\n".join(lines)


def _write_pages(site: SampleSite) -> None:
    for i, film in enumerate(FILMS):
        site.write(f"p{i}.html", PAGE.format(film=film))


def _runs(db: Database) -> list[CrawlRun]:
    with db.session() as s:
        return list(s.scalars(select(CrawlRun).order_by(CrawlRun.id)))


def _wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {seconds:g}s waiting for {what}")
        time.sleep(0.2)


def _events(db: Database) -> list[tuple]:
    with db.session() as s:
        return sorted((e.type, e.film, e.field, e.region or "", e.kind or "", e.actor or "", e.summary)
                      for e in repository.list_events(s))


TABLE = """
[scheduler]
timezone = "Europe/Paris"
maintenance_at = "04:15"
[[sources]]
name = "studio"
urls = ["https://example.com/a"]
every = "1d"
[[sources]]
name = "cinema"
urls = ["https://example.com/b"]
cron = "30 7 * * mon-fri"
jitter = "10m"
active_hours = "07:00-23:00"
"""


def test_the_table_has_a_crawl_per_source_and_the_nightly_maintenance() -> None:
    table = job_table(parse_config(TABLE))
    assert [(spec.job_id, spec.schedule, spec.start_now) for spec in table] == [
        ("crawl:studio", "every 1d (Europe/Paris)", True),
        ("crawl:cinema", "cron '30 7 * * mon-fri' jitter 10m within 07:00-23:00 (Europe/Paris)", True),
        ("maintenance", "daily at 04:15 (Europe/Paris)", False),
    ]


def test_an_empty_configuration_is_an_error_not_a_silent_wait(tmp_path: Path) -> None:
    path = tmp_path / "empty.toml"
    path.write_text("[scheduler]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["schedule", "--config", str(path), "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 1
    assert "sources: no sources configured, so there is nothing to schedule" in result.output
    assert not (tmp_path / "x.db").exists()


def test_python_scheduler_py_is_releasewatch_schedule(tmp_path: Path) -> None:
    missing = subprocess.run([sys.executable, str(ROOT / "scheduler.py"), "--config", str(tmp_path / "none.toml")],
                             cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert missing.returncode != 0 and "none.toml: file not found" in missing.stderr


def test_a_restart_keeps_next_run_times_and_a_changed_configuration_is_resynced(db: Database) -> None:
    first = parse_config(TABLE)
    t0 = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)
    with opened_scheduler(first, db) as scheduler:
        synced = sync_jobs(scheduler, job_table(first), t0)
        # As if each crawl had run: the scheduler moves a job's next run time on as it fires.
        scheduler.modify_job("crawl:studio", next_run_time=t0 + timedelta(days=1))
    assert synced.added == ("crawl:studio", "crawl:cinema", "maintenance")

    with opened_scheduler(first, db) as scheduler:
        again = sync_jobs(scheduler, job_table(first), t0 + timedelta(hours=2))
        kept = {job.id: job.next_run_time for job in scheduler.get_jobs()}
    assert again.kept == ("crawl:studio", "crawl:cinema", "maintenance") and not again.added
    assert kept["crawl:studio"] == t0 + timedelta(days=1)
    assert kept["crawl:cinema"] == t0  # stored at the first start, not run yet: still due
    assert kept["maintenance"] == datetime(2026, 12, 3, 4, 15, tzinfo=timezone(timedelta(hours=1)))

    changed = parse_config(TABLE.replace('every = "1d"', 'every = "2h"').replace('name = "cinema"', 'name = "reviews"'))
    t1 = t0 + timedelta(hours=3)
    with opened_scheduler(changed, db) as scheduler:
        resynced = sync_jobs(scheduler, job_table(changed), t1)
        after = {job.id: job for job in scheduler.get_jobs()}
    assert (resynced.added, resynced.rescheduled, resynced.removed, resynced.kept) == (
        ("crawl:reviews",), ("crawl:studio",), ("crawl:cinema",), ("maintenance",))
    assert after["crawl:studio"].trigger.interval == timedelta(hours=2)
    assert after["crawl:reviews"].next_run_time == t1  # a new source is crawled at once
    rows = {row.job_id: row for row in list_jobs(changed, db, t1)}
    assert rows["crawl:studio"].next_run == after["crawl:studio"].next_run_time and rows["crawl:studio"].note == ""


def test_after_crawl_jobs_run_right_after_a_crawl_that_produced_events(sqlite_url: str) -> None:
    """The slot immediate alerts take: a job without a trigger, run after each crawl with events."""
    events = iter([0, 3])
    ran: list[str] = []
    specs = [
        JobSpec("crawl:x", lambda context: JobOutcome("crawled", events=next(events)), IntervalTrigger(hours=1),
                "every 1h (UTC)", start_now=True),
        JobSpec("after", lambda context: ran.append("after") or JobOutcome("done"), None, "after each crawl with events"),
    ]
    runner = Runner(parse_config(TABLE), Database(sqlite_url), specs)
    runner.run("crawl:x")
    assert ran == []
    runner.run("crawl:x")
    assert ran == ["after"]
    runner.context.cancel.set()
    assert runner.run("crawl:x") is None  # stopping: nothing new starts


def test_maintenance_runs_the_backends_upkeep_and_deletes_nothing(db: Database) -> None:
    config = parse_config(TABLE)
    with db.session() as s:
        repository.sync_sources(s, config.sources)
        before = repository.counts(s)
    (maintenance,) = [spec for spec in job_table(config) if spec.job_id == "maintenance"]
    outcome = maintenance.run(JobContext(config, db, threading.Event()))
    assert not outcome.failed
    expected = "ANALYZE, VACUUM, PRAGMA wal_checkpoint(TRUNCATE), file " if db.is_sqlite else "ANALYZE; "
    assert outcome.summary.startswith(expected) and "retention_days = 90" in outcome.summary
    with db.session() as s:
        assert repository.counts(s) == before


def test_one_second_schedules_run_again_and_again_never_twice_at_once(site: SampleSite, sqlite_url: str) -> None:
    _write_pages(site)
    config = parse_config(_config(site, sqlite_url, {"a": 'p0.html; every = "1s"', "b": 'p1.html; every = "1s"'}))
    db = Database(sqlite_url)
    db.upgrade()
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(config, db, stop), kwargs={"crawl_settings": FAST})
    thread.start()
    try:
        def finished(source: str) -> int:
            return sum(1 for r in _runs(db) if r.sources == [source] and r.finished_at is not None)

        _wait_for(lambda: finished("a") >= 2 and finished("b") >= 2, 120, "two finished runs per source")
    finally:
        stop.set()
        thread.join(60)
    assert not thread.is_alive()
    runs = _runs(db)
    for source in ("a", "b"):
        mine = [r for r in runs if r.sources == [source]]
        # A crawl that started just before the stop is interrupted; every other one went through.
        assert all(r.status == "ok" for r in mine[:-1]) and mine[-1].status in ("ok", "interrupted")
        for earlier, later in zip(mine, mine[1:]):
            assert earlier.finished_at <= later.started_at, f"two runs of {source} overlapped"
    assert {tuple(r.sources) for r in runs} == {("a",), ("b",)}
    db.dispose()


def test_a_crawl_that_hangs_is_killed_at_its_timeout_and_recorded(site: SampleSite, sqlite_url: str) -> None:
    _write_pages(site)
    site.set_delay("p0.html", 60)
    config = parse_config(_config(site, sqlite_url, {"a": "p0.html"}, 'crawl_timeout = "2s"'))
    db = Database(sqlite_url)
    db.upgrade()
    started = time.monotonic()
    assert run_once(config, db, threading.Event(), crawl_settings={**FAST, "DOWNLOAD_TIMEOUT": 120}) is False
    assert time.monotonic() - started < 30
    (run,) = _runs(db)
    assert (run.status, run.finished_at is not None) == ("failed", True)
    with db.session() as s:
        reasons = list(s.scalars(select(FetchFailure.reason).where(FetchFailure.crawl_run_id == run.id)))
    assert reasons == ["timed out after 2s (crawl_timeout)"]
    db.dispose()


def _schedule(config: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([RELEASEWATCH, "schedule", "--config", str(config), *args], cwd=config.parent,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_sigterm_mid_crawl_leaves_a_database_whose_next_run_gives_the_uninterrupted_events(
        site: SampleSite, tmp_path: Path) -> None:
    """SIGTERM during a crawl, then `--once` (which must crawl every source and exit 0) as the next run."""
    _write_pages(site)
    site.set_delay("p2.html", 60)  # the crawl is still running when SIGTERM comes
    url = f"sqlite:///{tmp_path / 'interrupted.db'}"
    config = tmp_path / "releasewatch.toml"
    # "more" is outside its active hours now, so only "news" crawls before SIGTERM; --once runs both.
    closed = f"{(datetime.now(timezone.utc) + timedelta(hours=2)):%H}:00-{(datetime.now(timezone.utc) + timedelta(hours=3)):%H}:00"
    config.write_text(_config(site, url, {"news": 'p0.html p2.html; every = "1h"',
                                          "more": f'p1.html; cron = "0 3 * * *"\nactive_hours = "{closed}"'}),
                      encoding="utf-8")
    db = Database(url)
    db.upgrade()
    scheduler = _schedule(config)
    try:
        # p2 is pending now, for much less than Scrapy's 20 s timeout; p0 is on its way to storage.
        _wait_for(lambda: site.hits("p0.html") > 0, 120, "the crawl to fetch its first page")
        time.sleep(0.5)
        scheduler.send_signal(signal.SIGTERM)
        _, stderr = scheduler.communicate(timeout=30)
    finally:
        scheduler.kill()
    assert scheduler.returncode == 0, stderr
    assert "SIGTERM received" in stderr and "scheduler stopped" in stderr
    (run,) = _runs(db)
    assert (run.sources, run.status, run.finished_at is not None) == (["news"], "interrupted", True)
    with db.session() as s:
        assert list(s.scalars(select(FetchFailure.reason))) == ["interrupted (the scheduler was stopped)"]

    site.set_delay("p2.html", None)
    once = subprocess.run([RELEASEWATCH, "schedule", "--once", "--config", str(config)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=180)
    assert once.returncode == 0, once.stderr
    ends = [line.split(" INFO ", 1)[1].split(" in ")[0] for line in once.stderr.splitlines() if " INFO end " in line]
    assert ends == ["end crawl:news", "end crawl:more", "end maintenance"]
    assert [(r.sources, r.status) for r in _runs(db)] == [(["news"], "interrupted"), (["news"], "ok"), (["more"], "ok")]
    listed = CliRunner().invoke(main, ["schedule", "--list", "--config", str(config)])
    assert listed.exit_code == 0
    # The stored job kept the next run time its first crawl left (an hour on), through the restart.
    line = next(line for line in listed.output.splitlines() if line.startswith("crawl:news"))
    assert "every 1h (UTC)" in line and "(new" not in line
    next_run = datetime.strptime(line.split("next ")[1][:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)
    assert next_run - datetime.now(timezone.utc) > timedelta(minutes=50)

    reference = Database(f"sqlite:///{tmp_path / 'reference.db'}")
    reference.upgrade()
    run_crawl(parse_config(config.read_text(encoding="utf-8")), reference.url, progress=False, settings_overrides=FAST)
    assert _events(db) == _events(reference) and len(_events(db)) >= len(FILMS)
    db.dispose()
    reference.dispose()


@pytest.fixture(autouse=True)
def _no_database_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RELEASEWATCH_DATABASE_URL", raising=False)


ALERTS = """
[alerts]
smtp_port = {port}
security = "none"
sender = "alerts@releasewatch.example"
mode = "{mode}"
{extra}
[[alerts.subscriptions]]
to = ["analyst@example.com"]
events = ["new"]
"""


@pytest.mark.parametrize(
    ("mode", "extra", "expected"),
    [
        ("immediate", "", [("alerts", None, "after each crawl with events"),
                           ("alerts-retry", "interval", "every 10m (retries, source_broken, a digest that is due)")]),
        ("digest", 'digest_at = "07:30"\ntimezone = "Europe/Paris"',
         [("alerts-retry", "interval", "every 10m (retries, source_broken, a digest that is due)"),
          ("digest", "cron", "daily at 07:30 (Europe/Paris)")]),
    ],
)
def test_alerts_take_their_slots_in_the_table(mode: str, extra: str, expected: list[tuple]) -> None:
    table = job_table(parse_config(TABLE + ALERTS.format(port=2525, mode=mode, extra=extra)))
    alert_rows = [(s.job_id, type(s.trigger).__name__.replace("Trigger", "").lower() if s.trigger else None, s.schedule)
                  for s in table if s.job_id in ("alerts", "alerts-retry", "digest")]
    assert alert_rows == expected
    assert [s.job_id for s in table][-1] == "maintenance"


def test_once_crawls_then_emails_what_the_crawls_found_and_only_once(site: SampleSite, sqlite_url: str,
                                                                     smtp_server) -> None:
    _write_pages(site)
    config = parse_config(_config(site, sqlite_url, {"studio": "p0.html p1.html"})
                          + ALERTS.format(port=smtp_server.port, mode="immediate", extra=""))
    database = Database(sqlite_url)
    database.upgrade()
    assert run_once(config, database, threading.Event(), crawl_settings=FAST)
    subjects = sorted(str(m.message["Subject"]) for m in smtp_server.messages)
    assert subjects and all(s.startswith(("Low Tide", "The Narrows", "The Salt Road")) for s in subjects)
    assert {to for m in smtp_server.messages for to in m.rcpt_tos} == {"analyst@example.com"}
    before = len(smtp_server.messages)
    assert run_once(config, database, threading.Event(), crawl_settings=FAST)  # pages unchanged: nothing new
    assert len(smtp_server.messages) == before
