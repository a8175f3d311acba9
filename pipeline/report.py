"""Change reports: events with their claims, as JSON or as a readable text table.

Pure rendering: the caller loads events (storage.repository.list_events) and passes them in.
Every claim shown keeps its source, URL and evidence sentence, so a reader can check it.
"""
from __future__ import annotations

import io
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Protocol

from rich.console import Console
from rich.table import Table

from pipeline.terminal import shown, visible_json


class ReportClaim(Protocol):
    film: str
    field: str
    value: str | None
    precision: str | None
    start: date | None
    end: date | None
    status: str | None
    region: str | None
    kind: str | None
    character: str | None
    evidence: str
    confidence: float
    extractor: str
    source: str
    url: str


class ReportEvent(Protocol):
    id: int
    type: str
    film: str
    field: str
    region: str | None
    kind: str | None
    actor: str | None
    summary: str
    severity: str
    details: dict[str, Any]
    sources: Sequence[str]
    detected_at: datetime
    old: Sequence[ReportClaim]
    new: Sequence[ReportClaim]
    superseded_at: datetime | None  # set by rediff when the current rules no longer produce the event


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def claim_json(c: ReportClaim) -> dict[str, Any]:
    """A claim as `extract --json` prints it, plus where it was seen."""
    return {
        "film": c.film, "field": c.field, "value": c.value, "precision": c.precision,
        "start": _iso(c.start), "end": _iso(c.end), "status": c.status, "region": c.region,
        "kind": c.kind, "character": c.character, "evidence": c.evidence,
        "confidence": round(c.confidence, 3), "extractor": c.extractor, "source": c.source, "url": c.url,
    }


def event_json(e: ReportEvent) -> dict[str, Any]:
    return {
        "id": e.id, "type": e.type, "film": e.film, "field": e.field, "region": e.region, "kind": e.kind,
        "actor": e.actor,
        "old": claim_json(e.old[0]) if e.old else None,
        "new": claim_json(e.new[0]) if e.new else None,
        "sources": list(e.sources), "detected_at": _iso(e.detected_at),
        "summary": e.summary, "severity": e.severity, "details": e.details,
        "superseded": e.superseded_at is not None, "superseded_at": _iso(e.superseded_at),
        "old_claims": [claim_json(c) for c in e.old], "new_claims": [claim_json(c) for c in e.new],
    }


def render_json(events: Sequence[ReportEvent]) -> str:
    return visible_json(json.dumps({"events": [event_json(e) for e in events]}, ensure_ascii=False, indent=2))


def _what(e: ReportEvent) -> str:
    parts = [e.field.replace("_", " ")]
    if e.actor:
        parts.append(e.actor)
    if e.region:
        parts.append(e.region)
    if e.kind and e.kind != "unspecified":
        parts.append(e.kind)
    return " · ".join(parts)


def _value(c: ReportClaim) -> str:
    if c.field == "cast":
        return f"as {c.character}" if c.character else "(no role named)"
    return c.value or "?"


def _sides(claims: Sequence[ReportClaim], established: Sequence[ReportClaim] = ()) -> str:
    """Each value with the sources that hold it, most held first, then values already established:
    "2025-06-06 (studio, cinema) ≠ 2024-07-07 (fans)"."""
    holders: dict[str, set[str]] = {}
    for c in claims:
        holders.setdefault(_value(c), set()).add(c.source)
    seen = {_value(c) for c in established}
    ranked = sorted(holders.items(), key=lambda item: (-len(item[1]), item[0] not in seen, item[0]))
    return " ≠ ".join(f"{value} ({', '.join(sorted(sources))})" for value, sources in ranked)


def _old_new(e: ReportEvent) -> str:
    if e.type == "conflict":
        return _sides([*e.old, *e.new], e.old)
    if e.type == "resolved":
        return f"{_sides(e.old)} → agree"
    old = ", ".join(sorted({_value(c) for c in e.old}))
    new = ", ".join(sorted({_value(c) for c in e.new}))
    if e.type == "new":
        return new
    if e.type in ("withdrawn", "resolved"):
        return f"{old} → —" if old else "—"
    return f"{old or '—'} → {new or '—'}"


def _superseded_note(e: ReportEvent) -> str:
    """Why an event is shown although the diff no longer gives it: an analyst may have acted on it."""
    if e.superseded_at is None:
        return ""
    return f" (superseded {e.superseded_at:%Y-%m-%d}: the current rules no longer give this event)"


def render_text(events: Sequence[ReportEvent], width: int = 120, title: str | None = None,
                show_film: bool = True) -> str:
    """A table of events, then each event's evidence: source, URL and the sentence that says it.

    Without the film column (`show_film=False`, for events of one film under its own `title`) the
    table fits an 80-column terminal without breaking words."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, color_system=None, highlight=False)
    if not events:
        console.print("No events.")
        return buffer.getvalue()
    table = Table(title=title or f"releasewatch change report: {len(events)} event(s)", show_lines=False)
    for column in ("#", "event", "film", "what", "old → new", "sources"):
        if column != "film" or show_film:
            table.add_column(column, overflow="fold")
    for e in events:
        label = e.type if e.severity == "normal" else f"{e.type} ({e.severity})"
        if e.superseded_at is not None:
            label += " (superseded)"
        row = [str(e.id), shown(label), shown(e.film), shown(_what(e)), shown(_old_new(e)), shown(", ".join(e.sources))]
        table.add_row(*(row if show_film else row[:2] + row[3:]))
    console.print(table)
    for e in events:
        if e.type == "new":
            continue
        console.print(f"\n#{e.id} {shown(e.type)} · {shown(e.film)} · {shown(e.summary)}{_superseded_note(e)}")
        for side, claims in (("old", e.old), ("new", e.new)):
            for c in claims:
                console.print(f"  {side} {shown(_value(c))}  [{shown(c.source)}] {shown(c.url)}")
                console.print(f"      “{shown(c.evidence)}”")
    return buffer.getvalue()
