"""A page's own publication and update dates, from the strongest evidence it offers.

Order of trust, measured on the 156 dated pages of the shared corpus (`bench/extract.py`):
  1. the day in the URL path (/2020/02/24/): newsrooms build it from the publication day;
  2. metadata that says "published": JSON-LD of an article, <meta> tags, a <time> or element marked
     datePublished / pubdate / "publish" (the one under the headline first: teasers of other
     articles carry the same markup);
  3. htmldate, which reads the dates written around the headline in many languages and formats
     ("2. August 2012", "27 juin 2019") better than any short list of ours;
  4. the first <time> of the page, unmarked: often a comment's or a teaser's date, hence so late;
  5. dates printed near the top of the text ("1/3/2024 • 4 min read"); they also settle which of
     day and month a numeric date names, which htmldate cannot know from the page's locale;
  6. htmldate's extensive search of the whole page's text, slow, for pages where nothing else did.
A feed's date for the page (`hint`) stands in for steps 3-5 when the page has no metadata.
"""
from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from pipeline.errors import MissingDependency
from pipeline.extract.dates import visible_dates

_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "og:published_time", "datepublished", "pubdate",
    "publishdate", "publish-date", "published_time", "date", "dc.date.issued", "dc.date", "dcterms.created",
    "dcterms.date", "sailthru.date", "parsely-pub-date", "article.published", "citation_publication_date",
    "originalpublicationdate", "displaydate", "cxenseparse:recs:publishtime", "publication_date",
)
_UPDATED_META = (
    "article:modified_time", "og:updated_time", "og:article:modified_time", "datemodified", "dcterms.modified",
    "last-modified", "lastmod", "article.updated", "modified_time",
)
_ARTICLE_TYPES = {"NewsArticle", "Article", "BlogPosting", "ReportageNews", "Review", "WebPage", "AnalysisNewsArticle",
                  "OpinionNewsArticle", "ReviewNewsArticle", "CriticReview", "TechArticle", "LiveBlogPosting"}
_MARKED_PUBLISHED = (
    "//time[@datetime][@itemprop='datePublished' or @pubdate or contains(@class,'publish')]"
    " | //*[@itemprop='datePublished'][@datetime or @content]"
    " | //*[contains(@class,'publication') or contains(@class,'published')]/time[@datetime]"
)
_URL_DATE = re.compile(r"/((?:19|20)\d\d)/(0[1-9]|1[0-2])/(0[1-9]|[12]\d|3[01])(?:/|$)")


@dataclass(frozen=True, slots=True)
class MetadataDates:
    """What the markup says: `published` from marked metadata, `first_time` from an unmarked <time>."""

    published: date | None
    updated: date | None
    first_time: date | None


def iso_date(value: Any) -> date | None:
    """The calendar day of an ISO-like timestamp ("2020-02-24T10:00:00Z", "20200224"), else None."""
    if not isinstance(value, str):
        return None
    m = re.search(r"((?:19|20)\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])", value)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def url_date(url: str | None) -> date | None:
    """The day a URL path names (/2020/02/24/...): newsrooms put the publication day there."""
    if not url:
        return None
    url = re.sub(r"^https?://web\.archive\.org/web/\d+\w*/", "", url)
    m = _URL_DATE.search(url)
    try:
        return date(int(m[1]), int(m[2]), int(m[3])) if m else None
    except ValueError:
        return None


def _after_headline(tree: Any, elements: list[Any]) -> list[Any]:
    """`elements` with those that follow the page's first <h1> first, each group in page order."""
    headline = next(iter(tree.iter("h1")), None)
    if headline is None or len(elements) < 2:
        return elements
    order = {el: i for i, el in enumerate(tree.iter())}
    start = order.get(headline, 0)
    return sorted(elements, key=lambda el: (order.get(el, 0) < start, order.get(el, 0)))


def metadata_dates(tree: Any, objects: list[dict[str, Any]]) -> MetadataDates:
    """Publication and update days stated by structured data, <meta> tags and <time> elements."""
    published = updated = None
    for obj in objects:
        types = obj.get("@type")
        types = set(types) if isinstance(types, list) else {types}
        if types & _ARTICLE_TYPES or "datePublished" in obj and "Movie" not in types:
            published = published or iso_date(obj.get("datePublished") or obj.get("dateCreated"))
            updated = updated or iso_date(obj.get("dateModified"))
    metas: dict[str, str] = {}
    for meta in tree.iterfind(".//meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or meta.get("http-equiv") or "").lower()
        if key and key not in metas and meta.get("content"):
            metas[key] = meta.get("content")
    for key in _PUBLISHED_META:
        if published:
            break
        published = iso_date(metas.get(key))
    for key in _UPDATED_META:
        if updated:
            break
        updated = iso_date(metas.get(key))
    if published is None:
        for t in _after_headline(tree, tree.xpath(_MARKED_PUBLISHED)[:20])[:3]:
            published = iso_date(t.get("datetime") or t.get("content"))
            if published:
                break
    first_time = None
    if published is None:
        for t in tree.xpath("//article//time[@datetime] | //header//time[@datetime] | //time[@datetime]")[:1]:
            first_time = iso_date(t.get("datetime"))
    return MetadataDates(published, updated, first_time)


def htmldate_date(tree: Any, url: str | None, *, extensive: bool) -> date | None:
    """htmldate's original date; run after the main text is read: htmldate may clean the tree.

    The extensive search also parses free text (with dateparser, slow on its first calls in a
    process), so it is kept for pages where nothing else found a date.
    """
    try:
        find_date = importlib.import_module("htmldate").find_date
    except ImportError as exc:
        raise MissingDependency("htmldate", str(exc)) from exc
    try:
        return iso_date(find_date(tree, url=url, extensive_search=extensive, original_date=True))
    except (Exception, RecursionError):  # noqa: BLE001 - a helper's failure only loses the date
        return None


def visible_head_text(tree: Any) -> str:
    """Short text of the date and byline elements, where sites print "1/3/2024" or "Updated 02/22/2024"."""
    parts: list[str] = []
    for el in tree.xpath("//time | //*[contains(@class,'date') or contains(@class,'byline')]")[:12]:
        text = " ".join(el.text_content().split())
        if 4 <= len(text) <= 200:
            parts.append(text)
    return "\n".join(parts)


def page_dates(
    tree: Any, objects: list[dict[str, Any]], *, url: str | None, text: str, day_first: bool, hint: date | None,
) -> tuple[date | None, date | None]:
    """(published, updated) of an HTML page whose main text is `text`, in this module's order of trust."""
    found = metadata_dates(tree, objects)
    updated = found.updated
    published = url_date(url) or found.published
    if published is not None:
        return published, updated
    seen_published, seen_updated = visible_dates(visible_head_text(tree) + "\n" + text, day_first=day_first)
    updated = updated or seen_updated
    if hint is not None:
        return found.first_time or seen_published or hint, updated
    searched = htmldate_date(tree, url, extensive=False)
    if searched and seen_published and _swapped(searched, seen_published):
        return seen_published, updated  # "1/3/2024": htmldate does not know the page's locale, we do
    if searched or found.first_time or seen_published:
        return searched or found.first_time or seen_published, updated
    searched = htmldate_date(tree, url, extensive=True)
    if searched and (searched.month, searched.day) == (1, 1):
        searched = None  # a year alone ("© 2019"), padded to January 1st: not a day the page names
    return searched, updated


def _swapped(a: date, b: date) -> bool:
    """Whether `a` is `b` with day and month read the other way round."""
    return a != b and a.year == b.year and (a.month, a.day) == (b.day, b.month)
