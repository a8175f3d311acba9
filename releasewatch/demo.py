"""`releasewatch demo`: the whole flow on a bundled sample site, with no network and no configuration.

It serves releasewatch/sample_site on 127.0.0.1 (an ephemeral port), crawls it, lets one site
update its article (as a fan site corrects a stale date), crawls again, and prints the change
report: a cross-source date conflict and a same-source change, each with its sentence and URL.
"""
from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console

from pipeline.config import Config, SourceConfig
from pipeline.model import WatchFilm
from pipeline.report import render_text
from releasewatch.output import print_crawl_summary, report_width
from releasewatch.sample_server import SampleSite
from scrapers.crawl import run_crawl
from storage.db import Database
from storage.repository import list_events

SAMPLE_SITE = Path(__file__).resolve().parent / "sample_site"
UPDATED_PAGE = "/fans/2026/03/salt-road-gets-a-release-date.html"
UPDATED_VERSION = "v2/fans/2026/03/salt-road-gets-a-release-date.html"

# (source name, trust, paths): four publications, one film.
DEMO_SOURCES = (
    ("northlight-studio", 0.95, ("/studio/news/the-salt-road-release-date.html",)),
    ("reelhouse-cinemas", 0.8, ("/cinema/movies/the-salt-road.html",)),
    ("frame-rate-fans", 0.4, (UPDATED_PAGE,)),
    ("the-long-take", 0.6, ("/reviews/the-salt-road-review.html",)),
)
DEMO_FILMS = (WatchFilm("The Salt Road"),)
# The sample site is local and tiny: no need to ease into it as AutoThrottle does with real sites.
DEMO_SETTINGS = {"AUTOTHROTTLE_START_DELAY": 0.0, "DOWNLOAD_DELAY": 0.0}

console = Console(highlight=False)


def _reset(db_file: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db_file}{suffix}").unlink(missing_ok=True)


def demo_config(site: SampleSite, database_url: str) -> Config:
    sources = tuple(
        SourceConfig(name, "pages", tuple(site.url(p) for p in paths), 6 * 3600, trust)
        for name, trust, paths in DEMO_SOURCES
    )
    return Config(path="(demo)", database_url=database_url, sources=sources, films=DEMO_FILMS)


def run_demo(db_file: Path) -> str:
    """Run the demo end to end; prints as it goes and returns the final report text."""
    db_file = db_file.resolve()
    _reset(db_file)
    url = f"sqlite:///{db_file}"
    database = Database(url)
    database.upgrade()
    with SampleSite(SAMPLE_SITE) as site:
        config = demo_config(site, url)
        console.print(f"[bold]releasewatch demo[/bold]: sample site at {site.url('/')}, database {db_file}")
        console.print("\n[bold]1. first crawl[/bold]")
        print_crawl_summary(run_crawl(config, url, settings_overrides=DEMO_SETTINGS))
        site.switch(UPDATED_PAGE, to=UPDATED_VERSION)
        console.print(f"\n[bold]2. the fan site updates its article[/bold] ({site.url(UPDATED_PAGE)}); crawling again")
        print_crawl_summary(run_crawl(config, url, settings_overrides=DEMO_SETTINGS))
    with database.session() as s:
        events = list_events(s)
    database.dispose()
    report = render_text(events, width=report_width())
    console.print("\n[bold]3. change report[/bold]")
    sys.stdout.write(report)
    sys.stdout.flush()
    console.print(f"The demo database is {db_file} (reset at each demo run); try "
                  f"`releasewatch report --db sqlite:///{db_file} --format json`.")
    return report
