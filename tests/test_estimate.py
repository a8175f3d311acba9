"""Best current estimate and learned reliability, as scenario tables over plain claims."""
from __future__ import annotations

from datetime import date

import pytest

from pipeline.estimate import estimates, learn_reliability
from claim_factories import cast_claim, date_claim

TODAY = date(2024, 3, 1)


def best(claims, trust=None):
    (e,) = [e for e in estimates(claims, trust or {}, TODAY) if e.group[1] == "release_date"]
    return e


@pytest.mark.parametrize(
    ("claims", "trust", "winner"),
    [
        # more independent sources beat one
        ([("a", "2025-06-06"), ("b", "2025-06-06"), ("c", "2024-07-07")], {}, "2025-06-06"),
        # a trusted studio beats a low-trust fan site
        ([("studio", "2025-06-06"), ("fans", "2024-07-07")], {"studio": 0.95, "fans": 0.3}, "2025-06-06"),
        # precise value wins when nothing contradicts it
        ([("a", "2025"), ("b", "2025-06-06")], {}, "2025-06-06"),
        ([("a", "2024-summer"), ("b", "2024-07-07"), ("c", "2024-07-07")], {}, "2024-07-07"),
    ],
)
def test_winner_table(claims, trust, winner):
    assert best([date_claim(s, v, published=TODAY) for s, v in claims], trust).value == winner


def test_recent_article_outweighs_old_one_of_equal_trust():
    old = date_claim("fans", "2024-07-07", published=date(2023, 3, 1))
    new = date_claim("cinema", "2025-06-06", published=date(2024, 1, 3))
    e = best([old, new])
    assert e.value == "2025-06-06" and e.dissenting_sources == ("fans",)
    assert e.reason == "1 of 2 source(s): cinema; against: fans"


def test_a_source_votes_once_however_many_pages():
    claims = [date_claim("big", "2024-07-07", published=TODAY) for _ in range(5)]
    claims += [date_claim("x", "2025-06-06", published=TODAY), date_claim("y", "2025-06-06", published=TODAY)]
    assert best(claims).value == "2025-06-06"


def test_previous_dates_do_not_vote():
    e = best([date_claim("a", "2024-summer", status="previous", published=TODAY), date_claim("a", "2025-06-06", published=TODAY)])
    assert e.value == "2025-06-06" and e.supporting_sources == ("a",)


def test_cast_estimate_picks_a_character():
    claims = [cast_claim("a", "Ana de Armas", "Rooney"), cast_claim("b", "Ana de Armas", "Rooney"),
              cast_claim("c", "Ana de Armas", "Eve Macarro")]
    (e,) = estimates(claims, {}, TODAY)
    assert (e.subject, e.shown) == ("Ana de Armas", "Rooney")


def test_learned_reliability_drops_for_a_source_that_keeps_disagreeing():
    claims = []
    for film in ("f1", "f2", "f3", "f4"):
        claims += [date_claim("good1", "2025-06-06", film=film, published=TODAY),
                   date_claim("good2", "2025-06-06", film=film, published=TODAY),
                   date_claim("wrong", "2024-01-01", film=film, published=TODAY)]
    learned = learn_reliability(claims, {"good1": 0.5, "good2": 0.5, "wrong": 0.5}, TODAY)
    assert learned["wrong"] < 0.3 < 0.7 < learned["good1"]


def test_cast_with_no_role_named_is_still_an_estimate():
    (e,) = estimates([cast_claim("a", "Lance Reddick", None), cast_claim("b", "Lance Reddick", None)], {}, TODAY)
    assert (e.subject, e.shown, e.supporting_sources) == ("Lance Reddick", "", ("a", "b"))
