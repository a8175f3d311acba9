"""Reports and dossiers as plain text for a terminal or a pipe (no colour, no escape codes)."""
from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from pipeline.report import render_text as render_events_text
from pipeline.terminal import shown, visible
from pipeline.reports.views import Dossier, ReportView


def render_text(view: ReportView, width: int = 80) -> str:
    """The change report table (pipeline.report.render_text), newest first grouped by film, then
    the films whose sources still disagree."""
    if not view.events:
        return "No events to report.\n"
    parts = []
    for f in view.films:
        events = [item.event for item in view.events if (item.event.film_key or item.event.film) == f.key]
        title = f"{shown(f.title)}: {len(events)} event(s)"
        parts.append(render_events_text(events, width=width, title=title, show_film=False))  # type: ignore[arg-type]
    text = f"releasewatch change report: {len(view.events)} event(s)\n\n" + "\n".join(parts)
    reviewed = [item for item in view.events if item.review]
    if reviewed:
        text += "\nreviewed: " + "; ".join(f"#{i.event.id} by {visible(i.review.by)}" for i in reviewed if i.review) + "\n"
    if view.films_in_conflict:
        text += "\nopen conflicts: " + ", ".join(visible(t) for t in view.films_in_conflict) + "\n"
    return text


def render_dossier_text(d: Dossier, width: int = 80) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, color_system=None, highlight=False)
    console.print(shown(d.title) + (f"  (also: {shown(', '.join(d.aliases))})" if d.aliases else ""))
    table = Table(title="best estimates")
    for column in ("field", "scope", "estimate", "why"):
        table.add_column(column, overflow="fold")
    for e in d.estimates:
        table.add_row(e.field.replace("_", " "), shown(e.scope), shown(e.shown), shown(f"{e.share:.0%}, {e.reason}"))
    console.print(table)
    for conflict in d.conflicts:
        console.print(f"\nopen conflict: {conflict.field.replace('_', ' ')} {shown(conflict.scope)}")
        for side in conflict.sides:
            for s in side.said:
                console.print(f"  {shown(side.value)}  [{shown(s.source)}] {shown(s.url)}")
                console.print(f"      “{shown(s.evidence)}”")
    console.print("\nwhat each source says now")
    for c in d.latest:
        value = (c.value or "") + (f" as {c.character}" if c.character else "")
        scope = " ".join(x for x in (c.region, c.kind) if x and x != "unspecified")
        console.print(f"  {shown(c.source)}  {c.field.replace('_', ' ')} {shown(value)}"
                      + (f" ({shown(scope)})" if scope else ""))
        console.print(f"      “{shown(c.evidence)}”")
        console.print(f"      {shown(c.url)}")
    people = Table(title="cast and crew")
    for column in ("role", "name", "character", "named by"):
        people.add_column(column, overflow="fold")
    for field, name, character, sources in d.people:
        people.add_row(field, shown(name), shown(character or ""), shown(", ".join(sources)))
    console.print(people)
    console.print("history of claims, oldest first")
    for c in d.history:
        value = (c.value or "") + (f" as {c.character}" if c.character else "")
        console.print(f"  {c.fetched_at:%Y-%m-%d %H:%M}  {shown(c.source)}  {c.field.replace('_', ' ')} {shown(value)}")
    return buffer.getvalue()
