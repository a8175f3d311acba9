"""Errors raised by storage/: each tells the caller what to do."""
from __future__ import annotations

from sqlalchemy.engine import make_url


def masked_url(url: str) -> str:
    """The URL as it may be shown to a person: the password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not even parseable: show it, it cannot hold a parsed password either
        return url


class StorageError(Exception):
    """Base class for everything storage/ raises on purpose."""


class DatabaseUnavailable(StorageError, ConnectionError):
    """The database cannot be reached or opened: fix the URL or start the server, then retry."""

    def __init__(self, url: str, reason: str) -> None:
        self.url, self.reason = masked_url(url), reason
        super().__init__(f"cannot connect to database {self.url}: {reason}")


class NotFound(StorageError, LookupError):
    """A row the caller named (e.g. a crawl run id) does not exist: a bug in the caller."""

    def __init__(self, what: str, key: object) -> None:
        self.what, self.key = what, key
        super().__init__(f"no {what} {key!r} in the database")


class StorageFailed(StorageError, RuntimeError):
    """The database cannot store anything now (lost, full, failing): stop writing, report, retry later.

    Unlike a page that cannot be stored (a constraint, a bug in one page's data), this is not about
    any one page, so trying the others one by one would only repeat it for each of them.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"storage failed: {reason}")
