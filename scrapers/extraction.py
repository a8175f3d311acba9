"""Extraction off the crawl's event loop: read_document + extract_claims in worker processes.

pipeline/'s functions are pure and their inputs and outputs plain picklable dataclasses, so a
page can be read in another process while the crawl process keeps downloading. The watch-list is
sent to each worker once (the pool's initializer), not with every page. Workers are started with
"spawn": the crawl process runs a reactor and threads, which must not be forked.
"""
from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass

from pipeline.document import read_document
from pipeline.errors import UnreadableDocument
from pipeline.extract import extract_claims
from pipeline.model import Claim, Document, FetchedPage, WatchFilm
from scrapers.lifeline import worker_lifeline

_watchlist: tuple[WatchFilm, ...] = ()


@dataclass(frozen=True, slots=True)
class Extracted:
    """What a worker read from one page; `unreadable` is why it could not (then document is None)."""

    document: Document | None
    claims: tuple[Claim, ...]
    seconds: float  # CPU time spent reading and extracting, measured in the worker
    unreadable: str | None = None


def _content_type(headers: dict[str, str]) -> str | None:
    for key, value in headers.items():
        if key.lower() == "content-type":
            return value
    return None


def _init_worker(watchlist: tuple[WatchFilm, ...], parent_pid: int) -> None:
    global _watchlist
    _watchlist = watchlist
    worker_lifeline(parent_pid)


def extract_page(page: FetchedPage, watchlist: Sequence[WatchFilm] | None = None) -> Extracted:
    """Read one fetched page and extract its claims. Never raises UnreadableDocument: returns why."""
    started = time.thread_time()
    try:
        document = read_document(
            page.body, source=page.source, url=page.final_url, content_type=_content_type(page.headers),
            headers=page.headers, published_hint=page.published_hint,
        )
    except UnreadableDocument as exc:
        return Extracted(None, (), time.thread_time() - started, exc.reason)
    claims = tuple(extract_claims(document, tuple(watchlist) if watchlist is not None else _watchlist))
    return Extracted(document, claims, time.thread_time() - started)


def extraction_pool(workers: int, watchlist: tuple[WatchFilm, ...]) -> Executor:
    """A pool of `workers` processes that know the watch-list."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_init_worker, initargs=(watchlist, os.getpid()))
