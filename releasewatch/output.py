"""Rich tables for the CLI: what a person reads after a command."""
from __future__ import annotations

import shutil
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from pipeline.terminal import shown

console = Console(highlight=False)


def report_width() -> int:
    """Reports use the terminal's width, and at least 100 columns so that tables stay readable in a pipe."""
    return max(100, shutil.get_terminal_size((120, 40)).columns)


def print_crawl_summary(summary: Any) -> None:
    """The run's counts; each failure was already printed on its own line as the crawl went."""
    table = Table(title=f"crawl run #{summary.run_id}: {summary.status}")
    for column in ("fetched", "unchanged", "failed", "claims", "events"):
        table.add_column(column, justify="right")
    table.add_row(*(str(getattr(summary, f)) for f in ("pages_fetched", "pages_unchanged", "pages_failed", "claims", "events")))
    console.print(table)


def print_document_claims(doc: dict[str, Any]) -> None:
    head = f"{doc['source']}: {doc.get('title') or '(no title)'}"
    dates = f"published {doc.get('published') or '?'}" + (f", updated {doc['updated']}" if doc.get("updated") else "")
    console.print(f"[bold]{shown(head)}[/bold]  ({shown(dates)})")
    if not doc["claims"]:
        console.print("  no claims")
        return
    table = Table(show_header=True)
    for column in ("film", "field", "value", "detail", "evidence"):
        table.add_column(column, overflow="fold")
    for c in doc["claims"]:
        if c["field"] == "release_date":
            detail = " ".join(x for x in (c["status"], c["region"], c["kind"]) if x and x != "unspecified")
        else:
            detail = f"as {c['character']}" if c.get("character") else ""
        table.add_row(*(shown(str(x or "")) for x in (c["film"], c["field"], c["value"], detail, c["evidence"])))
    console.print(table)


def print_runs(rows: Sequence[Any]) -> None:
    if not rows:
        console.print("No crawl runs yet.")
        return
    table = Table(title="recent crawl runs")
    for column in ("run", "started", "finished", "status", "sources", "fetched", "unchanged", "failed", "claims", "events"):
        table.add_column(column)
    for r in rows:
        table.add_row(str(r.id), f"{r.started_at:%Y-%m-%d %H:%M:%S}", f"{r.finished_at:%H:%M:%S}" if r.finished_at else "-",
                      r.status, shown(", ".join(r.sources)), str(r.pages_fetched), str(r.pages_unchanged),
                      str(r.pages_failed), str(r.claims), str(r.events))
    console.print(table)


def print_films(rows: Sequence[Any]) -> None:
    if not rows:
        console.print("No films yet.")
        return
    table = Table(title="films")
    for column in ("film", "year", "aliases", "claims", "events"):
        table.add_column(column, overflow="fold")
    for f in rows:
        table.add_row(shown(f.title), str(f.year or ""), shown(", ".join(f.aliases)), str(f.claims), str(f.events))
    console.print(table)


def print_estimates(found: Sequence[Any], titles: dict[str, str], trust: dict[str, float],
                    reliability: dict[str, float], learned: bool) -> None:
    if not found:
        console.print("No current claims.")
        return
    table = Table(title=f"best current estimates, sources weighted by {'learned reliability' if learned else 'configured trust'} and recency")
    for column in ("film", "field", "scope", "estimate", "weight", "sources"):
        table.add_column(column, overflow="fold")
    for e in found:
        film, field = e.group[0], e.group[1]
        scope = " ".join(str(x) for x in e.group[2:] if x and x != "unspecified") if field == "release_date" else (
            e.subject or "")
        table.add_row(shown(titles.get(film, film)), field, shown(scope), shown(e.shown or "(no role named)"),
                      f"{e.share:.0%}", shown(e.reason))
    console.print(table)
    sources = Table(title="sources: configured trust and learned reliability")
    for column in ("source", "trust", "learned"):
        sources.add_column(column)
    for name in sorted(set(trust) | set(reliability)):
        sources.add_row(shown(name), f"{trust.get(name, 0.5):.2f}",
                        f"{reliability[name]:.2f}" if name in reliability else "-")
    console.print(sources)
