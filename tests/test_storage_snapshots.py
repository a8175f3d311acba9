"""Batch storage of page versions and the page -> latest snapshot pointer (migration 0004).

Every test runs on SQLite and on PostgreSQL (the `db` fixture).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from alembic import command
from sqlalchemy import select, text

from pipeline.model import Claim
from storage import repository as repo
from storage.db import Database, alembic_config
from storage.models import Page, Snapshot
from storage.repository.views import PageVersion
from test_storage_repository import CAST, DIRECTOR, DUNE_DIRECTOR, JUNE_6, SUMMER_2024, T0, URL, document, fetched

OTHER = "https://variety.example/dune"


def version(claims: list[Claim], at, url: str = URL, source: str = "variety", **headers: str) -> PageVersion:
    return PageVersion(fetched(url, at, source, **headers), document(source), claims, f"hash-{at.isoformat()}-{url}")


def test_a_batch_stores_every_version_in_order_and_points_each_page_at_its_newest(db: Database) -> None:
    versions = [
        version([JUNE_6, CAST], T0 + timedelta(hours=2), ETag='"v2"'),
        version([DUNE_DIRECTOR], T0, url=OTHER),
        version([SUMMER_2024], T0 + timedelta(hours=1), ETag='"v1"'),  # older, arrives last
        version([DIRECTOR], T0, source="new-site", url="https://new.example/b"),  # a source not configured yet
    ]
    with db.session() as s:
        stored = repo.store_snapshots(s, versions)
    assert [len(st.claim_ids) for st in stored] == [2, 1, 1, 1]
    assert len({st.snapshot_id for st in stored}) == 4 and stored[0].page_id == stored[2].page_id
    assert [st.film_keys for st in stored] == [{"ballerina"}, {"dune part three"}, {"ballerina"}, {"ballerina"}]
    with db.session() as s:
        page = s.scalars(select(Page).where(Page.url == URL)).one()
        assert page.latest_snapshot_id == stored[0].snapshot_id
        assert page.last_checked_at == T0 + timedelta(hours=2) and page.etag == '"v2"'  # the newest version's validators
        assert page.first_seen_at == T0 + timedelta(hours=1)
        current = repo.current_claims(s)
        assert {c.claim_id for c in current} == {*stored[0].claim_ids, *stored[1].claim_ids, *stored[3].claim_ids}
        assert repo.counts(s)["snapshots"] == 4 and repo.counts(s)["claims"] == 5
        # Stored claims read back whole, in the order given.
        by_id = {c.claim_id: c.claim for c in current}
        assert [by_id[i].value for i in stored[0].claim_ids] == ["2025-06-06", "Ana de Armas"]
        assert by_id[stored[0].claim_ids[0]].evidence == JUNE_6.evidence


def test_a_later_batch_moves_the_pointer_only_forward(db: Database) -> None:
    with db.session() as s:
        (newest,) = repo.store_snapshots(s, [version([JUNE_6], T0 + timedelta(days=1))])
    with db.session() as s:
        repo.store_snapshots(s, [version([SUMMER_2024], T0)])
        assert s.scalar(select(Page.latest_snapshot_id)) == newest.snapshot_id
        (same_time,) = repo.store_snapshots(s, [version([DIRECTOR], T0 + timedelta(days=1))])
    with db.session() as s:
        # Same fetch time: the one stored last is the page's latest, as by the window it replaced.
        assert s.scalar(select(Page.latest_snapshot_id)) == same_time.snapshot_id


def test_the_diff_reads_the_current_claims_it_needs(db: Database) -> None:
    other_actor = replace(CAST, value="Keanu Reeves", character="John Wick")
    with db.session() as s:
        repo.store_snapshots(s, [
            version([JUNE_6, CAST, other_actor, DIRECTOR], T0),
            version([replace(JUNE_6, value="2025-06-13"), other_actor], T0, source="imdb"),
            version([DUNE_DIRECTOR], T0, url=OTHER),
            version([replace(CAST, character="Rooney")], T0 + timedelta(hours=1)),  # variety's newer version
        ])
    with db.session() as s:
        full = {c.claim_id: c for c in repo.current_claims(s, ["ballerina"])}
        light = repo.current_claims_for_diff(s, ["ballerina"])
        assert [c.claim_id for c in light] == sorted(full)
        for c in light:
            whole = full[c.claim_id]
            assert (c.film_key, c.source, c.url, c.snapshot_id, c.seen_at, c.published) == (
                whole.film_key, whole.source, whole.url, whole.snapshot_id, whole.seen_at, whole.published)
            facts = ("film", "field", "value", "status", "region", "kind", "character")
            assert [getattr(c.claim, f) for f in facts] == [getattr(whole.claim, f) for f in facts]
        # Only Ana de Armas is asked about: Keanu Reeves's cast claim on imdb is left out, while every
        # claim of the page being replaced (variety) is kept whatever actor it names.
        narrow = repo.current_claims_for_diff(s, ["ballerina"], pages={("imdb", URL)},
                                              actors={("ballerina", "cast", "ana de armas")})
        assert sorted((c.source, c.claim.field, c.claim.value) for c in narrow) == [
            ("imdb", "cast", "Keanu Reeves"), ("imdb", "release_date", "2025-06-13"),
            ("variety", "cast", "Ana de Armas")]
        assert repo.current_claims_for_diff(s, ["dune"]) == []


def test_upgrading_to_0004_points_existing_pages_at_their_newest_snapshot(db_url: str) -> None:
    database = Database(db_url)
    try:
        with database.engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0003")
            def at(hours: int) -> object:
                t = T0 + timedelta(hours=hours)
                return t.replace(tzinfo=None) if database.is_sqlite else t
            conn.execute(text("INSERT INTO sources (id, name, kind, trust, created_at, updated_at) "
                              "VALUES (1, 'variety', 'pages', 0.5, :t, :t)"), {"t": at(0)})
            conn.execute(text("INSERT INTO pages (id, source_id, url, first_seen_at) VALUES (1, 1, :u, :t), (2, 1, :v, :t)"),
                         {"u": URL, "v": OTHER, "t": at(0)})
            for snapshot_id, page_id, hours in [(1, 1, 5), (2, 1, 9), (3, 1, 7), (4, 2, 1)]:
                conn.execute(text("INSERT INTO snapshots (id, page_id, fetched_at, http_status, content_hash, final_url, "
                                  "claim_count) VALUES (:id, :p, :t, 200, 'h', :u, 0)"),
                             {"id": snapshot_id, "p": page_id, "t": at(hours), "u": URL})
        database.upgrade()
        with database.session() as s:
            assert dict(s.execute(select(Page.id, Page.latest_snapshot_id)).tuples().all()) == {1: 2, 2: 4}
            assert s.scalar(select(Snapshot.id).order_by(Snapshot.id.desc()).limit(1)) == 4
    finally:
        database.dispose()
