"""`releasewatch demo`: the whole flow on a bundled sample site, with no network and no configuration.

It serves releasewatch/sample_site on 127.0.0.1 (an ephemeral port), crawls it, lets one site
update its article (as a fan site corrects a stale date), crawls again, and prints the change
report: a cross-source date conflict and a same-source change, each with its sentence and URL.
"""
from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

from rich.console import Console

from pipeline.report import render_text
from releasewatch.output import print_crawl_summary, report_width
from releasewatch.reporting import ReportRequest, make_report
from releasewatch.sample_server import SAMPLE_SITE_DIR, SAMPLE_UPDATES, SampleSite, sample_config
from scrapers.crawl import run_crawl
from storage.db import Database
from storage.repository import list_events

#: The page the demo's fan site updates between the two crawls, and the file of its newer version.
UPDATED_PAGE, UPDATED_VERSION = next(iter(SAMPLE_UPDATES.items()))
# The sample site is local and tiny: no need to ease into it as AutoThrottle does with real sites.
DEMO_SETTINGS = {"AUTOTHROTTLE_START_DELAY": 0.0, "DOWNLOAD_DELAY": 0.0}

console = Console(highlight=False)


def _reset(db_file: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    db_file.with_suffix(".html").unlink(missing_ok=True)


def run_demo(db_file: Path) -> str:
    """Run the demo end to end; prints as it goes and returns the final report text."""
    db_file = db_file.resolve()
    _reset(db_file)
    url = f"sqlite:///{db_file}"
    database = Database(url)
    database.upgrade()
    with SampleSite(SAMPLE_SITE_DIR) as site:
        config = sample_config(site, url)
        console.print(f"[bold]releasewatch demo[/bold]: sample site at {site.url('/')}, database {db_file}")
        console.print("\n[bold]1. first crawl[/bold]")
        print_crawl_summary(run_crawl(config, url, settings_overrides=DEMO_SETTINGS))
        site.switch(UPDATED_PAGE, to=UPDATED_VERSION)
        console.print(f"\n[bold]2. the fan site updates its article[/bold] ({site.url(UPDATED_PAGE)}); crawling again")
        print_crawl_summary(run_crawl(config, url, settings_overrides=DEMO_SETTINGS))
    with database.session() as s:
        events = list_events(s)
    html_file = db_file.with_suffix(".html")
    make_report(database, ReportRequest("html", output=html_file), datetime.now(timezone.utc))
    database.dispose()
    report = render_text(events, width=report_width())
    console.print("\n[bold]3. change report[/bold]")
    sys.stdout.write(report)
    sys.stdout.flush()
    console.print(f"\nThe HTML report, with a timeline chart per film, is {html_file}")
    console.print(f"The demo database is {db_file} (reset at each demo run); try "
                  f"`releasewatch report --db sqlite:///{db_file} --format json`.")
    return report
