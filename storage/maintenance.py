"""Nightly upkeep of the database: refresh the planner's statistics, give freed pages back.

A database written to around the clock for months drifts: SQLite's query planner works from
statistics gathered by ANALYZE (none at all until it first runs), and pages freed by deleted rows
stay in the file until VACUUM. PostgreSQL's autovacuum reclaims space itself, so there only ANALYZE
runs, which is cheap and never blocks writers.

What the schema does not hold cannot be pruned: snapshots keep a content hash, title and dates but
no page body, so `[scheduler] retention_days` has nothing to remove today. Claims and events are
history and are never deleted here.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError

from storage.db import Database, _is_connection_error, _reason
from storage.errors import DatabaseUnavailable

#: Statements per database backend, run in order outside any transaction (VACUUM refuses one).
STATEMENTS: dict[str, tuple[str, ...]] = {
    "sqlite": ("ANALYZE", "VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"),
    "postgresql": ("ANALYZE",),
}


@dataclass(frozen=True, slots=True)
class MaintenanceOutcome:
    """What one maintenance pass ran and how long it took."""

    statements: tuple[str, ...]
    seconds: float
    size_before: int | None  # bytes of the SQLite file (None on PostgreSQL)
    size_after: int | None


def _sqlite_size(database: Database) -> int | None:
    if not database.is_sqlite:
        return None
    with database.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
        size = conn.exec_driver_sql("PRAGMA page_size").scalar_one()
    return int(pages) * int(size)


def optimize(database: Database) -> MaintenanceOutcome:
    """Run the backend's upkeep statements; raises DatabaseUnavailable when the database cannot be used."""
    statements = STATEMENTS[database.engine.dialect.name]
    started = time.monotonic()
    try:
        before = _sqlite_size(database)
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
        after = _sqlite_size(database)
    except DBAPIError as exc:
        if _is_connection_error(exc):
            raise DatabaseUnavailable(database.url, _reason(exc)) from None
        raise
    return MaintenanceOutcome(statements, time.monotonic() - started, before, after)
