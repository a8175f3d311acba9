"""run_crawl end to end: a real HTTP server on 127.0.0.1, real Scrapy in a child process, and a
real database (SQLite file and PostgreSQL, through the `db` fixture).

Timeouts and delays are shortened through `settings_overrides`, so each crawl takes a few seconds.
"""
from __future__ import annotations

import itertools

import socket
from pathlib import Path

import pytest
from sqlalchemy import select

from pipeline.config import Config, SourceConfig
from pipeline.errors import ConfigError
from pipeline.model import WatchFilm
from releasewatch.sample_server import SAMPLE_SOURCES, SAMPLE_UPDATES, SampleSite, sample_config
from scrapers.crawl import CrawlSummary, run_crawl
from storage import repository
from storage.db import Database
from storage.errors import DatabaseUnavailable
from storage.models import Page, Snapshot

FAST = {
    "DOWNLOAD_TIMEOUT": 0.5,  # the slow page sleeps 5 s; give up long before
    "RETRY_TIMES": 1,  # one retry still shows that retries happen
    "AUTOTHROTTLE_START_DELAY": 0,
    "AUTOTHROTTLE_MAX_DELAY": 0.2,
    "DOWNLOAD_DELAY": 0,
    "RELEASEWATCH_RETRY_BACKOFF": 0.05,  # retries still wait, just not long
    "RELEASEWATCH_EXTRACT_WORKERS": 0,  # extract in the crawl process: no worker start-up per test
}

FILM = WatchFilm("The Salt Road")
ARTICLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="2026-10-01T08:00:00+00:00"></head>
<body><nav><a href="/">Home</a> <a href="/news/">News</a></nav>
<main><article><h1>{title}</h1><p>Published <time datetime="2026-10-01">October 1, 2026</time></p>
<p>Northlight Pictures has set a {date} release date for The Salt Road, exclusively in theaters.</p>
<p>The Salt Road is directed by Teodora Vance. Camille Ostrander stars as Nadia Kerr.</p>
</article></main><footer><p>&copy; 2026 Example News</p></footer></body></html>
"""


def article(title: str = "The Salt Road gets a date", date: str = "June 11, 2027") -> str:
    return ARTICLE.format(title=title, date=date)


def crawl(config: Config, db: Database, names: list[str] | None = None, **overrides: object) -> CrawlSummary:
    return run_crawl(config, db.url, names, settings_overrides={**FAST, **overrides})


def config_for(db: Database, *sources: SourceConfig) -> Config:
    return Config(path="(test)", database_url=db.url, sources=sources, films=(FILM,))


def table_counts(db: Database) -> dict[str, int]:
    with db.session() as s:
        return repository.counts(s)


def latest_run(db: Database) -> repository.RunView:
    with db.session() as s:
        return repository.list_runs(s, limit=1)[0]


def free_port() -> int:
    """A port on 127.0.0.1 with nothing listening (bound, read, released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stderr_lines(capsys: pytest.CaptureFixture[str], word: str) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if line.startswith(word + "  ")]


def test_first_crawl_stores_a_snapshot_and_claims_per_page(db: Database, sample_site: SampleSite, capsys) -> None:
    summary = crawl(sample_config(sample_site, db.url), db)
    pages = sum(len(paths) for paths in SAMPLE_SOURCES.values())
    assert (summary.status, summary.pages_fetched, summary.pages_unchanged, summary.pages_failed) == ("ok", pages, 0, 0)
    assert summary.failures == () and summary.claims > 0 and summary.events > 0
    counts = table_counts(db)
    assert counts["snapshots"] == pages and counts["fetch_failures"] == 0
    assert counts["claims"] == summary.claims and counts["events"] == summary.events
    run = latest_run(db)
    assert (run.id, run.status, run.pages_fetched, run.claims, run.events) == (
        summary.run_id, "ok", pages, summary.claims, summary.events)
    assert run.finished_at is not None and set(run.sources) == set(SAMPLE_SOURCES)
    fetched = stderr_lines(capsys, "fetched")
    assert len(fetched) == pages and all(line.endswith(" events") and " claims, " in line for line in fetched)
    assert sample_site.hits("robots.txt") == 1  # robots.txt is obeyed, and asked for once per site
    assert {h.get("User-Agent") for h in sample_site.request_headers} == {"releasewatch/0.1 (+contact)"}


def test_recrawl_of_unchanged_pages_stores_no_new_claims_or_events(db: Database, sample_site: SampleSite, capsys) -> None:
    config = sample_config(sample_site, db.url)
    first = crawl(config, db)
    assert first.pages_fetched == sum(len(paths) for paths in SAMPLE_SOURCES.values())
    before = table_counts(db)
    capsys.readouterr()
    second = crawl(config, db)
    assert (second.status, second.pages_fetched, second.pages_unchanged) == ("ok", 0, first.pages_fetched)
    assert (second.claims, second.events) == (0, 0)
    after = table_counts(db)
    for table in ("snapshots", "claims", "events", "films"):
        assert after[table] == before[table], table
    assert after["crawl_runs"] == before["crawl_runs"] + 1
    assert len(stderr_lines(capsys, "unchanged")) == first.pages_fetched


def test_an_updated_page_is_stored_again_and_its_change_is_an_event(db: Database, sample_site: SampleSite) -> None:
    config = sample_config(sample_site, db.url)
    first = crawl(config, db)
    [(path, newer)] = SAMPLE_UPDATES.items()
    sample_site.switch(path, to=newer)
    second = crawl(config, db)
    assert (second.pages_fetched, second.pages_unchanged) == (1, first.pages_fetched - 1)
    assert second.claims > 0
    assert second.events > 0, "the updated date should be a same-source change"
    assert table_counts(db)["snapshots"] == first.pages_fetched + 1


def test_each_failure_is_recorded_with_one_reason_while_the_other_pages_are_crawled(
        db: Database, site: SampleSite, capsys) -> None:
    site.write("robots.txt", "User-agent: *\nDisallow: /private/\n")
    site.write("news/good.html", article())
    site.write("news/broken.html", article("Broken"))
    site.set_status("news/broken.html", 500)
    site.write("news/slow.html", article("Slow"))
    site.set_delay("news/slow.html", 5)
    site.write("files/kit.pdf", b"%PDF-1.4 not an article")
    site.write("private/draft.html", article("Draft"))
    dead = f"http://127.0.0.1:{free_port()}/news.html"
    config = config_for(
        db,
        SourceConfig("news", "pages", (site.url("news/good.html"), site.url("news/missing.html"),
                                       site.url("news/broken.html"), site.url("news/slow.html"))),
        SourceConfig("files", "pages", (site.url("files/kit.pdf"), site.url("private/draft.html"))),
        SourceConfig("dead", "pages", (dead,)),
    )
    summary = crawl(config, db)

    expected = {
        ("news", site.url("news/missing.html"), "HTTP 404"),
        ("news", site.url("news/broken.html"), "HTTP 500"),
        ("news", site.url("news/slow.html"), "timed out after 0.5s"),
        ("files", site.url("files/kit.pdf"), "not HTML (content type application/pdf)"),
        ("files", site.url("private/draft.html"), "forbidden by robots.txt"),
        ("dead", dead, "connection refused"),
    }
    assert set(summary.failures) == expected and len(summary.failures) == len(expected)
    assert (summary.status, summary.pages_fetched, summary.pages_failed) == ("partial", 1, len(expected))
    assert summary.claims > 0
    assert table_counts(db)["fetch_failures"] == len(expected)
    run = latest_run(db)
    assert (run.status, run.pages_failed, run.failures) == ("partial", len(expected), len(expected))
    failed = stderr_lines(capsys, "failed")
    assert sorted(failed) == sorted(f"failed  {s}  {u}  {r}" for s, u, r in expected)
    assert site.hits("news/broken.html") == 2  # a 500 is retried (RETRY_TIMES=1) before it is recorded
    assert site.hits("private/draft.html") == 0  # robots.txt is obeyed


def test_nothing_stored_before_is_lost_when_pages_fail_later(db: Database, site: SampleSite) -> None:
    site.write("a.html", article("A"))
    site.write("b.html", article("B", "June 12, 2027"))
    config = config_for(db, SourceConfig("news", "pages", (site.url("a.html"), site.url("b.html"))))
    assert crawl(config, db).pages_fetched == 2
    before = table_counts(db)
    site.set_status("a.html", 503)
    (Path(site.root) / "b.html").unlink()
    summary = crawl(config, db)
    assert (summary.status, summary.pages_failed) == ("failed", 2)
    assert {r for _, _, r in summary.failures} == {"HTTP 503", "HTTP 404"}
    after = table_counts(db)
    for table in ("snapshots", "claims", "events"):
        assert after[table] == before[table], table
    assert after["fetch_failures"] == 2


def test_a_redirected_page_keeps_the_requested_and_the_final_url(db: Database, site: SampleSite) -> None:
    site.write("news/2027/salt-road.html", article())
    site.redirect("news/salt-road.html", "news/2027/salt-road.html")
    config = config_for(db, SourceConfig("news", "pages", (site.url("news/salt-road.html"),)))
    assert crawl(config, db).pages_fetched == 1
    with db.session() as s:
        [(url, final_url)] = s.execute(select(Page.url, Snapshot.final_url).join(Snapshot, Snapshot.page_id == Page.id)).all()
    assert (url, final_url) == (site.url("news/salt-road.html"), site.url("news/2027/salt-road.html"))


def test_file_urls_are_crawled_like_http_pages(db: Database, tmp_path: Path) -> None:
    page = tmp_path / "saved.html"
    page.write_text(article(), encoding="utf-8")
    config = config_for(db, SourceConfig("saved", "pages", (page.as_uri(), (tmp_path / "gone.html").as_uri())))
    summary = crawl(config, db, RETRY_TIMES=0)
    assert (summary.pages_fetched, summary.status) == (1, "partial")
    assert summary.failures == (("saved", (tmp_path / "gone.html").as_uri(), "file not found"),)


def test_only_the_named_sources_are_crawled(db: Database, site: SampleSite) -> None:
    site.write("a.html", article("A"))
    site.write("b.html", article("B"))
    config = config_for(db, SourceConfig("one", "pages", (site.url("a.html"),)),
                        SourceConfig("two", "pages", (site.url("b.html"),)))
    summary = crawl(config, db, ["two"])
    assert summary.pages_fetched == 1
    assert (site.hits("a.html"), site.hits("b.html")) == (0, 1)
    assert latest_run(db).sources == ("two",)


def test_an_unknown_source_is_a_config_error_before_anything_happens(db: Database, site: SampleSite) -> None:
    config = config_for(db, SourceConfig("news", "pages", (site.url("a.html"),)))
    with pytest.raises(ConfigError, match=r"no source named 'newz' \(known: news\)"):
        crawl(config, db, ["newz"])
    assert table_counts(db)["crawl_runs"] == 0 and site.requests == []


@pytest.mark.parametrize(
    "url", ["postgresql+psycopg://postgres@127.0.0.1:1/nothing", "sqlite:////no/such/directory/rw.db"])
def test_an_unreachable_database_is_one_clear_error_before_crawling(url: str, site: SampleSite) -> None:
    config = Config("(test)", url, (SourceConfig("news", "pages", (site.url("a.html"),)),))
    with pytest.raises(DatabaseUnavailable) as caught:
        run_crawl(config, url)
    message = str(caught.value)
    assert message.startswith("cannot connect to database") and "\n" not in message
    assert site.requests == []


def test_a_database_without_the_schema_is_refused_before_crawling(sqlite_url: str, site: SampleSite) -> None:
    config = Config("(test)", sqlite_url, (SourceConfig("news", "pages", (site.url("a.html"),)),))
    with pytest.raises(DatabaseUnavailable, match="releasewatch init"):
        run_crawl(config, sqlite_url)
    assert site.requests == []


def test_a_missing_feed_is_one_failure_and_the_other_sources_are_crawled(db: Database, site: SampleSite) -> None:
    site.write("a.html", article())
    config = config_for(db, SourceConfig("news", "pages", (site.url("a.html"),)),
                        SourceConfig("feedy", "feed", (site.url("feed.xml"),)))
    summary = crawl(config, db)
    assert (summary.status, summary.pages_fetched, summary.pages_failed) == ("partial", 1, 1)
    assert summary.failures == (("feedy", site.url("feed.xml"), "HTTP 404"),)
    assert site.hits("feed.xml") == 1


def test_a_crawl_process_that_dies_still_finishes_its_run_as_failed(db: Database, site: SampleSite) -> None:
    site.write("a.html", article())
    config = config_for(db, SourceConfig("news", "pages", (site.url("a.html"),)))
    # A pipeline that cannot be imported makes the real child process exit with an error.
    summary = crawl(config, db, ITEM_PIPELINES={"no_such_module.Pipeline": 100})
    assert summary.status == "failed"
    [(source, url, reason)] = summary.failures
    assert source == "(crawl)" and reason.startswith("crawl process exited with status 1: ")
    assert "no_such_module" in reason, reason
    run = latest_run(db)
    assert (run.id, run.status, run.failures) == (summary.run_id, "failed", 1) and run.finished_at is not None


def test_robots_txt_is_obeyed_for_every_page_requested_at_once(db: Database, site: SampleSite) -> None:
    # Regression: Scrapy 2.19 handed the robots.txt parser to the first waiting request only.
    site.write("robots.txt", "User-agent: *\nDisallow: /private/\n")
    site.write("public.html", article())
    paths = [f"private/draft-{i}.html" for i in range(6)]
    for path in paths:
        site.write(path, article(path))
    config = config_for(db, SourceConfig("news", "pages", (site.url("public.html"), *(site.url(p) for p in paths))))
    summary = crawl(config, db)
    assert summary.pages_fetched == 1
    assert {(u, r) for _, u, r in summary.failures} == {(site.url(p), "forbidden by robots.txt") for p in paths}
    assert not any(site.hits(p) for p in paths)


def test_a_page_over_the_size_limit_is_cut_off_read_and_recorded(db: Database, site: SampleSite, capsys) -> None:
    site.write("small.html", article())
    # The claims come first; the padding after them is what gets cut.
    site.write("huge.html", article() + "<!-- padding -->" * 2000)
    config = config_for(db, SourceConfig("news", "pages", (site.url("small.html"), site.url("huge.html"))))
    summary = crawl(config, db, RELEASEWATCH_PAGE_MAXSIZE=10_000, DOWNLOAD_WARNSIZE=0)
    assert (summary.pages_fetched, summary.pages_failed, summary.failures) == (2, 0, ())
    assert summary.sources["news"]["cut_off"] == 1
    err = capsys.readouterr().err
    assert f"cut off  news  {site.url('huge.html')}  larger than 10000 bytes: only its first 10000 bytes are read" in err
    assert "WARNING" not in err
    with db.session() as s:
        huge = [c for c in repository.current_claims(s) if c.url == site.url("huge.html")]
    assert {c.claim.field for c in huge} >= {"release_date"}


def test_an_endless_page_is_cut_off_at_the_limit(db: Database, site: SampleSite) -> None:
    site.generate("endless.html", lambda: itertools.chain([article().encode()], itertools.repeat(b"<p>more</p>" * 500)),
                  content_type="text/html; charset=utf-8")
    config = config_for(db, SourceConfig("news", "pages", (site.url("endless.html"),)))
    summary = crawl(config, db, RELEASEWATCH_PAGE_MAXSIZE=50_000)
    assert (summary.pages_fetched, summary.sources["news"]["cut_off"]) == (1, 1)
    assert summary.claims > 0


def test_a_transfer_past_the_hard_limit_is_one_failure_and_one_line(db: Database, site: SampleSite, capsys) -> None:
    site.write("small.html", article())
    site.write("huge.html", article() + "<!-- padding -->" * 2000)
    config = config_for(db, SourceConfig("news", "pages", (site.url("small.html"), site.url("huge.html"))))
    summary = crawl(config, db, DOWNLOAD_MAXSIZE=10_000, RELEASEWATCH_PAGE_MAXSIZE=0, DOWNLOAD_WARNSIZE=0)
    assert summary.pages_fetched == 1
    assert summary.failures == (("news", site.url("huge.html"), "larger than the download limit (10000 bytes)"),)
    err = capsys.readouterr().err
    assert err.count("huge.html") == 1 and "WARNING" not in err


def test_without_progress_the_crawl_prints_nothing(db: Database, site: SampleSite, capsys) -> None:
    site.write("a.html", article())
    config = config_for(db, SourceConfig("news", "pages", (site.url("a.html"), site.url("gone.html"))))
    summary = run_crawl(config, db.url, progress=False, settings_overrides=FAST)
    assert (summary.pages_fetched, summary.pages_failed) == (1, 1)
    assert capsys.readouterr().err == ""
