"""What a crawl keeps of the feeds, sitemaps and robots.txt files it read (migration 0005).

Every test runs on SQLite and on PostgreSQL (the `db` fixture).
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from storage import repository as repo
from storage.db import Database
from storage.repository.listings import ListingCheck, ListingState

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
INDEX = "https://news.example/sitemap-index.xml"
CHILDREN = (("https://news.example/news.xml", date(2026, 11, 20)), ("https://news.example/2019.xml", None))


def test_a_listing_keeps_its_newest_validators_and_a_304_keeps_its_children(db: Database) -> None:
    with db.session() as s:
        repo.record_listings(s, [
            ListingCheck("news", INDEX, T0 + timedelta(hours=1), 200, '"v2"', "Fri, 20 Nov 2026 09:00:00 GMT", CHILDREN),
            ListingCheck("news", INDEX, T0, 200, '"v1"', "Fri, 20 Nov 2026 07:00:00 GMT", ()),  # older, arrives late
            ListingCheck("unconfigured", "https://other.example/feed", T0, 200, None, "Thu, 19 Nov 2026 00:00:00 GMT", ()),
        ])
    with db.session() as s:
        assert repo.listing_states(s, ["news"]) == {
            ("news", INDEX): ListingState('"v2"', "Fri, 20 Nov 2026 09:00:00 GMT", CHILDREN)}
        repo.record_listings(s, [ListingCheck("news", INDEX, T0 + timedelta(hours=2), 304, '"v2"', None, None)])
    with db.session() as s:
        states = repo.listing_states(s, ["news", "unconfigured"])
    assert states[("news", INDEX)] == ListingState('"v2"', "Fri, 20 Nov 2026 09:00:00 GMT", CHILDREN)
    assert states[("unconfigured", "https://other.example/feed")].last_modified == "Thu, 19 Nov 2026 00:00:00 GMT"
    assert repo.listing_states(s, []) == {}
