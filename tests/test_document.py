"""Reading bytes into a Document: charsets, metadata dates, main text, and bad input."""
from __future__ import annotations

import gzip
import json
from datetime import date

import pytest

from conftest import need_shared
from pipeline.document import decode, read_document, read_html, read_text, url_date

ARTICLE = "<p>" + "Ballerina opens in theaters on June 6, 2025, Lionsgate said in a statement today. " * 3 + "</p>"


def page(head: str = "", body: str = ARTICLE, lang: str = "en") -> bytes:
    return f"<!doctype html><html lang='{lang}'><head>{head}<title>T | Site</title></head><body><article>" \
           f"<h1>Ballerina gets a date</h1>{body}</article></body></html>".encode()


DECODE_CASES = [
    ("utf-8 bom", b"\xef\xbb\xbfZo\xc3\xab", None, "Zoë"),
    ("header charset", "Zoë".encode("cp1252"), {"Content-Type": "text/html; charset=windows-1252"}, "Zoë"),
    ("meta charset", b"<meta charset='iso-8859-1'>Zo\xeb", None, "<meta charset='iso-8859-1'>Zoë"),
    ("utf-8 despite latin-1 label", b"<meta charset='iso-8859-1'>Zo\xc3\xab", None, "<meta charset='iso-8859-1'>Zoë"),
    ("unknown label", b"<meta charset='x-klingon'>Zo\xc3\xab", None, "<meta charset='x-klingon'>Zoë"),
    ("utf-16 bom", "\ufeffZoë".encode("utf-16-le"), None, "Zoë"),
]


@pytest.mark.parametrize(("name", "body", "headers", "expected"), DECODE_CASES, ids=[c[0] for c in DECODE_CASES])
def test_decode(name: str, body: bytes, headers: dict | None, expected: str) -> None:
    text, _ = decode(body, headers)
    assert text.lstrip("\ufeff") == expected


DATE_CASES = [
    ("json-ld", '<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2024-01-03T10:00:00-05:00",'
                '"dateModified":"2024-02-22"}</script>', "", "en", date(2024, 1, 3), date(2024, 2, 22)),
    ("graph", '<script type="application/ld+json">{"@graph":[{"@type":"WebSite"},{"@type":"Article",'
              '"datePublished":"2023-05-01"}]}</script>', "", "en", date(2023, 5, 1), None),
    ("meta", '<meta property="article:published_time" content="2022-10-06T08:00:00Z">'
             '<meta property="article:modified_time" content="2022-10-07">', "", "en", date(2022, 10, 6), date(2022, 10, 7)),
    ("time", "", "<time datetime='2021-03-04' pubdate>March 4</time>", "en", date(2021, 3, 4), None),
    ("visible US", "", "<p class='date'>1/3/2024 • 4 min read</p><p class='date'>(Updated 02/22/2024)</p>", "en-US",
     date(2024, 1, 3), date(2024, 2, 22)),
    ("visible day-first", "", "<p class='date'>1/3/2024</p>", "en-GB", date(2024, 3, 1), None),
]


@pytest.mark.parametrize(("name", "head", "extra", "lang", "published", "updated"), DATE_CASES, ids=[c[0] for c in DATE_CASES])
def test_html_dates(name: str, head: str, extra: str, lang: str, published: date, updated: date | None) -> None:
    doc = read_html(page(head, extra + ARTICLE, lang), source="p.html")
    assert (doc.published, doc.updated) == (published, updated)


def test_html_title_text_and_structured() -> None:
    head = ('<meta property="og:title" content="Ballerina gets a date">'
            '<script type="application/ld+json">{"@type":"Movie","name":"Ballerina","director":{"@type":"Person",'
            '"name":"Len Wiseman"}}</script>')
    doc = read_html(page(head, "<nav>Home | News</nav>" + ARTICLE + "<p>Starring <i>Ana de Armas</i>.</p>"), source="p.html")
    assert doc.title == "Ballerina gets a date"
    assert "June 6, 2025" in doc.text and "Home | News" not in doc.text
    assert any(o.get("@type") == "Movie" for o in doc.structured)
    assert doc.language == "en"


def test_url_date() -> None:
    assert url_date("https://pagesix.com/2020/02/24/former-wh-press/") == date(2020, 2, 24)
    assert url_date("https://web.archive.org/web/20130217080612/http://tv-orange.de/2012/08/future/") is None
    assert url_date(None) is None


def test_read_text_dates_and_title() -> None:
    doc = read_text("Skip to Main Content\nBallerina: Here's What We Know\n\n1/3/2024 • 4 min read\n\n"
                    "(Updated 02/22/2024)Ballerina | Cinemark\n\nBallerina is coming to theaters on July 7, 2024.", source="t")
    assert (doc.published, doc.updated) == (date(2024, 1, 3), date(2024, 2, 22))
    assert doc.title == "Ballerina: Here's What We Know"
    assert read_text("Ballerina is coming to theaters on July 7, 2024.", source="t").published is None
    assert read_text("Rebel Moon news\nUpdated 12/01/2023\n\nIt debuts December 22.", source="t").updated == date(2023, 12, 1)


def test_read_document_dispatch() -> None:
    html = page()
    assert "June 6, 2025" in read_document(html, source="a").text
    assert "June 6, 2025" in read_document(gzip.compress(html), source="a.html.gz").text
    plain = read_document(b"Ballerina opens June 6, 2025.", source="a.txt", content_type="text/plain")
    assert plain.text == "Ballerina opens June 6, 2025."


BAD_INPUT = [
    ("empty", b""),
    ("whitespace", b"   \n "),
    ("binary", bytes(range(256)) * 40),
    ("broken markup", b"<html><body><p>Ballerina <b>opens <i>June 6, 2025</p></div></span><<<>>"),
    ("deep nesting", b"<html><body>" + b"<div>" * 100_000 + b"Ballerina opens June 6, 2025." + b"</div>" * 100_000),
    ("unknown encoding", b"<meta charset='x-unknown'>\xff\xfe\x00\x81 Ballerina"),
    ("nul bytes", b"<html>\x00<body>\x00Ballerina\x00</body></html>"),
    ("xml declaration", b"<?xml version='1.0' encoding='utf-8'?><html><body><p>Ballerina</p></body></html>"),
]


@pytest.mark.parametrize(("name", "body"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_never_raises(name: str, body: bytes) -> None:
    for doc in (read_html(body, source="x"), read_document(body, source="x")):
        assert isinstance(doc.text, str)
    from pipeline.extract import extract_claims

    extract_claims(read_html(body, source="x"))


def test_empty_page_warns() -> None:
    assert read_html(b"", source="x").warnings
    assert read_text("", source="x").warnings


def test_huge_page_is_truncated_with_a_warning() -> None:
    body = b"<html><body>" + b"<p>Ballerina opens in theaters on June 6, 2025.</p>" * 400_000 + b"</body></html>"
    assert len(body) > 20_000_000
    doc = read_html(body, source="huge")
    assert any("truncated" in w for w in doc.warnings)


# htmldate alone (find_date, extensive_search=True, original_date=True) gets 136 of the 156 dated
# corpus pages right; bench/extract.py prints both figures.
HTMLDATE_RIGHT = 136


def test_corpus_published_dates() -> None:
    """Publication dates of the shared corpus pages with a gold date: at least as many right as htmldate."""
    corpus = need_shared("corpus")
    ok = total = 0
    for line in (corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if not rec["published"]:
            continue
        doc = read_html(gzip.decompress((corpus / rec["file"]).read_bytes()), source=rec["file"], url=rec["url"])
        total += 1
        ok += bool(doc.published and doc.published.isoformat() == rec["published"])
    assert total == 156 and ok >= HTMLDATE_RIGHT
