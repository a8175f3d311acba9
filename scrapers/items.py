"""What the spiders hand to the item pipeline: a fetched page, a page that could not be fetched or
was not modified, and what a feed or sitemap fetch leaves for the next run."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pipeline.model import FetchedPage
from storage.repository.listings import ListingCheck


@dataclass(frozen=True, slots=True)
class PageItem:
    """A page fetched successfully (2xx, HTML or article text): extract, diff and store it."""

    page: FetchedPage


@dataclass(frozen=True, slots=True)
class FailureItem:
    """A page that could not be fetched: record why, with the time the attempt ended."""

    source: str
    url: str
    reason: str
    at: datetime


@dataclass(frozen=True, slots=True)
class NotModifiedItem:
    """A revisit the site answered with 304 Not Modified: no body, nothing to extract; record the check."""

    source: str
    url: str
    at: datetime
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class ListingItem:
    """A feed, sitemap or robots.txt was read (200) or found unchanged (304): keep its validators,
    once every page in `pages` (those it named in this run) is stored."""

    check: ListingCheck
    pages: tuple[str, ...] = ()
