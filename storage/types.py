"""Reusable column types: UTC timestamps and the sized strings the models share.

Timestamps are normalised at this boundary (CONVENTIONS.md, "The clock is an argument"): a value
going in must be timezone-aware and is stored as UTC; a value coming out is always UTC-aware, on
SQLite (which has no time zones) as well as on PostgreSQL (timestamptz).
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Annotated, Any

from sqlalchemy import JSON, Date, DateTime, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC.

    Naive datetimes are refused with ValueError: guessing their zone is how an hour of events
    silently goes missing in a `--since` report.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {value!r}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()}: pass a timezone-aware (UTC) datetime")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            # SQLite compares timestamps as text; one zone and one format keeps that ordering right.
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


# Annotated Python types; Base.type_annotation_map turns them into column types.
Name = Annotated[str, "name"]  # indexed identifiers: source names, film keys, fingerprints
Url = Annotated[str, "url"]  # long enough for real URLs, short enough for a unique index
Code = Annotated[str, "code"]  # enumerated values: status, field, precision, kind, region
LongText = Annotated[str, "text"]  # unindexed text, much of it from the web: titles, evidence, errors
JsonList = Annotated[list[Any], "json"]
JsonDict = Annotated[dict[str, Any], "json"]

TYPE_ANNOTATION_MAP: dict[Any, Any] = {
    datetime: UTCDateTime(),
    date: Date(),
    Name: String(300),
    Url: String(2048),
    Code: String(32),
    LongText: Text(),
    JsonList: JSON(),
    JsonDict: JSON(),
}
