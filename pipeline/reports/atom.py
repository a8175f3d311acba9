"""Events as an Atom feed (RFC 4287) for feed readers.

Entry ids are tag URIs built from the event's fingerprint, which the diff derives from what the
event is about, so an entry keeps its id across rediffs, databases and report runs; a feed reader
shows each event once. ElementTree writes the XML, so scraped text is always escaped.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from pipeline.report import _old_new, _what
from pipeline.reports.views import ReportView

ATOM = "http://www.w3.org/2005/Atom"
TAG_AUTHORITY = "releasewatch.invalid,2024"


# Characters XML 1.0 cannot hold at all, even escaped; a scraped page may contain them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _sub(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}", {k: _xml(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _xml(text)
    return element


def render_atom(view: ReportView, width: int = 80) -> str:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    films = view.filters.get("films") or []
    scope = "/".join(sorted(films)) if films else "all"
    _sub(feed, "id", f"tag:{TAG_AUTHORITY}:report/{scope}")
    _sub(feed, "title", "releasewatch: " + (", ".join(films) if films else "all films"))
    newest = max((e.event.detected_at for e in view.events), default=view.generated_at)
    _sub(feed, "updated", newest.isoformat())
    author = _sub(feed, "author")
    _sub(author, "name", "releasewatch")
    _sub(feed, "generator", "releasewatch")
    for item in view.events:
        e = item.event
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"tag:{TAG_AUTHORITY}:event/{e.fingerprint or e.id}")
        _sub(entry, "title", f"{e.type}: {e.film} · {_what(e)}")  # type: ignore[arg-type]
        _sub(entry, "updated", e.detected_at.isoformat())
        _sub(entry, "category", term=e.type)
        for claim in (*e.new, *e.old):
            _sub(entry, "link", rel="related", href=claim.url, title=claim.source)
        lines = [f"{_old_new(e)}", e.summary]  # type: ignore[arg-type]
        for side, claims in (("old", e.old), ("new", e.new)):
            lines += [f"{side} {c.value or c.character or ''} [{c.source}] {c.url}: “{c.evidence}”" for c in claims]
        if item.review:
            lines.append(f"reviewed by {item.review.by} at {item.review.at.isoformat()}"
                         + (f": {item.review.note}" if item.review.note else ""))
        _sub(entry, "content", "\n".join(lines), type="text")
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
