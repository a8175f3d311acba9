"""APScheduler triggers built from the configuration: a source's `every`/`cron`, `jitter`, `active_hours`.

Triggers are pickled into the job store, so the one class defined here must stay importable under
this name for as long as stored jobs refer to it.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from pipeline.config import SourceConfig
from pipeline.scheduler_config import clock, hours_window


class ActiveHoursTrigger(BaseTrigger):
    """Another trigger's times, with any that fall outside a daily window moved to its next opening.

    "every 6h, 07:00-23:00": a run due at 01:00 happens at 07:00 instead, and the next one 6 h after
    that; a window may run past midnight ("22:00-06:00"). Hours are wall-clock in `timezone`.
    """

    def __init__(self, inner: BaseTrigger, opens: time, closes: time, timezone: ZoneInfo) -> None:
        self.inner = inner
        self.opens = opens
        self.closes = closes
        self.timezone = timezone

    def is_open(self, at: datetime) -> bool:
        local = at.astimezone(self.timezone).time()
        if self.opens < self.closes:
            return self.opens <= local < self.closes
        return local >= self.opens or local < self.closes

    def next_opening(self, at: datetime) -> datetime:
        """`at` itself when the window is open then, else the next time it opens."""
        if self.is_open(at):
            return at
        local = at.astimezone(self.timezone)
        day = local.date()
        # Built from the calendar date, so a daylight-saving change keeps the wall-clock opening time.
        opening = datetime.combine(day, self.opens, tzinfo=self.timezone)
        if opening <= local:
            opening = datetime.combine(day + timedelta(days=1), self.opens, tzinfo=self.timezone)
        return opening

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        upcoming = self.inner.get_next_fire_time(previous_fire_time, now)
        return None if upcoming is None else self.next_opening(upcoming)

    def __str__(self) -> str:
        return f"{self.inner} between {self.opens:%H:%M} and {self.closes:%H:%M}"

    def __repr__(self) -> str:
        return f"<ActiveHoursTrigger {self} ({self.timezone})>"


def crawl_trigger(source: SourceConfig, timezone: str) -> BaseTrigger:
    """The trigger of one source's crawl job: its interval or crontab, its jitter, its active hours."""
    zone = ZoneInfo(timezone)
    jitter = source.jitter_seconds or None
    trigger: BaseTrigger
    if source.cron:
        minute, hour, day, month, weekday = source.cron.split()
        trigger = CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=weekday,
                              timezone=zone, jitter=jitter)
    else:
        trigger = IntervalTrigger(seconds=source.every_seconds, timezone=zone, jitter=jitter)
    if source.active_hours:
        opens, closes = hours_window(source.active_hours)
        trigger = ActiveHoursTrigger(trigger, opens, closes, zone)
    return trigger


def daily_trigger(at: str, timezone: str) -> CronTrigger:
    """Once a day at `at` (HH:MM) in `timezone`."""
    when = clock(at)
    return CronTrigger(hour=when.hour, minute=when.minute, timezone=ZoneInfo(timezone))


def first_run_time(trigger: BaseTrigger, now: datetime) -> datetime:
    """When a job that should start at once does: now, unless its active hours are closed."""
    return trigger.next_opening(now) if isinstance(trigger, ActiveHoursTrigger) else now
