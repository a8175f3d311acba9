"""releasewatch's schedules: one APScheduler interval job per source, each a crawl of that source.

A table of schedules and nothing else: the jobs call scrapers.crawl.run_crawl, which exists anyway.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from pipeline.config import Config

log = logging.getLogger("releasewatch.scheduler")


@dataclass(frozen=True, slots=True)
class CrawlSchedule:
    job_id: str
    source: str
    every: timedelta


def schedules(config: Config) -> list[CrawlSchedule]:
    """The table: every configured source, crawled on its own `every`."""
    return [CrawlSchedule(f"crawl:{s.name}", s.name, timedelta(seconds=s.every_seconds)) for s in config.sources]


def crawl_source(config: Config, database_url: str, source: str) -> None:
    """One scheduled crawl; failures are logged and recorded by the crawl itself, never raised into the scheduler."""
    from scrapers.crawl import run_crawl

    try:
        summary = run_crawl(config, database_url, [source], progress=False)
        log.info("crawl of %s: %s, %d fetched, %d failed, %d events", source, summary.status,
                 summary.pages_fetched, summary.pages_failed, summary.events)
    except Exception:  # the scheduler must survive a bad run; the traceback goes to the log
        log.exception("crawl of %s failed", source)


def build_scheduler(config: Config, database_url: str, scheduler: BaseScheduler | None = None) -> BaseScheduler:
    """A scheduler with one job per source; runs of one source never overlap, missed runs coalesce."""
    scheduler = scheduler or BlockingScheduler(timezone="UTC")
    for entry in schedules(config):
        scheduler.add_job(
            crawl_source, IntervalTrigger(seconds=int(entry.every.total_seconds()), timezone="UTC"),
            args=(config, database_url, entry.source), id=entry.job_id, name=entry.job_id,
            max_instances=1, coalesce=True, misfire_grace_time=int(entry.every.total_seconds()),
            replace_existing=True,
        )
    return scheduler
