"""Small SQL building blocks shared by the repository modules."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from storage.errors import StorageError
from storage.models import Page, Snapshot, Source


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


def insert_ignoring_duplicates(s: Session, model: type[Any], values: dict[str, Any], unique: list[str]) -> int:
    """One row of insert_many_ignoring_duplicates: 1 when it was written, 0 when it already existed."""
    return insert_many_ignoring_duplicates(s, model, [values], unique)


def page_id(s: Session, source: str, url: str) -> int | None:
    """The id of a source's page, or None when it was never seen."""
    return s.scalar(
        select(Page.id).join(Source, Source.id == Page.source_id).where(Source.name == source, Page.url == url)
    )


def latest_snapshots(page: int | None = None, pages: Select[Any] | None = None) -> Select[Any]:
    """The newest snapshot of every page (or of one page, or of the pages a subquery selects):
    (id, page_id), by fetch time, then insertion order."""
    ranked = select(
        func.row_number().over(
            partition_by=Snapshot.page_id, order_by=(Snapshot.fetched_at.desc(), Snapshot.id.desc())
        ).label("rank"),
        Snapshot.id,
        Snapshot.page_id,
    )
    if page is not None:
        ranked = ranked.where(Snapshot.page_id == page)
    if pages is not None:
        ranked = ranked.where(Snapshot.page_id.in_(pages))
    newest = ranked.subquery()
    return select(newest.c.id, newest.c.page_id).where(newest.c.rank == 1)
