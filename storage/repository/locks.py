"""One writer of page versions and events at a time, whichever process or database.

The diff reads the current claims of a batch's films, replays the batch on them and writes the
events. Two crawls doing that at once (the scheduler runs one job per source in parallel) each read
the state before the other's pages and lost or doubled conflicts; two crawls of the same source
each stored the same page version. Taking this lock first in the unit of work makes the read,
the replay and the writes of one batch happen as if no other batch ran meanwhile. Storing is a
small part of a crawl (fetching and extracting stay parallel), so one lock for every film is
simpler than one per film and cannot deadlock. A crawl's set-up (its sources, the watch-list,
its run row) takes it too, so that crawls starting together do not insert the same source twice.
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

INGEST_LOCK_KEY = 0x72_77_69_6E  # "rwin": PostgreSQL advisory lock held while a batch is diffed


def lock_for_ingest(s: Session) -> None:
    """Hold the ingest lock until the session's transaction ends (commit or rollback).

    SQLite: BEGIN IMMEDIATE takes the file's write lock now rather than at the first write, so the
    diff never reads a state another writer is about to change; a transaction that has written
    already holds that lock. PostgreSQL: a transaction-scoped advisory lock.
    """
    connection = s.connection()
    if connection.dialect.name == "sqlite":
        driver = connection.connection.driver_connection
        if driver is not None and not driver.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        return
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": INGEST_LOCK_KEY})
