"""How scheduler.py's table runs: stored in the database, synced at start, logged, stopped cleanly.

Jobs live in APScheduler's SQLAlchemy job store (table `scheduler_jobs`), so a restart keeps every
job's next run time. The store pickles a job's callable by name and its arguments, so each stored
job calls `run_job(job_id)` and finds the live configuration, database and stop signal in the one
`Runner` of this process; nothing of the configuration is frozen into the database.

Guarantees: a crawl job never runs twice at once (max_instances=1); runs missed while the scheduler
was down or busy coalesce into one (misfire_grace_time=None: late is still worth doing); stopping
sets the runner's cancel event, which kills a running crawl and records it before the process exits.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED

from pipeline.config import Config
from pipeline.errors import PipelineError
from releasewatch.errors import ReleasewatchError
from releasewatch.schedule_triggers import first_run_time
from scheduler import JobContext, JobOutcome, JobSpec, job_table
from storage.db import Database
from storage.errors import StorageError

log = logging.getLogger("releasewatch.scheduler")

JOBSTORE_TABLE = "scheduler_jobs"  # created by migration 0010
MAX_PARALLEL_JOBS = 8  # jobs (crawls of different sources) running at once; each crawl is its own process
_EXPECTED = (PipelineError, ReleasewatchError, StorageError)


class Runner:
    """Runs the table's jobs by id: one log line as each starts and ends, after-crawl jobs, no exception escapes."""

    def __init__(self, config: Config, database: Database, specs: list[JobSpec],
                 crawl_settings: Mapping[str, Any] | None = None) -> None:
        self.context = JobContext(config, database, threading.Event(), dict(crawl_settings or {}))
        self.specs = {spec.job_id: spec for spec in specs}
        self._after_crawl = threading.Lock()  # two crawls ending together must not send the same alerts twice

    @property
    def after_crawl_jobs(self) -> list[JobSpec]:
        return [spec for spec in self.specs.values() if spec.trigger is None]

    def run(self, job_id: str, *, follow_up: bool = True) -> JobOutcome | None:
        """Run one job now; None when it did not run (stopping, or no longer in the table)."""
        spec = self.specs.get(job_id)
        if spec is None:
            log.warning("skip %s: not in the configuration any more", job_id)
            return None
        if self.context.cancel.is_set():
            return None
        log.info("start %s", job_id)
        started = time.monotonic()
        try:
            outcome = spec.run(self.context)
        except _EXPECTED as exc:
            outcome = JobOutcome(f"error: {exc}", failed=True)
        except KeyboardInterrupt as exc:
            # A crawl run in the main thread (--once) may turn SIGINT/SIGTERM into this after recording
            # its run; it is a stop request like any other, and the jobs after it are skipped.
            self.context.cancel.set()
            outcome = JobOutcome(f"interrupted ({type(exc).__name__})", failed=True)
        except Exception as exc:  # a bug: keep its traceback in the log, keep the scheduler alive
            log.exception("%s raised", job_id)
            outcome = JobOutcome(f"error: {type(exc).__name__}: {exc}", failed=True)
        log.log(logging.ERROR if outcome.failed else logging.INFO, "end %s in %.1fs: %s",
                job_id, time.monotonic() - started, outcome.summary)
        if follow_up and outcome.events and spec.trigger is not None:
            self.run_after_crawl()
        return outcome

    def run_after_crawl(self) -> list[JobOutcome | None]:
        with self._after_crawl:
            return [self.run(spec.job_id, follow_up=False) for spec in self.after_crawl_jobs]


_runner: Runner | None = None


def run_job(job_id: str) -> None:
    """What every stored job calls (the job store keeps this function's name, not the runner)."""
    if _runner is None:
        raise RuntimeError(f"job {job_id} ran outside a running scheduler")
    _runner.run(job_id)


class _Scheduler(BackgroundScheduler):
    def _process_jobs(self) -> float | None:
        # APScheduler 3 wakes its loop once more after shutdown() and would try to submit the jobs
        # due then to executors already shut down (logging a traceback per job).
        if self.state == STATE_STOPPED:
            return None
        return super()._process_jobs()


def _job_store(database: Database) -> SQLAlchemyJobStore:
    return SQLAlchemyJobStore(engine=database.engine, tablename=JOBSTORE_TABLE)


def _job_name(spec: JobSpec) -> str:
    """The stored job's name: its id and schedule, so that a changed schedule is seen at start."""
    return f"{spec.job_id} [{spec.schedule}]"


@contextmanager
def opened_scheduler(config: Config, database: Database, workers: int = MAX_PARALLEL_JOBS) -> Iterator[BackgroundScheduler]:
    """A scheduler on the database's job store, started paused (nothing runs until resume())."""
    scheduler = _Scheduler(
        jobstores={"default": _job_store(database)},
        executors={"default": ThreadPoolExecutor(workers)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        timezone=ZoneInfo(config.scheduler.timezone),
    )
    scheduler.start(paused=True)
    try:
        yield scheduler
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=True)


@dataclass(frozen=True, slots=True)
class SyncReport:
    added: tuple[str, ...]
    rescheduled: tuple[str, ...]
    removed: tuple[str, ...]
    kept: tuple[str, ...]


def sync_jobs(scheduler: BackgroundScheduler, specs: list[JobSpec], now: datetime) -> SyncReport:
    """Make the stored jobs those of the table: new ones added (a crawl's first run now), changed
    schedules rescheduled, jobs of removed sources dropped, unchanged ones kept with their next run time."""
    stored = {job.id: job for job in scheduler.get_jobs()}
    added, rescheduled, kept = [], [], []
    for spec in specs:
        if spec.trigger is None:
            continue
        job = stored.pop(spec.job_id, None)
        if job is not None and job.name == _job_name(spec) and job.next_run_time is not None:
            kept.append(spec.job_id)
            continue
        if job is not None:
            scheduler.remove_job(spec.job_id)
            rescheduled.append(spec.job_id)
            first = spec.trigger.get_next_fire_time(None, now)
        else:
            added.append(spec.job_id)
            first = first_run_time(spec.trigger, now) if spec.start_now else spec.trigger.get_next_fire_time(None, now)
        scheduler.add_job(run_job, spec.trigger, args=(spec.job_id,), id=spec.job_id, name=_job_name(spec),
                          next_run_time=first)
    for job_id in stored:
        scheduler.remove_job(job_id)
    return SyncReport(tuple(added), tuple(rescheduled), tuple(stored), tuple(kept))


def serve(config: Config, database: Database, stop: threading.Event, *,
          crawl_settings: Mapping[str, Any] | None = None) -> None:
    """Run the jobs on their schedules until `stop` is set; then stop a running crawl, record it, return."""
    global _runner
    specs = job_table(config)
    runner = Runner(config, database, specs, crawl_settings)
    with opened_scheduler(config, database) as scheduler:
        _runner = runner
        try:
            synced = sync_jobs(scheduler, specs, datetime.now(timezone.utc))
            for what, ids in (("added", synced.added), ("rescheduled", synced.rescheduled), ("removed", synced.removed)):
                if ids:
                    log.info("jobs %s: %s", what, ", ".join(ids))
            for job in scheduler.get_jobs():
                log.info("job %s, next run %s", job.name, _when(job.next_run_time, scheduler.timezone))
            for spec in runner.after_crawl_jobs:
                log.info("job %s: %s", spec.job_id, spec.schedule)
            scheduler.resume()
            while not stop.wait(0.5):
                pass
            log.info("stopping: running jobs are stopped and recorded")
        finally:
            scheduler.pause()
            runner.context.cancel.set()
            scheduler.shutdown(wait=True)
            _runner = None
    log.info("scheduler stopped")


def run_once(config: Config, database: Database, stop: threading.Event, *,
             crawl_settings: Mapping[str, Any] | None = None) -> bool:
    """Every job once, now: each source's crawl, then the after-crawl jobs, then the others. True when none failed."""
    specs = job_table(config)
    runner = Runner(config, database, specs, crawl_settings)

    def pass_stop_on() -> None:
        # A stop request (SIGTERM) reaches the running crawl through the runner's cancel event.
        stop.wait()
        runner.context.cancel.set()

    threading.Thread(target=pass_stop_on, daemon=True).start()
    first = [s for s in specs if s.trigger is not None and s.start_now]
    rest = [s for s in specs if s.trigger is not None and not s.start_now]
    outcomes = [runner.run(s.job_id, follow_up=False) for s in first]
    outcomes += runner.run_after_crawl()
    outcomes += [runner.run(s.job_id, follow_up=False) for s in rest]
    return all(o is not None and not o.failed for o in outcomes)


@dataclass(frozen=True, slots=True)
class JobRow:
    """One line of `releasewatch schedule --list`."""

    job_id: str
    schedule: str
    next_run: datetime | None
    note: str  # "", "new", "changed", "removed": what the next start will do to the stored job


def list_jobs(config: Config, database: Database, now: datetime) -> list[JobRow]:
    """The table's jobs with their stored next run times, without changing anything stored."""
    specs = job_table(config)
    store = _job_store(database)
    # Read through the store alone: starting a scheduler here could run jobs that are due.
    store.start(BackgroundScheduler(timezone=ZoneInfo(config.scheduler.timezone)), "default")
    stored = {job.id: job for job in store.get_all_jobs()}
    rows = []
    for spec in specs:
        if spec.trigger is None:
            rows.append(JobRow(spec.job_id, spec.schedule, None, ""))
            continue
        job = stored.pop(spec.job_id, None)
        if job is not None and job.name == _job_name(spec):
            rows.append(JobRow(spec.job_id, spec.schedule, job.next_run_time, ""))
        elif job is not None:
            rows.append(JobRow(spec.job_id, spec.schedule, spec.trigger.get_next_fire_time(None, now), "changed"))
        else:
            first = first_run_time(spec.trigger, now) if spec.start_now else spec.trigger.get_next_fire_time(None, now)
            rows.append(JobRow(spec.job_id, spec.schedule, first, "new"))
    rows += [JobRow(job.id, job.name, job.next_run_time, "removed") for job in stored.values()]
    return rows


def _when(at: datetime | None, zone: tzinfo) -> str:
    return "-" if at is None else f"{at.astimezone(zone):%Y-%m-%d %H:%M:%S %Z}"
