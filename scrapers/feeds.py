"""Reading RSS 0.9x/1.0/2.0 and Atom feeds with feedparser: each entry's link and date.

feedparser is lenient on purpose (most real feeds have some flaw); a document it flags as broken
is still used when it yielded entries, and is NotAFeed only when it yielded nothing at all.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from scrapers.errors import NotAFeed


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One entry of a feed: the article's URL and the date the feed gives it (published, else updated)."""

    url: str
    published: date | None


def _date(entry: Any) -> date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), UTC).date()
    return None


def _link(entry: Any) -> str | None:
    for link in entry.get("links") or ():
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link["href"])
    link = entry.get("link") or entry.get("id")
    return str(link) if link and str(link).startswith(("http://", "https://", "/")) else None


def read_feed(body: bytes, url: str, headers: dict[str, str] | None = None) -> list[FeedEntry]:
    """The entries of the feed `body` fetched from `url`, links made absolute, duplicates dropped."""
    parsed = feedparser.parse(body, response_headers={k.lower(): v for k, v in (headers or {}).items()})
    if not parsed.entries:
        if parsed.get("bozo"):
            problem = parsed.get("bozo_exception")
            detail = " ".join(str(problem).split()).replace("<unknown>:", "XML error at line ") if problem else "unreadable"
            raise NotAFeed(detail[:160])
        if not parsed.get("version"):
            raise NotAFeed("neither RSS nor Atom")
        return []
    seen: set[str] = set()
    entries = []
    for entry in parsed.entries:
        link = _link(entry)
        if not link:
            continue
        link = urljoin(url, link.strip())
        if link not in seen:
            seen.add(link)
            entries.append(FeedEntry(link, _date(entry)))
    return entries
