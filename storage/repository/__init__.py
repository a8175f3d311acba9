"""Every read and write of releasewatch data; functions take a Session first (see storage.db).

ingest: what a crawl writes. queries: what the diff, reports and the CLI read. films: the
watch-list and title resolution.
"""
from __future__ import annotations

from storage.repository.crawling import PageState, SourceHealth, latest_hashes, page_states, source_health
from storage.repository.films import resolve_film, sync_watchlist
from storage.repository.listings import ListingCheck, ListingState, listing_states, record_listings
from storage.repository.snapshots import store_snapshots
from storage.repository.ingest import (
    finish_run,
    known_fingerprints,
    last_content_hash,
    record_failure,
    record_unchanged,
    save_events,
    start_run,
    store_snapshot,
    sync_sources,
)
from storage.repository.queries import (
    counts,
    current_claims,
    current_claims_for_diff,
    film_keys_of_page,
    film_keys_of_pages,
    list_events,
    list_runs,
    observed_claim,
)
from storage.repository.views import ClaimView, EventView, RunView, StoredSnapshot

__all__ = [
    "latest_hashes", "ClaimView", "EventView", "RunView", "StoredSnapshot", "PageState", "SourceHealth", "page_states", "source_health",
    "counts", "current_claims", "current_claims_for_diff", "film_keys_of_page", "film_keys_of_pages", "list_events", "list_runs", "observed_claim",
    "finish_run", "known_fingerprints", "last_content_hash", "record_failure", "record_unchanged", "resolve_film",
    "save_events", "start_run", "store_snapshot", "store_snapshots", "sync_sources", "sync_watchlist",
    "ListingCheck", "ListingState", "listing_states", "record_listings",
]
