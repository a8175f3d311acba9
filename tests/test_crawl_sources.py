"""Feeds, sitemaps, politeness and bad input, end to end: a real server on 127.0.0.1 (SampleSite),
real Scrapy in the crawl's child process, a real database. Assertions are on what the server was
asked for (its request log) and on what was stored.

Timeouts, delays and backoff are shortened through settings_overrides so each crawl takes seconds.
"""
from __future__ import annotations

import gzip
import resource
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from sqlalchemy import select

from pipeline.config import Config, SourceConfig
from pipeline.model import WatchFilm
from releasewatch.sample_server import SampleSite
from scrapers.crawl import CrawlSummary, run_crawl
from storage import repository
from storage.db import Database
from storage.models import CrawlRun, Page, Snapshot, Source

FAST = {
    "DOWNLOAD_TIMEOUT": 0.5,
    "RETRY_TIMES": 2,
    "AUTOTHROTTLE_START_DELAY": 0,
    "AUTOTHROTTLE_MAX_DELAY": 0.2,
    "DOWNLOAD_DELAY": 0,
    "RELEASEWATCH_RETRY_BACKOFF": 0.05,
    "RELEASEWATCH_EXTRACT_WORKERS": 0,
}
FILM = WatchFilm("The Salt Road")
ARTICLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav><a href="/">Home</a> <a href="/news/">News</a></nav>
<main><article><h1>{title}</h1>
<p>Northlight Pictures has set a {date} release date for The Salt Road, exclusively in theaters.</p>
<p>The Salt Road is directed by Teodora Vance.</p>
</article></main></body></html>
"""
NOW = datetime.now(UTC)


def article(title: str = "The Salt Road gets a date", date: str = "June 11, 2027") -> str:
    return ARTICLE.format(title=title, date=date)


def crawl(db: Database, *sources: SourceConfig, **overrides: object) -> CrawlSummary:
    config = Config(path="(test)", database_url=db.url, sources=sources, films=(FILM,))
    return run_crawl(config, db.url, settings_overrides={**FAST, **overrides})


def paths(site: SampleSite) -> list[str]:
    return [p for _, p, _ in site.requests]


def rfc822(days_ago: int) -> str:
    return format_datetime(NOW - timedelta(days=days_ago), usegmt=True)


def stored_pages(db: Database, source: str) -> dict[str, int]:
    """URL -> number of snapshots, for one source."""
    with db.session() as s:
        rows = s.execute(
            select(Page.url, Snapshot.id).join(Source, Source.id == Page.source_id)
            .outerjoin(Snapshot, Snapshot.page_id == Page.id).where(Source.name == source)
        ).all()
    out: dict[str, int] = {}
    for url, snapshot in rows:
        out[url] = out.get(url, 0) + (snapshot is not None)
    return out


def rss(site: SampleSite, *entries: tuple[str, int]) -> str:
    items = "".join(f"<item><title>{p}</title><link>{site.url(p)}</link><pubDate>{rfc822(age)}</pubDate></item>"
                    for p, age in entries)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>{items}</channel></rss>'


def test_feed_entries_are_fetched_once_then_revisited_conditionally(db: Database, site: SampleSite) -> None:
    for p in ("news/a.html", "news/b.html", "news/c.html"):
        site.write(p, article(p))
    site.write("feed.xml", rss(site, ("news/a.html", 1), ("news/b.html", 2)))
    site.write("atom.xml", f"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
        <entry><title>c</title><link href="{site.url('news/c.html')}"/><updated>{(NOW - timedelta(days=3)).isoformat()}</updated></entry></feed>""")
    sources = (SourceConfig("rss", "feed", (site.url("feed.xml"),)), SourceConfig("atom", "feed", (site.url("atom.xml"),)))
    first = crawl(db, *sources)
    assert (first.status, first.pages_fetched) == ("ok", 3)
    with db.session() as s:
        published = dict(s.execute(select(Page.url, Snapshot.published).join(Snapshot, Snapshot.page_id == Page.id)).all())
    assert published[site.url("news/a.html")] == (NOW - timedelta(days=1)).date()  # the feed's date, as a hint

    site.requests.clear()
    site.request_headers.clear()
    second = crawl(db, *sources)
    assert (second.pages_fetched, second.pages_unchanged) == (0, 3)
    assert sorted(p for p in paths(site) if p.startswith("/news/")) == ["/news/a.html", "/news/b.html", "/news/c.html"]
    page_requests = [h for (_, p, _), h in zip(site.requests, site.request_headers, strict=True) if p.startswith("/news/")]
    assert all("If-None-Match" in h and "If-Modified-Since" in h for h in page_requests)
    assert {s for _, p, s in site.requests if p.startswith("/news/")} == {304}
    assert second.sources["rss"]["not_modified"] == 2 and second.sources["atom"]["not_modified"] == 1
    assert stored_pages(db, "rss") == {site.url("news/a.html"): 1, site.url("news/b.html"): 1}


def test_feed_entries_past_revisit_days_are_not_fetched_again(db: Database, site: SampleSite) -> None:
    site.write("news/old.html", article("Old"))
    site.write("news/new.html", article("New"))
    site.write("feed.xml", rss(site, ("news/old.html", 60), ("news/new.html", 1)))
    source = SourceConfig("rss", "feed", (site.url("feed.xml"),), revisit_days=30)
    assert crawl(db, source).pages_fetched == 2  # every entry is fetched once, however old
    site.requests.clear()
    crawl(db, source)
    assert sorted(paths(site)) == ["/feed.xml", "/news/new.html", "/robots.txt"]


def news_sitemap(site: SampleSite, *entries: tuple[str, int]) -> str:
    urls = "".join(
        f"<url><loc>{site.url(p)}</loc><news:news><news:publication><news:name>N</news:name><news:language>en"
        f"</news:language></news:publication><news:publication_date>{(NOW - timedelta(days=age)).isoformat()}"
        f"</news:publication_date><news:title>{p}</news:title></news:news></url>"
        for p, age in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>')


def test_a_site_root_leads_through_robots_txt_to_a_sitemap_index_and_a_news_sitemap(
        db: Database, site: SampleSite) -> None:
    site.write("robots.txt", f"User-agent: *\nDisallow: /private/\nSitemap: {site.url('sitemap-index.xml')}\n")
    site.write("sitemap-index.xml", f"""<?xml version="1.0"?>
        <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <sitemap><loc>{site.url('news-sitemap.xml')}</loc><lastmod>{NOW.date().isoformat()}</lastmod></sitemap>
        <sitemap><loc>{site.url('pages-sitemap.xml.gz')}</loc></sitemap></sitemapindex>""")
    site.write("news-sitemap.xml", news_sitemap(site, ("news/a.html", 0), ("private/b.html", 1), ("tag/c.html", 1)))
    site.write("pages-sitemap.xml.gz", gzip.compress(news_sitemap(site, ("news/d.html", 2)).encode()))
    for p in ("news/a.html", "private/b.html", "tag/c.html", "news/d.html"):
        site.write(p, article(p))
    source = SourceConfig("news", "sitemap", (site.url("/"),), exclude=("/tag/",))
    summary = crawl(db, source)
    assert summary.pages_fetched == 2
    assert summary.failures == (("news", site.url("private/b.html"), "forbidden by robots.txt"),)
    assert site.hits("news/a.html") == site.hits("news/d.html") == 1
    assert site.hits("tag/c.html") == site.hits("private/b.html") == 0
    with db.session() as s:
        published = dict(s.execute(select(Page.url, Snapshot.published).join(Snapshot, Snapshot.page_id == Page.id)).all())
    assert published[site.url("news/d.html")] == (NOW - timedelta(days=2)).date()


def statuses(site: SampleSite, path: str) -> list[int]:
    return [s for _, p, s in site.requests if p == path]


def test_feeds_and_sitemaps_are_fetched_conditionally_too(db: Database, site: SampleSite) -> None:
    site.write("robots.txt", f"User-agent: *\nSitemap: {site.url('index.xml')}\n")
    site.write("index.xml", f"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <sitemap><loc>{site.url('news.xml')}</loc></sitemap></sitemapindex>""")
    site.write("news.xml", news_sitemap(site, ("news/a.html", 0)))
    site.write("feed.xml", rss(site, ("feed/x.html", 1)))
    for p in ("news/a.html", "news/b.html", "feed/x.html", "feed/y.html"):
        site.write(p, article(p))
    sources = (SourceConfig("news", "sitemap", (site.url("/"),)), SourceConfig("rss", "feed", (site.url("feed.xml"),)))
    assert crawl(db, *sources).pages_fetched == 2

    site.requests.clear()
    site.request_headers.clear()
    second = crawl(db, *sources)
    # Nothing changed: every listing answers 304, and the index's sitemap is still asked for.
    for path in ("/index.xml", "/news.xml", "/feed.xml"):
        assert statuses(site, path) == [304], path
    listing_requests = [h for (_, p, _), h in zip(site.requests, site.request_headers, strict=True)
                        if p in ("/index.xml", "/news.xml", "/feed.xml")]
    assert all("If-None-Match" in h and "If-Modified-Since" in h for h in listing_requests)
    assert (second.pages_fetched, second.pages_unchanged, second.pages_failed) == (0, 2, 0)

    # New articles: the changed sitemap and feed are read whole again, behind an unchanged index.
    site.write("news.xml", news_sitemap(site, ("news/a.html", 0), ("news/b.html", 0)))
    site.write("feed.xml", rss(site, ("feed/x.html", 1), ("feed/y.html", 0)))
    site.requests.clear()
    third = crawl(db, *sources)
    assert statuses(site, "/index.xml") == [304] and statuses(site, "/news.xml") == statuses(site, "/feed.xml") == [200]
    assert third.pages_fetched == 2 and site.hits("news/b.html") == site.hits("feed/y.html") == 1


def test_retries_recover_from_500s_and_wait_as_a_429_asks(db: Database, site: SampleSite) -> None:
    site.write("flaky.html", article("Flaky"))
    site.set_status("flaky.html", 500, times=2)
    site.write("busy.html", article("Busy"))
    site.set_status("busy.html", 429, times=1, headers={"Retry-After": "1"})
    summary = crawl(db, SourceConfig("news", "pages", (site.url("flaky.html"), site.url("busy.html"))))
    assert (summary.status, summary.pages_fetched) == ("ok", 2)
    assert [s for _, p, s in site.requests if p == "/flaky.html"] == [500, 500, 200]
    busy = [t for (_, p, _), t in zip(site.requests, site.request_times, strict=True) if p == "/busy.html"]
    assert len(busy) == 2 and busy[1] - busy[0] >= 0.95  # Retry-After: 1 was honoured


def test_pages_in_legacy_encodings_are_decoded(db: Database, site: SampleSite) -> None:
    site.write("cp1252.html", """<html><head><title>Café «Noir» – The Salt Road’s date</title></head><body>
        <p>Northlight Pictures has set a June 11, 2027 release date for The Salt Road.</p></body></html>""".encode("cp1252"))
    site.set_content_type("cp1252.html", "text/html; charset=windows-1252")
    site.write("sjis.html", """<html><head><meta charset="shift_jis"><title>映画『ソルト・ロード』公開日決定</title></head>
        <body><p>映画『ソルト・ロード』は2027年6月11日に公開されます。</p></body></html>""".encode("shift_jis"))
    site.set_content_type("sjis.html", "text/html")
    summary = crawl(db, SourceConfig("news", "pages", (site.url("cp1252.html"), site.url("sjis.html"))))
    assert summary.pages_fetched == 2
    with db.session() as s:
        titles = dict(s.execute(select(Page.url, Snapshot.title).join(Snapshot, Snapshot.page_id == Page.id)).all())
    assert titles[site.url("cp1252.html")] == "Café «Noir» – The Salt Road’s date"
    assert titles[site.url("sjis.html")] == "映画『ソルト・ロード』公開日決定"


def million_url_sitemap(site: SampleSite) -> Iterator[bytes]:
    """A gzip'd sitemap of 1,000,000 URLs, compressed while it is sent (~2 MB on the wire, ~60 MB inside)."""
    packer = zlib.compressobj(1, zlib.DEFLATED, 31)
    yield packer.compress(b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    base = site.url("n/").encode()
    for start in range(0, 1_000_000, 20_000):
        chunk = b"".join(b"<url><loc>%s%d.html</loc></url>\n" % (base, i) for i in range(start, start + 20_000))
        yield packer.compress(chunk)
    yield packer.compress(b"</urlset>") + packer.flush()


def test_bad_input_is_recorded_with_its_reason_and_the_run_finishes(db: Database, site: SampleSite) -> None:
    site.write("good.html", article())
    site.write("not-a-feed.xml", "<html><body>We moved our feed!</body>")
    site.set_content_type("not-a-feed.xml", "text/html")
    site.generate("huge-sitemap.xml.gz", lambda: million_url_sitemap(site), "application/gzip")
    for i in range(5):
        site.write(f"n/{i}.html", article(f"Page {i}"))
    site.redirect("loop-a.html", "loop-b.html")
    site.redirect("loop-b.html", "loop-a.html")
    site.write("odd-sitemap.xml", '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                                  "<url><loc>gopher://127.0.0.1/a</loc></url></urlset>")
    site.write("kit.pdf", b"%PDF-1.4 " + b"x" * 200_000)
    with SampleSite(site.root) as slow_robots:
        slow_robots.set_delay("robots.txt", 5)
        summary = crawl(
            db,
            SourceConfig("good", "pages", (site.url("good.html"), site.url("loop-a.html"), site.url("kit.pdf"))),
            SourceConfig("feed", "feed", (site.url("not-a-feed.xml"),)),
            SourceConfig("huge", "sitemap", (site.url("huge-sitemap.xml.gz"),), max_pages=5),
            SourceConfig("odd", "sitemap", (site.url("odd-sitemap.xml"),)),
            SourceConfig("slow", "pages", (slow_robots.url("good.html"),)),
            # the million-URL sitemap streams for a while on a loaded machine: more than the 0.5 s
            # the other tests allow, still well under the slow robots.txt's 5 s
            REDIRECT_MAX_TIMES=3, RETRY_TIMES=0, DOWNLOAD_TIMEOUT=2,
        )
        assert slow_robots.hits("good.html") == 0  # a site whose robots.txt times out is not crawled
        slow_url = slow_robots.url("good.html")
    reasons = {(source, url): reason for source, url, reason in summary.failures}
    assert reasons[("feed", site.url("not-a-feed.xml"))].startswith("not a feed: ")
    assert reasons[("good", site.url("loop-a.html"))] == "too many redirects (a redirect loop?)"
    assert reasons[("good", site.url("kit.pdf"))] == "not HTML (content type application/pdf)"
    assert reasons[("huge", site.url("n/5.html"))] == "more than max_pages=5 pages listed: the rest were not requested this run"
    assert reasons[("odd", "gopher://127.0.0.1/a")] == "unsupported URL scheme 'gopher'"
    assert reasons[("slow", slow_url)] == "robots.txt unreachable (timed out after 2s): site skipped this run"
    assert len(reasons) == len(summary.failures) == 6
    assert (summary.status, summary.pages_fetched) == ("partial", 6)  # good.html and n/0..4.html
    assert sum(site.hits(f"n/{i}.html") for i in range(10)) == 5
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 400 * 1024  # KB: the sitemap was never held whole
    with db.session() as s:
        run = s.get(CrawlRun, summary.run_id)
        assert run is not None and run.status == "partial"
        assert run.source_counts["huge"]["new"] == 5 and run.source_counts["huge"]["failed"] == 1
        assert run.source_counts["good"]["failed_by_reason"] == {
            "too many redirects (a redirect loop?)": 1, "not HTML (content type application/pdf)": 1}
        assert repository.counts(s)["fetch_failures"] == 6


def test_per_source_counts_and_timings_are_kept_with_the_run(db: Database, site: SampleSite) -> None:
    site.write("a.html", article())
    site.write("b.html", article("B"))
    source = SourceConfig("news", "pages", (site.url("a.html"), site.url("b.html"), site.url("gone.html")))
    crawl(db, source, RELEASEWATCH_EXTRACT_WORKERS=2)  # the worker processes, once
    site.write("b.html", article("B", "July 1, 2027"))
    second = crawl(db, source)
    with db.session() as s:
        [latest, _first] = repository.list_runs(s, limit=2)
    counts = latest.source_counts["news"]
    assert {k: counts[k] for k in ("requested", "fetched", "not_modified", "new", "failed")} == {
        "requested": 3, "fetched": 1, "not_modified": 1, "new": 1, "failed": 1}
    assert counts["failed_by_reason"] == {"HTTP 404": 1} and counts["claims"] == second.claims > 0
    assert counts["bytes"] > 0 and counts["duration_s"] >= 0
    assert {"fetch", "extract", "storage", "diff", "wall"} <= set(latest.stats)


@pytest.mark.parametrize("contact", ["mailto:desk@example.com"])
def test_the_user_agent_names_the_configured_contact(db: Database, site: SampleSite, contact: str) -> None:
    from pipeline.config import CrawlConfig

    site.write("a.html", article())
    config = Config(path="(test)", database_url=db.url, sources=(SourceConfig("news", "pages", (site.url("a.html"),)),),
                    films=(FILM,), crawl=CrawlConfig(contact=contact))
    run_crawl(config, db.url, settings_overrides=FAST)
    assert {h.get("User-Agent") for h in site.request_headers} == {f"releasewatch/0.1 (+{contact})"}
    # gzip, deflate and brotli are asked for (and decompressed): pages are text and shrink several times.
    assert all({"gzip", "deflate", "br"} <= {e.strip() for e in h.get("Accept-Encoding", "").split(",")}
               for h in site.request_headers)


def test_a_source_delay_spaces_its_requests_to_its_site(db: Database, site: SampleSite) -> None:
    for i in range(3):
        site.write(f"p{i}.html", article(f"P{i}"))
    source = SourceConfig("slowly", "pages", tuple(site.url(f"p{i}.html") for i in range(3)), concurrency=1, delay=0.4)
    assert crawl(db, source).pages_fetched == 3
    times = [t for (_, p, _), t in zip(site.requests, site.request_times, strict=True) if p.startswith("/p")]
    assert len(times) == 3 and all(b - a >= 0.35 for a, b in zip(times, times[1:]))
