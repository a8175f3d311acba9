"""storage/: the schema, its migrations, and every SQL statement of releasewatch.

    db = Database(resolve_url(cli_url, config.database_url)); db.upgrade()
    with db.session() as s:
        repository.store_snapshot(s, page, document, claims, content_hash)
"""
from __future__ import annotations

from storage.db import DEFAULT_URL, Database, resolve_url
from storage.errors import DatabaseUnavailable, NotFound, StorageError

__all__ = ["DEFAULT_URL", "Database", "DatabaseUnavailable", "NotFound", "StorageError", "resolve_url"]
