"""Director rule: who directs which film, never a character called "the Director"."""
from __future__ import annotations

import pytest

from pipeline.config import parse_watchlist
from pipeline.document import read_text
from pipeline.extract import extract_claims


def directors_of(text: str, films: str = "") -> set[tuple[str, str]]:
    claims = extract_claims(read_text(text, source="t.txt"), parse_watchlist(films) if films else ())
    return {(c.film, c.value) for c in claims if c.field == "director"}


CASES = [
    ("Ballerina is directed by Len Wiseman.", "Ballerina", {("Ballerina", "Len Wiseman")}),
    ("Ballerina (dir. Len Wiseman, USA) arrives in 2025.", "Ballerina", {("Ballerina", "Len Wiseman")}),
    ("Len Wiseman directs Ballerina.", "Ballerina", {("Ballerina", "Len Wiseman")}),
    ("Len Wiseman will direct the spinoff Ballerina.", "Ballerina", {("Ballerina", "Len Wiseman")}),
    ("Ballerina comes from director Len Wiseman.", "Ballerina", {("Ballerina", "Len Wiseman")}),
    ("Oscar-winning director Bong Joon Ho returns with Mickey 17.", "Mickey 17", {("Mickey 17", "Bong Joon Ho")}),
    ("JOHN WICK director Chad Stahelski is not directing this movie (he did produce). Ballerina opens in June.",
     "Ballerina", {("John Wick", "Chad Stahelski")}),
    ("In Ballerina, the Director (Anjelica Huston) leads the Ruska Roma.", "Ballerina", set()),
    ("Anjelica Huston is returning to Ballerina as The Director.", "Ballerina", set()),
    ("Ballerina casting director Jane Smith found the dancers.", "Ballerina", set()),
    ("Greta Gerwig's Barbie was directed by Greta Gerwig.", "Barbie", {("Barbie", "Greta Gerwig")}),
    ("Denis Villeneuve, who directed Dune: Part Two, is back.", "Dune: Part Two", {("Dune: Part Two", "Denis Villeneuve")}),
    ("Noah Hawley is set to write and direct Star Trek 4.", "Star Trek 4", {("Star Trek 4", "Noah Hawley")}),
    ("Wicked, helmed by Jon M. Chu, opens in November.", "Wicked", {("Wicked", "Jon M. Chu")}),
    ("Ballerina's director Len Wiseman spoke to fans.", "Ballerina", {("Ballerina", "Len Wiseman")}),
    ("Christopher Nolan will not direct the sequel to Tenet.", "Tenet", set()),
]


@pytest.mark.parametrize(("text", "films", "expected"), CASES, ids=[c[0][:50] for c in CASES])
def test_directors(text: str, films: str, expected: set[tuple[str, str]]) -> None:
    assert directors_of(text, films) == expected


MORE = [
    ("The Len Wiseman-directed Ballerina opens in June.", "Ballerina", {("Ballerina", "Len Wiseman")}),
    ("Ballerina comes from filmmaker Len Wiseman.", "Ballerina", {("Ballerina", "Len Wiseman")}),
    ("Greta Gerwig's directorial debut, Lady Bird, won praise.", "Lady Bird", {("Lady Bird", "Greta Gerwig")}),
]


@pytest.mark.parametrize(("text", "films", "expected"), MORE, ids=[c[0][:50] for c in MORE])
def test_more_directors(text: str, films: str, expected: set[tuple[str, str]]) -> None:
    assert directors_of(text, films) == expected


def test_co_directors() -> None:
    text = "Everything Everywhere All at Once was directed by Daniel Kwan and Daniel Scheinert."
    assert directors_of(text, "Everything Everywhere All at Once") == {
        ("Everything Everywhere All at Once", "Daniel Kwan"), ("Everything Everywhere All at Once", "Daniel Scheinert")}
