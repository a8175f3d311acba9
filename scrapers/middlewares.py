"""Downloader middlewares of our own: only what Scrapy's get wrong for us.

RobotsTxtMiddleware: in Scrapy 2.19 with the asyncio reactor, every request that arrives while a
site's robots.txt is still downloading awaits one shared Deferred through `Deferred.asFuture`,
whose callback returns None; so only the first waiter receives the parser and every other one
gets None, which Scrapy treats as "no robots.txt" and fetches the page anyway. A crawl that
starts several pages of one site at once therefore ignored robots.txt for all but one of them.
By the time a waiter wakes up, the parser is stored in `_parsers`, so we read it from there.
Scrapy also crawls a site whose robots.txt timed out or answered 5xx/429 as if it allowed
everything; like the big search engines we take that as "not now" and skip the site this run,
recording why for each page. (A robots.txt that does not exist, 4xx, allows everything.)

RetryAfterMiddleware: Scrapy's RetryMiddleware retries at once; a site that answered 429 or 503
asked us to slow down, often saying for how long (Retry-After). We wait that long (capped), or
an exponential backoff when it does not say, before the retry is scheduled.

UrlPolicyMiddleware: every request the downloader sees (listed pages, links, redirects, robots.txt)
is checked against `scrapers.url_policy` before anything is sent, and the address a response came
from is checked again (a name may resolve differently the second time).
"""
from __future__ import annotations

import asyncio
import email.utils
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import error as twisted_error
from twisted.internet.defer import Deferred

from scrapers import reasons
from scrapers.errors import UrlRefused
from scrapers.url_policy import Address, UrlPolicy, literal_address


@dataclass(frozen=True, slots=True)
class RobotsUnreachable:
    """Stored instead of a parser for a site whose robots.txt could not be read: why not."""

    reason: str


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, giving every waiting request the site's parser, and
    skipping a site whose robots.txt timed out or failed with a server error."""

    async def process_request(self, request: Request, spider: Any = None) -> None:
        if request.meta.get("dont_obey_robotstxt") or request.url.startswith(("data:", "file:")):
            return
        parser = await self.robot_parser(request)
        if isinstance(parser, RobotsUnreachable):
            self._stats.inc_value("robotstxt/unreachable_skipped")
            raise IgnoreRequest(f"robots.txt unreachable ({parser.reason}): site skipped this run")
        self.process_request_2(parser, request)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        parser = await super().robot_parser(request)
        if parser is None:
            stored = self._parsers.get(urlparse_cached(request).netloc)
            # None stored means robots.txt does not exist (4xx): Scrapy then allows the page.
            if stored is not None and not isinstance(stored, Deferred):
                parser = stored
        return parser

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500 or response.status == 429:
            self._unreachable(netloc, reasons.http_status(response.status))
            return
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if not isinstance(exc, (DownloadTimeoutError, TimeoutError, twisted_error.TimeoutError)):
            # No answer at all (DNS, refused): the page's own request fails the same way and says so.
            super()._robots_error(exc, netloc)
            return
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        timeout = self.crawler.settings.getfloat("DOWNLOAD_TIMEOUT")
        self._unreachable(netloc, reasons.exception_reason(exc, f"http://{netloc}/robots.txt", timeout))

    def _unreachable(self, netloc: str, reason: str) -> None:
        waiting = self._parsers.get(netloc)
        # Stored before the waiters wake, so each of them finds the reason (see robot_parser).
        self._parsers[netloc] = RobotsUnreachable(reason)  # type: ignore[assignment]
        if isinstance(waiting, Deferred):
            waiting.callback(None)


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class RetryAfterMiddleware(RetryMiddleware):
    """RetryMiddleware that waits before each retry: Retry-After when given, else exponential backoff.

    A Retry-After longer than RELEASEWATCH_RETRY_AFTER_MAX is not waited for in this run: the
    response is handed on and recorded (the next scheduled run tries again).
    """

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RELEASEWATCH_RETRY_BACKOFF", 1.0)
        self.backoff_max = settings.getfloat("RELEASEWATCH_RETRY_BACKOFF_MAX", 30.0)
        self.retry_after_max = settings.getfloat("RELEASEWATCH_RETRY_AFTER_MAX", 120.0)

    def _backoff(self, request: Request) -> float:
        attempt = int(request.meta.get("retry_times", 0))
        return min(self.backoff_max, self.backoff_base * (2 ** attempt))

    async def process_response(self, request: Request, response: Response, spider: Any = None) -> Request | Response:  # type: ignore[override]
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        asked = retry_after_seconds(response.headers.get(b"Retry-After"))
        if asked is not None and asked > self.retry_after_max:
            self.crawler.stats.inc_value("retry/retry_after_too_long")
            return response
        wait = max(asked or 0.0, self._backoff(request))
        retry = self._retry(request, f"HTTP {response.status}")
        if retry is None:
            return response
        if wait > 0:
            await asyncio.sleep(wait)
        return retry

    async def process_exception(self, request: Request, exception: Exception, spider: Any = None) -> Request | Response | None:  # type: ignore[override]
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            wait = self._backoff(request)
            if wait > 0:
                await asyncio.sleep(wait)
        return retry


class UrlPolicyMiddleware:
    """Refuse what `scrapers.url_policy` refuses, before the request leaves and after its response arrives.

    A request made for a source carries the configured URL it was reached from
    (`releasewatch_origin`; a revisit of a stored page, all of the source's URLs); any other request
    (Scrapy's robots.txt requests) starts from the first URL of its redirect chain.
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.allow_private = crawler.settings.getbool("RELEASEWATCH_ALLOW_PRIVATE_NETWORKS", False)
        self._policy: UrlPolicy | None = None
        self._source_urls: dict[str, tuple[str, ...]] = {}
        self._resolved: dict[tuple[str, int], tuple[Address, ...]] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> UrlPolicyMiddleware:
        return cls(crawler)

    def policy(self) -> UrlPolicy:
        if self._policy is None:
            sources = getattr(self.crawler.spider, "sources", ())
            self._source_urls = {s.name: tuple(s.urls) for s in sources}
            self._policy = UrlPolicy.for_urls((u for s in sources for u in s.urls),
                                              allow_private_networks=self.allow_private)
        return self._policy

    def reached_from(self, request: Request) -> Sequence[str]:
        started = request.meta.get("releasewatch_origin")
        if started:
            return (started,)
        source = request.meta.get("releasewatch_source")
        if source is not None:
            self.policy()
            return self._source_urls.get(source, ())
        return (request.meta.get("redirect_urls") or [request.url])[0],

    async def process_request(self, request: Request, spider: Any = None) -> None:
        policy = self.policy()
        reason = policy.refusal(request.url)
        if reason is None and policy.needs_address_check(request.url, self.reached_from(request)):
            request.meta["releasewatch_address_checked"] = True
            reason = policy.address_refusal(request.url, await self._addresses(request))
        if reason is not None:
            self._refuse(reason)

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        address = getattr(response, "ip_address", None)
        if address is not None and request.meta.get("releasewatch_address_checked"):
            reason = self.policy().address_refusal(request.url, [address])
            if reason is not None:
                self._refuse(reason)
        return response

    def _refuse(self, reason: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("releasewatch/url_policy/refused")
        raise UrlRefused(reason)

    async def _addresses(self, request: Request) -> tuple[Address, ...]:
        """Every address the request's host resolves to; none when it does not resolve (the download
        then fails on its own, saying so)."""
        parts = urlparse_cached(request)
        host = parts.hostname or ""
        literal = literal_address(host)
        if literal is not None:
            return (literal,)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        key = (host.lower(), port)
        if key not in self._resolved:
            try:
                found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except (OSError, UnicodeError):
                found = []
            self._resolved[key] = tuple(a for a in (literal_address(str(info[4][0]).split("%")[0]) for info in found)
                                        if a is not None)
        return self._resolved[key]
