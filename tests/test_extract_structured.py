"""Claims from schema.org Movie / ScreeningEvent objects."""
from __future__ import annotations

from pipeline.extract import extract_claims
from pipeline.extract.structured import structured_claims
from pipeline.model import Document, WatchFilm

MOVIE = {
    "@type": "Movie", "name": "BALLERINA", "datePublished": "2025-06-06",
    "director": [{"@type": "Person", "name": "Len Wiseman"}],
    "actor": [{"@type": "Person", "name": "Ana de Armas"},
              {"@type": "PerformanceRole", "characterName": "Winston", "actor": {"@type": "Person", "name": "Ian McShane"}}],
}


def test_movie_claims_resolve_to_watchlist() -> None:
    claims = list(structured_claims([MOVIE], [WatchFilm("Ballerina")]))
    got = {(c.film, c.field, c.value, c.character) for c in claims}
    assert got == {("Ballerina", "director", "Len Wiseman", None), ("Ballerina", "cast", "Ana de Armas", None),
                   ("Ballerina", "cast", "Ian McShane", "Winston"), ("Ballerina", "release_date", "2025-06-06", None)}
    assert all(c.extractor.startswith("structured.") for c in claims)


def test_screening_dates_are_not_releases() -> None:
    event = {"@type": "ScreeningEvent", "startDate": "2025-06-10T19:00", "workPresented": {**MOVIE}}
    fields = {c.field for c in structured_claims([event])}
    assert "release_date" not in fields and "director" in fields


def test_extract_claims_uses_structured_data() -> None:
    doc = Document(source="x", text="", structured=(MOVIE,))
    assert any(c.field == "director" for c in extract_claims(doc))


def test_film_year_from_the_text() -> None:
    from pipeline.config import parse_watchlist
    from pipeline.document import read_text

    doc = read_text("Ballerina (2025) is directed by Len Wiseman.", source="t")
    assert {c.film_year for c in extract_claims(doc, parse_watchlist("Ballerina"))} == {2025}
