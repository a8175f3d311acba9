"""The spider for `pages` sources: a fixed list of URLs (http, https, file://) revisited every run.

It only decides what to fetch and hands every outcome on: a `PageItem` wrapping the
`FetchedPage` for a readable 2xx response, a `FailureItem` with one reason for anything else
(HTTP error status, not HTML, DNS failure, refused connection, timeout, robots.txt). It never
raises for a page and holds no site-specific knowledge; reading the page is pipeline/'s job.
"""
from __future__ import annotations

import mimetypes
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response
from twisted.python.failure import Failure

from pipeline.config import SourceConfig
from pipeline.model import FetchedPage
from scrapers import reasons
from scrapers.items import FailureItem, PageItem


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


class PagesSpider(Spider):
    """Fetch every URL of the given `pages` sources once."""

    name = "pages"

    def __init__(self, sources: Sequence[SourceConfig] = (), clock: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sources = tuple(s for s in sources if s.kind == "pages")
        # The crawl clock is injectable so tests can pin fetched_at; by default it is the real UTC time.
        self._clock = clock or (lambda: datetime.now(UTC))

    async def start(self) -> AsyncIterator[Any]:
        for request in self.requests():
            yield request

    def requests(self) -> Iterable[Request]:
        """One request per (source, URL); the same URL in two sources is fetched for each of them."""
        for source in self.sources:
            for url in source.urls:
                yield Request(
                    url,
                    callback=self.parse,
                    errback=self.failed,
                    dont_filter=True,
                    meta={"releasewatch_source": source.name, "releasewatch_url": url},
                )

    def parse(self, response: Response, **kwargs: Any) -> Iterable[PageItem | FailureItem]:
        fetched_at = self._clock()
        source = response.meta["releasewatch_source"]
        url = response.meta["releasewatch_url"]
        headers = _headers(response)
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
        yield PageItem(FetchedPage(
            source=source,
            url=url,
            final_url=response.url,
            status=response.status,
            headers=headers,
            body=response.body,
            fetched_at=fetched_at,
        ))

    def failed(self, failure: Failure) -> Iterable[FailureItem]:
        """Errback: the download itself failed (after retries); record one reason, never raise."""
        request: Request = failure.request  # type: ignore[attr-defined]
        source = request.meta["releasewatch_source"]
        url = request.meta["releasewatch_url"]
        timeout = request.meta.get("download_timeout") or self.settings.getfloat("DOWNLOAD_TIMEOUT")
        yield FailureItem(source, url, reasons.exception_reason(failure.value, url, timeout), self._clock())
