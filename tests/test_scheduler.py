"""The schedule table: one job per source at its own interval, never overlapping."""
from __future__ import annotations

from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from pipeline.config import parse_config
from scheduler import build_scheduler, schedules

CONFIG = """
[[sources]]
name = "studio"
urls = ["https://example.com/a"]
every = "1d"
[[sources]]
name = "cinema"
urls = ["https://example.com/b"]
every = "30m"
"""


def test_one_schedule_per_source():
    table = schedules(parse_config(CONFIG))
    assert [(s.job_id, s.every) for s in table] == [("crawl:studio", timedelta(days=1)), ("crawl:cinema", timedelta(minutes=30))]


def test_jobs_are_registered_with_their_intervals():
    scheduler = build_scheduler(parse_config(CONFIG), "sqlite:///x.db", BackgroundScheduler(timezone="UTC"))
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"crawl:studio", "crawl:cinema"}
    assert jobs["crawl:cinema"].trigger.interval == timedelta(minutes=30)
    assert jobs["crawl:studio"].max_instances == 1 and jobs["crawl:studio"].coalesce
    assert jobs["crawl:cinema"].args[2] == "cinema"
