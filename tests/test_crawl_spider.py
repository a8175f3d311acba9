"""The crawl's parts without a crawl: the spider's decisions, failure reasons, settings, hashing.

Responses here are real Scrapy Response objects built from bytes, as Scrapy's own tests do.
"""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from scrapy import Request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.settings import Settings
from twisted.internet import error as twisted_error

from pipeline.config import SourceConfig
from pipeline.hashing import content_hash
from scrapers import reasons
from scrapers.items import FailureItem, PageItem
from scrapers.run_crawl import build_settings
from scrapers.spiders.pages import PagesSpider

FIXED = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
URL = "http://127.0.0.1:8000/news/a.html"


def spider() -> PagesSpider:
    sources = [SourceConfig("cinema-chain", "pages", (URL, "file:///tmp/page.html")),
               SourceConfig("feedy", "feed", ("http://127.0.0.1:8000/feed.xml",))]
    return PagesSpider(sources=sources, clock=lambda: FIXED)


def respond(response_cls: type[Response], status: int = 200, headers: dict[str, str] | None = None,
            body: bytes = b"<html><body><p>Hi</p></body></html>", url: str = URL) -> Response:
    request = next(r for r in spider().requests() if r.url == url)
    return response_cls(url=url, status=status, headers=headers or {}, body=body, request=request)


def test_one_request_per_url_of_pages_sources_only() -> None:
    requests = list(spider().requests())
    assert [r.url for r in requests] == [URL, "file:///tmp/page.html"]
    assert all(r.dont_filter and r.errback is not None for r in requests)
    assert requests[0].meta["releasewatch_source"] == "cinema-chain"


def test_html_response_becomes_a_fetched_page() -> None:
    response = respond(HtmlResponse, headers={"Content-Type": "text/html; charset=utf-8", "ETag": '"x"'})
    [item] = list(spider().parse(response))
    assert isinstance(item, PageItem)
    page = item.page
    assert (page.source, page.url, page.final_url, page.status) == ("cinema-chain", URL, URL, 200)
    assert page.headers == {"Content-Type": "text/html; charset=utf-8", "Etag": '"x"'}
    assert page.body == b"<html><body><p>Hi</p></body></html>"
    assert page.fetched_at == FIXED and page.fetched_at.tzinfo is not None


def test_redirected_response_keeps_the_requested_url() -> None:
    response = respond(HtmlResponse, headers={"Content-Type": "text/html"})
    moved = response.replace(url="http://127.0.0.1:8000/news/b.html")
    [item] = list(spider().parse(moved))
    assert (item.page.url, item.page.final_url) == (URL, "http://127.0.0.1:8000/news/b.html")


@pytest.mark.parametrize(
    ("status", "content_type", "reason"),
    [
        (404, "text/html", "HTTP 404"),
        (500, "text/html", "HTTP 500"),
        (301, "text/html", "HTTP 301"),
        (200, "application/pdf", "not HTML (content type application/pdf)"),
        (200, "image/png", "not HTML (content type image/png)"),
    ],
)
def test_error_status_and_non_html_become_one_failure(status: int, content_type: str, reason: str) -> None:
    response = respond(Response, status=status, headers={"Content-Type": content_type})
    assert list(spider().parse(response)) == [FailureItem("cinema-chain", URL, reason, FIXED)]


def test_plain_text_is_accepted_as_article_text() -> None:
    response = respond(TextResponse, headers={"Content-Type": "text/plain; charset=utf-8"}, body=b"An article.")
    [item] = list(spider().parse(response))
    assert isinstance(item, PageItem)


def test_file_url_gets_the_content_type_its_extension_implies() -> None:
    response = respond(HtmlResponse, url="file:///tmp/page.html")
    [item] = list(spider().parse(response))
    assert item.page.headers == {"Content-Type": "text/html"}


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (CannotResolveHostError("x"), "DNS lookup failed for films.invalid"),
        (twisted_error.DNSLookupError("x"), "DNS lookup failed for films.invalid"),
        (DownloadConnectionRefusedError("x"), "connection refused"),
        (twisted_error.ConnectionRefusedError(), "connection refused"),
        (DownloadTimeoutError("took too long"), "timed out after 20s"),
        (twisted_error.TimeoutError(), "timed out after 20s"),
        (IgnoreRequest("Forbidden by robots.txt"), "forbidden by robots.txt"),
        (FileNotFoundError(2, "No such file"), "file not found"),
        (DownloadCancelledError("Received 20971520 bytes which is larger than download max size (10485760) in "
                                "request <GET https://films.invalid/a>."), "larger than the download limit (10 MB)"),
        (ValueError("odd\nthing"), "ValueError: odd"),
    ],
)
def test_each_download_failure_has_one_short_reason(exc: BaseException, reason: str) -> None:
    assert reasons.exception_reason(exc, "https://films.invalid/a", timeout=20) == reason


def test_errback_records_a_failure_instead_of_raising() -> None:
    from twisted.python.failure import Failure

    s = spider()
    s.settings = Settings({"DOWNLOAD_TIMEOUT": 7})
    request = next(iter(s.requests()))
    try:
        raise DownloadTimeoutError("slow")
    except DownloadTimeoutError:
        failure = Failure()
    failure.request = request  # what Scrapy sets before calling an errback
    assert list(s.failed(failure)) == [FailureItem("cinema-chain", URL, "timed out after 7s", FIXED)]


def test_settings_identify_us_obey_robots_and_open_no_remote_endpoint() -> None:
    settings = build_settings({"DOWNLOAD_TIMEOUT": 3}, database_url="sqlite://", run_id=1, films=[], progress=False)
    assert settings.get("USER_AGENT") == "releasewatch/0.1 (+contact)"
    assert settings.getbool("ROBOTSTXT_OBEY") and settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getbool("HTTPERROR_ALLOW_ALL") and settings.getint("RETRY_TIMES") == 2
    assert settings.getint("DOWNLOAD_MAXSIZE") == 10 * 1024 * 1024
    assert settings.getint("DOWNLOAD_TIMEOUT") == 3  # the caller's override wins
    assert not settings.getbool("TELNETCONSOLE_ENABLED") and not settings.getbool("REMOTE_CONTROL_ENABLED")
    extensions = settings.getdict("EXTENSIONS")
    assert extensions["scrapy.extensions.telnet.TelnetConsole"] is None
    assert extensions["scrapy.extensions.remote_control.RemoteControl"] is None
    assert list(settings.getdict("ITEM_PIPELINES")) == ["scrapers.pipelines.StorePagePipeline"]
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert middlewares["scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"] is None
    assert middlewares["scrapers.middlewares.RobotsTxtMiddleware"] == 100
    assert settings.get("RELEASEWATCH_RUN_ID") == 1


def test_content_hash_is_sha256_of_the_exact_bytes() -> None:
    assert content_hash(b"abc") == hashlib.sha256(b"abc").hexdigest()
    assert content_hash(b"abc") != content_hash(b"abc ")
    assert len(content_hash(b"")) == 64
