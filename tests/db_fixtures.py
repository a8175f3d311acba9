"""Database fixtures: the same tests run on a SQLite file and on PostgreSQL at 127.0.0.1:5432.

- `db_url`: a fresh, empty database URL, parametrised over "sqlite" (a temp file) and "postgres"
  (a uniquely named database created from `test` and dropped afterwards).
- `db`: a storage.db.Database for `db_url`, upgraded to the newest migration.
- `pg_url` / `pg_db`: the PostgreSQL variants on their own.

When PostgreSQL is unreachable the postgres variants skip with the reason; with CI set they fail,
so a CI machine without its database never passes by skipping.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import psycopg
import pytest

from storage.db import Database

__all__ = ["db", "db_url", "pg_db", "pg_url", "sqlite_url"]

PG_HOST = os.environ.get("RELEASEWATCH_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("RELEASEWATCH_TEST_PG_PORT", "5432"))
PG_ADMIN_DB = "test"
PG_USERS = ("postgres", "root")  # trust auth; which role exists depends on the machine


@cache
def _pg_user() -> tuple[str | None, str]:
    """The role that can create databases on the test server, or None and why there is none."""
    reasons = []
    for user in PG_USERS:
        try:
            with psycopg.connect(host=PG_HOST, port=PG_PORT, user=user, dbname=PG_ADMIN_DB, connect_timeout=3):
                return user, ""
        except psycopg.Error as exc:
            reasons.append(f"{user}: {str(exc).strip().splitlines()[0]}")
    return None, f"PostgreSQL at {PG_HOST}:{PG_PORT} is unreachable ({'; '.join(reasons)})"


def _admin(user: str) -> psycopg.Connection:
    # CREATE/DROP DATABASE cannot run inside a transaction.
    return psycopg.connect(host=PG_HOST, port=PG_PORT, user=user, dbname=PG_ADMIN_DB, autocommit=True)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for this test, dropped afterwards."""
    user, reason = _pg_user()
    if user is None:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    name = f"releasewatch_test_{uuid.uuid4().hex[:12]}"
    with _admin(user) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://{user}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        with _admin(user) as conn:
            # FORCE: a test that failed mid-way may leave a connection open.
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'releasewatch.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """An empty database of each kind (the test runs once per kind)."""
    return str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))


def _upgraded(url: str) -> Iterator[Database]:
    database = Database(url)
    database.upgrade()
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """An upgraded Database on each kind of database."""
    yield from _upgraded(db_url)


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[Database]:
    """An upgraded Database on PostgreSQL only."""
    yield from _upgraded(pg_url)
