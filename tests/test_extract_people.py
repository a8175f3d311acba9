"""Person names: particles, accents, initials; never common words, studios or sentence openers."""
from __future__ import annotations

import pytest

from pipeline.extract.people import find_names, surname_index

CASES = [
    ("Starring Ana de Armas as Eve Macarro.", ["Ana de Armas", "Eve Macarro"]),
    ("Gabriel Byrne, Catalina Sandino Moreno, Norman Reedus are in the cast.",
     ["Gabriel Byrne", "Catalina Sandino Moreno", "Norman Reedus"]),
    ("Writer Shay Hatten said so.", ["Shay Hatten"]),
    ("Zoë Kravitz met Samuel L. Jackson and J.J. Abrams.", ["Zoë Kravitz", "Samuel L. Jackson", "J.J. Abrams"]),
    ("Ian McShane and Unity Phelan", ["Ian McShane", "Unity Phelan"]),
    ("Greta Gerwig's Barbie", ["Greta Gerwig"]),
    ("Star Trek Beyond and Warner Bros. Pictures", []),
    ("in The Skeleton Twins", []),
    ("Lionsgate and Netflix", []),
]


@pytest.mark.parametrize(("text", "names"), CASES, ids=[c[0][:40] for c in CASES])
def test_find_names(text: str, names: list[str]) -> None:
    assert [n.name for n in find_names(text)] == names
    for n in find_names(text):
        assert text[n.start:n.end] == n.name


def test_surname_index() -> None:
    index = surname_index(["Keanu Reeves", "Ana de Armas", "Chris Pine", "Chris Pratt", "Tom Pine"])
    assert index["reeves"] == "Keanu Reeves" and index["de armas"] == "Ana de Armas"
    assert "pine" not in index  # ambiguous
