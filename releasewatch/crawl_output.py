"""Tables for the crawl's own commands: `releasewatch runs --per-source` and `releasewatch sources`."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from pipeline.terminal import shown

console = Console(highlight=False)


def _when(at: datetime | None) -> str:
    return f"{at:%Y-%m-%d %H:%M}" if at else "never"


def _reasons(counts: dict[str, Any]) -> str:
    by_reason = counts.get("failed_by_reason") or {}
    return "; ".join(f"{reason} ×{n}" if n > 1 else reason for reason, n in sorted(by_reason.items(), key=lambda kv: -kv[1]))


def print_run_sources(runs: Sequence[Any]) -> None:
    """Per run, one row per source: what it requested, fetched, found unchanged, stored, failed and why."""
    if not runs:
        console.print("No crawl runs yet.")
        return
    table = Table(title="crawl runs by source")
    for column in ("run", "source", "requested", "fetched", "304", "unchanged", "new", "cut off", "failed", "claims",
                   "events", "bytes", "seconds", "failed because"):
        table.add_column(column, overflow="fold")
    for run in runs:
        if not run.source_counts:
            table.add_row(str(run.id), "(no per-source counts)", *[""] * 12)
        for name, c in sorted(run.source_counts.items()):
            table.add_row(str(run.id), shown(name), *(str(c.get(k, 0)) for k in (
                "requested", "fetched", "not_modified", "unchanged", "new", "cut_off", "failed", "claims", "events",
                "bytes")),
                f"{float(c.get('duration_s', 0.0)):.1f}", shown(_reasons(c)))
    console.print(table)


def print_sources(rows: Sequence[Any], broken_after: int) -> None:
    """One row per source: last success and error, failures in a row, pages tracked, broken or not."""
    if not rows:
        console.print("No sources yet (run `releasewatch crawl` first).")
        return
    table = Table(title=f"sources (broken: failed {broken_after} runs in a row, or stopped yielding claims)")
    for column in ("source", "kind", "pages", "last success", "last error", "failed runs in a row", "state"):
        table.add_column(column, overflow="fold")
    for h in rows:
        error = f"{_when(h.last_error_at)}: {h.last_error}" if h.last_error else "-"
        state = f"[bold red]BROKEN[/bold red]: {shown(h.why_broken)}" if h.broken else "ok"
        table.add_row(shown(h.name), h.kind, str(h.pages), _when(h.last_success_at), shown(error),
                      str(h.consecutive_failures), state)
    console.print(table)
