"""Release-date rule: one sentence (or a short text) in, the release-date claims out."""
from __future__ import annotations

from datetime import date

import pytest

from pipeline.config import parse_watchlist
from pipeline.document import read_text
from pipeline.extract import extract_claims
from pipeline.model import Document


def dates_of(text: str, films: str = "", published: date | None = None) -> set[tuple]:
    doc = read_text(text, source="t.txt")
    if published:
        doc = Document(source=doc.source, text=doc.text, title=doc.title, published=published)
    claims = extract_claims(doc, parse_watchlist(films) if films else ())
    return {(c.film, c.value, c.status) for c in claims if c.field == "release_date"}


CASES = [
    # (text, watch-list, published, expected {(film, value, status)})
    ("Lionsgate has set a June 6, 2025 release date for Ballerina.", "Ballerina", None,
     {("Ballerina", "2025-06-06", "current")}),
    ("Dune: Part Two hits theaters on March 1, 2024.", "Dune: Part Two", None,
     {("Dune: Part Two", "2024-03-01", "current")}),
    ("Warner Bros. moved Dune: Part Two from November 3, 2023 to March 15, 2024.", "Dune: Part Two", None,
     {("Dune: Part Two", "2023-11-03", "previous"), ("Dune: Part Two", "2024-03-15", "current")}),
    ("The sequel was originally set for summer 2024 but now opens in December 2024.", "Sequel X", None, set()),
    ("Mission: Impossible 8 was originally dated for June 28, 2024. It now arrives May 23, 2025.",
     "Mission: Impossible 8", None,
     {("Mission: Impossible 8", "2024-06-28", "previous"), ("Mission: Impossible 8", "2025-05-23", "current")}),
    ("Paddington in Peru opens in the UK on 8 November 2024.", "Paddington in Peru", None,
     {("Paddington in Peru", "2024-11-08", "current")}),
    ("Nosferatu arrives in theaters on Christmas Day, 2024.", "Nosferatu", None,
     {("Nosferatu", "2024-12-25", "current")}),
    ("Superman is slated for release in Q3 2025.", "Superman", None, {("Superman", "2025-Q3", "current")}),
    ("Avatar 3 is scheduled to hit theaters in late 2025.", "Avatar 3", None, {("Avatar 3", "2025-H2", "current")}),
    ("Wicked will be released this holiday season.", "Wicked", date(2024, 5, 2),
     {("Wicked", "2024-holidays", "current")}),
    ("Wicked will be released next year.", "Wicked", date(2024, 5, 2), {("Wicked", "2025", "current")}),
    ("Wicked will be released next year.", "Wicked", None, {("Wicked", None, "current")}),
    ("The film opened to $80 million on the weekend of June 7, 2024.", "Inside Out 2", None, set()),
    ("The Inside Out 2 trailer was released on November 9, 2023.", "Inside Out 2", None, set()),
    ("Keanu Reeves, born September 2, 1964, stars in John Wick.", "John Wick", None, set()),
    ("Joker: Folie à Deux premiered at the Venice Film Festival on September 4, 2024.", "Joker: Folie à Deux", None,
     {("Joker: Folie à Deux", "2024-09-04", "current")}),
    ("Civil War will be streaming on Max starting September 13, 2024.", "Civil War", None,
     {("Civil War", "2024-09-13", "current")}),
    ("The Fall Guy arrives on Blu-ray and DVD July 30, 2024.", "The Fall Guy", None,
     {("The Fall Guy", "2024-07-30", "current")}),
    ("Sony pushed Spider-Man: Beyond the Spider-Verse back from March 29, 2024.",
     "Spider-Man: Beyond the Spider-Verse", None, {("Spider-Man: Beyond the Spider-Verse", "2024-03-29", "previous")}),
    ("Deadpool & Wolverine opens Friday.", "Deadpool & Wolverine", date(2024, 7, 23),
     {("Deadpool & Wolverine", "2024-07-26", "current")}),
    ("BALLERINA opens on June 6, 2025.", "", None, {("Ballerina", "2025-06-06", "current")}),
    ("Gladiator II will hit cinemas on 15/11/2024 in Britain.", "Gladiator II", None,
     {("Gladiator II", "2024-11-15", "current")}),
    ("Furiosa: A Mad Max Saga is due out May 24, 2024.", "Furiosa: A Mad Max Saga|Furiosa", None,
     {("Furiosa: A Mad Max Saga", "2024-05-24", "current")}),
    ("Furiosa opens May 24.", "Furiosa: A Mad Max Saga|Furiosa", date(2024, 3, 1),
     {("Furiosa: A Mad Max Saga", "2024-05-24", "current")}),
    ("The article was published on March 3, 2024 about Furiosa.", "Furiosa", None, set()),
    ("Coming this summer: Furiosa (May 24, 2024) and Inside Out 2 (June 14, 2024).", "Furiosa, Inside Out 2", None,
     {("Furiosa", "2024-05-24", "current"), ("Inside Out 2", "2024-06-14", "current")}),
    ("The film, set in 1985, opens on June 6, 2025.", "Ballerina", None, set()),
    ("The trailer for Twisters, which hits theaters July 19, played before both films.", "", date(2024, 6, 16),
     {("Twisters", "2024-07-19", "current")}),
    ("Inside Out 2 opened to $155 million over the June 14-16 weekend.", "Inside Out 2", None, set()),
    ("Will Smith, who turns 56 on September 25, 2024, stars in Bad Boys: Ride or Die.", "Bad Boys: Ride or Die", None,
     set()),
    ("Lionsgate has set ‘Ballerina’ for June 7, 2024.", "Ballerina", None, {("Ballerina", "2024-06-07", "current")}),
    ("Snyder previously directed Army of the Dead, which hit Netflix in May 2021.", "", None,
     {("Army of the Dead", "2021-05", "current")}),
    ("Ballerina, set in 1985, opens on June 6, 2025.", "Ballerina", None, {("Ballerina", "2025-06-06", "current")}),
    # the date of a statement or of the article, not of a release
    ("Lionsgate confirmed the date on Monday, ending months of guessing about Ballerina.", "Ballerina",
     date(2024, 3, 6), set()),
    ("The studio first dated the film in March, after Ballerina missed its summer window.", "Ballerina",
     date(2024, 5, 2), set()),
    ("Update, November 2, 2024: Lionsgate has moved Ballerina again.", "Ballerina", None, set()),
    ("Lionsgate announced on Monday that Ballerina opens June 6, 2025.", "Ballerina", date(2024, 3, 6),
     {("Ballerina", "2025-06-06", "current")}),
    ("Lionsgate confirmed that Ballerina will open on June 6, 2025.", "Ballerina", None,
     {("Ballerina", "2025-06-06", "current")}),
    ("Lionsgate dated the film for June 6, 2025, and Ballerina is now in post-production.", "Ballerina", None,
     {("Ballerina", "2025-06-06", "current")}),
]


@pytest.mark.parametrize(("text", "films", "published", "expected"), CASES, ids=[c[0][:50] for c in CASES])
def test_release_dates(text: str, films: str, published: date | None, expected: set[tuple]) -> None:
    assert dates_of(text, films, published) == expected


KIND_CASES = [
    ("Ballerina opens exclusively in movie theaters on June 6, 2025.", "theatrical", None),
    ("Ballerina premieres on Netflix on June 6, 2025.", "digital", None),
    ("Ballerina arrives on 4K UHD and Blu-ray on June 6, 2025.", "physical", None),
    ("Ballerina opens in U.S. theaters on June 6, 2025.", "theatrical", "US"),
    ("Ballerina opens in the UK on June 6, 2025.", "unspecified", "GB"),
    ("Ballerina opens in select theaters on June 6, 2025.", "limited", None),
    ("Ballerina had its world premiere at Cannes on May 16, 2025.", "premiere", None),
    ("Ballerina is set for June 6, 2025.", "unspecified", None),
]


@pytest.mark.parametrize(("text", "kind", "region"), KIND_CASES, ids=[c[0][:50] for c in KIND_CASES])
def test_kind_and_region(text: str, kind: str, region: str | None) -> None:
    claims = [c for c in extract_claims(read_text(text, source="t"), parse_watchlist("Ballerina")) if c.field == "release_date"]
    assert [(c.kind, c.region) for c in claims] == [(kind, region)]
    c = claims[0]
    assert c.evidence == text and c.evidence_start == 0 and c.evidence_end == len(text)
    assert 0 < c.confidence <= 1 and c.extractor.startswith("release_date")


def test_numeric_dates_follow_the_page_locale() -> None:
    text = "Gladiator II opens in cinemas on 06/07/2024."
    base = read_text(text, source="t")
    for language, value in (("en-GB", "2024-07-06"), ("en-US", "2024-06-07")):
        doc = Document(source="t", text=base.text, language=language)
        got = {c.value for c in extract_claims(doc, parse_watchlist("Gladiator II")) if c.field == "release_date"}
        assert got == {value}
