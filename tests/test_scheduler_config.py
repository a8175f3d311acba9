"""[scheduler] and the per-source timing keys: defaults, and every mistake named with its key."""
from __future__ import annotations

from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.interval import IntervalTrigger

from pipeline.config import parse_config
from pipeline.errors import ConfigError
from releasewatch.schedule_triggers import ActiveHoursTrigger, crawl_trigger

SOURCE = '[[sources]]\nname = "studio"\nurls = ["https://example.com/a"]\n'


def test_defaults_when_nothing_is_said() -> None:
    config = parse_config(SOURCE)
    assert (config.scheduler.timezone, config.scheduler.crawl_timeout_seconds, config.scheduler.retention_days,
            config.scheduler.maintenance_at) == ("UTC", 3600, 90, "03:30")
    source = config.sources[0]
    assert (source.every_seconds, source.cron, source.jitter_seconds, source.active_hours) == (6 * 3600, None, 0, None)


def test_every_key_is_read() -> None:
    config = parse_config('[scheduler]\ntimezone = "Europe/Paris"\ncrawl_timeout = "20m"\nretention_days = 30\n'
                          'maintenance_at = "04:05"\n'
                          + SOURCE + 'cron = "0  7 * *  mon-fri"\njitter = "5m"\nactive_hours = "22:00-06:00"\n')
    assert (config.scheduler.timezone, config.scheduler.crawl_timeout_seconds, config.scheduler.retention_days,
            config.scheduler.maintenance_at) == ("Europe/Paris", 1200, 30, "04:05")
    source = config.sources[0]
    assert (source.cron, source.jitter_seconds, source.active_hours) == ("0 7 * * mon-fri", 300, "22:00-06:00")


@pytest.mark.parametrize(("text", "key", "words"), [
    ('[scheduler]\ntimezone = "Mars/Olympus"\n' + SOURCE, "scheduler.timezone", "IANA time zone"),
    ('[scheduler]\ncrawl_timeout = "soon"\n' + SOURCE, "scheduler.crawl_timeout", "duration"),
    ('[scheduler]\nretention_days = 0\n' + SOURCE, "scheduler.retention_days", "whole number"),
    ('[scheduler]\nmaintenance_at = "25:00"\n' + SOURCE, "scheduler.maintenance_at", "time of day"),
    ('[scheduler]\nevery = "1h"\n' + SOURCE, "scheduler.every", "unknown key"),
    ('scheduler = 3\n' + SOURCE, "scheduler", "must be a table"),
    (SOURCE + 'every = "1h"\ncron = "0 * * * *"\n', "sources[0].cron", "not both"),
    (SOURCE + 'cron = "0 * * *"\n', "sources[0].cron", "five fields"),
    (SOURCE + 'cron = "61 * * * *"\n', "sources[0].cron", "61"),
    (SOURCE + 'cron = "0 7 * * 1-5"\n', "sources[0].cron", "names"),
    (SOURCE + 'jitter = "a bit"\n', "sources[0].jitter", "duration"),
    (SOURCE + 'active_hours = "07:00"\n', "sources[0].active_hours", "window"),
    (SOURCE + 'active_hours = "07:00-07:00"\n', "sources[0].active_hours", "same time"),
    (SOURCE + 'every = "9999999999d"\n', "sources[0].every", "longer than a year"),
])
def test_each_mistake_is_named(text: str, key: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    assert caught.value.key == key and words in caught.value.problem


PARIS = ZoneInfo("Europe/Paris")


def _at(hour: int, minute: int = 0, day: int = 2) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=PARIS)


@pytest.mark.parametrize(("due", "runs"), [
    (_at(12), _at(12)),  # inside the window: unchanged
    (_at(23, 30), _at(7, 0, day=3)),  # after it closes: the next morning's opening
    (_at(5), _at(7)),  # before it opens: this morning's opening
])
def test_runs_outside_active_hours_wait_for_the_window_to_open(due: datetime, runs: datetime) -> None:
    trigger = ActiveHoursTrigger(IntervalTrigger(hours=6, start_date=due, timezone=PARIS), time(7), time(23), PARIS)
    assert trigger.get_next_fire_time(None, due) == runs


def test_an_interval_continues_from_the_opening_it_was_moved_to() -> None:
    config = parse_config('[scheduler]\ntimezone = "Europe/Paris"\n' + SOURCE + 'every = "6h"\nactive_hours = "07:00-23:00"\n')
    trigger = crawl_trigger(config.sources[0], config.scheduler.timezone)
    assert trigger.get_next_fire_time(_at(19), _at(19, 1)) == _at(7, 0, day=3)  # 19:00 + 6 h = 01:00, closed
    assert trigger.get_next_fire_time(_at(7, 0, day=3), _at(7, 1, day=3)) == _at(13, 0, day=3)


def test_a_crontab_runs_in_the_scheduler_time_zone() -> None:
    config = parse_config('[scheduler]\ntimezone = "Europe/Paris"\n' + SOURCE + 'cron = "30 8 * * mon-fri"\n')
    trigger = crawl_trigger(config.sources[0], config.scheduler.timezone)
    friday_evening = datetime(2026, 12, 4, 18, 0, tzinfo=timezone.utc)
    assert trigger.get_next_fire_time(None, friday_evening) == datetime(2026, 12, 7, 8, 30, tzinfo=PARIS)
