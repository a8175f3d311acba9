"""The diff as a pure function: scenario table, one row per situation, plus properties."""
from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claim_factories import T0, next_id, cast_claim, date_claim, director_claim
from pipeline.diff import diff
from pipeline.model import ObservedClaim

def types(events) -> list[str]:
    return sorted(e.type for e in events)


def test_first_claim_is_new():
    c = date_claim("studio", "2025-06-06")
    events = diff([], [c])
    assert [(e.type, e.new_claim_ids) for e in events] == [("new", (c.claim_id,))]


def test_same_source_moves_its_date_is_a_change_with_days():
    old, new = date_claim("studio", "2024-07-07"), date_claim("studio", "2025-06-06")
    events = diff([old], [new])
    assert types(events) == ["changed"]
    (e,) = events
    assert e.old_claim_ids == (old.claim_id,) and e.new_claim_ids == (new.claim_id,)
    assert e.details == {"change": "postponed", "days": 334}


def test_refinement_inside_the_old_interval_ranks_low():
    (e,) = diff([date_claim("studio", "2025")], [date_claim("studio", "2025-06-06")])
    assert (e.type, e.details["change"], e.severity) == ("changed", "refined", "low")


@pytest.mark.parametrize(
    ("a", "b", "conflict"),
    [
        (dict(value="2024-07-07"), dict(value="2025-06-06"), True),  # two sources disagree
        (dict(value="2024-summer"), dict(value="2024-07-07"), False),  # summer vs July
        (dict(value="2025"), dict(value="2025-06-06"), False),  # year contains day
        (dict(value="2025", kind="unspecified"), dict(value="2024-07-07", kind="theatrical"), True),  # unqualified meets primary
        (dict(value="2025-11-21", region="GB", kind="theatrical"), dict(value="2025-11-07"), False),  # UK vs unqualified
        (dict(value="2025-11-21", region="GB"), dict(value="2025-11-07", region="US"), False),  # UK vs US
        (dict(value="2025-06-06", kind="theatrical"), dict(value="2025-09-01", kind="digital"), False),  # theatrical vs digital
        (dict(value="2024-summer", status="previous"), dict(value="2025-06-06"), False),  # previous is history
    ],
)
def test_date_conflict_table(a, b, conflict):
    first, second = date_claim("one", **a), date_claim("two", **b)
    events = diff([first], [first, second])
    assert ("conflict" in types(events)) is conflict


def test_stale_article_is_marked_likely_outdated():
    old_page = date_claim("fan-news", "2024-07-07", published=date(2023, 5, 1))
    new_page = date_claim("cinema", "2025-06-06", published=date(2024, 1, 3))
    (e,) = [e for e in diff([old_page], [old_page, new_page]) if e.type == "conflict"]
    assert e.details == {"assessment": "likely outdated source", "outdated_value": "2024-07-07"}
    assert e.sources == ("cinema", "fan-news")


def test_correction_resolves_the_conflict():
    a, b = date_claim("one", "2024-07-07"), date_claim("two", "2025-06-06")
    fixed = ObservedClaim(next(next_id), a.film_key, a.source, a.url, 2, T0,
                          date_claim("one", "2025-06-06").claim)
    assert types(diff([a, b], [fixed, b])) == ["changed", "resolved"]


def test_actor_with_two_characters_conflicts_and_director_pair_is_low():
    a, b = cast_claim("one", "Ana de Armas", "Eve Macarro"), cast_claim("two", "Ana de Armas", "Rooney")
    assert "conflict" in types(diff([a], [a, b]))
    d1, d2 = director_claim("one", "Len Wiseman"), director_claim("two", "Chad Stahelski")
    (e,) = [e for e in diff([d1], [d1, d2]) if e.type == "conflict"]
    assert e.severity == "low"


def test_unnamed_character_never_conflicts():
    a, b = cast_claim("one", "Ana de Armas", "Rooney"), cast_claim("two", "Ana de Armas", None)
    assert "conflict" not in types(diff([a], [a, b]))


def test_dropped_claim_is_withdrawn_but_a_page_gone_blank_is_drift():
    date_ = date_claim("one", "2025-06-06")
    cast = cast_claim("one", "Ana de Armas", "Rooney")
    assert types(diff([date_, cast], [cast])) == ["withdrawn"]
    assert diff([date_, cast], []) == []


claims_strategy = st.lists(
    st.builds(
        date_claim,
        st.sampled_from(["a", "b", "c"]),
        st.sampled_from(["2024-07-07", "2025-06-06", "2025", "2024-summer", "2025-Q2", "2025-H2"]),
        status=st.sampled_from(["current", "previous"]),
        region=st.sampled_from([None, "US", "GB"]),
        kind=st.sampled_from(["unspecified", "theatrical", "digital"]),
    ),
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(claims_strategy)
def test_diffing_a_state_against_itself_yields_nothing(claims):
    assert diff(claims, claims) == []


@settings(max_examples=200, deadline=None)
@given(claims_strategy, claims_strategy)
def test_diff_is_deterministic(before, now):
    assert diff(before, now) == diff(before, now)


def _moved(claim: ObservedClaim, value: str, **kwargs) -> ObservedClaim:
    """The same page, a later snapshot, saying `value` (with region/kind from kwargs)."""
    newer = date_claim(claim.source, value, **kwargs)
    return ObservedClaim(next(next_id), claim.film_key, claim.source, claim.url, claim.snapshot_id + 1, T0, newer.claim)


@pytest.mark.parametrize(
    ("old", "new", "change"),
    [
        (dict(value="2025-06-06"), dict(value="2025-06-06", kind="theatrical"), "kind added"),
        (dict(value="2025-06-06"), dict(value="2025-06-06", region="US"), "region added"),
        (dict(value="2025-06-06"), dict(value="2025-06-06", region="US", kind="theatrical"), "region and kind added"),
        (dict(value="2025-06-06"), dict(value="2025-08-01", kind="theatrical"), "postponed"),
    ],
)
def test_a_date_that_gains_region_or_kind_is_one_change_not_a_withdrawal(old, new, change):
    before = date_claim("studio", **old)
    events = diff([before], [_moved(before, **new)])
    changed = [e for e in events if e.type == "changed"]
    assert len(changed) == 1 and changed[0].details["change"] == change
    assert "withdrawn" not in types(events)


def test_a_page_that_gives_its_first_date_is_dated():
    cast = cast_claim("cinema", "Ana de Armas", "Rooney")
    dated = date_claim("cinema", "2025-06-06")
    dated = ObservedClaim(dated.claim_id, dated.film_key, "cinema", cast.url, 2, T0, dated.claim)
    events = diff([cast], [cast, dated])
    assert sorted((e.type, e.details.get("change")) for e in events) == [("changed", "dated"), ("new", None)]


def test_a_claim_agreeing_with_the_consensus_raises_no_new_conflict():
    studio, cinema = date_claim("studio", "2025-06-06"), date_claim("cinema", "2025-06-06")
    stale = date_claim("fans", "2024-07-07")
    review = date_claim("review", "2025-summer")
    assert [e.type for e in diff([studio, cinema], [studio, cinema, stale])] == ["conflict"]
    assert diff([studio, cinema, stale], [studio, cinema, stale, review]) == []


def test_a_new_outlier_is_news_even_while_a_conflict_stands():
    studio, cinema = date_claim("studio", "2025-06-06"), date_claim("cinema", "2025-06-06")
    stale, wrong = date_claim("fans", "2024-07-07"), date_claim("blog", "2026")
    events = diff([studio, cinema, stale], [studio, cinema, stale, wrong])
    assert [e.type for e in events] == ["conflict"]
    assert set(events[0].sources) == {"blog", "cinema", "studio", "fans"}


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_one_disagreement_is_one_conflict_whatever_order_the_pages_come_in(order):
    pages = [date_claim("studio", "2027-06-11"), date_claim("cinema", "2027-06-11"), date_claim("fans", "2027-03-05")]
    seen: list = []
    conflicts = 0
    for i in order:
        now = [*seen, pages[i]]
        conflicts += sum(e.type == "conflict" for e in diff(seen, now))
        seen = now
    assert conflicts == 1


def test_a_source_switching_sides_is_a_change_not_a_new_conflict():
    studio, cinema, fans = date_claim("studio", "2025-06-06"), date_claim("cinema", "2025-06-06"), date_claim("fans", "2024-07-07")
    switched = date_claim("cinema", "2024-07-07")
    events = diff([studio, cinema, fans], [studio, switched, fans])
    assert [(e.type, e.sources) for e in events] == [("changed", ("cinema",))]


def test_a_new_value_overturning_the_consensus_is_news():
    studio, fans = date_claim("studio", "2025-06-06"), date_claim("fans", "2024-07-07")
    newcomers = [date_claim(s, "2026-03-01") for s in ("cinema", "blog", "wiki")]
    events = diff([studio, fans], [studio, fans, *newcomers])
    assert [e.type for e in events if e.type != "new"] == ["conflict"]


@pytest.mark.parametrize(
    ("old", "new", "change", "summary_end"),
    [
        ("2025-06-06", "2025-06", "less precise", "(less precise)"),
        ("2025-06-06", "2025-06-07", "postponed", "(postponed by 1 day)"),
        ("2025-06-06", "2025-06-01", "moved earlier", "(moved earlier by 5 days)"),
    ],
)
def test_change_kinds_and_their_wording(old, new, change, summary_end):
    (e,) = diff([date_claim("studio", old)], [date_claim("studio", new)])
    assert e.details["change"] == change and e.summary.endswith(summary_end)


from pipeline.compare import compatible_values  # noqa: E402
from pipeline.diff import _support  # noqa: E402

DATE_VALUES = ["2024-07-07", "2024-07-08", "2024-07", "2024-summer", "2024-Q3", "2024-H2", "2024", "2025-06-06",
               "2025", "2025-06", "2024-holidays", "2024-winter", "2025-02-01"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["release_date", "cast", "director"]),
       st.dictionaries(st.integers(0, 12), st.sets(st.sampled_from("abcdef"), min_size=1), min_size=1))
def test_support_counts_the_sources_of_every_compatible_value(field, picks):
    values = DATE_VALUES if field == "release_date" else ["", "rooney", "eve macarro", "the director"]
    holders = {values[i % len(values)]: sources for i, sources in picks.items()}
    naive = {v: len({s for o, srcs in holders.items() if compatible_values(field, v, o) for s in srcs}) for v in holders}
    assert _support(field, holders) == naive
