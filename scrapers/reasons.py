"""One short, human reason for each way fetching a page can fail ("HTTP 404", "connection refused").

These strings are what a person reads on stderr and in the crawl run's failure records, so they
name the cause in words, never as a traceback.
"""
from __future__ import annotations

import builtins
import re
from urllib.parse import urlsplit

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
    UnsupportedURLSchemeError,
)
from twisted.internet import error as twisted_error

#: Content types a page may have to be read; anything else is recorded as "not HTML".
#: text/plain is accepted because pipeline.document reads plain article text too.
READABLE_CONTENT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


_MAXSIZE = re.compile(r"max size \((\d+)\)")
_INFLATED = re.compile(r"DOWNLOAD_MAXSIZE \((\d+) B\) during decompression")


def size(n: int) -> str:
    return f"{n / 1024 / 1024:g} MB" if n >= 1024 * 1024 else f"{n} bytes"


def http_status(status: int) -> str:
    return f"HTTP {status}"


def capped(max_pages: int) -> str:
    """The source lists more pages than it may fetch per run; the URL is the first one left out."""
    return f"more than max_pages={max_pages} pages listed: the rest were not requested this run"


def listing_cut(limit: int) -> str:
    """A feed or sitemap longer than the crawl reads: the entries before the cut were used."""
    return f"larger than the {size(limit)} read of a feed or sitemap: only the entries in its first {size(limit)} were used"


def not_readable(content_type: str) -> str:
    return f"not HTML (content type {content_type})"


def is_readable(content_type: str | None) -> bool:
    """True for HTML and plain text; an unknown type is let through for the reader to sniff."""
    if not content_type:
        return True
    return content_type.split(";")[0].strip().lower() in READABLE_CONTENT_TYPES


def exception_reason(exc: BaseException, url: str, timeout: float | None = None, *,
                     passed_limit: int | None = None) -> str:
    """The reason a download raised `exc`, in a few words; `passed_limit`: the download limit the
    bytes received had passed when it failed (Scrapy cancels such a download without saying why)."""
    host = urlsplit(url).hostname or url
    if isinstance(exc, (CannotResolveHostError, twisted_error.DNSLookupError)):
        return f"DNS lookup failed for {host}"
    if isinstance(exc, (DownloadConnectionRefusedError, twisted_error.ConnectionRefusedError, builtins.ConnectionRefusedError)):
        return "connection refused"
    if isinstance(exc, (DownloadTimeoutError, twisted_error.TimeoutError, builtins.TimeoutError)):
        return f"timed out after {timeout:g}s" if timeout else "timed out"
    if isinstance(exc, IgnoreRequest):
        text = str(exc) or "request ignored"
        if text.lower().startswith("forbidden by robots.txt"):
            return "forbidden by robots.txt"
        if text == "max redirections reached":
            return "too many redirects (a redirect loop?)"
        inflated = _INFLATED.search(text)
        if inflated:
            return f"larger than the download limit ({size(int(inflated[1]))}) once decompressed"
        return text
    if isinstance(exc, DownloadCancelledError):
        limit = _MAXSIZE.search(str(exc))
        if limit:
            return f"larger than the download limit ({size(int(limit[1]))})"
        if passed_limit:
            return f"larger than the download limit ({size(passed_limit)})"
        return "download cancelled"
    if isinstance(exc, ResponseDataLossError):
        return "connection closed before the whole page arrived"
    if isinstance(exc, UnsupportedURLSchemeError):
        return f"unsupported URL scheme {urlsplit(url).scheme!r}"
    if isinstance(exc, FileNotFoundError):
        return "file not found"
    if isinstance(exc, (DownloadFailedError, twisted_error.ConnectError, twisted_error.ConnectionLost, OSError)):
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return f"connection failed: {detail}" if detail else "connection failed"
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
