"""storage.repository: what a crawl writes and what the diff and reports read back.

Every test runs on SQLite and on PostgreSQL (the `db` fixture).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from pipeline.config import SourceConfig
from pipeline.model import Claim, Document, Event, FetchedPage, WatchFilm
from storage import repository as repo
from storage.db import Database
from storage.errors import NotFound
from storage.models import ClaimRow, Film, Page, Source

PARIS = timezone(timedelta(hours=2))
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
URL = "https://variety.example/ballerina-date"

BALLERINA = WatchFilm("Ballerina", ("From the World of John Wick: Ballerina",), 2025)
DUNE = WatchFilm("Dune: Part Three")

JUNE_6 = Claim(
    "Ballerina", "release_date", "2025-06-06", "Ballerina opens in US theaters on June 6, 2025.", 0.92,
    "sentence-date", film_written="BALLERINA", precision="day", start=date(2025, 6, 6), end=date(2025, 6, 6),
    status="current", region="US", kind="theatrical", evidence_start=120, evidence_end=168,
)
SUMMER_2024 = Claim(
    "Ballerina", "release_date", "2024-summer", "It was originally planned for summer 2024.", 0.8,
    "sentence-date", precision="season", start=date(2024, 6, 1), end=date(2024, 8, 31), status="previous",
    kind="unspecified", evidence_start=0, evidence_end=44,
)
UNRESOLVED = Claim("Ballerina", "release_date", None, "It arrives next year.", 0.3, "relative-date", kind="unspecified")
DIRECTOR = Claim("Ballerina", "director", "Len Wiseman", "Directed by Len Wiseman.", 0.95, "jsonld-director")
CAST = Claim("Ballerina", "cast", "Ana de Armas", "Ana de Armas stars as Eve Macarro.", 0.9, "cast-as",
             character="Eve Macarro", evidence_start=5, evidence_end=40)
DUNE_DIRECTOR = Claim("Dune: Part Three", "director", "Denis Villeneuve", "Villeneuve returns to direct.", 0.7, "rule")


def fetched(url: str = URL, at: datetime = T0, source: str = "variety", **headers: str) -> FetchedPage:
    return FetchedPage(source, url, url + "?amp", 200, dict(headers), b"<html></html>", at,
                       published_hint=date(2025, 2, 20))


def document(source: str = "variety", published: date | None = date(2025, 2, 27)) -> Document:
    return Document(source, "text", title="Ballerina gets a date", published=published, updated=date(2025, 2, 28))


def store(db: Database, claims: list[Claim], *, url: str = URL, at: datetime = T0, source: str = "variety",
          content_hash: str | None = None) -> repo.StoredSnapshot:
    with db.session() as s:
        return repo.store_snapshot(s, fetched(url, at, source), document(source), claims,
                                   content_hash or f"hash-{at.isoformat()}-{len(claims)}")


def event(fingerprint: str, film_key: str = "ballerina", new: tuple[int, ...] = (), old: tuple[int, ...] = (),
          type_: str = "new") -> Event:
    return Event(type_, film_key, "release_date", "US", "theatrical", None, old, new, ("variety",),  # type: ignore[arg-type]
                 f"event {fingerprint}", fingerprint, details={"why": fingerprint})


@pytest.mark.parametrize("claim", [JUNE_6, SUMMER_2024, UNRESOLVED, DIRECTOR, CAST], ids=lambda c: c.extractor)
def test_a_claim_round_trips_through_current_claims(db: Database, claim: Claim) -> None:
    fetched_in_paris = T0.astimezone(PARIS)
    stored = store(db, [claim], at=fetched_in_paris)
    with db.session() as s:
        [observed] = repo.current_claims(s)
    assert observed.claim == claim
    assert observed.claim_id == stored.claim_ids[0] and observed.snapshot_id == stored.snapshot_id
    assert (observed.film_key, observed.source, observed.url) == ("ballerina", "variety", URL)
    assert observed.seen_at == T0 and observed.seen_at.tzinfo == timezone.utc
    assert observed.published == date(2025, 2, 27)


def test_store_snapshot_reports_ids_and_films(db: Database) -> None:
    stored = store(db, [JUNE_6, DIRECTOR, DUNE_DIRECTOR])
    assert len(stored.claim_ids) == 3 and len(set(stored.claim_ids)) == 3
    assert stored.film_keys == {"ballerina", "dune part three"}
    with db.session() as s:
        assert repo.last_content_hash(s, "variety", URL) == f"hash-{T0.isoformat()}-3"
        counts = repo.counts(s)
    assert (counts["sources"], counts["pages"], counts["snapshots"], counts["claims"], counts["films"]) == (1, 1, 1, 3, 2)


def test_published_falls_back_to_the_feed_date(db: Database) -> None:
    with db.session() as s:
        page = fetched()
        repo.store_snapshot(s, page, document(published=None), [DIRECTOR], "h")
        [observed] = repo.current_claims(s)
    assert observed.published == date(2025, 2, 20)


def test_only_the_latest_snapshot_of_a_page_is_current(db: Database) -> None:
    first = store(db, [JUNE_6, DIRECTOR], at=T0)
    other_page = store(db, [DUNE_DIRECTOR], url="https://variety.example/dune", at=T0)
    second = store(db, [replace(JUNE_6, value="2025-06-13", start=date(2025, 6, 13), end=date(2025, 6, 13))],
                   at=T0 + timedelta(days=1))
    # A slow worker delivering an older fetch afterwards must not roll the page back.
    store(db, [SUMMER_2024], at=T0 + timedelta(hours=1))
    with db.session() as s:
        current = repo.current_claims(s)
        assert {o.claim_id for o in current} == set(second.claim_ids) | set(other_page.claim_ids)
        assert [o.claim.value for o in current if o.url == URL] == ["2025-06-13"]
        assert repo.film_keys_of_page(s, "variety", URL) == {"ballerina"}
        assert repo.film_keys_of_page(s, "variety", "https://unknown.example/") == frozenset()
        assert repo.last_content_hash(s, "variety", URL) == f"hash-{(T0 + timedelta(days=1)).isoformat()}-1"
        assert repo.last_content_hash(s, "variety", "https://unknown.example/") is None
        # History is kept: every claim ever stored is still there.
        assert repo.counts(s)["claims"] == len(first.claim_ids) + 1 + 1 + 1


def test_a_page_that_stops_naming_a_film_has_no_current_claims_for_it(db: Database) -> None:
    store(db, [JUNE_6, DUNE_DIRECTOR], at=T0)
    store(db, [DUNE_DIRECTOR], at=T0 + timedelta(days=1))
    with db.session() as s:
        assert repo.current_claims(s, ["ballerina"]) == []
        assert repo.film_keys_of_page(s, "variety", URL) == {"dune part three"}


def test_current_claims_for_some_films_by_key_or_alias_key(db: Database) -> None:
    with db.session() as s:
        repo.sync_watchlist(s, [BALLERINA, DUNE])
    store(db, [JUNE_6, DUNE_DIRECTOR])
    store(db, [CAST], url="https://deadline.example/cast", source="deadline")
    with db.session() as s:
        assert {o.claim.field for o in repo.current_claims(s, {"ballerina"})} == {"release_date", "cast"}
        assert {o.film_key for o in repo.current_claims(s, ["from the world of john wick ballerina"])} == {"ballerina"}
        assert [o.claim.value for o in repo.current_claims(s, ["dune part three"])] == ["Denis Villeneuve"]
        assert repo.current_claims(s, []) == []
        assert len(repo.current_claims(s)) == 3


def test_save_events_is_idempotent_by_fingerprint(db: Database) -> None:
    stored = store(db, [JUNE_6])
    with db.session() as s:
        run = repo.start_run(s, ["variety"], T0)
        assert repo.save_events(s, [event("a", new=stored.claim_ids), event("b")], run, T0) == 2
    with db.session() as s:
        assert repo.save_events(s, [event("a"), event("b"), event("a")], run, T0 + timedelta(hours=1)) == 0
        dated = replace(event("c"), details={"from": date(2025, 6, 6), "days": 7, "sources": ("a", "b")})
        assert repo.save_events(s, [event("b"), dated], None, T0 + timedelta(hours=1)) == 1
        assert repo.counts(s)["events"] == 3
        first, _, last = repo.list_events(s)
    assert (first.fingerprint, first.detected_at, first.crawl_run_id, first.superseded_at) == ("a", T0, run, None)
    assert (last.crawl_run_id, last.details) == (None, {"from": "2025-06-06", "days": 7, "sources": ["a", "b"]})


def test_list_events_with_their_claims_and_filters(db: Database) -> None:
    with db.session() as s:
        repo.sync_watchlist(s, [BALLERINA, DUNE])
    before = store(db, [JUNE_6], at=T0)
    after = store(db, [replace(JUNE_6, value="2025-06-13")], at=T0 + timedelta(days=1))
    dune = store(db, [DUNE_DIRECTOR], url="https://variety.example/dune")
    with db.session() as s:
        repo.save_events(s, [event("new", new=before.claim_ids)], None, T0)
        repo.save_events(s, [event("changed", old=before.claim_ids, new=after.claim_ids, type_="changed"),
                             event("dune", film_key="dune part three", new=dune.claim_ids)], None, T0 + timedelta(days=1))
        everything = repo.list_events(s)
        assert [e.fingerprint for e in everything] == ["new", "changed", "dune"]
        changed = everything[1]
        assert (changed.type, changed.film, changed.film_key, changed.field) == ("changed", "Ballerina", "ballerina", "release_date")
        assert (changed.region, changed.kind, changed.severity, changed.sources) == ("US", "theatrical", "normal", ["variety"])
        assert changed.details == {"why": "changed"}
        [old], [new] = changed.old, changed.new
        assert (old.value, new.value) == ("2025-06-06", "2025-06-13")
        assert (new.source, new.url, new.fetched_at, new.published) == ("variety", URL, T0 + timedelta(days=1), date(2025, 2, 27))
        assert new.to_claim() == replace(JUNE_6, value="2025-06-13")
        # since: an aware time in any zone; the boundary is included.
        since = (T0 + timedelta(days=1)).astimezone(PARIS)
        assert [e.fingerprint for e in repo.list_events(s, since=since)] == ["changed", "dune"]
        assert [e.fingerprint for e in repo.list_events(s, film="BALLERINA")] == ["new", "changed"]
        assert [e.fingerprint for e in repo.list_events(s, film="from the world of John Wick: Ballerina")] == ["new", "changed"]
        assert [e.fingerprint for e in repo.list_events(s, film="dune part three", since=since)] == ["dune"]
        assert repo.list_events(s, film="Ballerina", since=T0 + timedelta(days=2)) == []
        assert repo.list_events(s, film="No Such Film") == []


def test_watchlist_sync_resolves_titles_and_aliases_and_is_idempotent(db: Database) -> None:
    with db.session() as s:
        repo.sync_watchlist(s, [BALLERINA, DUNE])
        repo.sync_watchlist(s, [BALLERINA, DUNE])
        ballerina = repo.resolve_film(s, "BALLERINA")
        assert repo.resolve_film(s, "From the World of John Wick – Ballerina!") == ballerina
        assert repo.resolve_film(s, "Dune Part Three") != ballerina
        unknown = repo.resolve_film(s, "The Salt Road")
        assert repo.resolve_film(s, "Salt Road") == unknown
        counts = repo.counts(s)
        assert (counts["films"], counts["film_aliases"]) == (3, 1)
        film = s.get(Film, ballerina)
        assert film is not None and (film.title, film.key, film.year) == ("Ballerina", "ballerina", 2025)


def test_claims_are_append_only(db: Database) -> None:
    stored = store(db, [DIRECTOR])
    with pytest.raises(RuntimeError, match="append-only"), db.session() as s:
        row = s.get(ClaimRow, stored.claim_ids[0])
        assert row is not None
        row.value = "Chad Stahelski"
        s.flush()
    with db.session() as s:
        assert repo.current_claims(s)[0].claim.value == "Len Wiseman"


def test_runs_failures_and_page_checks(db: Database) -> None:
    with db.session() as s:
        repo.sync_sources(s, [SourceConfig("variety", "pages", (URL,), trust=0.9)])
        repo.sync_sources(s, [SourceConfig("variety", "feed", (URL,), trust=0.7)])
        first = repo.start_run(s, ["variety"], T0)
        second = repo.start_run(s, ["variety", "deadline"], T0 + timedelta(hours=6))
    with db.session() as s:
        repo.store_snapshot(s, fetched(ETag='"v1"', **{"Last-Modified": "Sat, 01 Mar 2025 11:00:00 GMT"}),
                            document(), [DIRECTOR], "h1")
        repo.record_failure(s, second, "variety", URL, "HTTP 503 Service Unavailable", T0 + timedelta(hours=6))
        repo.record_failure(s, second, "deadline", "https://deadline.example/x", "timeout", T0 + timedelta(hours=6))
        page = s.scalar(select(Page).where(Page.url == URL))
        assert page is not None and page.last_error == "HTTP 503 Service Unavailable"
        assert (page.etag, page.last_modified) == ('"v1"', "Sat, 01 Mar 2025 11:00:00 GMT")
        repo.record_unchanged(s, "variety", URL, T0 + timedelta(hours=12), 304)
        assert (page.last_checked_at, page.last_status, page.last_error) == (T0 + timedelta(hours=12), 304, None)
        source = s.scalar(select(Source).where(Source.name == "variety"))
        assert source is not None and (source.kind, source.trust) == ("feed", 0.7)
        repo.finish_run(s, second, finished_at=T0 + timedelta(hours=7), status="partial", pages_fetched=1,
                        pages_unchanged=1, pages_failed=2, claims=1, events=0)
        with pytest.raises(ValueError, match="'running' is not one of"):
            repo.finish_run(s, first, finished_at=T0, status="running", pages_fetched=0, pages_unchanged=0,
                            pages_failed=0, claims=0, events=0)
        with pytest.raises(NotFound):
            repo.finish_run(s, 999, finished_at=T0, status="ok", pages_fetched=0, pages_unchanged=0,
                            pages_failed=0, claims=0, events=0)
        assert repo.counts(s)["snapshots"] == 1
    with db.session() as s:
        newest, oldest = repo.list_runs(s)
        assert [r.id for r in repo.list_runs(s, limit=1)] == [second]
    assert (newest.id, newest.status, newest.sources, newest.failures) == (second, "partial", ("variety", "deadline"), 2)
    assert (newest.pages_fetched, newest.pages_unchanged, newest.pages_failed, newest.claims) == (1, 1, 2, 1)
    assert newest.finished_at == T0 + timedelta(hours=7)
    assert (oldest.id, oldest.status, oldest.finished_at, oldest.failures) == (first, "running", None, 0)


def test_concurrent_crawl_workers_share_films_and_lose_nothing(db: Database) -> None:
    """Workers storing pages at once about a film nobody has seen yet: one film, every claim kept."""
    from concurrent.futures import ThreadPoolExecutor

    new_film = Claim("The Salt Road", "director", "Mara Quist", "Directed by Mara Quist.", 0.9, "rule")

    def worker(n: int) -> tuple[int, ...]:
        return store(db, [new_film], url=f"https://fans.example/{n}", at=T0 + timedelta(minutes=n)).claim_ids

    with ThreadPoolExecutor(max_workers=6) as pool:
        stored = list(pool.map(worker, range(12)))
    with db.session() as s:
        current = repo.current_claims(s, ["salt road"])
        counts = repo.counts(s)
    assert sorted(o.claim_id for o in current) == sorted(i for ids in stored for i in ids)
    assert (counts["films"], counts["pages"], counts["snapshots"], counts["claims"]) == (1, 12, 12, 12)
