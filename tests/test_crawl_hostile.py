"""Hostile listings end to end (issue 10, defect 6): a sitemap on a configured local site names local
files, another port on 127.0.0.1, a name resolving to 127.0.0.1, and a page that redirects to
another port. Only the configured site's own pages may be fetched; every other URL is refused with
its reason recorded as the page's failure, and nothing reaches the other server or the files.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from pathlib import Path

import pytest
from db_fixtures import _upgraded

from pipeline.config import Config, CrawlConfig, SourceConfig
from pipeline.model import WatchFilm
from releasewatch.sample_server import SampleSite
from scrapers.crawl import CrawlSummary, run_crawl
from scrapers.url_policy import UrlPolicy
from storage.db import Database
from storage.models import CrawlRun

FAST = {
    "DOWNLOAD_TIMEOUT": 2,
    "RETRY_TIMES": 0,
    "AUTOTHROTTLE_START_DELAY": 0,
    "AUTOTHROTTLE_MAX_DELAY": 0.2,
    "DOWNLOAD_DELAY": 0,
    "RELEASEWATCH_EXTRACT_WORKERS": 0,
}
FILM = WatchFilm("The Salt Road")
ARTICLE = ("<!DOCTYPE html><html><head><title>{title}</title></head><body><main><article><h1>{title}</h1>"
           "<p>Northlight Pictures has set a {date} release date for The Salt Road, exclusively in theaters.</p>"
           "</article></main></body></html>")


@pytest.fixture
def db(sqlite_url: str) -> Iterator[Database]:
    """SQLite only: the URL policy decides before anything reaches the database."""
    yield from _upgraded(sqlite_url)


def article(title: str, date: str = "June 11, 2027") -> str:
    return ARTICLE.format(title=title, date=date)


def crawl(db: Database, *sources: SourceConfig, allow_private: bool = False, **overrides: object) -> CrawlSummary:
    config = Config(path="(test)", database_url=db.url, sources=sources, films=(FILM,),
                    crawl=CrawlConfig(allow_private_networks=allow_private))
    return run_crawl(config, db.url, progress=False, settings_overrides={**FAST, **overrides})


def sitemap(*locs: str) -> str:
    urls = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'


@pytest.fixture
def other_site(tmp_path: Path):
    """A second server on 127.0.0.1 that no configuration names: an internal service."""
    root = tmp_path / "internal"
    root.mkdir()
    with SampleSite(root) as served:
        served.write("secret.html", article("Internal admin page", "March 3, 2030"))
        served.write("robots.txt", "")
        yield served


@pytest.fixture
def hostile(site: SampleSite, other_site: SampleSite, tmp_path: Path) -> dict[str, str]:
    """The configured site's sitemap, naming its own page and every kind of URL it must not reach."""
    secret_file = tmp_path / "secret.html"
    secret_file.write_text(article("Local secret", "May 5, 2031"))
    site.write("own.html", article("The Salt Road gets a date"))
    site.redirect("moved.html", other_site.url("secret.html"))
    urls = {
        "own": site.url("own.html"),
        "file": secret_file.as_uri(),
        "zero": "file:///dev/zero",
        "other_port": other_site.url("secret.html"),
        "loopback_name": f"http://localhost:{site.port}/own.html",
        "redirect": site.url("moved.html"),
    }
    site.write("sitemap.xml", sitemap(*urls.values()))
    return urls


def test_a_hostile_sitemap_reaches_only_the_configured_origin(db: Database, site: SampleSite,
                                                              other_site: SampleSite, hostile: dict[str, str]) -> None:
    summary = crawl(db, SourceConfig("local", "sitemap", (site.url("sitemap.xml"),)))
    reasons = {url: reason for _source, url, reason in summary.failures}
    assert other_site.hits("secret.html") == 0 and other_site.hits("robots.txt") == 0
    assert summary.pages_fetched == 1  # own.html, the configured origin's own page
    assert set(reasons) == {hostile[k] for k in ("file", "zero", "other_port", "loopback_name", "redirect")}
    assert reasons[hostile["file"]] == reasons[hostile["zero"]] == (
        "refused: a file:// URL is read only when the configuration names it")
    assert reasons[hostile["other_port"]].startswith("refused: 127.0.0.1 is a loopback address")
    assert reasons[hostile["loopback_name"]].startswith("refused: localhost resolves to ")
    assert "loopback address" in reasons[hostile["loopback_name"]]
    assert reasons[hostile["redirect"]].startswith("refused: 127.0.0.1 is a loopback address")
    assert all("allow_private_networks" in r for k, r in reasons.items() if "file" not in r)
    with db.session() as s:
        run = s.get(CrawlRun, summary.run_id)
        assert run is not None and run.source_counts["local"]["failed"] == 5


def test_allow_private_networks_opens_other_local_ports_but_never_files(
        db: Database, site: SampleSite, other_site: SampleSite, hostile: dict[str, str]) -> None:
    summary = crawl(db, SourceConfig("local", "sitemap", (site.url("sitemap.xml"),)), allow_private=True)
    reasons = {url: reason for _source, url, reason in summary.failures}
    assert set(reasons) == {hostile["file"], hostile["zero"]}
    assert other_site.hits("secret.html") == 2  # listed, and reached through the redirect


def test_a_configured_file_is_read_under_the_page_size_limit(db: Database) -> None:
    summary = crawl(db, SourceConfig("files", "pages", ("file:///dev/zero",)), RELEASEWATCH_PAGE_MAXSIZE=50_000)
    assert summary.status == "ok" and summary.pages_fetched == 1
    assert summary.sources["files"]["cut_off"] == 1


CONFIGURED = UrlPolicy.for_urls(["http://127.0.0.1:8000/feed.xml", "file:///srv/pages/a.html", "https://news.example/"])


@pytest.mark.parametrize(("url", "reached_from", "addresses", "refused"), [
    ("http://127.0.0.1:8000/feed.xml", [], ["127.0.0.1"], None),  # configured
    ("file:///srv/pages/a.html", [], [], None),  # configured file
    ("file:///etc/passwd", ["http://127.0.0.1:8000/feed.xml"], [], "file:// URL"),
    ("ftp://news.example/a", ["https://news.example/"], [], "only http and https"),
    ("http://127.0.0.1:8000/a.html", ["http://127.0.0.1:8000/feed.xml"], ["127.0.0.1"], None),  # same origin
    ("http://127.0.0.1:80/a.html", ["http://127.0.0.1:8000/feed.xml"], ["127.0.0.1"], "loopback"),
    ("http://localhost:8000/a.html", ["http://127.0.0.1:8000/feed.xml"], ["127.0.0.1"], "localhost resolves to"),
    ("https://news.example:443/b", ["https://news.example/"], ["10.1.2.3"], None),  # default port written out
    ("https://cdn.example/b", ["https://news.example/"], ["10.1.2.3"], "private"),
    ("http://metadata.example/", ["https://news.example/"], ["169.254.169.254"], "link-local"),
    ("http://[::1]:8000/", ["http://127.0.0.1:8000/feed.xml"], ["::1"], "loopback"),
    ("http://mapped.example/", ["https://news.example/"], ["::ffff:127.0.0.1"], "loopback"),
    ("https://elsewhere.example/", ["https://news.example/"], ["93.184.216.34"], None),  # public
    ("http://127.0.0.1:abc/", ["http://127.0.0.1:8000/feed.xml"], [], "port is not a number"),
])
def test_the_url_policy(url: str, reached_from: list[str], addresses: list[str], refused: str | None) -> None:
    reason = CONFIGURED.refusal(url)
    if reason is None and CONFIGURED.needs_address_check(url, reached_from):
        reason = CONFIGURED.address_refusal(url, [ipaddress.ip_address(a) for a in addresses])
    assert (reason is None) == (refused is None) and (refused is None or refused in str(reason)), reason
    opened = UrlPolicy(CONFIGURED.configured, allow_private_networks=True)
    assert not opened.needs_address_check(url, reached_from)
