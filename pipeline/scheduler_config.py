"""`[scheduler]` and each source's timing keys (`every`/`cron`, `jitter`, `active_hours`), validated.

Kept apart from pipeline/config.py so that the scheduler's rules live in one place; config.py calls
`parse_scheduler` for the table and `source_timing` for every [[sources]] entry. A crontab is checked
with APScheduler's own parser (the one that will run it), so a typo fails when the file is read,
not at 3 a.m.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline.errors import ConfigError

DEFAULT_EVERY_SECONDS = 6 * 3600
DEFAULT_CRAWL_TIMEOUT_SECONDS = 3600
DEFAULT_RETENTION_DAYS = 90
DEFAULT_MAINTENANCE_AT = "03:30"

SCHEDULER_KEYS = {"timezone", "crawl_timeout", "retention_days", "maintenance_at"}
SOURCE_TIMING_KEYS = {"every", "cron", "jitter", "active_hours"}

_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_MAX_SECONDS = 366 * 86400  # a schedule longer than a year is a typo, and timedelta has limits


@dataclass(frozen=True, slots=True)
class SchedulerConfig:
    """The [scheduler] table: how `releasewatch schedule` runs its jobs."""

    timezone: str = "UTC"  # of `cron`, `active_hours` and `maintenance_at`
    crawl_timeout_seconds: int = DEFAULT_CRAWL_TIMEOUT_SECONDS  # a crawl running longer is killed, recorded failed
    retention_days: int = DEFAULT_RETENTION_DAYS  # page bodies of superseded snapshots kept this long
    maintenance_at: str = DEFAULT_MAINTENANCE_AT  # HH:MM, daily VACUUM/ANALYZE and pruning


@dataclass(frozen=True, slots=True)
class SourceTiming:
    """When one source is crawled: every `every_seconds`, or at the `cron` times (never both)."""

    every_seconds: int = DEFAULT_EVERY_SECONDS
    cron: str | None = None
    jitter_seconds: int = 0  # each run starts up to this much later, so sources do not all fire together
    active_hours: str | None = None  # "07:00-23:00": runs that fall outside wait for the window to open


def duration_seconds(text: str) -> int:
    """'6h' -> 21600. Raises ValueError with the accepted forms."""
    m = _DURATION.match(text)
    if not m or int(m[1]) == 0:
        raise ValueError(f"{text!r} is not a duration like '30m', '6h' or '1d'")
    seconds = int(m[1]) * _UNIT_SECONDS[m[2]]
    if seconds > _MAX_SECONDS:
        raise ValueError(f"{text[:20]!r}{'...' if len(text) > 20 else ''} is longer than a year (at most 366d)")
    return seconds


def clock(text: str) -> time:
    """'07:30' -> time(7, 30); raises ValueError otherwise."""
    m = _CLOCK.match(text)
    if not m:
        raise ValueError(f"{text!r} is not a time of day like '03:30' (24-hour HH:MM)")
    return time(int(m[1]), int(m[2]))


def hours_window(text: str) -> tuple[time, time]:
    """'07:00-23:00' -> (07:00, 23:00); a window may run past midnight ('22:00-06:00')."""
    start, sep, end = text.partition("-")
    if not sep:
        raise ValueError(f"{text!r} is not a window like '07:00-23:00'")
    opens, closes = clock(start.strip()), clock(end.strip())
    if opens == closes:
        raise ValueError(f"{text!r} opens and closes at the same time (leave active_hours out for all day)")
    return opens, closes


def _duration(path: str, key: str, value: Any) -> int:
    try:
        return duration_seconds(str(value))
    except ValueError as exc:
        raise ConfigError(path, key, str(exc)) from None


def _string(path: str, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(path, key, f"{value!r} must be a non-empty string")
    return value.strip()


def check_crontab(text: str) -> None:
    """Raise ValueError unless `text` is a five-field crontab APScheduler can run."""
    from apscheduler.triggers.cron import CronTrigger

    fields = text.split()
    if len(fields) != 5:
        raise ValueError(f"{text!r} is not a crontab line with five fields (minute hour day month weekday)")
    if re.search(r"(^|[,-])\d", fields[4]):
        # crontab counts 0 as Sunday, APScheduler 3 as Monday: a number would run on the wrong day.
        raise ValueError(f"{text!r}: write weekdays as names (mon-fri, sat,sun), not numbers")
    CronTrigger.from_crontab(text, timezone="UTC")


def source_timing(path: str, where: str, raw: dict[str, Any]) -> SourceTiming:
    """The timing keys of one [[sources]] table (`where` is its 'sources[i].' prefix)."""
    if "every" in raw and "cron" in raw:
        raise ConfigError(path, where + "cron", "give either every or cron, not both")
    every = _duration(path, where + "every", raw.get("every", "6h"))
    cron = None
    if "cron" in raw:
        cron = " ".join(_string(path, where + "cron", raw["cron"]).split())
        try:
            check_crontab(cron)
        except ValueError as exc:
            raise ConfigError(path, where + "cron", str(exc)) from None
    jitter = _duration(path, where + "jitter", raw["jitter"]) if "jitter" in raw else 0
    active = None
    if "active_hours" in raw:
        try:
            opens, closes = hours_window(_string(path, where + "active_hours", raw["active_hours"]))
        except ValueError as exc:
            raise ConfigError(path, where + "active_hours", str(exc)) from None
        active = f"{opens:%H:%M}-{closes:%H:%M}"
    return SourceTiming(every, cron, jitter, active)


def parse_scheduler(path: str, raw: Any) -> SchedulerConfig:
    """The [scheduler] table; every key optional, every value checked."""
    if not isinstance(raw, dict):
        raise ConfigError(path, "scheduler", "must be a table ([scheduler])")
    for key in raw:
        if key not in SCHEDULER_KEYS:
            raise ConfigError(path, f"scheduler.{key}", f"unknown key (expected one of: {', '.join(sorted(SCHEDULER_KEYS))})")
    zone = _string(path, "scheduler.timezone", raw.get("timezone", "UTC"))
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(path, "scheduler.timezone", f"{zone!r} is not an IANA time zone such as 'Europe/Paris' or 'UTC'") from None
    timeout = _duration(path, "scheduler.crawl_timeout", raw.get("crawl_timeout", "1h"))
    retention = raw.get("retention_days", DEFAULT_RETENTION_DAYS)
    if isinstance(retention, bool) or not isinstance(retention, int) or not 1 <= retention <= 36500:
        raise ConfigError(path, "scheduler.retention_days", f"{retention!r} must be a whole number of days from 1 to 36,500")
    at = _string(path, "scheduler.maintenance_at", raw.get("maintenance_at", DEFAULT_MAINTENANCE_AT))
    try:
        at = f"{clock(at):%H:%M}"
    except ValueError as exc:
        raise ConfigError(path, "scheduler.maintenance_at", str(exc)) from None
    return SchedulerConfig(zone, timeout, retention, at)
