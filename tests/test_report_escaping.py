"""Property: whatever text a page holds, the HTML and Atom reports show it as text, never as markup."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime, timezone

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from pipeline.reports.atom import _xml, render_atom
from pipeline.reports.build import build_report
from pipeline.reports.html import render_html
from storage.repository.views import ClaimView, EventView

AT = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80).filter(str.strip)
MARKUP = st.sampled_from(["<script>x()</script>", "<img src=x onerror=x()>", "</td></tr></table><b>", "{{ 7*7 }}",
                          "]]><!--", "&amp;&lt;", "\"'><svg onload=x()>"])


def event(film: str, evidence: str, source: str) -> EventView:
    claim = ClaimView(id=1, film=film, film_written=film, field="release_date", value="2027-06-11", precision="day",
                      start=date(2027, 6, 11), end=date(2027, 6, 11), status="current", region=None, kind="theatrical",
                      character=None, evidence=evidence, evidence_start=None, evidence_end=None, confidence=0.9,
                      extractor="test", source=source, url="javascript:alert(1)", fetched_at=AT, published=None,
                      snapshot_id=1)
    return EventView(id=1, type="changed", film=film, field="release_date", region=None, kind="theatrical", actor=None,
                     summary=evidence, severity="normal", detected_at=AT, sources=[source], old=[claim], new=[claim],
                     film_key="k", fingerprint="f")


@settings(max_examples=30, deadline=None)
@given(st.tuples(TEXT, MARKUP, TEXT).map("".join), MARKUP, TEXT)
def test_scraped_text_is_shown_never_interpreted(evidence: str, film: str, source: str) -> None:
    e = event(film, evidence, source)
    view = build_report([e], {}, [], {}, {"k": list(e.old)}, AT)
    tree = lxml_html.fromstring(render_html(view))
    assert not tree.xpath("//script | //img | //b | //comment()[contains(., '[CDATA')]")
    assert not tree.xpath("//svg[@onload] | //*[@onerror]")
    assert all(not href.startswith("javascript:") for href in tree.xpath("//a/@href"))
    shown = " ".join(tree.text_content().split())
    assert " ".join(evidence.split()) in shown and " ".join(film.split()) in shown
    feed = ET.fromstring(render_atom(view).split("\n", 1)[1])
    content = feed.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}content")
    assert content is not None and _xml(evidence) in (content.text or "")
