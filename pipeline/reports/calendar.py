"""The best current release dates as an iCalendar feed (RFC 5545), written with `icalendar`.

One VEVENT per film, region and kind. A day-precision date is an all-day event on that day; a
coarser one (month, quarter, season, half, year) is an all-day event spanning the whole interval
it stands for, and says its precision in the summary and description, so no calendar shows a
made-up day. The UID derives from the film key, region and kind only: when the estimate moves,
the same UID carries the new date and a subscribed calendar moves the event instead of adding one.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

PRODID = "-//releasewatch//release dates//EN"
UID_DOMAIN = "releasewatch.invalid"


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """One best current release date to put in the calendar."""

    film_key: str
    title: str
    region: str | None
    kind: str
    value: str
    precision: str
    start: date
    end: date
    reason: str
    last_seen: datetime  # newest sighting of a supporting claim: the event's LAST-MODIFIED
    sequence: int = 0  # how many times the estimate moved, when known


def uid_of(film_key: str, region: str | None, kind: str) -> str:
    digest = hashlib.sha256(f"{film_key}\x1f{region or ''}\x1f{kind}".encode()).hexdigest()[:24]
    return f"release-{digest}@{UID_DOMAIN}"


def render_calendar(entries: Sequence[CalendarEntry], generated_at: datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "releasewatch: release dates")
    for e in sorted(entries, key=lambda e: (e.start, e.title, e.region or "", e.kind)):
        scope = " ".join(x for x in (e.region, e.kind) if x and x != "unspecified")
        event = Event()
        event.add("uid", uid_of(e.film_key, e.region, e.kind))
        event.add("dtstamp", generated_at)
        event.add("last-modified", e.last_seen)
        event.add("sequence", e.sequence)
        event.add("dtstart", e.start)
        event.add("dtend", e.end + timedelta(days=1))  # DTEND of an all-day event is exclusive
        exact = e.precision == "day"
        summary = f"{e.title}" + (f" ({scope})" if scope else "") + ("" if exact else f": {e.value}")
        event.add("summary", summary)
        precision = "exact day" if exact else (f"{e.precision} precision: {e.value} "
                                               f"(shown as {e.start.isoformat()} to {e.end.isoformat()})")
        event.add("description", f"Release date {e.value}, {precision}. Best current estimate: {e.reason}.")
        event.add("transp", "TRANSPARENT")
        event.add("categories", ["release", e.kind])
        cal.add_component(event)
    return cal.to_ical()
