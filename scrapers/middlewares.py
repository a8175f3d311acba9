"""Downloader middlewares of our own: only what Scrapy's get wrong for us.

RobotsTxtMiddleware: in Scrapy 2.19 with the asyncio reactor, every request that arrives while a
site's robots.txt is still downloading awaits one shared Deferred through `Deferred.asFuture`,
whose callback returns None; so only the first waiter receives the parser and every other one
gets None, which Scrapy treats as "no robots.txt" and fetches the page anyway. A crawl that
starts several pages of one site at once therefore ignored robots.txt for all but one of them.
By the time a waiter wakes up, the parser is stored in `_parsers`, so we read it from there.
"""
from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, giving every waiting request the site's parser."""

    async def robot_parser(self, request: Request) -> RobotParser | None:
        parser = await super().robot_parser(request)
        if parser is None:
            stored = self._parsers.get(urlparse_cached(request).netloc)
            # None stored means robots.txt could not be fetched: Scrapy then allows the page.
            if stored is not None and not isinstance(stored, Deferred):
                parser = stored
        return parser
