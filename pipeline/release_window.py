"""Release dates as intervals: a value at its stated precision and the days it stands for.

"summer 2024" stands for 2024-06-01..2024-08-31 and "2025" for the whole year, so two claims agree
when their intervals overlap ("summer 2024" and "July 7, 2024") and conflict when they do not.
Seasons follow the northern-hemisphere meteorological calendar, as US and UK trade press use them.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

SEASON_MONTHS = {"spring": (3, 5), "summer": (6, 8), "fall": (9, 11), "winter": (12, 2)}
SEASON_ALIASES = {"autumn": "fall", "holidays": "holidays"}

_VALUE = re.compile(
    r"^(?P<year>\d{4})"
    r"(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?"
    r"|-Q(?P<quarter>[1-4])"
    r"|-H(?P<half>[12])"
    r"|-(?P<season>spring|summer|fall|winter|holidays))?$"
)


@dataclass(frozen=True, slots=True)
class ReleaseWindow:
    value: str
    precision: str
    start: date
    end: date

    def overlaps(self, other: ReleaseWindow) -> bool:
        return self.start <= other.end and other.start <= self.end

    def contains(self, other: ReleaseWindow) -> bool:
        return self.start <= other.start and other.end <= self.end


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def window(value: str) -> ReleaseWindow:
    """Parse a release-date value ("2025-06-06", "2025-Q3", "2024-summer", ...) into its interval.

    Raises ValueError for anything that is not a valid value, so that bad data is loud.
    """
    m = _VALUE.match(value.strip())
    if not m:
        raise ValueError(f"not a release-date value: {value!r}")
    year = int(m["year"])
    if m["day"]:
        d = date(year, int(m["month"]), int(m["day"]))
        return ReleaseWindow(value, "day", d, d)
    if m["month"]:
        month = int(m["month"])
        if not 1 <= month <= 12:
            raise ValueError(f"not a release-date value: {value!r}")
        return ReleaseWindow(value, "month", date(year, month, 1), _month_end(year, month))
    if m["quarter"]:
        q = int(m["quarter"])
        return ReleaseWindow(value, "quarter", date(year, 3 * q - 2, 1), _month_end(year, 3 * q))
    if m["half"]:
        h = int(m["half"])
        return ReleaseWindow(value, "half", date(year, 6 * h - 5, 1), _month_end(year, 6 * h))
    if m["season"]:
        season = m["season"]
        if season == "holidays":
            # US trade usage: Thanksgiving to New Year's Day.
            return ReleaseWindow(value, "season", date(year, 11, 1), date(year, 12, 31))
        first, last = SEASON_MONTHS[season]
        if season == "winter":
            # "winter 2024" is the winter that starts in December 2024.
            return ReleaseWindow(value, "season", date(year, 12, 1), _month_end(year + 1, 2))
        return ReleaseWindow(value, "season", date(year, first, 1), _month_end(year, last))
    return ReleaseWindow(value, "year", date(year, 1, 1), date(year, 12, 31))

