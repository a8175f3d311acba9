"""Crawls at the same time (the scheduler runs one job per source in parallel) store exactly what one
sequential crawl stores: the same events, one snapshot per page version, and `rediff` afterwards
finds nothing to add or supersede. On SQLite and on PostgreSQL.

Two sources disagree about the release date of every film, so each film has one `new` and one
`conflict` event whatever order the pages are stored in; a crawl that diffs against a state
another crawl is changing loses or doubles them. The site holds its answers until every crawl has
sent a request, so the crawls fetch and store the same films at about the same moment, and
batches of one page make them interleave page by page.
"""
from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pipeline.config import Config, SourceConfig
from pipeline.model import WatchFilm
from releasewatch.sample_server import SampleSite
from scrapers.crawl import CrawlSummary, run_crawl
from storage import repository
from storage.db import Database
from storage.models import CrawlRun, EventRow, Film, Page, Snapshot
from storage.rediff import rediff

FILMS = ("The Salt Road", "Glass Harbor", "The Quiet Orchard", "Copper Lantern", "Northern Tide",
         "The Velvet Hour", "Paper Kingdoms", "The Long Thaw", "Silver Meridian", "Hollow Crown Street")
DATES = {"studio": "June 11, 2027", "fans": "December 3, 2027"}
PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{film}: release date</title></head>
<body><article><h1>{film} gets a date</h1>
<p>{film} opens in theaters on {date}.</p></article></body></html>
"""
FAST = {"DOWNLOAD_TIMEOUT": 90, "RETRY_TIMES": 0, "AUTOTHROTTLE_START_DELAY": 0, "DOWNLOAD_DELAY": 0,
        "RELEASEWATCH_EXTRACT_WORKERS": 0, "RELEASEWATCH_BATCH_PAGES": 1}
EventKey = tuple[str, str, str, str | None, str | None, str | None]


def serve(site: SampleSite) -> dict[str, SourceConfig]:
    sources = {}
    for name, date in DATES.items():
        for i, film in enumerate(FILMS):
            site.write(f"{name}/{i}.html", PAGE.format(film=film, date=date))
        sources[name] = SourceConfig(name, "pages", tuple(site.url(f"{name}/{i}.html") for i in range(len(FILMS))))
    return sources


def start_together(site: SampleSite, crawls: int) -> None:
    """Hold every request until each crawl (told apart by its User-Agent) has sent one, or 60 s."""
    seen: set[str] = set()
    ready = threading.Condition()
    answer = site._reply

    def held(method: str, raw_path: str, headers: dict[str, str]) -> object:
        with ready:
            seen.add(headers.get("User-Agent", ""))
            ready.notify_all()
            ready.wait_for(lambda: len(seen) >= crawls, timeout=60)
        return answer(method, raw_path, headers)

    site._reply = held  # type: ignore[method-assign]


def crawl(url: str, sources: dict[str, SourceConfig], names: list[str], agent: str = "releasewatch-test") -> CrawlSummary:
    config = Config("(test)", url, tuple(sources.values()), tuple(WatchFilm(f) for f in FILMS))
    return run_crawl(config, url, names, settings_overrides={**FAST, "USER_AGENT": agent}, progress=False)


def stored_events(db: Database) -> Counter[EventKey]:
    """Events as a multiset of what they say; which source came first (and so is named by `new`)
    depends on the order pages were stored, in a sequential crawl too."""
    with db.session() as s:
        rows = s.execute(select(EventRow.type, Film.key, EventRow.field, EventRow.region, EventRow.kind,
                                EventRow.actor).join(Film, Film.id == EventRow.film_id)).tuples().all()
    return Counter(rows)


def snapshots_per_page(db: Database) -> Counter[int]:
    with db.session() as s:
        return Counter(dict(s.execute(select(Snapshot.page_id, func.count(Snapshot.id)).group_by(Snapshot.page_id))
                            .tuples().all()))


@pytest.fixture
def sequential(tmp_path: Path, site: SampleSite) -> Iterator[tuple[dict[str, SourceConfig], Counter[EventKey]]]:
    """The sources served, and the events one crawl of all of them stores."""
    sources = serve(site)
    db = Database(f"sqlite:///{tmp_path / 'sequential.db'}")
    db.upgrade()
    try:
        assert crawl(db.url, sources, list(sources)).status == "ok"
        events = stored_events(db)
        yield sources, events
    finally:
        db.dispose()


@pytest.mark.parametrize("crawls", [
    pytest.param([["studio"], ["fans"]], id="two-crawls-of-different-sources"),
    pytest.param([["studio"], ["fans"], ["studio", "fans"], ["fans", "studio"]], id="four-overlapping-crawls"),
])
def test_concurrent_crawls_store_the_events_of_one_sequential_crawl(
        db: Database, site: SampleSite, sequential: tuple[dict[str, SourceConfig], Counter[EventKey]],
        crawls: list[list[str]]) -> None:
    sources, expected = sequential
    assert sum(n for (kind, *_), n in expected.items() if kind == "conflict") == len(FILMS)
    with db.session() as s:  # the configuration is known already, as after any first crawl
        repository.sync_sources(s, list(sources.values()))
        repository.sync_watchlist(s, [WatchFilm(f) for f in FILMS])
    start_together(site, len(crawls))
    start = threading.Barrier(len(crawls))
    summaries: list[CrawlSummary] = []
    errors: list[BaseException] = []

    def one(number: int, names: list[str]) -> None:
        try:
            start.wait()
            summaries.append(crawl(db.url, sources, names, agent=f"releasewatch-test-{number}"))
        except BaseException as exc:  # re-raised below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(number, names)) for number, names in enumerate(crawls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not errors, errors
    assert sorted(s.status for s in summaries) == ["ok"] * len(crawls), [s.failures for s in summaries]

    assert stored_events(db) == expected
    # One snapshot per page, whichever crawl stored it first.
    per_page = snapshots_per_page(db)
    assert len(per_page) == 2 * len(FILMS) and set(per_page.values()) == {1}
    with db.session() as s:
        assert s.scalar(select(func.count(Page.id))) == 2 * len(FILMS)
        assert not s.scalars(select(CrawlRun.id).where(CrawlRun.status == "running")).all()
    # Replaying the stored history gives exactly the stored events: nothing added, nothing superseded.
    with db.session() as s:
        outcome = rediff(s, datetime.now(UTC))
    assert (outcome.added, outcome.no_longer_produced) == (0, ())
