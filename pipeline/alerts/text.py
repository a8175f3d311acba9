"""One event in words: readable dates, "old → new", and a subject line that says it all.

"Ballerina: release date conflict, June 6, 2025 vs July 7, 2024"; "Ballerina: postponed by 334
days to June 6, 2025". Pure functions of a pipeline.report.ReportEvent (storage's EventView is one).
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.report import ReportClaim, ReportEvent

_VALUE = re.compile(
    r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?|-Q(?P<quarter>[1-4])|-H(?P<half>[12])|-(?P<season>[a-z]+))?$"
)
_HALVES = {"1": "first half of", "2": "second half of"}


@dataclass(frozen=True, slots=True)
class SourceChange:
    """A source turning BROKEN or working again (`source` None: the crawl as a whole)."""

    source: str | None
    state: str  # "broken" / "failed" / "ok"
    was: str
    detail: str | None


def readable_date(value: str | None) -> str:
    """'2025-06-06' → 'June 6, 2025'; '2025-06' → 'June 2025'; '2025-Q3' → 'Q3 2025';
    '2024-summer' → 'summer 2024'; '2025-H2' → 'second half of 2025'; anything else as it is."""
    if not value:
        return "?"
    m = _VALUE.match(value)
    if m is None:
        return value
    year = m["year"]
    if m["day"] and 1 <= int(m["month"]) <= 12:
        return f"{calendar.month_name[int(m['month'])]} {int(m['day'])}, {year}"
    if m["month"] and 1 <= int(m["month"]) <= 12:
        return f"{calendar.month_name[int(m['month'])]} {year}"
    if m["quarter"]:
        return f"Q{m['quarter']} {year}"
    if m["half"]:
        return f"{_HALVES[m['half']]} {year}"
    if m["season"]:
        return f"{m['season']} {year}"
    return value if m["month"] is None else value


def claim_value(c: ReportClaim) -> str:
    """What a claim says, in words: a readable date, a director's name, "Keanu Reeves as Winston"."""
    if c.field == "release_date":
        return readable_date(c.value)
    if c.field == "cast":
        return f"{c.value} as {c.character}" if c.character else f"{c.value} (no role named)"
    return c.value or "?"


def _distinct(claims: Sequence[ReportClaim]) -> list[str]:
    return list(dict.fromkeys(claim_value(c) for c in claims))


def what(e: ReportEvent) -> str:
    """'release date', 'US theatrical release date', 'director', 'cast (Keanu Reeves)'."""
    label = e.field.replace("_", " ")
    qualifiers = [q for q in (e.region, e.kind if e.kind != "unspecified" else None) if q]
    if qualifiers:
        label = f"{' '.join(qualifiers)} {label}"
    if e.actor:
        label = f"{label} ({e.actor})"
    return label


def old_new(e: ReportEvent) -> str:
    """The change in one line: 'July 7, 2024 → June 6, 2025', 'June 6, 2025 vs July 7, 2024'."""
    old, new = _distinct(e.old), _distinct(e.new)
    if e.type == "conflict":
        return " vs ".join(dict.fromkeys([*old, *new]))
    if e.type == "new":
        return ", ".join(new) or "?"
    if e.type == "resolved":
        return f"{' vs '.join(old)} → sources agree" if old else "sources agree"
    if e.type == "withdrawn":
        return f"{', '.join(old) or '?'} → (no longer said)"
    return f"{', '.join(old) or '—'} → {', '.join(new) or '—'}"


def _changed_subject(e: ReportEvent) -> str:
    change = str(e.details.get("change", "changed"))
    days = e.details.get("days")
    to = ", ".join(_distinct(e.new)) or "?"
    if e.field == "release_date" and change in ("postponed", "moved earlier") and days:
        label = what(e)
        prefix = "" if label == "release date" else f"{label} "
        return f"{prefix}{change} by {days} day{'s' if days != 1 else ''} to {to}"
    if change in ("refined", "less precise"):
        return f"{what(e)} {'refined' if change == 'refined' else 'made less precise'} to {to}"
    return f"{what(e)} changed from {', '.join(_distinct(e.old)) or '?'} to {to}"


def event_subject(e: ReportEvent) -> str:
    """A subject line that says it all, film first."""
    if e.type == "changed":
        body = _changed_subject(e)
    elif e.type == "conflict":
        body = f"{what(e)} conflict, {old_new(e)}"
    elif e.type == "resolved":
        was = " vs ".join(_distinct([*e.old, *e.new]))
        body = f"{what(e)} conflict resolved, sources agree again" + (f" (was {was})" if was else "")
    elif e.type == "new":
        body = f"new {what(e)}: {old_new(e)}"
    elif e.type == "withdrawn":
        body = f"{what(e)} {', '.join(_distinct(e.old)) or ''} withdrawn".replace("  ", " ")
    else:
        body = f"{e.type} {what(e)}"
    by = "" if e.type in ("conflict", "resolved") or not e.sources else f" ({', '.join(e.sources)})"
    return _one_line(f"{e.film}: {body}{by}")


def change_subject(change: SourceChange) -> str:
    """'Source cinema-chain is BROKEN: failed its last 3 runs' / 'Source cinema-chain works again'."""
    who = f"Source {change.source}" if change.source else "The crawl"
    if change.state == "ok":
        return _one_line(f"{who} works again")
    state = "BROKEN" if change.source else "FAILED"
    return _one_line(f"{who} is {state}" + (f": {change.detail}" if change.detail else ""))


def _one_line(text: str, limit: int = 200) -> str:
    """Header-safe: scraped text may hold line breaks; very long subjects are cut with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
