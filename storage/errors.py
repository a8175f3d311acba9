"""Errors raised by storage/: each tells the caller what to do."""
from __future__ import annotations

import re
from urllib.parse import unquote

from sqlalchemy.engine import make_url

MASK = "***"
# Query parameters libpq and the drivers read secrets from (password=, sslpassword=, ...).
_SECRET_PARAM = re.compile(r"pass|pwd|secret|token|key", re.IGNORECASE)
_USERINFO_PASSWORD = re.compile(r"(://[^/?#@:]*:)([^/?#@]*)@")
_QUERY_SECRET = re.compile(r"([?&][^=&#]*(?:pass|pwd|secret|token|key)[^=&#]*=)([^&#]*)", re.IGNORECASE)


def url_secrets(url: str) -> list[str]:
    """The secrets written in a database URL: its password and any password-like query parameter."""
    found = [unquote(m[2]) for m in _USERINFO_PASSWORD.finditer(url)]
    found += [unquote(m[2]) for m in _QUERY_SECRET.finditer(url)]
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - an unparseable URL: the patterns above found what there is
        parsed = None
    if parsed is not None:
        found.append(parsed.password or "")
        for name, value in parsed.query.items():
            if _SECRET_PARAM.search(name):
                found += [value] if isinstance(value, str) else list(value)
    return sorted({s for s in found if s}, key=len, reverse=True)


def masked_url(url: str) -> str:
    """The URL as it may be shown to a person: its password and password-like query parameters
    replaced by ***, whether or not SQLAlchemy can parse it. The one function every message uses."""
    masked = _QUERY_SECRET.sub(lambda m: m[1] + MASK, _USERINFO_PASSWORD.sub(lambda m: m[1] + MASK + "@", url))
    return without_secrets(masked, url)


def without_secrets(text: str, url: str) -> str:
    """`text` (a driver's error message, say) with every secret of `url` replaced by ***."""
    for secret in url_secrets(url):
        text = text.replace(secret, MASK)
    return text


class StorageError(Exception):
    """Base class for everything storage/ raises on purpose."""


class DatabaseUnavailable(StorageError, ConnectionError):
    """The database cannot be reached or opened: fix the URL or start the server, then retry."""

    def __init__(self, url: str, reason: str) -> None:
        self.url, self.reason = masked_url(url), without_secrets(reason, url)
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
