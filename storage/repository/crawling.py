"""What a crawl reads before it starts and what `releasewatch sources` shows afterwards.

`page_states`: per known page, the validators for a conditional request (ETag, Last-Modified),
the latest content hash (so an unchanged body is never extracted again) and when it was first
seen (so a feed or sitemap page is revisited only while it is young). One query per crawl, not
one per page.

`source_health`: per source, its last success and error, how many runs in a row it failed, how
many pages it tracks, and whether it looks broken (failed its last N runs, or its pages stopped
yielding claims).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import CrawlRun, FetchFailure, Page, Snapshot, Source
from storage.repository._sql import CHUNK


@dataclass(frozen=True, slots=True)
class PageState:
    """What the last checks of one page left behind, for the next request of it."""

    etag: str | None
    last_modified: str | None
    content_hash: str | None  # of the latest snapshot; None when nothing was stored yet
    first_seen_at: datetime
    last_checked_at: datetime | None
    published: date | None = None  # the latest snapshot's published date (the page's, else its feed's)


def page_states(s: Session, source_names: Iterable[str]) -> dict[tuple[str, str], PageState]:
    """Every known page of these sources, keyed by (source name, URL)."""
    names = sorted(set(source_names))
    if not names:
        return {}
    stmt = (
        select(Source.name, Page.url, Page.etag, Page.last_modified, Snapshot.content_hash,
               Page.first_seen_at, Page.last_checked_at, Snapshot.published)
        .join(Source, Source.id == Page.source_id)
        .outerjoin(Snapshot, Snapshot.id == Page.latest_snapshot_id)
        .where(Source.name.in_(names))
    )
    return {
        (name, url): PageState(etag, last_modified, digest, first_seen, checked, published)
        for name, url, etag, last_modified, digest, first_seen, checked, published in s.execute(stmt)
    }


def latest_hashes(s: Session, pages: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The content hash of the latest stored version of each of these (source, URL) pages that has one."""
    wanted = sorted(set(pages))
    found: dict[tuple[str, str], str] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        keys = set(chunk)
        stmt = (select(Source.name, Page.url, Snapshot.content_hash)
                .join(Source, Source.id == Page.source_id)
                .join(Snapshot, Snapshot.id == Page.latest_snapshot_id)
                .where(Source.name.in_({name for name, _ in chunk}), Page.url.in_({url for _, url in chunk})))
        for name, url, digest in s.execute(stmt).tuples():
            if (name, url) in keys:
                found[(name, url)] = digest
    return found


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """One source as `releasewatch sources` shows it."""

    name: str
    kind: str
    pages: int
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int  # finished runs in a row, newest first, in which the source got nothing
    claimless_snapshots: int  # newest snapshots in a row with no claim (after earlier ones had some)
    broken: bool
    why_broken: str | None


def _source_failed(counts: dict[str, object]) -> bool:
    """A source failed a run when it was attempted and nothing of it was fetched or confirmed."""
    ok = sum(int(counts.get(k, 0) or 0) for k in ("fetched", "not_modified", "unchanged"))  # type: ignore[call-overload]
    return ok == 0 and int(counts.get("failed", 0) or 0) > 0  # type: ignore[call-overload]


def source_health(s: Session, broken_after: int, *, runs_examined: int = 50) -> list[SourceHealth]:
    """Health of every stored source, by name.

    A source is broken when it failed each of its last `broken_after` runs, or when its newest
    `broken_after` snapshots hold no claim although earlier ones did (the site changed its layout
    or moved its articles, and we keep fetching pages that no longer say anything).
    """
    runs = s.execute(
        select(CrawlRun.source_counts, CrawlRun.finished_at)
        .where(CrawlRun.finished_at.is_not(None))
        .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc()).limit(runs_examined)
    ).all()
    result = []
    for source in s.scalars(select(Source).order_by(Source.name)):
        pages = int(s.scalar(select(func.count(Page.id)).where(Page.source_id == source.id)) or 0)
        last_success = s.scalar(select(func.max(Page.last_checked_at)).where(Page.source_id == source.id))
        error = s.execute(
            select(FetchFailure.reason, FetchFailure.at).where(FetchFailure.source == source.name)
            .order_by(FetchFailure.at.desc(), FetchFailure.id.desc()).limit(1)
        ).first()
        streak = 0
        for counts, _finished in runs:
            mine = (counts or {}).get(source.name)
            if mine is None:
                continue  # the run did not crawl this source (or predates per-source counts)
            if not _source_failed(mine):
                break
            streak += 1
        claim_counts: Sequence[int] = s.scalars(
            select(Snapshot.claim_count).join(Page, Page.id == Snapshot.page_id)
            .where(Page.source_id == source.id)
            .order_by(Snapshot.fetched_at.desc(), Snapshot.id.desc()).limit(200)
        ).all()
        claimless = 0
        for n in claim_counts:
            if n:
                break
            claimless += 1
        had_claims = claimless < len(claim_counts)
        why = None
        if streak >= broken_after:
            why = f"failed its last {streak} runs"
        elif had_claims and claimless >= broken_after:
            why = f"its last {claimless} new page versions yielded no claim"
        result.append(SourceHealth(
            name=source.name, kind=source.kind, pages=pages, last_success_at=last_success,
            last_error=error[0] if error else None, last_error_at=error[1] if error else None,
            consecutive_failures=streak, claimless_snapshots=claimless if had_claims else 0,
            broken=why is not None, why_broken=why,
        ))
    return result
