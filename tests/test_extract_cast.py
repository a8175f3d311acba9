"""Cast rule: actors (with their characters), never authors, studios, places or film titles."""
from __future__ import annotations

import pytest

from pipeline.config import parse_watchlist
from pipeline.document import read_text
from pipeline.extract import extract_claims


def cast_of(text: str, films: str = "") -> set[tuple[str, str, str | None]]:
    claims = extract_claims(read_text(text, source="t.txt"), parse_watchlist(films) if films else ())
    return {(c.film, c.value, c.character) for c in claims if c.field == "cast"}


CASES = [
    ("In Ballerina, Ana de Armas stars as Eve Macarro.", "Ballerina", {("Ballerina", "Ana de Armas", "Eve Macarro")}),
    ("Ballerina stars Ana de Armas, Ian McShane and Norman Reedus.", "Ballerina",
     {("Ballerina", "Ana de Armas", None), ("Ballerina", "Ian McShane", None), ("Ballerina", "Norman Reedus", None)}),
    ("Rooney, played by Unity Phelan, appears in Parabellum.", "Parabellum", {("Parabellum", "Unity Phelan", "Rooney")}),
    ("Zoë Kravitz plays Catwoman in The Batman.", "The Batman", {("The Batman", "Zoë Kravitz", "Catwoman")}),
    ("Anjelica Huston reprises her role as the head of the Ruska Roma in Ballerina.", "Ballerina",
     {("Ballerina", "Anjelica Huston", None)}),
    ("Gabriel Byrne and Catalina Sandino Moreno have joined the cast of Ballerina.", "Ballerina",
     {("Ballerina", "Gabriel Byrne", None), ("Ballerina", "Catalina Sandino Moreno", None)}),
    ("The Ballerina cast also includes Keanu Reeves (John Wick) and Ian McShane (Winston).", "Ballerina",
     {("Ballerina", "Keanu Reeves", "John Wick"), ("Ballerina", "Ian McShane", "Winston")}),
    ("In Ballerina, the Director (Anjelica Huston) trains Eve.", "Ballerina",
     {("Ballerina", "Anjelica Huston", "The Director")}),
    ("Ballerina is written by Shay Hatten. By Darryl Lara", "Ballerina", set()),
    ("Lionsgate and Netflix star in Ballerina news again.", "Ballerina", set()),
    ("Timothée Chalamet returns as Paul Atreides in Dune: Part Two.", "Dune: Part Two",
     {("Dune: Part Two", "Timothée Chalamet", "Paul Atreides")}),
    ("Pedro Pascal will play Reed Richards in The Fantastic Four: First Steps.",
     "The Fantastic Four: First Steps", {("The Fantastic Four: First Steps", "Pedro Pascal", "Reed Richards")}),
    ("Ballerina features a confirmed appearance from Keanu Reeves.", "Ballerina", {("Ballerina", "Keanu Reeves", None)}),
    ("Ana de Armas will not appear in Ballerina 2.", "Ballerina", set()),
    ("Samuel L. Jackson is in the cast of Ballerina.", "Ballerina", {("Ballerina", "Samuel L. Jackson", None)}),
]


@pytest.mark.parametrize(("text", "films", "expected"), CASES, ids=[c[0][:50] for c in CASES])
def test_cast(text: str, films: str, expected: set[tuple]) -> None:
    assert cast_of(text, films) == expected


def test_surname_resolves_to_full_name() -> None:
    text = "Keanu Reeves returns in Ballerina.\nReeves, along with Ian McShane, reprise their roles in Ballerina."
    assert {v for _, v, _ in cast_of(text, "Ballerina")} == {"Keanu Reeves", "Ian McShane"}


MORE = [
    ("The Ana de Armas-starrer Ballerina opens in June.", "Ballerina", {("Ballerina", "Ana de Armas", None)}),
    ("Pedro Pascal has been tapped to play Reed Richards in The Fantastic Four.", "The Fantastic Four",
     {("The Fantastic Four", "Pedro Pascal", "Reed Richards")}),
    ("The Fantastic Four film, led by Pedro Pascal, opens in July.", "The Fantastic Four",
     {("The Fantastic Four", "Pedro Pascal", None)}),
    ("A concert featuring Taylor Swift sold out.", "Ballerina", set()),
]


@pytest.mark.parametrize(("text", "films", "expected"), MORE, ids=[c[0][:50] for c in MORE])
def test_more_cast(text: str, films: str, expected: set[tuple]) -> None:
    assert cast_of(text, films) == expected


def test_starring_list_with_characters() -> None:
    got = cast_of("Ballerina stars Ana de Armas as Eve, Ian McShane as Winston and Anjelica Huston.", "Ballerina")
    assert got == {("Ballerina", "Ana de Armas", "Eve"), ("Ballerina", "Ian McShane", "Winston"),
                   ("Ballerina", "Anjelica Huston", None)}


def test_alongside_after_a_cast_verb() -> None:
    got = cast_of("Sofia Boutella returns as Kora in Rebel Moon, alongside Djimon Hounsou and Ed Skrein.", "Rebel Moon")
    assert {v for _, v, _ in got} == {"Sofia Boutella", "Djimon Hounsou", "Ed Skrein"}


@pytest.mark.parametrize(("text", "expected"), [
    ("The Ballerina cast, with Ana de Armas as Eve and Ian McShane as Winston, is strong.",
     {("Ballerina", "Ana de Armas", "Eve"), ("Ballerina", "Ian McShane", "Winston")}),
    ("Ballerina was produced with Erica Lee as CEO of the company.", set()),
])
def test_as_pairs(text: str, expected: set[tuple]) -> None:
    assert cast_of(text, "Ballerina") == expected
