"""The application side of reports, dossiers, calendars and reviews: read what storage holds,
build the views (pipeline.reports.build) and render them (pipeline.reports.FORMATS).

One unit of work per call; the clock (`now`) comes from the caller.
"""
from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pipeline.estimate import estimates as best_estimates
from pipeline.release_window import window
from pipeline.reports import FORMATS
from pipeline.reports.build import build_dossier, build_report
from pipeline.reports.calendar import CalendarEntry, render_calendar
from pipeline.reports.views import ReportView
from releasewatch.errors import BadOption, UnknownFilm
from storage.db import Database
from storage.repository import current_claims
from storage.repository.films import key_of
from storage.repository.reports import (
    EventFilter,
    acknowledge,
    claim_history,
    claim_history_of_film_ids,
    event_count,
    film_of_key,
    known_titles,
    report_events,
    report_mark,
    reviews_of,
    save_report_mark,
)
from storage.repository.sources import source_trust

_DURATION = re.compile(r"(\d+)\s*([mhdw])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(value: str, now: datetime) -> datetime:
    """--since: a date or date-time (UTC unless it says otherwise), or a duration before `now`
    such as 7d, 12h, 30m, 2w."""
    found = _DURATION.fullmatch(value.strip().lower())
    if found:
        return now - timedelta(**{_UNITS[found[2]]: int(found[1])})
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadOption("--since", value, "a date like 2025-06-01, a date-time like 2025-06-01T12:00, "
                        "or a duration like 7d, 12h, 30m") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def film_keys(s, titles: Sequence[str]) -> list[str]:
    """The keys of the films these titles (or aliases) name; UnknownFilm suggests the closest titles."""
    known = known_titles(s)
    by_key = {key_of(title): key for title, key in known.items()}
    keys = []
    for title in titles:
        try:
            wanted = key_of(title)
        except ValueError:
            raise UnknownFilm(title, [], len(known)) from None
        if wanted not in by_key:
            folded = {t.casefold(): t for t in known}
            close = difflib.get_close_matches(title.casefold(), list(folded), n=3, cutoff=0.5)
            raise UnknownFilm(title, [folded[c] for c in close], len(known))
        keys.append(by_key[wanted])
    return keys


@dataclass(frozen=True, slots=True)
class ReportRequest:
    fmt: str = "text"
    since: str | None = None
    films: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    unacked: bool = False
    output: Path | None = None
    width: int = 80

    def mark_key(self) -> str:
        """Which earlier report this one continues: same format, output and filters."""
        where = str(self.output.resolve()) if self.output else "-"
        parts = [self.fmt, where, ",".join(sorted(self.films)), ",".join(sorted(self.types)),
                 ",".join(sorted(self.sources)), "unacked" if self.unacked else ""]
        key = "|".join(parts)
        return key if len(key) <= 200 else key[:120] + "|" + hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ReportOutcome:
    rendered: str
    view: ReportView
    stored_events: int  # in the whole database: 0 means nothing was ever crawled
    written: bool = False  # whether request.output was written


def make_report(database: Database, request: ReportRequest, now: datetime) -> ReportOutcome:
    """Render the report `request` asks for and remember, per kind of report, the newest event it showed."""
    spec = FORMATS[request.fmt]
    assert spec.report is not None
    since = parse_since(request.since, now) if request.since else None
    with database.session() as s:
        keys = tuple(film_keys(s, request.films))
        trust = source_trust(s)
        unknown = [name for name in request.sources if name not in trust]
        if unknown:
            raise BadOption("--source", unknown[0], f"a known source ({', '.join(sorted(trust)) or 'none stored yet'})")
        mark_key = request.mark_key()
        after = None if since is not None else report_mark(s, mark_key)
        events = report_events(s, EventFilter(since=since, after_event_id=after, film_keys=keys, types=request.types,
                                              sources=request.sources, unacked=request.unacked))
        touched = sorted({e.film_key for e in events})
        current = current_claims(s, touched) if touched else []
        histories = claim_history_of_film_ids(s, touched)
        reviews = reviews_of(s, [e.id for e in events])
        stored = event_count(s)
        filters = {"films": list(request.films), "types": list(request.types), "sources": list(request.sources),
                   "unacked": request.unacked}
        view = build_report(events, reviews, current, trust, histories, now, since, after, filters)
        rendered = spec.report(view, request.width)
        written = request.output is not None and (bool(events) or not request.output.exists())
        if written:
            # With nothing new, an earlier report in the file (or a feed readers still poll) is kept.
            request.output.write_text(rendered, encoding="utf-8")  # type: ignore[union-attr]
        if events:
            save_report_mark(s, mark_key, max(e.id for e in events), now)
    return ReportOutcome(rendered, view, stored, written)


def make_dossier(database: Database, title: str, fmt: str, now: datetime, width: int = 80) -> str:
    spec = FORMATS[fmt]
    assert spec.dossier is not None
    with database.session() as s:
        (key,) = film_keys(s, [title])
        film_title, key, aliases = film_of_key(s, key)
        current = current_claims(s, [key])
        history = claim_history(s, [key])
        events = report_events(s, EventFilter(film_keys=(key,)))
        reviews = reviews_of(s, [e.id for e in events])
        trust = source_trust(s)
    return spec.dossier(build_dossier(film_title, key, aliases, current, history, events, reviews, trust, now), width)


def make_calendar(database: Database, titles: Sequence[str], region: str | None, now: datetime) -> tuple[bytes, int]:
    """The iCalendar feed of the best current release dates and how many events it holds."""
    with database.session() as s:
        keys = film_keys(s, titles) if titles else None
        claims = current_claims(s, keys)
        trust = source_trust(s)
    titles_by_key = {c.film_key: c.claim.film for c in claims}
    by_id = {c.claim_id: c for c in claims}
    found = [e for e in best_estimates(claims, trust, now.date()) if e.group[1] == "release_date"]
    if region:
        wanted = region.upper()
        regional = {e.group[0] for e in found if e.group[2] == wanted}
        found = [e for e in found if e.group[2] == wanted or (e.group[2] is None and e.group[0] not in regional)]
    entries = []
    for e in found:
        try:
            w = window(e.value)
        except ValueError:
            continue  # an unresolved value ("next year" without a published date) has no interval
        seen = [by_id[i].seen_at for i in e.claim_ids if i in by_id]
        entries.append(CalendarEntry(e.group[0], titles_by_key.get(e.group[0], e.group[0]), e.group[2], e.group[3],
                                     e.value, w.precision, w.start, w.end, e.reason, max(seen, default=now)))
    return render_calendar(entries, now), len(entries)


def ack(database: Database, event_ids: Sequence[int], by: str, note: str | None, now: datetime) -> list[int]:
    with database.session() as s:
        return acknowledge(s, event_ids, by, note, now)
