"""The database handle: one engine, one sessionmaker, migrations, and the unit of work.

Built once at start-up (CLI command, scheduler, crawl) from resolve_url(); everything else receives
a Session from Database.session() and calls storage.repository functions with it.
"""
from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from storage.errors import DatabaseUnavailable, StorageFailed, masked_url

DEFAULT_URL = "sqlite:///releasewatch.db"
ENV_VAR = "RELEASEWATCH_DATABASE_URL"
SUPPORTED = ("sqlite", "postgresql")
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK_KEY = 0x72_77_64_62  # "rwdb": PostgreSQL advisory lock held while upgrading
SQLITE_BUSY_TIMEOUT_MS = 30_000  # crawl workers and the CLI may write at the same time


def resolve_url(cli_url: str | None, config_url: str | None) -> str:
    """The database URL to use: --db, then $RELEASEWATCH_DATABASE_URL, then [database] url, then the default."""
    for candidate in (cli_url, os.environ.get(ENV_VAR), config_url):
        if candidate and candidate.strip():
            return candidate.strip()
    return DEFAULT_URL


def _engine_url(url: str) -> URL:
    """Parse the URL; plain postgresql:// (and postgres://) mean the psycopg 3 driver we install."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUnavailable(url, f"not a database URL ({exc})") from None
    except ValueError:  # SQLAlchemy's int() of the port, unguarded
        raise DatabaseUnavailable(url, "not a database URL (its port is not a number)") from None
    if parsed.get_backend_name() not in SUPPORTED:
        raise DatabaseUnavailable(url, f"unsupported database {parsed.get_backend_name()!r} (use sqlite:/// or postgresql://)")
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _reason(exc: BaseException) -> str:
    """The driver's own words, on one line (psycopg adds blank lines and connection details)."""
    orig = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(orig).splitlines() if line.strip()]
    return "; ".join(lines) or type(orig).__name__


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic Config built in code, so no alembic.ini is needed in the working directory."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest migration shipped with this code."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "storage/migrations/versions holds no migration"
    return head


class Database:
    """One database: its engine, its sessionmaker and its schema version."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._url = _engine_url(url)
        self.is_sqlite = self._url.get_backend_name() == "sqlite"
        # Statement parameters hold page text (titles, evidence); errors go to people and logs without them.
        kwargs: dict[str, Any] = {"hide_parameters": True}
        if self.is_sqlite:
            kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        else:
            # A crawl holds its engine for hours; the server may have restarted in between.
            kwargs["pool_pre_ping"] = True
            # No server-side prepared statements: psycopg prepares a statement run five times, and
            # PostgreSQL then keeps a generic plan made while the tables were small (a first crawl
            # starts empty); as they grow, that plan turned a 1,000-page batch from 3 s into 19 s.
            kwargs["connect_args"] = {"prepare_threshold": None}
        try:
            self.engine: Engine = create_engine(self._url, **kwargs)
        except (ArgumentError, NoSuchModuleError, ImportError) as exc:
            raise DatabaseUnavailable(url, str(exc)) from None
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_on_connect)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def __repr__(self) -> str:
        return f"Database({masked_url(self.url)!r})"

    def _check_sqlite_path(self) -> None:
        database = self._url.database
        if not database or database == ":memory:" or database.startswith("file:"):
            return
        directory = Path(database).expanduser().resolve().parent
        if not directory.is_dir():
            # sqlite3 would only say "unable to open database file".
            raise DatabaseUnavailable(self.url, f"directory {directory} does not exist")

    @contextmanager
    def _connect(self, *, begin: bool) -> Iterator[Connection]:
        """A connection, with connection failures turned into DatabaseUnavailable."""
        if self.is_sqlite:
            self._check_sqlite_path()
        try:
            conn = self.engine.connect()
        except DBAPIError as exc:
            raise DatabaseUnavailable(self.url, _reason(exc)) from None
        with conn:
            if begin:
                with conn.begin():
                    yield conn
            else:
                yield conn

    def check(self) -> None:
        """Connect once and run a trivial query; raises DatabaseUnavailable if that is impossible."""
        with self._connect(begin=False) as conn:
            try:
                conn.execute(text("SELECT 1"))
            except DBAPIError as exc:
                raise DatabaseUnavailable(self.url, _reason(exc)) from None

    def upgrade(self) -> str:
        """Bring the schema to the newest migration (a no-op when it is there); returns that revision."""
        with self._connect(begin=True) as conn:
            try:
                self._lock_for_migration(conn)
                command.upgrade(alembic_config(conn), "head")
            except DBAPIError as exc:
                if _is_connection_error(exc):
                    raise DatabaseUnavailable(self.url, _reason(exc)) from None
                raise
        return self.revision() or head_revision()

    def _lock_for_migration(self, conn: Connection) -> None:
        """Serialise upgrades: the CLI, the scheduler and crawl workers may all start at once.

        The lock lasts until the upgrade's transaction ends. On SQLite, BEGIN IMMEDIATE also makes
        the migration's DDL one transaction, so a failed upgrade leaves no half-made schema.
        """
        if self.is_sqlite:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})

    def revision(self) -> str | None:
        """The schema revision the database is at, or None before the first upgrade."""
        with self._connect(begin=False) as conn:
            return MigrationContext.configure(conn).get_current_revision()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends normally, rolled back when it raises."""
        if self.is_sqlite:
            self._check_sqlite_path()
        with self._sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException as exc:
                session.rollback()
                if isinstance(exc, DBAPIError) and _is_connection_error(exc):
                    # Everything in this unit of work was rolled back; the caller can retry it later.
                    raise DatabaseUnavailable(self.url, _reason(exc)) from exc
                if isinstance(exc, DBAPIError) and storage_failure(exc) is not None:
                    # A full disk, an I/O error: nothing can be stored now; one line, not a traceback.
                    raise StorageFailed(_reason(exc)) from exc
                raise

    def dispose(self) -> None:
        """Close every pooled connection (end of a command, or before forking workers)."""
        self.engine.dispose()


_SQLITE_UNAVAILABLE = ("unable to open database", "database is locked", "disk i/o error", "readonly database")


def _is_connection_error(exc: DBAPIError) -> bool:
    """Whether the database could not be reached or used at all, as opposed to a bad statement."""
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    if type(orig).__module__.startswith("sqlite3"):
        return any(text in str(orig).lower() for text in _SQLITE_UNAVAILABLE)
    # psycopg: SQLSTATE class 08 is "connection exception", 57P0x "server shutting down / cannot
    # connect now"; a connection that fails before any server reply has no SQLSTATE at all.
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate is None:
        return type(orig).__name__ == "OperationalError"
    return str(sqlstate).startswith(("08", "57P0"))


_SQLITE_FAILING = (*_SQLITE_UNAVAILABLE, "database or disk is full", "disk full", "disk image is malformed")


def storage_failure(exc: BaseException) -> str | None:
    """Why the database as a whole cannot store anything now, or None when `exc` may be about one write.

    A lost connection or server, a full disk, an I/O error: trying the next page would fail the
    same way. On PostgreSQL also SQLSTATE classes 53 (insufficient resources: disk full, out of
    memory), 57 (operator intervention: shutdown), 58 (system error: I/O), 08 (connection), 28
    and 3D (the role or the database is gone).
    """
    if isinstance(exc, (DatabaseUnavailable, StorageFailed)):
        return f"database {exc.url}: {exc.reason}" if isinstance(exc, DatabaseUnavailable) else exc.reason
    if isinstance(exc, OSError) and not isinstance(exc, DBAPIError):
        return f"{type(exc).__name__}: {exc}"
    if not isinstance(exc, DBAPIError):
        return None
    orig = exc.orig
    if _is_connection_error(exc):
        return _reason(exc)
    if type(orig).__module__.startswith("sqlite3"):
        return _reason(exc) if any(text in str(orig).lower() for text in _SQLITE_FAILING) else None
    sqlstate = str(getattr(orig, "sqlstate", "") or "")
    # 3D000 and 28xxx: the database was dropped, or our role removed, since the crawl started.
    return _reason(exc) if sqlstate.startswith(("08", "28", "3D", "53", "57", "58")) else None


def _sqlite_on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    """Per-connection SQLite settings: enforce foreign keys, WAL for concurrent readers, wait on locks."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode")
        if str(cursor.fetchone()[0]).lower() != "wal":
            _switch_to_wal(cursor)
    finally:
        cursor.close()


def _switch_to_wal(cursor: Any) -> None:
    """PRAGMA journal_mode=WAL, waiting for other connections like every other statement does.

    The switch needs the file to itself and SQLite answers "database is locked" at once instead of
    calling the busy handler, so several processes opening a new database together (the CLI, the
    scheduler, crawl workers) would fail; WAL stays set in the file, so this happens once per file.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
