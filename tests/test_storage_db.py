"""storage.db: migrations, the unit of work, connection errors — on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from pipeline.config import SourceConfig
from storage import repository
from storage.db import DEFAULT_URL, ENV_VAR, Database, alembic_config, head_revision, resolve_url
from storage.errors import DatabaseUnavailable, StorageError
from storage.models import Base

HEAD = "0006"
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
TABLES = {"sources", "pages", "snapshots", "films", "film_aliases", "claims", "events", "crawl_runs", "fetch_failures",
          "listings"}


def test_upgrade_from_empty_creates_every_table_and_is_idempotent(db_url: str) -> None:
    database = Database(db_url)
    try:
        assert database.revision() is None
        assert database.upgrade() == head_revision() == HEAD
        with database.session() as s:
            repository.sync_sources(s, [SourceConfig("variety", "pages", ("https://variety.example/",))])
        assert database.upgrade() == HEAD
        with database.session() as s:
            counts = repository.counts(s)
        assert set(counts) == TABLES
        assert counts["sources"] == 1
        assert TABLES <= set(inspect(database.engine).get_table_names())
    finally:
        database.dispose()


def _upgrade_together(url: str, openers: int) -> list[str]:
    """Upgrade `url` from `openers` threads at once, each with its own Database; their revisions."""
    from concurrent.futures import ThreadPoolExecutor

    databases = [Database(url) for _ in range(openers)]
    try:
        with ThreadPoolExecutor(max_workers=openers) as pool:
            return list(pool.map(Database.upgrade, databases))
    finally:
        for database in databases:
            database.dispose()


def test_concurrent_upgrades_of_an_empty_database_all_succeed(db_url: str) -> None:
    assert _upgrade_together(db_url, 4) == [HEAD] * 4


def test_processes_opening_a_new_sqlite_file_together_wait_for_each_other(tmp_path) -> None:
    # The first connections to a new file switch it to WAL, which SQLite refuses at once (no busy
    # wait) while another connection holds it: every opener must wait, not fail.
    for trial in range(15):
        assert _upgrade_together(f"sqlite:///{tmp_path / f'new{trial}.db'}", 8) == [HEAD] * 8


def test_upgrading_a_populated_database_keeps_its_data(db_url: str) -> None:
    database = Database(db_url)
    try:
        with database.engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0001")
            conn.execute(text("INSERT INTO crawl_runs (started_at, status, sources, pages_fetched, pages_unchanged,"
                              " pages_failed, claims, events) VALUES (:at, 'ok', '[\"variety\"]', 3, 1, 0, 5, 2)"),
                         {"at": T0.replace(tzinfo=None) if database.is_sqlite else T0})
        assert database.upgrade() == HEAD
        with database.session() as s:
            [run] = repository.list_runs(s)
        assert (run.started_at, run.status, run.sources, run.pages_fetched, run.claims) == (T0, "ok", ("variety",), 3, 5)
    finally:
        database.dispose()


def test_models_and_migrations_describe_the_same_schema(db: Database) -> None:
    with db.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert differences == []


def test_constraints_are_named_by_the_convention(db: Database) -> None:
    inspector = inspect(db.engine)
    assert {"name": "uq_events_fingerprint", "column_names": ["fingerprint"]} in [
        {"name": u["name"], "column_names": u["column_names"]} for u in inspector.get_unique_constraints("events")
    ]
    assert "ix_snapshots_page_id_fetched_at" in {i["name"] for i in inspector.get_indexes("snapshots")}
    assert "uq_pages_source_id_url" in {u["name"] for u in inspector.get_unique_constraints("pages")}


def test_downgrade_to_empty_and_upgrade_again(db: Database) -> None:
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    assert not TABLES & set(inspect(db.engine).get_table_names())
    assert db.upgrade() == HEAD


def test_a_failed_unit_of_work_leaves_nothing_behind_and_keeps_earlier_ones(db: Database) -> None:
    with db.session() as s:
        repository.sync_sources(s, [SourceConfig("kept", "pages", ("https://kept.example/",))])
    with pytest.raises(RuntimeError, match="crawl batch broke"), db.session() as s:
        repository.sync_sources(s, [SourceConfig("lost", "pages", ("https://lost.example/",))])
        run = repository.start_run(s, ["lost"], T0)
        repository.record_failure(s, run, "lost", "https://lost.example/", "timeout", T0)
        raise RuntimeError("crawl batch broke")
    with db.session() as s:
        counts = repository.counts(s)
    assert (counts["sources"], counts["crawl_runs"], counts["fetch_failures"]) == (1, 0, 0)


@pytest.mark.parametrize(
    ("url", "shown", "reason"),
    [
        ("postgresql+psycopg://analyst:s3cret@127.0.0.1:1/x", "postgresql+psycopg://analyst:***@127.0.0.1:1/x", "refused"),
        ("postgresql://127.0.0.1:1/x", "postgresql://127.0.0.1:1/x", "refused"),
    ],
)
def test_unreachable_server_is_database_unavailable_with_the_password_masked(url: str, shown: str, reason: str) -> None:
    database = Database(url)
    for attempt in (database.check, database.upgrade):
        with pytest.raises(DatabaseUnavailable) as info:
            attempt()
        message = str(info.value)
        assert message.startswith(f"cannot connect to database {shown}: ")
        assert reason in message.lower() and "s3cret" not in message
        assert isinstance(info.value, StorageError)


def test_a_unit_of_work_on_an_unreachable_server_is_database_unavailable() -> None:
    database = Database("postgresql+psycopg://analyst:s3cret@127.0.0.1:1/x")
    with pytest.raises(DatabaseUnavailable, match=r"^cannot connect to database postgresql\+psycopg://analyst:\*\*\*@"):
        with database.session() as s:
            repository.counts(s)


def test_a_locked_sqlite_database_is_database_unavailable_and_nothing_is_half_written(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storage.db

    monkeypatch.setattr(storage.db, "SQLITE_BUSY_TIMEOUT_MS", 200)
    holder, waiter = Database(sqlite_url), Database(sqlite_url)
    holder.upgrade()
    try:
        with holder.engine.connect() as lock:
            lock.exec_driver_sql("BEGIN IMMEDIATE")  # another process in the middle of a write
            with pytest.raises(DatabaseUnavailable, match="database is locked"), waiter.session() as s:
                repository.sync_sources(s, [SourceConfig("variety", "pages", ("https://variety.example/",))])
            lock.exec_driver_sql("ROLLBACK")
        with waiter.session() as s:
            assert repository.counts(s)["sources"] == 0
    finally:
        holder.dispose()
        waiter.dispose()


def test_sqlite_file_in_a_missing_directory_is_database_unavailable(tmp_path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "no" / "such" / "dir"
    database = Database(f"sqlite:///{missing / 'releasewatch.db'}")
    for attempt in (database.check, database.upgrade):
        with pytest.raises(DatabaseUnavailable, match=f"^cannot connect to database sqlite:///.*: directory {missing} does not exist$"):
            attempt()
    assert not missing.exists()


def test_unsupported_database_is_refused_up_front() -> None:
    with pytest.raises(DatabaseUnavailable, match="unsupported database 'mysql'"):
        Database("mysql://localhost/releasewatch")


def test_check_succeeds_on_a_reachable_database(db_url: str) -> None:
    database = Database(db_url)
    database.check()
    database.dispose()


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(sqlite_url: str) -> None:
    database = Database(sqlite_url)
    with database.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000
    database.dispose()


def test_naive_timestamps_are_refused(db: Database) -> None:
    with pytest.raises(Exception, match="naive datetime"), db.session() as s:
        repository.start_run(s, ["variety"], datetime(2025, 3, 1, 12, 0))


@pytest.mark.parametrize(
    ("cli", "env", "config", "expected"),
    [
        ("sqlite:///cli.db", "sqlite:///env.db", "sqlite:///config.db", "sqlite:///cli.db"),
        (None, "sqlite:///env.db", "sqlite:///config.db", "sqlite:///env.db"),
        (None, None, "sqlite:///config.db", "sqlite:///config.db"),
        (None, None, None, DEFAULT_URL),
        ("", "", "", DEFAULT_URL),
    ],
)
def test_resolve_url_precedence(monkeypatch: pytest.MonkeyPatch, cli: str | None, env: str | None,
                                config: str | None, expected: str) -> None:
    if env is None:
        monkeypatch.delenv(ENV_VAR, raising=False)
    else:
        monkeypatch.setenv(ENV_VAR, env)
    assert resolve_url(cli, config) == expected
