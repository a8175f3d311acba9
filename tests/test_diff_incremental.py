"""The replay's shortcuts give exactly what the plain diff gives.

A replay step (pipeline.replay.ClaimState.step) diffs one page's new version against the slots the
state keeps, looking only at the keys and groups that page can affect. It is checked here against
the plain `diff` over everything, on generated claims of several pages, films, regions, kinds and
fields.
"""
from __future__ import annotations

from datetime import timedelta
from itertools import count

from hypothesis import example, given, settings
from hypothesis import strategies as st

from claim_factories import T0
from pipeline.diff import diff
from pipeline.model import Event
from pipeline.model import Claim, ObservedClaim
from pipeline.release_window import window
from pipeline.replay import ClaimState, SnapshotClaims, replay

PAGES = ["a", "b", "c", "d"]
ids = count(1_000_000)


@st.composite
def claim_facts(draw: st.DrawFn) -> tuple[str, Claim]:
    film = draw(st.sampled_from(["ballerina", "dune"]))
    field = draw(st.sampled_from(["release_date", "release_date", "cast", "director"]))
    if field == "release_date":
        value = draw(st.sampled_from(["2024-07-07", "2025-06-06", "2025", "2024-summer", "2025-Q2", "2025-H2"]))
        w = window(value)
        claim = Claim(film.title(), field, value, "x", 0.9, "test", precision=w.precision, start=w.start, end=w.end,
                      status=draw(st.sampled_from(["current", "current", "previous"])),
                      region=draw(st.sampled_from([None, None, "US", "GB"])),
                      kind=draw(st.sampled_from(["unspecified", "theatrical", "digital"])))
    elif field == "cast":
        claim = Claim(film.title(), field, draw(st.sampled_from(["Ana de Armas", "ANA DE ARMAS", "Keanu Reeves"])),
                      "x", 0.9, "test", character=draw(st.sampled_from([None, "Eve", "Rooney", "the Director"])))
    else:
        claim = Claim(film.title(), field, draw(st.sampled_from(["Len Wiseman", "Chad Stahelski"])), "x", 0.9, "test")
    return film, claim


def _observed(page: str, snapshot_id: int, facts: list[tuple[str, Claim]], minutes: int = 0) -> tuple[ObservedClaim, ...]:
    return tuple(ObservedClaim(next(ids), film, page, f"http://{page}.test/", snapshot_id, T0 + timedelta(minutes=minutes),
                               claim) for film, claim in facts)


def _page_claims(page: str, facts: list[tuple[str, Claim]]) -> list[ObservedClaim]:
    return list(_observed(page, PAGES.index(page) + 1, facts))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["a", "b", "d"]), st.lists(claim_facts(), max_size=5)),
       st.lists(claim_facts(), max_size=5), st.lists(claim_facts(), max_size=5))
def test_a_replay_step_equals_the_plain_diff(others, old_facts, new_facts):
    lower = [c for page in sorted(others) if page < "c" for c in _page_claims(page, others[page])]
    upper = [c for page in sorted(others) if page > "c" for c in _page_claims(page, others[page])]
    old, new = _page_claims("c", old_facts), _page_claims("c", new_facts)
    assert _step("c", [*lower, *upper], old, new) == _sorted(diff([*lower, *old, *upper], [*lower, *new, *upper]))


def _step(page: str, others: list[ObservedClaim], old: list[ObservedClaim], new: list[ObservedClaim]) -> list[Event]:
    """The events of `page` going from `old` to `new` in a state holding `others`, as a replay gets them."""
    state = ClaimState()
    by_page: dict[tuple[str, str], list[ObservedClaim]] = {}
    for c in others:
        by_page.setdefault((c.source, c.url), []).append(c)
    state.load(by_page)
    key = (page, f"http://{page}.test/")
    state.apply(key, tuple(old))
    return _sorted(state.step(key, tuple(new)))


def _sorted(events: list[Event]) -> list[Event]:
    # A step takes keys in a fixed order of its own (test_replay_emits_its_events_in_the_same_order...).
    return sorted(events, key=lambda e: (e.fingerprint, e.summary))


def _replay_by_hand(history: list[SnapshotClaims]) -> list[tuple[int, str, str]]:
    """Every snapshot diffed over every claim of every page: no shortcut at all."""
    state = ClaimState()
    found = []
    for snap in history:
        every_page = sorted(state._by_page)
        before = [c for page in every_page for c in state.claims_of(page)]
        state.apply((snap.source, snap.url), snap.claims)
        after = [c for page in sorted(state._by_page) for c in state.claims_of(page)]
        found += sorted((snap.snapshot_id, e.fingerprint, e.summary) for e in diff(before, after))
    return found


def _cast(actor: str, character: str) -> tuple[str, Claim]:
    return "ballerina", Claim("Ballerina", "cast", actor, "x", 0.9, "test", character=character)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PAGES), st.lists(claim_facts(), max_size=5)), max_size=7))
# Pages coming in out of order: the conflict's wording quotes the first page's spelling in page order.
@example([("d", [_cast("ANA DE ARMAS", "Eve")]), ("a", [_cast("Ana de Armas", "Eve")]),
          ("b", [_cast("Ana de Armas", "Rooney")])])
def test_replay_equals_diffing_everything_at_every_snapshot(versions):
    history = []
    for n, (page, facts) in enumerate(versions, start=1):
        history.append(SnapshotClaims(page, f"http://{page}.test/", n, T0 + timedelta(minutes=n),
                                      _observed(page, n, facts, minutes=n)))
    replayed = sorted((r.snapshot_id, r.event.fingerprint, r.event.summary) for r in replay(history))
    assert replayed == sorted(_replay_by_hand(history))


def test_a_page_that_changes_the_primary_kind_moves_other_pages_claims_between_groups():
    # Theatrical (a) vs an unqualified date (b) conflict while theatrical is the primary kind; when
    # c gives the digital date too, digital becomes primary, b's claim joins it, and the theatrical
    # group's conflict is over, though c never said anything theatrical.
    def one(page: str, value: str, kind: str) -> list[tuple[str, Claim]]:
        w = window(value)
        return [("ballerina", Claim("Ballerina", "release_date", value, "x", 0.9, "test", precision=w.precision,
                                    start=w.start, end=w.end, status="current", kind=kind))]
    lower = [*_page_claims("a", one("a", "2024-07-07", "theatrical")), *_page_claims("b", one("b", "2025-06-06", "unspecified"))]
    upper = _page_claims("d", one("d", "2025-06-06", "digital"))
    new = _page_claims("c", one("c", "2025-06-06", "digital"))
    events = _step("c", [*lower, *upper], [], new)
    assert events == _sorted(diff([*lower, *upper], [*lower, *new, *upper]))
    assert [e.type for e in events if e.type != "new"] == ["resolved"]


_ORDER_SCRIPT = """
from datetime import datetime, timedelta, timezone
from pipeline.model import Claim, ObservedClaim
from pipeline.release_window import window
from pipeline.replay import SnapshotClaims, replay

def date(film, value, kind="unspecified", region=None):
    w = window(value)
    return film, Claim(film.title(), "release_date", value, "x", 0.9, "t", precision=w.precision, start=w.start,
                       end=w.end, status="current", kind=kind, region=region)

def cast(film, actor, character):
    return film, Claim(film.title(), "cast", actor, "x", 0.9, "t", character=character)

a = [date("dune", "2025-06-06"), date("ballerina", "2025-06-06", "theatrical"), cast("dune", "Ana", "Eve"),
     cast("dune", "Bob", "X"), cast("ballerina", "Keanu", "John")]
b = [date("dune", "2024-07-07"), date("ballerina", "2024", "digital", "US"), cast("dune", "Ana", "Rooney"),
     cast("dune", "Bob", "Y"), cast("ballerina", "Keanu", "Jim")]
t0 = datetime(2025, 1, 1, tzinfo=timezone.utc)
history = [
    SnapshotClaims(page, "http://" + page, n, t0 + timedelta(minutes=n), tuple(
        ObservedClaim(n * 100 + i, film, page, "http://" + page, n, t0 + timedelta(minutes=n), claim)
        for i, (film, claim) in enumerate(facts)))
    for n, (page, facts) in enumerate([("a", a), ("b", b), ("a", b), ("b", [])], start=1)
]
print([r.event.fingerprint for r in replay(history)])
"""


def test_replay_emits_its_events_in_the_same_order_in_every_process():
    # Events are stored in the order the replay emits them; sets of keys iterate by string hashes,
    # which Python salts per process, so an order taken from a set differs from run to run.
    import os
    import subprocess
    import sys

    outputs = {
        subprocess.run([sys.executable, "-c", _ORDER_SCRIPT], env={**os.environ, "PYTHONHASHSEED": seed},
                       capture_output=True, text=True, check=True).stdout
        for seed in ("1", "2", "3", "4")
    }
    assert len(outputs) == 1 and outputs.pop().count(",") > 5
