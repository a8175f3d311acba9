"""Events that were wrong or hidden (issue 10, defect 9): a date pushed back on a page that drops
the kind it named is a change of that source's line, not `withdrawn` plus a new date; a source
naming an actor without a role never resolves a dispute over the role.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from itertools import count

from claim_factories import cast_claim, date_claim
from conftest import need_shared
from pipeline.compare import name_key
from pipeline.diff import diff
from pipeline.document import read_text
from pipeline.extract import extract_claims
from pipeline.model import ObservedClaim, WatchFilm
from pipeline.replay import SnapshotClaims, replay

T0 = datetime(2025, 1, 6, tzinfo=timezone.utc)
ids = count(10_000)


def observed(source: str, text: str, snapshot: int, films: tuple[WatchFilm, ...], url: str | None = None
             ) -> SnapshotClaims:
    """The claims a real extraction reads off `text`, as `source` would store them."""
    at = T0 + timedelta(days=snapshot)
    url = url or f"http://{source}.test/article"
    claims = tuple(ObservedClaim(next(ids), name_key(c.film), source, url, snapshot, at, c)
                   for c in extract_claims(read_text(text, source=source), films))
    return SnapshotClaims(source, url, snapshot, at, claims)


def events_of(history: list[SnapshotClaims]) -> list[tuple[int, str, str]]:
    """(snapshot, type, summary) of every event a replay of `history` gives, checked against the full diff."""
    replayed = replay(history)
    state: dict[tuple[str, str], tuple[ObservedClaim, ...]] = {}
    for snap in history:  # the incremental replay and the whole-state diff must agree at every step
        before = [c for claims in state.values() for c in claims]
        state[(snap.source, snap.url)] = snap.claims
        now = [c for claims in state.values() for c in claims]
        assert sorted(e.fingerprint for e in diff(before, now)) == sorted(
            r.event.fingerprint for r in replayed if r.snapshot_id == snap.snapshot_id)
    return [(r.snapshot_id, r.event.type, r.event.summary) for r in replayed]


SALT_ROAD = (WatchFilm("The Salt Road"),)


def test_a_date_pushed_back_without_a_kind_is_a_change_of_the_same_line() -> None:
    history = [observed("fans", "The Salt Road opens in theaters on March 14, 2025.", 1, SALT_ROAD),
               observed("fans", "The Salt Road has been pushed back from March 14, 2025 to November 7, 2025.", 2,
                        SALT_ROAD)]
    assert [e for e in events_of(history) if e[0] == 2] == [
        (2, "changed", "fans changed 2025-03-14 → 2025-11-07 (postponed by 238 days)")]


def test_a_previous_date_naming_the_old_value_continues_the_line_whatever_the_primary_kind() -> None:
    def snap(snapshot: int, *claims: ObservedClaim) -> SnapshotClaims:
        return SnapshotClaims(claims[0].source, claims[0].url, snapshot, T0, claims)

    # Two sources make digital the primary kind; the cinema's theatrical date moves, its new page naming no kind.
    history = [snap(1, date_claim("stream", "2025-05-01", kind="digital")),
               snap(2, date_claim("vod", "2025-05-01", kind="digital")),
               snap(3, date_claim("cinema", "2025-03-14", kind="theatrical")),
               snap(4, date_claim("cinema", "2025-03-14", status="previous"), date_claim("cinema", "2025-11-07"))]
    # (The undated new date joins the primary, digital, group: disagreeing with it there is a conflict of its own.)
    assert [e[1:] for e in events_of(history) if e[0] == 4 and e[1] != "conflict"] == [
        ("changed", "cinema changed 2025-03-14 → 2025-11-07 (postponed by 238 days)")]


def test_a_source_naming_no_role_never_resolves_a_dispute_over_the_role() -> None:
    history = [SnapshotClaims(c.source, c.url, i, T0, (c,)) for i, c in enumerate(
        [cast_claim("a", "Ana de Armas", "Eve Macarro"), cast_claim("b", "Ana de Armas", "Rooney"),
         cast_claim("c", "Ana de Armas", None)], start=1)]
    assert [e[:2] for e in events_of(history)] == [(1, "new"), (2, "conflict")]


def test_a_vague_date_never_resolves_a_dispute_over_the_day() -> None:
    history = [SnapshotClaims(c.source, c.url, i, T0, (c,)) for i, c in enumerate(
        [date_claim("a", "2025-03-14"), date_claim("b", "2025-11-07"), date_claim("c", "2025")], start=1)]
    assert [e[:2] for e in events_of(history)] == [(1, "new"), (2, "conflict")]


def test_on_the_seeds_ana_de_armas_role_stays_disputed() -> None:
    seeds = need_shared("seeds")
    films = (WatchFilm("Ballerina", ("From the World of John Wick: Ballerina",)),)
    history = [observed(f"seed{i}", (seeds / name).read_text(encoding="utf-8"), i, films)
               for i, name in enumerate(["000_d4dba62f4916e266.txt", "001_acb52c5fdf4fc9a6.txt",
                                         "002_0e3b033ef0c6f9ca.txt"], start=1)]
    events_of(history)  # the replay and the full diff agree
    about_her = [(r.snapshot_id, r.event.type, r.event.summary) for r in replay(history) if r.event.actor == "Ana de Armas"]
    assert [e[:2] for e in about_her] == [(1, "new"), (2, "conflict")]
    assert "Eve Macarro" in about_her[-1][2] and "Rooney" in about_her[-1][2]
