"""Reading sitemaps as a stream: sitemap.xml, sitemap index files, gzip'd sitemaps, Google News sitemaps.

Scrapy's `scrapy.utils.sitemap.Sitemap` already parses lazily with lxml's iterparse and frees each
<url> element once read; it only needs the whole body as bytes and drops nested elements such as
<news:news><news:publication_date>. `NewsSitemap` reads from a file object instead (so a gzip'd
sitemap is decompressed while it is parsed, never held whole) and keeps the news publication date.
A crawl stops reading once it has the pages it wants (max_pages), so a sitemap listing a million
URLs costs what its first few thousand cost.
"""
from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

import lxml.etree
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from scrapers.errors import NotASitemap, TooLarge

__all__ = ["NewsSitemap", "SitemapEntry", "open_sitemap", "sitemap_urls_from_robots", "entry_date"]

_GZIP_MAGIC = b"\x1f\x8b"


class _Capped(io.RawIOBase):
    """A readable stream that raises TooLarge once more than `limit` bytes were read from it."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self._stream, self._limit, self.read_bytes = stream, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(len(buffer))
        self.read_bytes += len(data)
        if self.read_bytes > self._limit:
            raise TooLarge(self._limit)
        buffer[:len(data)] = data
        return len(data)


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """One <url> or <sitemap> of a sitemap: where, and the dates it gives."""

    loc: str
    lastmod: date | None
    published: date | None  # news:publication_date


class NewsSitemap(Sitemap):
    """scrapy's Sitemap over a file object, keeping <news:publication_date> of Google News sitemaps."""

    def __init__(self, stream: IO[bytes]) -> None:  # noqa: D107 - same promise as Sitemap
        self.xmliter = lxml.etree.iterparse(
            stream, recover=True, remove_comments=True, resolve_entities=False, remove_blank_text=True,
            collect_ids=False, remove_pis=True, events=("start", "end"), no_network=True, huge_tree=False,
        )
        try:
            _, root = next(self.xmliter)
        except (StopIteration, lxml.etree.XMLSyntaxError) as exc:
            raise NotASitemap("not XML" if isinstance(exc, StopIteration) else f"not XML ({exc})") from None
        self.type = self._get_tag_name(root)
        if self.type not in ("urlset", "sitemapindex"):
            raise NotASitemap(f"its root element is <{self.type}>, not <urlset> or <sitemapindex>")

    def _process_sitemap_element(self, elem: lxml.etree._Element) -> dict[str, Any] | None:
        published = None
        for child in elem.iter():
            if self._get_tag_name(child) == "publication_date" and child.text:
                published = child.text.strip()
        found = super()._process_sitemap_element(elem)
        if found is not None and published:
            found["publication_date"] = published
        return found

    def entries(self) -> Iterator[SitemapEntry]:
        """The <url>/<sitemap> entries in document order, parsed as they are reached."""
        for d in self:
            loc = (d.get("loc") or "").strip()
            if loc:
                yield SitemapEntry(loc, entry_date(d.get("lastmod")), entry_date(d.get("publication_date")))


def entry_date(text: str | None) -> date | None:
    """The date of a W3C datetime ("2026-11-01", "2026-11-01T08:00:00+00:00"); None when unreadable."""
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def open_sitemap(body: bytes, limit: int) -> NewsSitemap:
    """A sitemap reader over `body`, gunzipping on the fly when it is gzip'd.

    Reading more than `limit` uncompressed bytes raises TooLarge (a gzip bomb, or a sitemap far
    beyond the protocol's 50 MB); anything that is not a sitemap raises NotASitemap.
    """
    raw: IO[bytes] = io.BytesIO(body)
    if body[:2] == _GZIP_MAGIC:
        raw = gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[assignment]
    head = body.lstrip()[:1] if body[:2] != _GZIP_MAGIC else b"<"
    if head not in (b"<", b"\xef"):
        raise NotASitemap("not XML")
    return NewsSitemap(io.BufferedReader(_Capped(raw, limit)))
