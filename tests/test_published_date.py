"""A page's own publication date: each rule of pipeline/published_date.py on an invented page."""
from __future__ import annotations

from datetime import date

import pytest

from pipeline.document import read_html

BODY = "<p>" + "The festival programme was announced this week, with ninety films from forty countries. " * 4 + "</p>"


def page(article: str, *, before: str = "", after: str = "", lang: str = "en") -> bytes:
    return (f"<!doctype html><html lang='{lang}'><head><title>Festival | Site</title></head><body>{before}"
            f"<article><h1>Festival line-up announced</h1>{article}{BODY}</article>{after}</body></html>").encode()


TEASER = "<aside><p class='publication'><time datetime='2019-09-22T07:30:29Z' pubdate>22 septembre</time></p></aside>"
COMMENTS = "".join(f"<div class='comment'><time datetime='2019-07-{d:02d}'>{d} juillet</time><p>Merci.</p></div>"
                   for d in (30, 12, 3))

CASES = [
    ("the URL's day beats metadata", "https://news.example/2020/02/24/line-up/",
     page("<meta itemprop='datePublished' content='2020-02-25'>"), date(2020, 2, 24)),
    ("a marked date under the headline beats a teaser's marked date above it", None,
     page("<p class='publication'>Le <time datetime='2019-06-28T13:49:45Z'>28 juin 2019</time></p>", before=TEASER,
          lang="fr"), date(2019, 6, 28)),
    ("a date written under the headline beats the comments' unmarked <time>", None,
     page("<ul class='info'><li>27 juin 2019</li><li>Par Elba</li></ul>", after=COMMENTS, lang="fr"),
     date(2019, 6, 27)),
    ("an unmarked <time> when nothing else dates the page", None,
     page("<p><time datetime='2021-03-04'>yesterday</time></p>"), date(2021, 3, 4)),
    ("a US page's 1/3/2024 is January 3", None,
     page("<p class='date'>1/3/2024 • 4 min read</p>", lang="en-US"), date(2024, 1, 3)),
    ("a British page's 1/3/2024 is March 1", None,
     page("<p class='date'>1/3/2024 • 4 min read</p>", lang="en-GB"), date(2024, 3, 1)),
    ("a copyright year is not a publication day", None,
     page("", after="<footer><p>Copyright 2019 Festival News. All rights reserved.</p></footer>"), None),
]


@pytest.mark.parametrize(("name", "url", "body", "expected"), CASES, ids=[c[0] for c in CASES])
def test_published_date_rules(name: str, url: str | None, body: bytes, expected: date | None) -> None:
    assert read_html(body, source="p.html", url=url).published == expected


def test_a_feed_date_stands_in_for_guesses() -> None:
    body = page("", after="<footer><p>Copyright 2019 Festival News.</p></footer>")
    assert read_html(body, source="p.html", published_hint=date(2023, 5, 2)).published == date(2023, 5, 2)
