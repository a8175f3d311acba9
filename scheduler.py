"""releasewatch's schedules: a table of jobs, each a thin wrapper around a function that exists anyway.

`JOB_KINDS` maps a kind of job to the function that lists its jobs for a configuration; adding a
job is one entry there. A job either has a trigger (it is kept in the database's job store and runs
on its schedule) or none, which means "right after every crawl that produced events".
How the jobs are run, stored, listed and stopped is releasewatch/scheduling.py.

`python scheduler.py` is `releasewatch schedule`, with the same options.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from apscheduler.triggers.base import BaseTrigger

from pipeline.config import Config, SourceConfig
from pipeline.errors import ConfigError
from releasewatch.schedule_triggers import crawl_trigger, daily_trigger
from storage.db import Database


@dataclass(frozen=True, slots=True)
class JobContext:
    """What every job receives: the configuration read at start, the database, and the stop signal."""

    config: Config
    database: Database
    cancel: threading.Event  # set when the scheduler stops; a running crawl is killed and recorded
    crawl_settings: Mapping[str, Any] = field(default_factory=dict)  # Scrapy settings for every crawl (tests shorten timeouts)


@dataclass(frozen=True, slots=True)
class JobOutcome:
    """How a job ended, for its log line; `events` > 0 runs the after-crawl jobs."""

    summary: str
    events: int = 0
    failed: bool = False


@dataclass(frozen=True, slots=True)
class JobSpec:
    """One row of the table."""

    job_id: str
    run: Callable[[JobContext], JobOutcome]
    trigger: BaseTrigger | None  # None: runs right after each crawl that produced events
    schedule: str  # the schedule as a person reads it; when it changes, the stored job is rescheduled
    start_now: bool = False  # the first time the job is stored, run it at once instead of at its first trigger time


def _span(seconds: int) -> str:
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _crawl_schedule(source: SourceConfig, timezone: str) -> str:
    parts = [f"cron '{source.cron}'" if source.cron else f"every {_span(source.every_seconds)}"]
    if source.jitter_seconds:
        parts.append(f"jitter {_span(source.jitter_seconds)}")
    if source.active_hours:
        parts.append(f"within {source.active_hours}")
    return " ".join(parts) + f" ({timezone})"


def _crawl(source: str, context: JobContext) -> JobOutcome:
    """One source's crawl, in its own process, killed past [scheduler] crawl_timeout."""
    from scrapers.crawl import run_crawl

    summary = run_crawl(context.config, context.database.url, [source], progress=False,
                        timeout=context.config.scheduler.crawl_timeout_seconds, cancel=context.cancel,
                        settings_overrides=context.crawl_settings)
    why = f" ({summary.failures[-1][2]})" if summary.status == "failed" and summary.failures else ""
    return JobOutcome(
        f"run #{summary.run_id} {summary.status}{why}: {summary.pages_fetched} fetched, {summary.pages_unchanged} "
        f"unchanged, {summary.pages_failed} failed, {summary.claims} claims, {summary.events} events",
        events=summary.events, failed=summary.status == "failed",
    )


def _maintain(context: JobContext) -> JobOutcome:
    """The database's nightly upkeep (storage.maintenance)."""
    from storage.maintenance import optimize

    done = optimize(context.database)
    size = ""
    if done.size_before is not None and done.size_after is not None:
        size = f", file {done.size_before / 1e6:.1f} MB -> {done.size_after / 1e6:.1f} MB"
    return JobOutcome(f"{', '.join(done.statements)}{size}; no page bodies are stored, so none to prune "
                      f"(retention_days = {context.config.scheduler.retention_days})")


def crawl_jobs(config: Config) -> list[JobSpec]:
    """One crawl per source, on its own schedule, the first one at once."""
    zone = config.scheduler.timezone
    return [JobSpec(f"crawl:{s.name}", partial(_crawl, s.name), crawl_trigger(s, zone), _crawl_schedule(s, zone),
                    start_now=True) for s in config.sources]


def maintenance_jobs(config: Config) -> list[JobSpec]:
    """VACUUM/ANALYZE once a day at [scheduler] maintenance_at."""
    settings = config.scheduler
    return [JobSpec("maintenance", _maintain, daily_trigger(settings.maintenance_at, settings.timezone),
                    f"daily at {settings.maintenance_at} ({settings.timezone})")]


def _send_alerts(context: JobContext) -> JobOutcome:
    """Deliver the alert outbox (releasewatch.alerts.send_pending): due alerts, retries, a due digest."""
    from datetime import datetime, timezone

    from releasewatch.alerts import send_pending

    done = send_pending(context.config, context.database, datetime.now(timezone.utc))
    return JobOutcome(
        f"{done.messages} message(s), {done.sent} delivered, {done.retrying} retrying, {done.failed} failed, "
        f"{done.pending} pending" + "".join(f"; {e}" for e in done.errors),
        failed=bool(done.failed),
    )


# Failed deliveries wait for their backoff; without a crawl producing events nothing else would retry them.
ALERT_RETRY_MINUTES = 10


def alert_jobs(config: Config) -> list[JobSpec]:
    """With [alerts]: immediate alerts right after each crawl with events, and a sweep for retries."""
    alerts = config.alerts
    if alerts is None:
        return []
    from apscheduler.triggers.interval import IntervalTrigger

    jobs = [JobSpec("alerts-retry", _send_alerts, IntervalTrigger(minutes=ALERT_RETRY_MINUTES),
                    f"every {ALERT_RETRY_MINUTES}m (retries, source_broken, a digest that is due)")]
    if alerts.mode == "immediate":
        jobs.insert(0, JobSpec("alerts", _send_alerts, None, "after each crawl with events"))
    return jobs


def digest_jobs(config: Config) -> list[JobSpec]:
    """With [alerts] mode = "digest": the digest at digest_at, in the alerts' time zone."""
    alerts = config.alerts
    if alerts is None or alerts.mode != "digest":
        return []
    at = f"{alerts.digest_at:%H:%M}"
    return [JobSpec("digest", _send_alerts, daily_trigger(at, alerts.timezone), f"daily at {at} ({alerts.timezone})")]


JOB_KINDS: dict[str, Callable[[Config], list[JobSpec]]] = {
    "crawl": crawl_jobs,
    "alerts": alert_jobs,
    "digest": digest_jobs,
    "maintenance": maintenance_jobs,
}


def job_table(config: Config) -> list[JobSpec]:
    """Every job of this configuration; a configuration without sources is an error, not a silent wait."""
    if not config.sources:
        raise ConfigError(config.path, "sources", "no sources configured, so there is nothing to schedule "
                                                  "(add a [[sources]] table; see examples/releasewatch.toml)")
    return [spec for jobs in JOB_KINDS.values() for spec in jobs(config)]


if __name__ == "__main__":
    from releasewatch.schedule_cmd import schedule

    schedule(prog_name="python scheduler.py")
