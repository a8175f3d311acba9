"""Small SQL building blocks shared by the repository modules."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import ColumnElement, Select, any_, bindparam, select, text
from sqlalchemy import insert as insert_statement
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from storage.errors import StorageError
from storage.models import Page, Source

CHUNK = 500  # keys per IN list / rows per multi-row insert: well under SQLite's 32,766 bound parameters


def among(s: Session, column: Any, values: Iterable[Any]) -> Iterator[ColumnElement[bool]]:
    """Conditions "`column` is one of `values`", as few as the database allows, for one query each:
    one array parameter on PostgreSQL (every IN list is a round trip and a statement to parse, ~10
    ms each for thousands of keys), IN lists of CHUNK values on SQLite (its bound-parameter limit)."""
    wanted = list(values)
    if not wanted:
        return
    if s.get_bind().dialect.name == "postgresql":
        yield column == any_(bindparam(f"{column.key}_among", wanted, type_=postgresql.ARRAY(column.type)))
        return
    for start in range(0, len(wanted), CHUNK):
        yield column.in_(wanted[start:start + CHUNK])


def insert_many_ignoring_duplicates(s: Session, model: type[Any], rows: list[dict[str, Any]], unique: list[str]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING for each row; returns how many rows were written.

    Safe when two crawl processes insert the same film or fingerprint at once, unlike select-then-insert.
    """
    if not rows:
        return 0
    dialect = s.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    else:
        raise StorageError(f"unsupported database {dialect!r}: releasewatch supports SQLite and PostgreSQL")
    table = model.__table__
    # RETURNING yields no row for a skipped insert (rowcount is not reliable for this on every
    # driver); with many rows SQLAlchemy's "insertmanyvalues" batches one cached statement.
    stmt = insert(table).on_conflict_do_nothing(index_elements=unique).returning(table.c.id)
    return len(s.execute(stmt, rows).all())


def insert_rows(s: Session, model: type[Any], rows: list[dict[str, Any]]) -> list[int]:
    """Insert the rows; their new ids, in the rows' order.

    SQLite: multi-row INSERT ... RETURNING statements (SQLAlchemy's "insertmanyvalues"). PostgreSQL:
    psycopg parses every such statement anew (it caches only short queries) and one INSERT per row
    costs a round of planning each, both more than the insert itself; so the ids are drawn from the
    table's sequence in one query and the rows are sent with COPY, after the columns' own bind
    processing (UTC timestamps), in the session's transaction.
    """
    if not rows:
        return []
    table = model.__table__
    bind = s.get_bind()
    if bind.dialect.name == "postgresql":
        ids = list(s.scalars(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
            {"table": table.name, "n": len(rows)},
        ))
        columns = list(rows[0])
        processors = [table.c[name].type.bind_processor(bind.dialect) for name in columns]
        from psycopg import sql  # loaded only where PostgreSQL is used

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, [*columns, "id"])))
        cursor = s.connection().connection.cursor()
        try:
            with cursor.copy(statement) as copy:  # type: ignore[attr-defined]
                for row, new_id in zip(rows, ids, strict=True):
                    values = [row[name] if process is None else process(row[name])
                              for name, process in zip(columns, processors)]
                    copy.write_row([*values, new_id])
        finally:
            cursor.close()
        return ids
    stmt = insert_statement(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(s.execute(stmt, rows).scalars().all())


def driver_rows(s: Session, stmt: Select[Any]) -> list[tuple[Any, ...]]:
    """The statement's rows as the database driver returns them, without SQLAlchemy's per-row work.

    For the large reads of the diff (tens of thousands of rows per crawl batch), where building
    Row objects costs as much as the query. No result type is processed, so only for integer and
    text columns; bound values are rendered into the SQL, so only for statements whose parameters
    are integers the database gave us.
    """
    sql = str(stmt.compile(s.get_bind(), compile_kwargs={"literal_binds": True}))
    cursor = s.connection().connection.cursor()
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def insert_ignoring_duplicates(s: Session, model: type[Any], values: dict[str, Any], unique: list[str]) -> int:
    """One row of insert_many_ignoring_duplicates: 1 when it was written, 0 when it already existed."""
    return insert_many_ignoring_duplicates(s, model, [values], unique)


def page_id(s: Session, source: str, url: str) -> int | None:
    """The id of a source's page, or None when it was never seen."""
    return s.scalar(
        select(Page.id).join(Source, Source.id == Page.source_id).where(Source.name == source, Page.url == url)
    )
