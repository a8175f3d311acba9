"""Which films a text names: watch-list matching, discovery, modifiers and topics."""
from __future__ import annotations

import pytest

from pipeline.extract.films import find_films, title_variants
from pipeline.extract.sentences import split_sentences
from pipeline.film_identity import film_key
from pipeline.model import WatchFilm

PARABELLUM = WatchFilm("John Wick: Chapter 3 – Parabellum")

WATCH_CASES = [
    ("BALLERINA opens in June.", WatchFilm("Ballerina"), ["BALLERINA"]),
    ("She trained as a ballerina for years.", WatchFilm("Ballerina"), []),
    ("Ballerina 2 is in development.", WatchFilm("Ballerina"), []),
    ("The Ballerinas are here.", WatchFilm("Ballerina"), []),
    ("John Wick: Chapter 3 - Parabellum was a hit.", PARABELLUM, ["John Wick: Chapter 3 - Parabellum"]),
    ("JOHN WICK: CHAPTER 3 — PARABELLUM was a hit.", PARABELLUM, ["JOHN WICK: CHAPTER 3 — PARABELLUM"]),
    ("In John Wick 3, Keanu fights.", PARABELLUM, ["John Wick 3"]),
    ("PARABELLUM ends badly for Wick.", PARABELLUM, ["PARABELLUM"]),
    ("John Wick: Chapter 3 ends badly.", PARABELLUM, ["John Wick: Chapter 3"]),
    ("John Wick started it all.", PARABELLUM, []),
]


@pytest.mark.parametrize(("text", "film", "written"), WATCH_CASES, ids=[c[0][:40] for c in WATCH_CASES])
def test_watchlist_matching(text: str, film: WatchFilm, written: list[str]) -> None:
    index = find_films(text, split_sentences(text), [film])
    assert [m.written for m in index.mentions if m.watched] == written
    assert all(m.film == film.title for m in index.mentions if m.watched)


def test_variants_never_drop_to_the_franchise() -> None:
    keys = {film_key(v) for v in title_variants(PARABELLUM)}
    assert "john wick" not in keys
    assert {"john wick 3", "parabellum", "john wick chapter 3"} <= keys


DISCOVERY = [
    ("Ballerina (dir. Len Wiseman, USA) arrives in 2025.", "Ballerina"),
    ("Lionsgate has set a release date for Ballerina this week.", "Ballerina"),
    ("Ballerina is coming to theaters on July 7, 2024.", "Ballerina"),
    ("There is no BALLERINA trailer yet.", "Ballerina"),
    ("Erica Lee hopes for a ‘Ballerina 2’ soon.", "Ballerina 2"),
    ("Rooney, played by Unity Phelan, in John Wick: Chapter 3 – Parabellum.", "John Wick: Chapter 3 – Parabellum"),
    ("Warner Bros. moved Godzilla x Kong: The New Empire to April.", "Godzilla x Kong: The New Empire"),
    ("Box Office: 'Inside Out 2' Scores. The first Inside Out was released in 2015.", "Inside Out"),
    ("Meanwhile, Bad Boys: Ride or Die, starring Will Smith, earned $33 million.", "Bad Boys: Ride or Die"),
]


@pytest.mark.parametrize(("text", "title"), DISCOVERY, ids=[c[0][:40] for c in DISCOVERY])
def test_discovery_without_watchlist(text: str, title: str) -> None:
    assert title in find_films(text, split_sentences(text)).titles


@pytest.mark.parametrize("text", ["Keanu Reeves stars in it.", "The USA and the UK agree.", "Oscar-winning director X."])
def test_no_false_titles(text: str) -> None:
    assert not find_films(text, split_sentences(text)).titles


def test_modifiers_and_topic() -> None:
    text = ("The JOHN WICK movie series began in 2014.\n\nBALLERINA is a spinoff. The film stars Ana de Armas.\n\n"
            "Rooney appears in PARABELLUM. As John Wick enters, she dances. She is played by Unity Phelan.")
    sentences = split_sentences(text)
    index = find_films(text, sentences, [WatchFilm("Ballerina"), WatchFilm("John Wick"), PARABELLUM])
    assert [m.modifier for m in index.mentions if m.written == "JOHN WICK"] == [True]
    assert index.main == "Ballerina"
    by_text = {s.text: index.topic(s) for s in sentences}
    assert by_text["The film stars Ana de Armas."] == "Ballerina"
    assert by_text["She is played by Unity Phelan."] == PARABELLUM.title


@pytest.mark.parametrize(("title", "variant", "present"), [
    ("Mission: Impossible – Dead Reckoning Part One", "Mission: Impossible", False),
    ("Mission: Impossible – Dead Reckoning Part One", "Dead Reckoning Part One", True),
    ("Dune: Part Two", "Dune 2", True),
    ("Dune: Part Two", "Dune", False),
    ("Kill Bill: Vol. 2", "Kill Bill 2", True),
])
def test_title_variants(title: str, variant: str, present: bool) -> None:
    keys = {film_key(v) for v in title_variants(WatchFilm(title))}
    assert (film_key(variant) in keys) == present


def test_emphasis_hints() -> None:
    text = "Never have I seen this. We watched Whiplash twice, and Never is my answer."
    index = find_films(text, split_sentences(text), emphasis=("Whiplash", "Never", "Very"))
    assert "Whiplash" in index.titles and "Very" not in index.titles


@pytest.mark.parametrize(
    ("text", "one_film"),
    [
        ("KNIVES AT DAWN: CHAPTER 2 — HOLLOWAY opens in May. HOLLOWAY ends badly for the hero.", "Knives at Dawn: Chapter 2 — Holloway"),
        ("The studio dated the sequel Nightjar II: The Long Dusk this week. Nightjar II opens in theaters in 2027.",
         "Nightjar II: The Long Dusk"),
    ],
)
def test_short_forms_of_a_discovered_title_are_the_same_film(text: str, one_film: str) -> None:
    index = find_films(text, split_sentences(text))
    assert {m.film for m in index.mentions if not m.modifier} == {one_film}

