"""The diff stage through storage: scenario rows stored with ingest_page on SQLite and PostgreSQL,
asserting the exact events; then rediff, film listing and merging over the same data."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from pipeline.model import Claim, Document, FetchedPage
from pipeline.release_window import window
from storage.db import Database
from storage.ingest import ingest_page
from storage.models import EventRow
from storage.rediff import rediff
from storage.repository import list_events, sync_watchlist
from storage.repository.film_admin import list_films, merge_films
from pipeline.model import WatchFilm

T0 = datetime(2024, 1, 3, 12, tzinfo=timezone.utc)


def rd(value: str, film: str = "Ballerina", status: str = "current", region: str | None = None,
       kind: str = "unspecified") -> Claim:
    w = window(value)
    return Claim(film=film, field="release_date", value=value, evidence=f"{film} opens {value}.", confidence=0.9,
                 extractor="test", precision=w.precision, start=w.start, end=w.end, status=status, region=region, kind=kind)


def cast(actor: str, character: str | None, film: str = "Ballerina") -> Claim:
    return Claim(film=film, field="cast", value=actor, character=character, evidence=f"{actor} as {character}",
                 confidence=0.9, extractor="test")


def put(db: Database, source: str, claims: list[Claim], step: int, published: date | None = None, page: str = "a") -> int:
    """Store one version of `source`'s page `page` at T0 + step minutes; returns the new events."""
    at = T0 + timedelta(minutes=step)
    fetched = FetchedPage(source, f"http://{source}.test/{page}", f"http://{source}.test/{page}", 200, {}, f"{step}".encode(), at)
    with db.session() as s:
        return ingest_page(s, fetched, Document(source=source, text="", published=published), claims,
                           f"hash-{source}-{page}-{step}", None, at).events


def events(db: Database) -> list[tuple]:
    with db.session() as s:
        return [(e.type, e.field, e.details.get("change") or e.details.get("assessment")) for e in list_events(s)]


SCENARIOS = {
    "same source moves its date": (
        [("studio", [rd("2024-07-07")]), ("studio", [rd("2025-06-06")])],
        [("new", "release_date", None), ("changed", "release_date", "postponed")],
    ),
    "two sources disagree": (
        [("studio", [rd("2025-06-06")]), ("fans", [rd("2024-07-07")])],
        [("new", "release_date", None), ("conflict", "release_date", "sources disagree")],
    ),
    "a source corrects itself and the conflict resolves": (
        [("studio", [rd("2025-06-06")]), ("fans", [rd("2024-07-07")]), ("fans", [rd("2025-06-06")])],
        [("new", "release_date", None), ("conflict", "release_date", "sources disagree"),
         ("changed", "release_date", "postponed"), ("resolved", "release_date", None)],
    ),
    "a page drops a claim": (
        [("studio", [rd("2025-06-06"), cast("Ana de Armas", "Rooney")]), ("studio", [cast("Ana de Armas", "Rooney")])],
        [("new", "cast", None), ("new", "release_date", None), ("withdrawn", "release_date", None)],
    ),
    "UK vs US dates": (
        [("uk", [rd("2025-06-05", region="GB", kind="theatrical")]), ("us", [rd("2025-06-06", region="US", kind="theatrical")])],
        [("new", "release_date", None), ("new", "release_date", None)],
    ),
    "summer vs July": (
        [("a", [rd("2024-summer")]), ("b", [rd("2024-07-07")])],
        [("new", "release_date", None)],
    ),
    "a previous date": (
        [("a", [rd("2025-06-06"), rd("2024-summer", status="previous")]), ("b", [rd("2025-06-06")])],
        [("new", "release_date", None)],
    ),
    "an actor given two characters": (
        [("a", [cast("Ana de Armas", "Eve Macarro")]), ("b", [cast("Ana de Armas", "Rooney")])],
        [("new", "cast", None), ("conflict", "cast", "sources disagree")],
    ),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario_events(db: Database, name: str) -> None:
    steps, expected = SCENARIOS[name]
    for step, (source, claims) in enumerate(steps):
        put(db, source, claims, step)
    assert sorted(events(db), key=str) == sorted(expected, key=str)


def test_a_stale_article_is_a_likely_outdated_source(db: Database) -> None:
    put(db, "fans", [rd("2024-07-07")], 0, published=date(2023, 5, 1))
    put(db, "cinema", [rd("2025-06-06", kind="theatrical")], 1, published=date(2024, 1, 3))
    assert ("conflict", "release_date", "likely outdated source") in events(db)


def test_storing_the_same_state_twice_adds_no_event(db: Database) -> None:
    put(db, "a", [rd("2025-06-06")], 0)
    put(db, "b", [rd("2024-07-07")], 1)
    before = events(db)
    put(db, "b", [rd("2024-07-07")], 2)  # a new snapshot saying the same
    assert events(db) == before


def test_rediff_recomputes_the_same_events_and_then_nothing(db: Database) -> None:
    for step, (source, claims) in enumerate(SCENARIOS["a source corrects itself and the conflict resolves"][0]):
        put(db, source, claims, step)
    stored = events(db)
    now = T0 + timedelta(days=1)
    with db.session() as s:
        first = rediff(s, now)
    assert (first.recomputed, first.added, first.no_longer_produced) == (len(stored), 0, ())
    with db.session() as s:
        s.execute(EventRow.__table__.delete().where(EventRow.type == "resolved"))
    with db.session() as s:
        s.add(EventRow(type="conflict", film_id=1, field="director", old_claim_ids=[], new_claim_ids=[], sources=[],
                       summary="made by an older rule", severity="low", details={}, fingerprint="old-rule", detected_at=T0))
    with db.session() as s:
        second = rediff(s, now)
        superseded = s.scalar(select(EventRow.superseded_at).where(EventRow.fingerprint == "old-rule"))
    assert second.added == 1 and len(second.no_longer_produced) == 1 and superseded is not None
    assert sorted(events(db), key=str) == sorted([*stored, ("conflict", "director", None)], key=str)


def test_merge_joins_two_films_keeping_every_claim(db: Database) -> None:
    put(db, "a", [rd("2025-06-06", film="Ballerina")], 0)
    put(db, "b", [rd("2025-06-06", film="From the World of John Wick: Ballerina"), cast("Ana de Armas", "Rooney", film="From the World of John Wick: Ballerina")], 1)
    with db.session() as s:
        assert {f.title: f.claims for f in list_films(s)} == {"Ballerina": 1, "From the World of John Wick: Ballerina": 2}
        outcome = merge_films(s, "ballerina", "FROM THE WORLD OF JOHN WICK: BALLERINA")
    assert (outcome.claims_moved, outcome.kept.claims) == (2, 3)
    with db.session() as s:
        (film,) = list_films(s)
        assert film.aliases == ("From the World of John Wick: Ballerina",)
        sync_watchlist(s, [WatchFilm("Ballerina")])
    put(db, "c", [rd("2025-06-06", film="From the World of John Wick: Ballerina")], 2)
    with db.session() as s:
        assert [(f.title, f.claims) for f in list_films(s)] == [("Ballerina", 4)]
        assert s.scalar(select(EventRow.id).where(EventRow.type == "conflict")) is None


def test_films_sharing_a_title_stay_apart_when_their_years_differ(db: Database) -> None:
    remake = Claim(film="Ballerina", field="director", value="Len Wiseman", evidence="x", confidence=0.9,
                   extractor="test", film_year=2025)
    original = Claim(film="Ballerina", field="director", value="Someone Else", evidence="y", confidence=0.9,
                     extractor="test", film_year=1990)
    undated = Claim(film="BALLERINA", field="director", value="Len Wiseman", evidence="z", confidence=0.9, extractor="test")
    put(db, "a", [remake], 0)
    put(db, "b", [original], 1)
    put(db, "c", [undated], 2)
    with db.session() as s:
        films = {(f.title, f.year): f.claims for f in list_films(s)}
    assert films == {("Ballerina", 2025): 2, ("Ballerina", 1990): 1}
    assert ("conflict", "director", "sources disagree") not in events(db)
