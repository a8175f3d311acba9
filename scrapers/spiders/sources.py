"""The one spider: decides what to fetch for every kind of source and hands each outcome on.

- `pages`: the listed URLs, every run.
- `feed`: the listed RSS/Atom feeds; each entry's page is fetched once, and revisited on later
  runs while the entry (its feed date, else when we first saw the page) is younger than
  `revisit_days`. The entry's date travels with the page as `published_hint`.
- `sitemap`: the listed sitemaps, sitemap indexes or site roots (a root means "the sitemaps its
  robots.txt names", else /sitemap.xml); listed URLs are filtered by `include`/`exclude` and
  chosen like feed entries (the news publication date, else lastmod, is the entry's date). A
  page whose lastmod is newer than our last check of it is fetched whatever its age.
- any kind with `follow`: links on fetched pages whose URL matches a pattern, on the source's own
  sites, up to `max_depth` links away.

At most `max_pages` pages per source per run; a source with more is capped and the cap recorded.
Revisits are conditional (If-None-Match / If-Modified-Since from the stored validators), so an
unchanged page costs a 304 and no body. Non-HTML pages are cut off once their headers arrive.

Outcomes: `PageItem` (a readable 2xx page), `NotModifiedItem` (304), `FailureItem` (anything
else, with one reason). Nothing here raises for a page or knows anything about a particular site.
"""
from __future__ import annotations

import asyncio
import logging
import mimetypes
import re
import time
from collections import deque
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import StopDownload
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from twisted.python.failure import Failure

from pipeline.config import SourceConfig
from pipeline.model import FetchedPage
from scrapers import reasons
from scrapers.errors import NotAFeed, NotASitemap, TooLarge
from scrapers.feeds import read_feed
from scrapers.items import FailureItem, ListingItem, NotModifiedItem, PageItem
from scrapers.sitemaps import open_sitemap, sitemap_urls_from_robots
from scrapers.url_policy import malformed
from storage.repository.crawling import PageState
from storage.repository.listings import Child, ListingCheck, ListingState

PAGE, FEED, SITEMAP, ROBOTS = "page", "feed", "sitemap", "robots"
LISTING_STALL_SECONDS = 30.0  # how long start() waits on feed/sitemap requests Scrapy shows no sign of

logger = logging.getLogger(__name__)
STATS = "releasewatch/sources"


def _headers(response: Response) -> dict[str, str]:
    """Response headers as a plain str dict (repeated headers joined with ", ", as HTTP allows)."""
    out: dict[str, str] = {}
    for name, values in response.headers.items():
        key = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        out[key] = ", ".join(v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in values)
    return out


def _content_type(response: Response, headers: dict[str, str]) -> str | None:
    """The declared Content-Type, or for file:// (which has no headers) the one its extension implies."""
    for key, value in headers.items():
        if key.lower() == "content-type":
            return value
    if response.url.startswith("file:"):
        guessed, _encoding = mimetypes.guess_type(response.url)
        return guessed
    return None


def _is_site_root(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.path in ("", "/") and not parts.query


@dataclass(slots=True)
class _Plan:
    """What one source has asked for in this run."""

    config: SourceConfig
    include: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]
    links: LinkExtractor | None
    requested: set[str] = field(default_factory=set)
    capped: bool = False
    first_crawl: bool = True  # nothing of the source is stored yet


class SourcesSpider(Spider):
    """Fetch what every given source lists (see the module docstring for each kind)."""

    name = "sources"

    def __init__(self, sources: Sequence[SourceConfig] = (), clock: Any = None,
                 known: Mapping[tuple[str, str], PageState] | None = None,
                 listings: Mapping[tuple[str, str], ListingState] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sources = tuple(sources)
        #: (source, URL) -> validators and children of the feeds, sitemaps and robots.txt read before.
        self.listings: Mapping[tuple[str, str], ListingState] = listings or {}
        #: Pages the listings named, admitted but not requested yet (start() hands them out), with
        #: the configured URL each was reached from (scrapers.url_policy decides with it).
        self._waiting: deque[tuple[str, str, date | None, str | None]] = deque()
        self._listings_in_flight = 0  # listing requests made whose response or failure has not been handled
        # The crawl clock is injectable so tests can pin fetched_at; by default it is the real UTC time.
        self._clock = clock or (lambda: datetime.now(UTC))
        #: (source, URL) -> what earlier runs stored about the page (validators, hash, first seen).
        self.known: Mapping[tuple[str, str], PageState] = known or {}
        self._plans = {s.name: self._plan(s) for s in self.sources}
        for name, _url in self.known:
            if name in self._plans:
                self._plans[name].first_crawl = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SourcesSpider:
        spider: SourcesSpider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._headers_received, signal=signals.headers_received)
        crawler.signals.connect(spider._bytes_received, signal=signals.bytes_received)
        return spider

    @staticmethod
    def _plan(source: SourceConfig) -> _Plan:
        links = None
        if source.follow:
            # Scrapy compares allow_domains with the URL's netloc, port included.
            hosts = sorted({urlsplit(u).netloc.lower() for u in source.urls if urlsplit(u).netloc})
            # Only the source's own sites: following a link off-site would crawl someone who never was a source.
            links = LinkExtractor(allow=source.follow, allow_domains=hosts, unique=True)
        return _Plan(source, tuple(re.compile(p) for p in source.include),
                     tuple(re.compile(p) for p in source.exclude), links)

    # -- what to fetch -----------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        """The sources' first requests, then the pages their listings name, each page as the
        downloader has room for it. Yielded from a callback, every page of a sitemap would be a
        scheduled request at once, and the crawl's memory would grow with the size of the site."""
        for request in self.requests():
            if isinstance(request, Request) and request.meta.get("releasewatch_role") == PAGE:
                await self._room()
            yield request
        stalled_since: float | None = None
        while True:
            if self._waiting:
                stalled_since = None
                await self._room()
                yield self._next_waiting()
                continue
            if self._listings_in_flight <= 0:
                return
            if self._engine_idle():
                # A listing counted as in flight that is neither downloading nor being read nor
                # queued was lost somewhere Scrapy does not tell a spider about: do not wait forever.
                stalled_since = stalled_since or time.monotonic()
                if time.monotonic() - stalled_since > LISTING_STALL_SECONDS:
                    logger.warning("%d feed/sitemap requests never came back; finishing the crawl without them",
                                   self._listings_in_flight)
                    return
            else:
                stalled_since = None
            await asyncio.sleep(0.01)

    def _engine(self) -> Any:
        """The running crawl's engine; None for a spider used without a crawler (tests)."""
        crawler = getattr(self, "crawler", None)
        return crawler.engine if crawler is not None else None

    async def _room(self) -> None:
        """Wait until the downloader takes more requests (at once without a crawler, as in tests)."""
        engine = self._engine()
        while engine is not None and engine.running and engine.needs_backout():
            await asyncio.sleep(0.005)

    def _engine_idle(self) -> bool:
        engine = self._engine()
        if engine is None:
            return True
        scheduler = getattr(getattr(engine, "_slot", None), "scheduler", None)
        slot = engine.scraper.slot
        return (not engine.downloader.active and (slot is None or slot.is_idle())
                and (scheduler is None or not scheduler.has_pending_requests()))

    def _next_waiting(self) -> Request:
        source, url, published, origin = self._waiting.popleft()
        return self._build_page_request(source, url, depth=0, published=published, origin=origin)

    def take_waiting(self) -> list[Request]:
        """Every page the listings named that start() has not requested yet, as requests (for tests)."""
        return [self._next_waiting() for _ in range(len(self._waiting))]

    def requests(self) -> Iterable[Request | FailureItem]:
        """The first requests of every source, then known feed/sitemap pages still young enough to revisit."""
        for source in self.sources:
            for url in source.urls:
                if source.kind == "pages":
                    yield from self._page_request(source.name, url, depth=0, published=None, origin=url)
                elif source.kind == "feed":
                    yield self._listing(source.name, url, FEED, origin=url)
                elif _is_site_root(url):
                    parts = urlsplit(url)
                    yield self._listing(source.name, f"{parts.scheme}://{parts.netloc}/robots.txt", ROBOTS, origin=url)
                else:
                    yield self._listing(source.name, url, SITEMAP, origin=url)
        for source in self.sources:
            if source.kind in ("feed", "sitemap"):
                young = [url for (name, url), state in self.known.items()
                         if name == source.name and self._young(source, None, state)]
                for url in sorted(young):
                    yield from self._page_request(source.name, url, depth=0, published=None, origin=None)

    def _listing(self, source: str, url: str, role: str, *, origin: str | None) -> Request:
        """A feed, sitemap or robots.txt request: read for links, never stored as a page."""
        limit = self._setting("RELEASEWATCH_SITEMAP_MAXSIZE", 50 * 1024 * 1024)
        meta: dict[str, Any] = {"releasewatch_source": source, "releasewatch_url": url, "releasewatch_role": role,
                                "releasewatch_origin": origin}
        if limit:
            meta["download_maxsize"] = limit
        headers: dict[str, str] = {}
        state = self.listings.get((source, url))
        if state is not None:
            if state.etag:
                headers["If-None-Match"] = state.etag
            if state.last_modified:
                headers["If-Modified-Since"] = state.last_modified
        self._inc(source, "listings_requested")
        self._listings_in_flight += 1
        return Request(url, callback=self.parse_listing, errback=self.failed, dont_filter=True, meta=meta,
                       headers=headers or None)

    def _listing_check(self, response: Response, children: tuple[Child, ...] | None,
                       pages: Sequence[str] = ()) -> Iterable[ListingItem]:
        """What to keep of this fetch of a listing for the next run's conditional request (nothing
        when the site gave no validators to make one with). `pages`: the pages it named in this
        run, which must all be stored before the validators are (see scrapers.pipelines)."""
        lower = {k.lower(): v for k, v in _headers(response).items()}
        if response.status == 304 or lower.get("etag") or lower.get("last-modified"):
            yield ListingItem(ListingCheck(response.meta["releasewatch_source"], response.meta["releasewatch_url"],
                                           self._clock(), response.status, lower.get("etag"),
                                           lower.get("last-modified"), children), tuple(pages))

    def _child_listings(self, source: SourceConfig, children: Iterable[Child],
                        origin: str | None) -> Iterable[Request | FailureItem]:
        """The sitemaps an index (or a robots.txt) names; from an index, only those that changed
        within the revisit window (a child last changed before it lists only pages too old to matter)."""
        plan = self._plans[source.name]
        oldest = self._clock().date() - timedelta(days=source.revisit_days)
        for loc, lastmod in children:
            if lastmod is None or lastmod >= oldest or plan.first_crawl:
                broken = malformed(loc)
                if broken is not None:
                    yield FailureItem(source.name, loc, broken, self._clock())
                    continue
                yield self._listing(source.name, loc, SITEMAP, origin=origin)

    def _admit(self, source: str, url: str) -> tuple[bool, FailureItem | None]:
        """Whether `url` is to be requested for `source` (not asked for yet, under `max_pages`, a
        scheme we fetch), counting it as requested; and the failure to record when it is not."""
        plan = self._plans[source]
        if url in plan.requested:
            return False, None
        if len(plan.requested) >= plan.config.max_pages:
            if not plan.capped:
                plan.capped = True
                return False, FailureItem(source, url, reasons.capped(plan.config.max_pages), self._clock())
            return False, None
        scheme = urlsplit(url).scheme.lower()
        plan.requested.add(url)  # also a refused one: one failure per URL, not one per listing that repeats it
        if scheme not in ("http", "https", "file"):
            return False, FailureItem(source, url, f"unsupported URL scheme {scheme!r}", self._clock())
        broken = malformed(url)
        if broken is not None:
            return False, FailureItem(source, url, broken, self._clock())
        return True, None

    def _page_request(self, source: str, url: str, *, depth: int, published: date | None,
                      origin: str | None) -> Iterable[Request | FailureItem]:
        admitted, failure = self._admit(source, url)
        if failure is not None:
            yield failure
        if admitted:
            yield self._build_page_request(source, url, depth=depth, published=published, origin=origin)

    def _listed_page(self, source: str, url: str, *, published: date | None, origin: str | None,
                     named: list[str] | None = None) -> Iterable[FailureItem]:
        """A page a feed or sitemap names: admitted now (so that max_pages stops the reading), requested by start().

        A page this run requests (now or already) is added to `named`; one refused for good is not.
        """
        already = url in self._plans[source].requested
        admitted, failure = self._admit(source, url)
        if failure is not None:
            yield failure
        if admitted:
            self._waiting.append((source, url, published, origin))
        if named is not None and (admitted or already):
            named.append(url)

    def _build_page_request(self, source: str, url: str, *, depth: int, published: date | None,
                            origin: str | None = None) -> Request:
        plan = self._plans[source]
        headers: dict[str, str] = {}
        state = self.known.get((source, url))
        if state is not None and state.content_hash is not None:
            if state.etag:
                headers["If-None-Match"] = state.etag
            if state.last_modified:
                headers["If-Modified-Since"] = state.last_modified
        meta: dict[str, Any] = {
            "releasewatch_source": source, "releasewatch_url": url, "releasewatch_role": PAGE,
            "releasewatch_depth": depth, "releasewatch_published": published,
            # None (a stored page revisited): the url policy takes any of the source's configured URLs.
            "releasewatch_origin": origin,
        }
        if plan.config.delay is not None:
            # AutoThrottle would lower a slot's delay to DOWNLOAD_DELAY; the source asked for at least this.
            meta["autothrottle_dont_adjust_delay"] = True
        self._inc(source, "requested")
        priority = depth * self._setting("RELEASEWATCH_FOLLOW_DEPTH_PRIORITY", -1)
        return Request(url, callback=self.parse, errback=self.failed, dont_filter=True, meta=meta,
                       headers=headers or None, priority=priority)

    def _young(self, source: SourceConfig, published: date | None, state: PageState | None) -> bool:
        """Whether a listed page is still worth (re)visiting: unknown pages always are, once."""
        if state is None:
            return True
        born = published or state.published or state.first_seen_at.date()
        return born >= self._clock().date() - timedelta(days=source.revisit_days)

    def _wanted(self, source: SourceConfig, url: str, published: date | None, lastmod: date | None) -> bool:
        plan = self._plans[source.name]
        if plan.include and not any(p.search(url) for p in plan.include):
            return False
        if any(p.search(url) for p in plan.exclude):
            return False
        state = self.known.get((source.name, url))
        if self._young(source, published or lastmod, state):
            return True
        # An old page that says it changed since we last looked is worth one more look.
        return bool(lastmod and state and state.last_checked_at and lastmod > state.last_checked_at.date())

    # -- reading listings --------------------------------------------------------------------
    def parse_listing(self, response: Response, **kwargs: Any) -> Iterable[Request | FailureItem | ListingItem]:
        """A feed, sitemap or robots.txt: request what it lists (never raises; problems become failures).

        A 304 says the listing is as it was: a feed or a sitemap of pages lists nothing new (its
        young pages are revisited anyway), an index or a robots.txt leads to the sitemaps it named
        last time. A listing read whole is kept with its validators for the next run's request.
        The pages it names wait for start() to request them.
        """
        try:
            yield from self._read_listing(response)
        finally:
            self._listings_in_flight -= 1

    def _read_listing(self, response: Response) -> Iterable[Request | FailureItem | ListingItem]:
        source_name = response.meta["releasewatch_source"]
        url = response.meta["releasewatch_url"]
        role = response.meta["releasewatch_role"]
        origin = response.meta.get("releasewatch_origin")
        source = self._plans[source_name].config
        self._inc(source_name, "bytes", len(response.body))
        if response.status == 304:
            self._inc(source_name, "listings_not_modified")
            yield from self._listing_check(response, None)
            state = self.listings.get((source_name, url))
            yield from self._child_listings(source, state.children if state is not None else (), origin)
            return
        if role == ROBOTS:
            found = list(sitemap_urls_from_robots(response.body, base_url=response.url)) if response.status == 200 else []
            parts = urlsplit(url)
            named: tuple[Child, ...] = tuple((sitemap, None) for sitemap in found or [f"{parts.scheme}://{parts.netloc}/sitemap.xml"])
            if response.status == 200:
                yield from self._listing_check(response, named)
            yield from self._child_listings(source, named, origin)
            return
        if not 200 <= response.status < 300:
            yield FailureItem(source_name, url, reasons.http_status(response.status), self._clock())
            return
        plan = self._plans[source_name]
        limit = self._setting("RELEASEWATCH_SITEMAP_MAXSIZE", 50 * 1024 * 1024)
        cut = bool(response.meta.get("releasewatch_cut"))
        # A listing past the limit was cut there (see _bytes_received): its entries are read as far
        # as they go, so that max_pages of them are still fetched, and the cut is recorded.
        body = response.body[:limit] if cut and limit else response.body
        over_limit = FailureItem(source_name, url, f"{role}: {reasons.listing_cut(limit)}", self._clock())
        pages: list[str] = []
        try:
            children: list[Child] = []
            if role == FEED:
                entries = read_feed(body, response.url, _headers(response))
                for entry in entries:
                    if self._wanted(source, entry.url, entry.published, None):
                        yield from self._listed_page(source_name, entry.url, published=entry.published, origin=origin,
                                                     named=pages)
            else:
                yield from self._read_sitemap(source, body, children, origin, pages)
        except (NotAFeed, NotASitemap, TooLarge) as exc:
            yield over_limit if cut else FailureItem(source_name, url, str(exc), self._clock())
            return
        if cut:
            if not plan.capped:
                yield over_limit
            return  # no validators: a 304 next time would hide the entries past the cut
        if not plan.capped:
            # A listing read only up to max_pages is fetched whole again next time, or a 304 would
            # hide the entries past the cap for as long as it stays the same.
            yield from self._listing_check(response, tuple(children), pages)

    def _read_sitemap(self, source: SourceConfig, body: bytes, children: list[Child],
                      origin: str | None, named: list[str]) -> Iterable[Request | FailureItem]:
        """Request what a sitemap lists; an index's child sitemaps are also added to `children`."""
        limit = self._setting("RELEASEWATCH_SITEMAP_MAXSIZE", 50 * 1024 * 1024)
        sitemap = open_sitemap(body, limit)
        plan = self._plans[source.name]
        for entry in sitemap.entries():
            if sitemap.type == "sitemapindex":
                children.append((entry.loc, entry.lastmod))
                yield from self._child_listings(source, [(entry.loc, entry.lastmod)], origin)
                continue
            if plan.capped:
                return  # stop reading: the rest of a huge sitemap is never parsed
            if self._wanted(source, entry.loc, entry.published, entry.lastmod):
                yield from self._listed_page(source.name, entry.loc, published=entry.published or entry.lastmod,
                                             origin=origin, named=named)

    # -- reading pages -----------------------------------------------------------------------
    def parse(self, response: Response, **kwargs: Any) -> Iterable[PageItem | NotModifiedItem | FailureItem | Request]:
        fetched_at = self._clock()
        source = response.meta["releasewatch_source"]
        url = response.meta["releasewatch_url"]
        headers = _headers(response)
        self._inc(source, "bytes", len(response.body))
        latency = response.meta.get("download_latency")
        if latency is not None and self.crawler is not None:
            self.crawler.stats.inc_value("releasewatch/fetch_seconds", float(latency))  # type: ignore[arg-type]
        if response.status == 304:
            lower = {k.lower(): v for k, v in headers.items()}
            yield NotModifiedItem(source, url, fetched_at, lower.get("etag"), lower.get("last-modified"))
            return
        if not 200 <= response.status < 300:
            yield FailureItem(source, url, reasons.http_status(response.status), fetched_at)
            return
        content_type = _content_type(response, headers)
        if not reasons.is_readable(content_type):
            assert content_type is not None
            yield FailureItem(source, url, reasons.not_readable(content_type), fetched_at)
            return
        if content_type and not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = content_type  # file://: let the reader know what the extension said
        body, cut_off_at = response.body, None
        limit = self._setting("RELEASEWATCH_PAGE_MAXSIZE", 10 * 1024 * 1024)
        if limit and (len(body) > limit or response.meta.get("releasewatch_cut")):
            body, cut_off_at = body[:limit], limit
        yield PageItem(FetchedPage(
            source=source,
            url=url,
            final_url=response.url,
            status=response.status,
            headers=headers,
            body=body,
            fetched_at=fetched_at,
            published_hint=response.meta.get("releasewatch_published"),
            cut_off_at=cut_off_at,
        ))
        yield from self._follow(source, response)

    def _follow(self, source: str, response: Response) -> Iterable[Request | FailureItem]:
        plan = self._plans[source]
        depth = int(response.meta.get("releasewatch_depth", 0))
        if plan.links is None or depth >= plan.config.max_depth or not isinstance(response, TextResponse):
            return
        for link in plan.links.extract_links(response):
            yield from self._page_request(source, link.url, depth=depth + 1, published=None,
                                          origin=response.meta.get("releasewatch_origin"))

    def _headers_received(self, headers: Any, body_length: int, request: Request, spider: Spider) -> None:
        """Stop downloading a page whose Content-Type says it is not HTML: its body is never read.
        Note whether the body comes compressed (see _bytes_received)."""
        role = request.meta.get("releasewatch_role")
        if spider is not self or role is None:
            return
        encoding = headers.get(b"Content-Encoding")
        encoded = bool(encoding and encoding.strip().lower() not in (b"identity", b""))
        if role != PAGE:
            if encoded:
                request.meta["releasewatch_encoded"] = True  # download_maxsize also bounds its inflation
            else:
                # Not cancelled at the limit, whatever its Content-Length says: cut there instead
                # (_bytes_received), so the entries before the cut are still read.
                request.meta["download_maxsize"] = 0
            return
        value = headers.get(b"Content-Type")
        content_type = value.decode("latin-1") if isinstance(value, bytes) else value
        if content_type and not reasons.is_readable(content_type):
            raise StopDownload(fail=False)
        if encoded:
            # Compressed bytes on the wire say little about the page's size: the whole transfer is
            # read (up to DOWNLOAD_MAXSIZE, which also bounds inflation) and cut after decompression.
            request.meta["releasewatch_encoded"] = True

    def _bytes_received(self, data: bytes, request: Request, spider: Spider) -> None:
        """Stop reading a page past RELEASEWATCH_PAGE_MAXSIZE (a feed or sitemap past
        RELEASEWATCH_SITEMAP_MAXSIZE): what arrived so far is read and the cut recorded."""
        role = request.meta.get("releasewatch_role")
        if spider is not self or role is None:
            return
        received = request.meta.get("releasewatch_received", 0) + len(data)
        request.meta["releasewatch_received"] = received  # also says why a download was cancelled (failed)
        if request.meta.get("releasewatch_encoded"):
            return
        if role == PAGE:
            limit = self._setting("RELEASEWATCH_PAGE_MAXSIZE", 10 * 1024 * 1024)
        else:
            limit = self._setting("RELEASEWATCH_SITEMAP_MAXSIZE", 50 * 1024 * 1024)
        if limit and received > limit:
            request.meta["releasewatch_cut"] = True
            raise StopDownload(fail=False)

    def failed(self, failure: Failure) -> Iterable[FailureItem]:
        """Errback: the download itself failed (after retries); record one reason, never raise."""
        request: Request = failure.request  # type: ignore[attr-defined]
        source = request.meta["releasewatch_source"]
        url = request.meta["releasewatch_url"]
        timeout = request.meta.get("download_timeout") or self._setting("DOWNLOAD_TIMEOUT", 0.0)
        maxsize = int(request.meta.get("download_maxsize", self._setting("DOWNLOAD_MAXSIZE", 0)) or 0)
        passed = maxsize if maxsize and request.meta.get("releasewatch_received", 0) > maxsize else None
        reason = reasons.exception_reason(failure.value, url, timeout, passed_limit=passed)
        if request.meta.get("releasewatch_role") in (FEED, SITEMAP, ROBOTS):
            self._listings_in_flight -= 1
            reason = f"{request.meta['releasewatch_role']}: {reason}"
        yield FailureItem(source, url, reason, self._clock())

    def _setting(self, name: str, default: int | float) -> Any:
        """A number from the crawl's settings; the default when the spider runs without a crawler (tests)."""
        settings = getattr(self, "settings", None)
        if settings is None:
            return default
        return settings.getfloat(name, default) if isinstance(default, float) else settings.getint(name, default)

    def _inc(self, source: str, key: str, count: int = 1) -> None:
        crawler = getattr(self, "crawler", None)
        if crawler is not None and crawler.stats is not None and count:
            crawler.stats.inc_value(f"{STATS}/{source}/{key}", count)
