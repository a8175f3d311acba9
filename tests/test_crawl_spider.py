"""The crawl's parts without a crawl: the spider's decisions, failure reasons, settings, hashing.

Responses here are real Scrapy Response objects built from bytes, as Scrapy's own tests do.
"""
from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

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
from scrapers.items import FailureItem, ListingItem, NotModifiedItem, PageItem
from scrapers.run_crawl import build_settings
from scrapers.spiders.sources import SourcesSpider
from storage.repository.crawling import PageState
from storage.repository.listings import ListingState

FIXED = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
URL = "http://127.0.0.1:8000/news/a.html"


def spider() -> SourcesSpider:
    sources = [SourceConfig("cinema-chain", "pages", (URL, "file:///tmp/page.html")),
               SourceConfig("feedy", "feed", ("http://127.0.0.1:8000/feed.xml",))]
    return SourcesSpider(sources=sources, clock=lambda: FIXED)


def respond(response_cls: type[Response], status: int = 200, headers: dict[str, str] | None = None,
            body: bytes = b"<html><body><p>Hi</p></body></html>", url: str = URL) -> Response:
    request = next(r for r in spider().requests() if isinstance(r, Request) and r.url == url)
    return response_cls(url=url, status=status, headers=headers or {}, body=body, request=request)


def test_one_request_per_listed_url_pages_first_then_feeds() -> None:
    requests = list(spider().requests())
    assert [r.url for r in requests] == [URL, "file:///tmp/page.html", "http://127.0.0.1:8000/feed.xml"]
    assert all(r.dont_filter and r.errback is not None for r in requests)
    assert requests[0].meta["releasewatch_source"] == "cinema-chain"
    assert [r.meta["releasewatch_role"] for r in requests] == ["page", "page", "feed"]
    assert requests[2].callback.__name__ == "parse_listing"


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
    assert settings.getint("RELEASEWATCH_PAGE_MAXSIZE") == 10 * 1024 * 1024  # read, the rest cut off
    assert settings.getint("DOWNLOAD_MAXSIZE") == 100 * 1024 * 1024  # cancelled beyond this
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


# -- what each kind of source asks for ------------------------------------------------------------
NOW = FIXED
SITE = "http://127.0.0.1:8000"


def state(*, days_old: int, etag: str | None = '"v1"', stored: bool = True) -> PageState:
    from datetime import timedelta
    seen = NOW - timedelta(days=days_old)
    return PageState(etag, "Sat, 01 Nov 2026 00:00:00 GMT" if etag else None, "h" if stored else None, seen, seen)


def listing(s: SourcesSpider, url: str, body: bytes, content_type: str = "application/xml") -> list[object]:
    """What reading a listing yields, then the page requests it left for start() to make."""
    request = next(r for r in s.requests() if isinstance(r, Request) and r.url == url)
    outcomes: list[object] = list(s.parse_listing(Response(url=url, status=200, headers={"Content-Type": content_type},
                                                           body=body, request=request)))
    return outcomes + s.take_waiting()


def page_urls(outcomes: list[object]) -> list[str]:
    return [o.url for o in outcomes if isinstance(o, Request)]


def test_revisits_are_conditional_on_the_stored_validators() -> None:
    s = SourcesSpider([SourceConfig("a", "pages", (f"{SITE}/x", f"{SITE}/y", f"{SITE}/z"))], clock=lambda: NOW,
                      known={("a", f"{SITE}/x"): state(days_old=1), ("a", f"{SITE}/y"): state(days_old=1, stored=False)})
    x, y, z = s.requests()
    assert x.headers.get("If-None-Match") == b'"v1"'
    assert x.headers.get("If-Modified-Since") == b"Sat, 01 Nov 2026 00:00:00 GMT"
    # Validators only count for a page whose content we hold: otherwise a 304 would leave us with nothing.
    assert "If-None-Match" not in y.headers and "If-None-Match" not in z.headers


def test_a_304_is_a_not_modified_item_with_no_body() -> None:
    s = SourcesSpider([SourceConfig("a", "pages", (URL,))], clock=lambda: NOW, known={("a", URL): state(days_old=1)})
    [request] = s.requests()
    [item] = list(s.parse(Response(url=URL, status=304, headers={"ETag": '"v2"'}, request=request)))
    assert item == NotModifiedItem("a", URL, NOW, '"v2"', None)


RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
<item><title>New</title><link>/news/new.html</link><pubDate>Fri, 20 Nov 2026 08:00:00 GMT</pubDate></item>
<item><title>Old, known</title><link>http://127.0.0.1:8000/news/old.html</link><pubDate>Mon, 01 Jun 2026 08:00:00 GMT</pubDate></item>
<item><title>Old, unknown</title><link>http://127.0.0.1:8000/news/archive.html</link><pubDate>Mon, 01 Jun 2026 08:00:00 GMT</pubDate></item>
<item><title>Recent, known</title><link>http://127.0.0.1:8000/news/recent.html</link><pubDate>Wed, 18 Nov 2026 08:00:00 GMT</pubDate></item>
<item><title>Not web</title><link>ftp://127.0.0.1/file.html</link></item>
</channel></rss>"""


def test_feed_entries_are_fetched_once_and_revisited_while_young() -> None:
    from datetime import date
    known = {("f", f"{SITE}/news/old.html"): state(days_old=170), ("f", f"{SITE}/news/recent.html"): state(days_old=4)}
    s = SourcesSpider([SourceConfig("f", "feed", (f"{SITE}/feed.xml",), revisit_days=30)], clock=lambda: NOW, known=known)
    first = list(s.requests())
    # Known pages young enough are revisited even when the feed no longer lists them.
    assert page_urls(first) == [f"{SITE}/feed.xml", f"{SITE}/news/recent.html"]
    outcomes = listing(s, f"{SITE}/feed.xml", RSS, "application/rss+xml")
    assert page_urls(outcomes) == [f"{SITE}/news/new.html", f"{SITE}/news/archive.html"]
    new = next(o for o in outcomes if isinstance(o, Request))
    assert new.meta["releasewatch_published"] == date(2026, 11, 20)


def test_a_feed_that_is_not_xml_is_one_failure() -> None:
    s = SourcesSpider([SourceConfig("f", "feed", (f"{SITE}/feed.xml",))], clock=lambda: NOW)
    [failure] = listing(s, f"{SITE}/feed.xml", b"<html><body>Oops, we moved", "text/html")
    assert isinstance(failure, FailureItem) and failure.reason.startswith("not a feed: ")


SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>http://127.0.0.1:8000/news/a.html</loc><news:news><news:publication><news:name>N</news:name>
<news:language>en</news:language></news:publication><news:publication_date>2026-11-21T09:00:00Z</news:publication_date>
<news:title>A</news:title></news:news></url>
<url><loc>http://127.0.0.1:8000/tag/films.html</loc></url>
<url><loc>http://127.0.0.1:8000/about.html</loc></url>
<url><loc>http://127.0.0.1:8000/news/b.html</loc><lastmod>2026-11-20</lastmod></url>
<url><loc>http://127.0.0.1:8000/news/c.html</loc><lastmod>2026-11-21</lastmod></url>
<url><loc>http://127.0.0.1:8000/news/d.html</loc></url>
</urlset>"""


def test_sitemap_urls_are_filtered_and_capped() -> None:
    from datetime import date
    source = SourceConfig("s", "sitemap", (f"{SITE}/sitemap.xml",), include=("/news/", "/tag/"), exclude=("/tag/",),
                          max_pages=2)
    s = SourcesSpider([source], clock=lambda: NOW)
    outcomes = listing(s, f"{SITE}/sitemap.xml", SITEMAP)
    assert page_urls(outcomes) == [f"{SITE}/news/a.html", f"{SITE}/news/b.html"]
    first = next(o for o in outcomes if isinstance(o, Request))
    assert first.meta["releasewatch_published"] == date(2026, 11, 21)
    [capped] = [o for o in outcomes if isinstance(o, FailureItem)]
    assert (capped.url, capped.reason) == (f"{SITE}/news/c.html", reasons.capped(2))


def test_an_old_sitemap_page_is_revisited_when_its_lastmod_is_newer_than_our_last_check() -> None:
    known = {("s", f"{SITE}/news/{p}.html"): state(days_old=90) for p in "abcd"}
    s = SourcesSpider([SourceConfig("s", "sitemap", (f"{SITE}/sitemap.xml",), revisit_days=30)], clock=lambda: NOW,
                      known=known)
    outcomes = listing(s, f"{SITE}/sitemap.xml", SITEMAP)
    # a: published yesterday (young); tag, about: never seen; b, c: lastmod after our last check;
    # d: old and not changed since.
    assert page_urls(outcomes) == [f"{SITE}/news/a.html", f"{SITE}/tag/films.html", f"{SITE}/about.html",
                                   f"{SITE}/news/b.html", f"{SITE}/news/c.html"]


def test_a_site_root_means_the_sitemaps_named_in_robots_txt() -> None:
    s = SourcesSpider([SourceConfig("s", "sitemap", (f"{SITE}/",))], clock=lambda: NOW)
    [robots] = s.requests()
    assert robots.url == f"{SITE}/robots.txt" and robots.meta["releasewatch_role"] == "robots"
    body = b"User-agent: *\nDisallow: /private/\nSitemap: /news-sitemap.xml\nSitemap: http://127.0.0.1:8000/s2.xml.gz\n"
    outcomes = listing(s, f"{SITE}/robots.txt", body, "text/plain")
    assert page_urls(outcomes) == [f"{SITE}/news-sitemap.xml", f"{SITE}/s2.xml.gz"]
    assert [o.meta["releasewatch_role"] for o in outcomes if isinstance(o, Request)] == ["sitemap", "sitemap"]
    assert not [o for o in outcomes if isinstance(o, ListingItem)]  # no validators: nothing to keep
    response = Response(url=robots.url, status=200, body=body, request=robots,
                        headers={"Content-Type": "text/plain", "Last-Modified": "Fri, 20 Nov 2026 10:00:00 GMT"})
    [kept] = [o.check for o in s.parse_listing(response) if isinstance(o, ListingItem)]  # for the next run
    assert kept.children == ((f"{SITE}/news-sitemap.xml", None), (f"{SITE}/s2.xml.gz", None))
    assert page_urls(listing(s, f"{SITE}/robots.txt", b"User-agent: *\n", "text/plain")) == [f"{SITE}/sitemap.xml"]


INDEX = f"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{SITE}/news.xml</loc><lastmod>2026-11-20</lastmod></sitemap>
<sitemap><loc>{SITE}/archive-2019.xml</loc><lastmod>2019-12-31</lastmod></sitemap></sitemapindex>""".encode()


def test_listings_are_requested_conditionally_and_a_304_index_still_leads_to_its_sitemaps() -> None:
    source = SourceConfig("s", "sitemap", (f"{SITE}/index.xml",))
    first = SourcesSpider([source], clock=lambda: NOW)
    [request] = first.requests()
    assert request.headers.get("If-None-Match") is None
    response = Response(url=request.url, status=200, body=INDEX, request=request,
                        headers={"Content-Type": "application/xml", "ETag": '"i1"', "Last-Modified": "Fri, 20 Nov 2026 10:00:00 GMT"})
    outcomes = list(first.parse_listing(response))
    assert page_urls(outcomes) == [f"{SITE}/news.xml", f"{SITE}/archive-2019.xml"]  # the first crawl reads everything
    [kept] = [o.check for o in outcomes if isinstance(o, ListingItem)]
    assert (kept.status, kept.etag, kept.last_modified) == (200, '"i1"', "Fri, 20 Nov 2026 10:00:00 GMT")
    assert kept.children == ((f"{SITE}/news.xml", date(2026, 11, 20)), (f"{SITE}/archive-2019.xml", date(2019, 12, 31)))

    stored = {("s", request.url): ListingState(kept.etag, kept.last_modified, kept.children)}
    later = SourcesSpider([source], clock=lambda: NOW, listings=stored,
                          known={("s", f"{SITE}/news/a.html"): state(days_old=40)})
    [request] = [r for r in later.requests() if r.url == f"{SITE}/index.xml"]
    assert request.headers.get("If-None-Match") == b'"i1"'
    assert request.headers.get("If-Modified-Since") == b"Fri, 20 Nov 2026 10:00:00 GMT"
    outcomes = list(later.parse_listing(Response(url=request.url, status=304, body=b"", request=request)))
    # Unchanged index: its sitemaps are asked for again (each conditionally), except one that last
    # changed before the revisit window; the check is kept, its children with it.
    assert page_urls(outcomes) == [f"{SITE}/news.xml"]
    [kept] = [o.check for o in outcomes if isinstance(o, ListingItem)]
    assert (kept.status, kept.children) == (304, None)
    assert not [o for o in outcomes if isinstance(o, FailureItem)]


def test_a_listing_read_only_up_to_max_pages_is_not_kept_for_a_conditional_request() -> None:
    source = SourceConfig("s", "sitemap", (f"{SITE}/sitemap.xml",), max_pages=2)
    s = SourcesSpider([source], clock=lambda: NOW)
    outcomes = listing(s, f"{SITE}/sitemap.xml", SITEMAP)
    assert any(isinstance(o, FailureItem) for o in outcomes)  # the cap, said once
    assert not [o for o in outcomes if isinstance(o, ListingItem)]


def test_links_are_followed_on_the_same_site_up_to_max_depth() -> None:
    source = SourceConfig("p", "pages", (f"{SITE}/news/",), follow=("/news/20",), max_depth=1)
    s = SourcesSpider([source], clock=lambda: NOW)
    [request] = s.requests()
    body = (b'<html><body><a href="/news/2026/a.html">a</a><a href="/about">x</a>'
            b'<a href="http://elsewhere.example/news/2026/b.html">b</a><a href="mailto:x@y">m</a></body></html>')
    outcomes = list(s.parse(HtmlResponse(url=f"{SITE}/news/", body=body, headers={"Content-Type": "text/html"},
                                         request=request)))
    assert isinstance(outcomes[0], PageItem)
    [followed] = outcomes[1:]
    assert followed.url == f"{SITE}/news/2026/a.html" and followed.meta["releasewatch_depth"] == 1
    deeper = list(s.parse(HtmlResponse(url=followed.url, body=body.replace(b"a.html", b"c.html"),
                                       headers={"Content-Type": "text/html"}, request=followed)))
    assert [type(o) for o in deeper] == [PageItem]  # depth 1 reached: no further links


def test_a_listed_url_with_another_scheme_is_one_failure() -> None:
    s = SourcesSpider([SourceConfig("s", "sitemap", (f"{SITE}/sitemap.xml",))], clock=lambda: NOW)
    body = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>ftp://127.0.0.1/a</loc></url></urlset>'
    assert listing(s, f"{SITE}/sitemap.xml", body) == [
        FailureItem("s", "ftp://127.0.0.1/a", "unsupported URL scheme 'ftp'", NOW)]


@pytest.mark.parametrize(("value", "seconds"), [(b"7", 7.0), ("0", 0.0), (None, None), (b"soon", None),
                                                ("Sun, 22 Nov 2026 03:00:30 GMT", 30.0)])
def test_retry_after_is_seconds_or_a_date(value: object, seconds: float | None) -> None:
    from scrapers.middlewares import retry_after_seconds
    assert retry_after_seconds(value, now=FIXED.timestamp()) == seconds  # type: ignore[arg-type]


def test_per_source_concurrency_and_delay_become_download_slots_of_its_sites() -> None:
    from scrapers.run_crawl import politeness_settings
    sources = [SourceConfig("a", "pages", ("https://a.example/x", "https://b.example/y"), concurrency=1, delay=2.0),
               SourceConfig("b", "feed", ("https://b.example/feed",), delay=5.0),
               SourceConfig("c", "pages", ("https://c.example/",))]
    assert politeness_settings(sources) == {"DOWNLOAD_SLOTS": {
        "a.example": {"concurrency": 1, "delay": 2.0, "jitter": 0}, "b.example": {"concurrency": 1, "delay": 5.0, "jitter": 0}}}


def test_child_sitemaps_older_than_the_revisit_window_are_skipped_once_the_source_is_known() -> None:
    index = (b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b"<sitemap><loc>http://127.0.0.1:8000/2026-11.xml</loc><lastmod>2026-11-20</lastmod></sitemap>"
             b"<sitemap><loc>http://127.0.0.1:8000/2019-01.xml</loc><lastmod>2019-01-31</lastmod></sitemap>"
             b"<sitemap><loc>http://127.0.0.1:8000/undated.xml</loc></sitemap></sitemapindex>")
    source = SourceConfig("s", "sitemap", (f"{SITE}/index.xml",), revisit_days=30)
    first = SourcesSpider([source], clock=lambda: NOW)
    assert len(page_urls(listing(first, f"{SITE}/index.xml", index))) == 3  # the first crawl reads the archive too
    known = SourcesSpider([source], clock=lambda: NOW, known={("s", f"{SITE}/news/x.html"): state(days_old=400)})
    assert [u.rsplit("/", 1)[1] for u in page_urls(listing(known, f"{SITE}/index.xml", index))] == ["2026-11.xml", "undated.xml"]
