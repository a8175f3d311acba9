"""Run records and source health: `releasewatch runs --per-source` and `releasewatch sources`."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pipeline.config import Config, CrawlConfig, SourceConfig
from pipeline.model import WatchFilm
from releasewatch.cli import main
from releasewatch.sample_server import SampleSite
from scrapers.crawl import CrawlSummary, run_crawl
from storage import repository
from storage.db import Database

FAST = {"DOWNLOAD_TIMEOUT": 0.5, "RETRY_TIMES": 0, "AUTOTHROTTLE_START_DELAY": 0, "DOWNLOAD_DELAY": 0,
        "RELEASEWATCH_EXTRACT_WORKERS": 0}
ARTICLE = """<html><head><title>{title}</title></head><body><article>
<p>Northlight Pictures has set a June 11, 2027 release date for The Salt Road.</p>
<p>The Salt Road is directed by Teodora Vance.</p></article></body></html>"""
NOTHING = "<html><head><title>{title}</title></head><body><article><p>Our cookie policy changed.</p></article></body></html>"


def crawl(db: Database, *sources: SourceConfig, broken_after: int = 3) -> CrawlSummary:
    config = Config("(test)", db.url, sources, (WatchFilm("The Salt Road"),), crawl=CrawlConfig(broken_after=broken_after))
    return run_crawl(config, db.url, settings_overrides=FAST, progress=False)


def health(db: Database, broken_after: int = 3) -> dict[str, repository.SourceHealth]:
    with db.session() as s:
        return {h.name: h for h in repository.source_health(s, broken_after)}


def test_a_source_failing_its_last_runs_is_flagged_broken(db: Database, site: SampleSite) -> None:
    site.write("a.html", ARTICLE.format(title="A"))
    good = SourceConfig("good", "pages", (site.url("a.html"),))
    bad = SourceConfig("bad", "pages", (site.url("gone.html"),))
    for run in range(3):
        crawl(db, good, bad)
        state = health(db)
        assert state["bad"].consecutive_failures == run + 1
        assert state["bad"].broken == (run + 1 >= 3)
    assert state["bad"].why_broken == "failed its last 3 runs" and state["bad"].last_error == "HTTP 404"
    assert not state["good"].broken and state["good"].pages == 1 and state["good"].last_success_at is not None
    site.write("gone.html", ARTICLE.format(title="Back"))
    crawl(db, good, bad)
    assert health(db)["bad"].consecutive_failures == 0 and not health(db)["bad"].broken


def test_a_source_whose_pages_stopped_yielding_claims_is_flagged_broken(db: Database, site: SampleSite) -> None:
    source = SourceConfig("news", "pages", (site.url("a.html"),))
    site.write("a.html", ARTICLE.format(title="v0"))
    crawl(db, source)
    for i in range(2):
        site.write("a.html", NOTHING.format(title=f"v{i + 1}"))
        crawl(db, source)
    state = health(db, broken_after=2)["news"]
    assert state.broken and state.why_broken == "its last 2 new page versions yielded no claim"
    assert not health(db, broken_after=3)["news"].broken


def test_the_cli_shows_runs_per_source_and_source_health(db: Database, site: SampleSite, tmp_path: Path) -> None:
    site.write("a.html", ARTICLE.format(title="A"))
    config = tmp_path / "releasewatch.toml"
    config.write_text(f'[crawl]\nbroken_after = 1\n[database]\nurl = "{db.url}"\n', encoding="utf-8")
    crawl(db, SourceConfig("good", "pages", (site.url("a.html"),)), SourceConfig("bad", "pages", (site.url("gone.html"),)))
    runner = CliRunner()
    runs = runner.invoke(main, ["runs", "--per-source", "--config", str(config)], env={"COLUMNS": "250"})
    assert runs.exit_code == 0, runs.output
    assert "crawl runs by source" in runs.output and "HTTP 404" in runs.output
    shown = runner.invoke(main, ["sources", "--config", str(config)], env={"COLUMNS": "250"})
    assert shown.exit_code == 0, shown.output
    bad_line = next(line for line in shown.output.splitlines() if " bad " in line)
    good_line = next(line for line in shown.output.splitlines() if " good " in line)
    assert "BROKEN" in bad_line and "HTTP 404" in bad_line
    assert "BROKEN" not in good_line and " ok " in good_line
