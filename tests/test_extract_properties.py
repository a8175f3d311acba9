"""Properties: readers and extractors never raise, and every claim they make is well-formed."""
from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.document import read_document, read_html, read_text
from pipeline.extract import extract_claims
from pipeline.model import Document, WatchFilm
from pipeline.release_window import window

WORDS = st.sampled_from([
    "Ballerina", "BALLERINA", "John Wick", "opens", "on", "June 6, 2025", "directed by", "Len Wiseman", "stars",
    "Ana de Armas", "as", "Eve", "the film", "next year", "(", ")", ",", ".", "\n", "\n\n", "originally", "set for",
    "Summer 2024", "the Director", "Q3 2025", "1/3/2024", "Updated", "’s", "“", "”", "—", "Zoë Kravitz", "plays",
])
TEXT = st.one_of(st.text(max_size=400), st.lists(WORDS, max_size=60).map(" ".join))
TAGS = st.sampled_from(["<p>", "</p>", "<div>", "</div>", "<i>", "</i>", "<script>", "</script>", "<html>", "<body>",
                        "<meta charset='latin-1'>", "<title>", "</title>", "<!--", "-->", "<", ">", "&amp;", "&#0;"])
HTML = st.lists(st.one_of(TAGS, WORDS, st.text(max_size=20)), max_size=80).map("".join)
WATCH = (WatchFilm("Ballerina"), WatchFilm("John Wick: Chapter 3 – Parabellum", ("Parabellum",)))


def _check(doc: Document) -> None:
    for c in extract_claims(doc, WATCH):
        assert c.field in ("release_date", "director", "cast")
        assert 0 <= c.confidence <= 1 and c.extractor and c.film
        if c.evidence_start is not None:
            assert doc.text[c.evidence_start:c.evidence_end] == c.evidence
        if c.field == "release_date" and c.value is not None:
            w = window(c.value)
            assert (c.start, c.end) == (w.start, w.end) and c.status in ("current", "previous")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.one_of(st.none(), st.dates()))
def test_text_never_raises(text: str, published: date | None) -> None:
    doc = read_text(text, source="t")
    _check(Document(source="t", text=doc.text, title=doc.title, published=published))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HTML)
def test_html_never_raises(html: str) -> None:
    _check(read_html(html.encode("utf-8", "surrogatepass"), source="h"))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from([None, "text/html", "text/plain", "application/octet-stream"]))
def test_bytes_never_raise(body: bytes, content_type: str | None) -> None:
    _check(read_document(body, source="b", content_type=content_type))
