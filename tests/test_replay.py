"""Replaying history gives the events the crawls gave, and nothing new the second time."""
from __future__ import annotations

from datetime import timedelta

from claim_factories import T0, date_claim
from pipeline.diff import diff
from pipeline.model import ObservedClaim
from pipeline.replay import SnapshotClaims, replay


def _snap(source: str, snapshot_id: int, *claims: ObservedClaim, minutes: int = 0) -> SnapshotClaims:
    url = f"http://{source}.test/a"
    moved = tuple(ObservedClaim(c.claim_id, c.film_key, source, url, snapshot_id, T0, c.claim) for c in claims)
    return SnapshotClaims(source, url, snapshot_id, T0 + timedelta(minutes=minutes), moved)


def test_replay_tells_new_conflict_change_and_resolution():
    history = [
        _snap("studio", 1, date_claim("studio", "2025-06-06"), minutes=1),
        _snap("fans", 2, date_claim("fans", "2024-07-07"), minutes=2),
        _snap("fans", 3, date_claim("fans", "2025-06-06"), minutes=3),
    ]
    events = [r.event for r in replay(history)]
    assert [e.type for e in events] == ["new", "conflict", "changed", "resolved"]
    assert events[2].details == {"change": "postponed", "days": 334}


def test_replay_matches_incremental_diffs_and_is_stable():
    a1 = date_claim("a", "2025")
    b1 = date_claim("b", "2024-07-07", film="dune")
    a2 = date_claim("a", "2026-01-01")
    history = [_snap("a", 1, a1, minutes=1), _snap("b", 2, b1, minutes=2), _snap("a", 3, a2, minutes=3)]
    first = [r.event.fingerprint for r in replay(history)]
    assert first == [r.event.fingerprint for r in replay(history)]
    by_hand = diff([], list(history[0].claims)) + diff([], list(history[1].claims)) + diff(list(history[0].claims), list(history[2].claims))
    assert sorted(first) == sorted(e.fingerprint for e in by_hand)


def test_a_page_gone_blank_is_not_a_withdrawal():
    history = [_snap("a", 1, date_claim("a", "2025"), minutes=1), _snap("a", 2, minutes=2)]
    assert [r.event.type for r in replay(history)] == ["new"]
