"""file:// under the same size limits as http: Scrapy's own handler reads the whole file at once,
so a configured `file:///dev/zero` (or any huge file) would read until memory runs out.

A page is read up to RELEASEWATCH_PAGE_MAXSIZE and one byte more (the spider then cuts it and
records the cut, as for an http page); anything else (a feed, a sitemap) up to
RELEASEWATCH_SITEMAP_MAXSIZE and one byte more, a larger one marked cut as an http listing is.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.http import Response
from scrapy.responsetypes import responsetypes
from scrapy.utils.asyncio import run_in_thread
from w3lib.url import file_uri_to_path


def read_at_most(path: str, limit: int) -> bytes:
    """The first `limit` bytes of the file (all of it when `limit` is 0)."""
    with Path(path).open("rb") as stream:
        return stream.read(limit) if limit > 0 else stream.read()


class LimitedFileDownloadHandler(BaseDownloadHandler):
    """Scrapy's FileDownloadHandler, reading no more than the request may receive."""

    async def download_request(self, request: Any) -> Response:
        settings = self.crawler.settings
        filepath = file_uri_to_path(request.url)
        if request.meta.get("releasewatch_role") == "page":
            page_limit = settings.getint("RELEASEWATCH_PAGE_MAXSIZE", 0)
            body = await run_in_thread(read_at_most, filepath, page_limit + 1 if page_limit else 0)
        else:
            limit = settings.getint("RELEASEWATCH_SITEMAP_MAXSIZE", 0) or settings.getint("DOWNLOAD_MAXSIZE", 0)
            body = await run_in_thread(read_at_most, filepath, limit + 1 if limit else 0)
            if limit and len(body) > limit:
                request.meta["releasewatch_cut"] = True  # read as far as it goes, as an http listing is
        respcls = responsetypes.from_args(filename=filepath, body=body)
        return respcls(url=request.url, body=body)
