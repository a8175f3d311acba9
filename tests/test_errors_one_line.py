"""Errors that were not one line (issue 10, defect 8, all but the storage faults): a URL whose port
is not a number, an `every` past any timer, a password in the database URL's query, and a
sitemap past the size read, which said only "download cancelled" although max_pages needed
only its first entries.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from db_fixtures import _upgraded

from pipeline.config import Config, SourceConfig
from pipeline.model import WatchFilm
from releasewatch.cli import main
from releasewatch.sample_server import SampleSite
from scrapers import reasons
from scrapers.crawl import run_crawl
from storage.db import Database
from storage.errors import masked_url

FAST = {"DOWNLOAD_TIMEOUT": 2, "RETRY_TIMES": 0, "AUTOTHROTTLE_START_DELAY": 0, "AUTOTHROTTLE_MAX_DELAY": 0.2,
        "DOWNLOAD_DELAY": 0, "RELEASEWATCH_EXTRACT_WORKERS": 0}
SITEMAP_READ = 20_000  # bytes of a sitemap read in these tests


def one_error_line(args: list[str], tmp_path: Path) -> str:
    result = CliRunner().invoke(main, args)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code != 0 and result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    return lines[0]


@pytest.mark.parametrize(("source", "expected"), [
    ('urls = ["http://127.0.0.1:abc/news"]', "sources[0].urls: 'http://127.0.0.1:abc/news': its port is not a number"),
    ('urls = ["http://127.0.0.1:99999/news"]', "its port is not a number from 1 to 65535"),
    ('urls = ["https://example.com/x"]\nevery = "' + "9" * 40 + 'd"', "sources[0].every: '99999999999999999999'... is longer than a year"),
])
def test_a_config_mistake_is_one_line_not_a_traceback(tmp_path: Path, source: str, expected: str) -> None:
    config = tmp_path / "releasewatch.toml"
    config.write_text(f'[[sources]]\nname = "x"\n{source}\n', encoding="utf-8")
    for command in ("crawl", "schedule"):
        line = one_error_line([command, "--config", str(config), "--db", f"sqlite:///{tmp_path / 'x.db'}"], tmp_path)
        assert expected in line


@pytest.mark.parametrize("url", [
    "postgresql+psycopg://postgres@127.0.0.1:1/nothing?password=s3cr%21t&sslmode=disable",
    "postgresql+psycopg://postgres:s3cr%21t@127.0.0.1:1/nothing",
    "postgresql+psycopg://postgres:s3cr%21t@127.0.0.1:abc/nothing",  # not even parseable
    "sqlite:////no/such/directory/rw.db?password=s3cr%21t",
])
def test_a_database_password_is_never_printed(tmp_path: Path, url: str) -> None:
    line = one_error_line(["init", "--db", url], tmp_path)
    assert "s3cr" not in line and "***" in line and line.startswith("error: cannot connect to database")
    assert "s3cr" not in masked_url(url)


@pytest.fixture
def db(sqlite_url: str) -> Iterator[Database]:
    yield from _upgraded(sqlite_url)


def big_sitemap(site: SampleSite) -> Iterator[bytes]:
    """A sitemap of 2,000 URLs (~100 kB), sent in pieces with no Content-Length."""
    yield b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    for start in range(0, 2000, 100):
        yield b"".join(b"<url><loc>%s%d.html</loc></url>\n" % (site.url("n/").encode(), i) for i in range(start, start + 100))
    yield b"</urlset>"


def test_a_sitemap_past_the_size_read_is_read_up_to_max_pages_and_says_it_is_too_large(
        db: Database, site: SampleSite) -> None:
    for i in range(25):
        site.write(f"n/{i}.html", f"<html><head><title>Page {i}</title></head><body><p>Page {i}.</p></body></html>")
    site.generate("streamed.xml", lambda: big_sitemap(site), "application/xml")
    site.write("static.xml", b"".join(big_sitemap(site)))  # served with a Content-Length past the read
    config = Config(path="(test)", database_url=db.url, films=(WatchFilm("The Salt Road"),), sources=(
        SourceConfig("capped", "sitemap", (site.url("streamed.xml"),), max_pages=20),
        SourceConfig("few", "sitemap", (site.url("static.xml"),), include=(r"/n/[0-4]\.html$",)),
    ))
    summary = run_crawl(config, db.url, progress=False,
                        settings_overrides={**FAST, "RELEASEWATCH_SITEMAP_MAXSIZE": SITEMAP_READ})
    reasons = {(source, url): reason for source, url, reason in summary.failures}
    assert summary.sources["capped"]["new"] == 20 and summary.sources["few"]["new"] == 5
    assert reasons == {
        ("capped", site.url("n/20.html")): "more than max_pages=20 pages listed: the rest were not requested this run",
        ("few", site.url("static.xml")): "sitemap: larger than the 20000 bytes read of a feed or sitemap: only the "
                                         "entries in its first 20000 bytes were used",
    }


@pytest.mark.parametrize(("exc", "passed", "expected"), [
    (DownloadCancelledError(), 20_000, "larger than the download limit (20000 bytes)"),
    (DownloadCancelledError(), None, "download cancelled"),
    (DownloadCancelledError("Received 3000000 bytes which is larger than download max size (2097152) in request "
                            "<GET http://x/>."), None, "larger than the download limit (2 MB)"),
    (IgnoreRequest("Ignored response <200 http://x/s.xml> because its body (10 B compressed, 4194304 B decompressed "
                   "so far) exceeded DOWNLOAD_MAXSIZE (2097152 B) during decompression."), None,
     "larger than the download limit (2 MB) once decompressed"),
])
def test_a_download_over_a_limit_says_which_limit(exc: Exception, passed: int | None, expected: str) -> None:
    assert reasons.exception_reason(exc, "http://x/s.xml", 1.0, passed_limit=passed) == expected
