"""`run_crawl`: crawl configured sources once, store what they say, return what happened.

The caller's process never runs Scrapy itself: a Twisted reactor cannot be restarted within one
process, and the CLI, the demo, the scheduler and the tests all crawl more than once. So this
module records the run (`start_run`), starts `python -m scrapers.run_crawl` as a child process
that fetches, extracts and stores every page, passes its progress lines through, and records
how the run ended (`finish_run`: ok, partial or failed) from the counts the child reports.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from pipeline.config import Config, SourceConfig
from scrapers.run_crawl import RESULT_MARKER
from storage import repository
from storage.db import Database, head_revision
from storage.errors import DatabaseUnavailable
from storage.repository.alerts import sync_subscriptions

#: Source kinds that have a spider; the others are recorded as failures until theirs exists.
CRAWLED_KINDS = ("pages", "feed", "sitemap")
_STDERR_TAIL = 20  # lines of the child's stderr kept to explain a crash


@dataclass(frozen=True, slots=True)
class CrawlSummary:
    """How one crawl run ended; the same numbers are in its crawl_runs row."""

    run_id: int
    status: str  # ok | partial | failed
    pages_fetched: int
    pages_unchanged: int
    pages_failed: int
    claims: int
    events: int
    failures: tuple[tuple[str, str, str], ...] = ()  # (source, url, reason)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)  # per-source counts, as in crawl_runs.source_counts
    timings: dict[str, float] = field(default_factory=dict)  # seconds: fetch (summed latency), extract, storage, diff, wall


def run_status(pages_ok: int, pages_failed: int) -> str:
    """ok: nothing failed; partial: some pages failed; failed: pages failed and none succeeded."""
    if not pages_failed:
        return "ok"
    return "partial" if pages_ok else "failed"


def _selected_sources(config: Config, source_names: Sequence[str] | None) -> tuple[SourceConfig, ...]:
    if not source_names:
        return config.sources
    chosen: dict[str, SourceConfig] = {}
    for name in source_names:
        chosen.setdefault(name, config.source(name))  # raises ConfigError naming the known sources
    return tuple(chosen.values())


def _ready_database(db_url: str) -> Database:
    """The database, reachable and migrated, or DatabaseUnavailable before anything is crawled."""
    database = Database(db_url)
    database.check()
    revision = database.revision()
    if revision != head_revision():
        database.dispose()
        raise DatabaseUnavailable(
            db_url, f"its schema is at revision {revision or 'none'}, not {head_revision()}: run `releasewatch init`"
        )
    return database


def _json_ready(settings: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return json.loads(json.dumps(dict(settings)))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"settings_overrides must be plain JSON values: {exc}") from None


def run_crawl(
    config: Config,
    db_url: str,
    source_names: Sequence[str] | None = None,
    *,
    progress: bool = True,
    settings_overrides: Mapping[str, Any] | None = None,
    timeout: float | None = None,
    cancel: threading.Event | None = None,
) -> CrawlSummary:
    """Crawl the named sources (all configured sources when None) once and store what they say.

    Promises: unknown source names raise ConfigError and an unreachable or unmigrated database
    raises DatabaseUnavailable, both before anything is fetched or recorded. After that nothing
    raises for a page: each page that cannot be fetched or read is one failure (printed, stored,
    counted) and the other pages are still crawled. The run is always finished in the database,
    as "failed" when the crawl process itself died. `settings_overrides` are Scrapy settings
    applied over scrapers/settings.py (tests use them to shorten timeouts). A crawl still running
    after `timeout` seconds, or when `cancel` is set (the scheduler stopping), is killed with its
    workers and finished as failed with that reason; what it stored before is kept.
    """
    sources = _selected_sources(config, source_names)
    # The [crawl] table first, so that a caller's explicit Scrapy settings still win.
    overrides = _json_ready({
        "USER_AGENT": config.crawl.user_agent,
        "RELEASEWATCH_PAGE_MAXSIZE": int(config.crawl.max_page_mb * 1024 * 1024),
        "DOWNLOAD_MAXSIZE": int(config.crawl.max_page_mb * 1024 * 1024) * 10,
        "RELEASEWATCH_ALLOW_PRIVATE_NETWORKS": config.crawl.allow_private_networks,
        **(settings_overrides or {}),
    })
    database = _ready_database(db_url)
    try:
        with database.session() as s:
            repository.sync_sources(s, sources)
            repository.sync_watchlist(s, config.films)
            sync_subscriptions(s, config.alerts.subscriptions if config.alerts else (), datetime.now(UTC))
            run_id = repository.start_run(s, [src.name for src in sources], datetime.now(UTC))

        crawled = [src for src in sources if src.kind in CRAWLED_KINDS]
        problems = [(src.name, url, f"{src.kind} sources are not crawled yet (only {', '.join(CRAWLED_KINDS)})")
                    for src in sources if src.kind not in CRAWLED_KINDS for url in src.urls]
        result = _empty_result()
        crashed: str | None = None
        try:
            if crawled:
                # The child always prints its progress lines; _run_child echoes them only when asked,
                # and keeps the last ones either way to explain a crash.
                payload = {
                    "run_id": run_id, "database_url": db_url, "progress": True,
                    "sources": [asdict(src) for src in crawled],
                    "films": [asdict(f) for f in config.films],
                    "settings": overrides,
                }
                result, crashed = _run_child(payload, progress, timeout, cancel)
        except BaseException as exc:
            # Interrupted while the child crawled: the run must not stay "running" forever.
            _finish(database, run_id, result, [("(crawl)", "", f"interrupted ({type(exc).__name__})")], crashed=True)
            raise
        if crashed is not None:
            problems.append(("(crawl)", "", crashed))
        if progress:
            for source, url, reason in problems:
                print(f"failed  {source}  {url or '-'}  {reason}", file=sys.stderr, flush=True)
        return _finish(database, run_id, result, problems, crashed=crashed is not None)
    finally:
        database.dispose()


def _empty_result() -> dict[str, Any]:
    return {"pages_fetched": 0, "pages_unchanged": 0, "pages_failed": 0, "claims": 0, "events": 0, "failures": [],
            "sources": {}, "timings": {}}


def _finish(database: Database, run_id: int, result: dict[str, Any],
            problems: Sequence[tuple[str, str, str]], *, crashed: bool) -> CrawlSummary:
    """Record the parent's own failures and how the run ended; returns the run's summary."""
    now = datetime.now(UTC)
    pages_ok = result["pages_fetched"] + result["pages_unchanged"]
    skipped = sum(1 for source, _, _ in problems if source != "(crawl)")
    pages_failed = result["pages_failed"] + skipped
    status = "failed" if crashed else run_status(pages_ok, pages_failed)
    source_counts: dict[str, Any] = dict(result.get("sources") or {})
    for source, _url, reason in problems:
        if source != "(crawl)":
            mine = source_counts.setdefault(source, {"failed": 0, "failed_by_reason": {}})
            mine["failed"] = mine.get("failed", 0) + 1
            mine.setdefault("failed_by_reason", {})[reason] = mine["failed_by_reason"].get(reason, 0) + 1
    with database.session() as s:
        for source, url, reason in problems:
            repository.record_failure(s, run_id, source, url, reason, now)
        repository.finish_run(
            s, run_id, finished_at=now, status=status, pages_fetched=result["pages_fetched"],
            pages_unchanged=result["pages_unchanged"], pages_failed=pages_failed,
            claims=result["claims"], events=result["events"],
            source_counts=source_counts, stats=dict(result.get("timings") or {}),
        )
    failures = tuple((str(a), str(b), str(c)) for a, b, c in result["failures"]) + tuple(problems)
    return CrawlSummary(run_id, status, result["pages_fetched"], result["pages_unchanged"], pages_failed,
                        result["claims"], result["events"], failures, source_counts, dict(result.get("timings") or {}))


def _kill_group(child: subprocess.Popen[str]) -> None:
    """Kill the child and its extraction/storage workers, which share its process group."""
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _watch(child: subprocess.Popen[str], timeout: float | None, cancel: threading.Event | None,
           stopped: list[str]) -> None:
    """Kill the child's group past `timeout` or once `cancel` is set, saying why in `stopped`."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while child.poll() is None:
        if cancel is not None and cancel.is_set():
            stopped.append("interrupted (the scheduler was stopped)")
        elif deadline is not None and time.monotonic() >= deadline:
            stopped.append(f"timed out after {timeout:g}s (crawl_timeout)")
        if stopped:
            _kill_group(child)
            return
        time.sleep(0.1)


def _run_child(payload: dict[str, Any], progress: bool, timeout: float | None = None,
               cancel: threading.Event | None = None) -> tuple[dict[str, Any], str | None]:
    """Run the crawl child; returns its counts, and why it died when it did (None when it did not)."""
    watched = timeout is not None or cancel is not None
    child = subprocess.Popen(
        [sys.executable, "-m", "scrapers.run_crawl"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, encoding="utf-8", errors="replace", bufsize=1,
        # Its own process group, so that a timeout or a stop kills its worker processes too: they
        # hold its pipes open, and reading those would otherwise wait for them forever.
        start_new_session=watched,
    )
    stopped: list[str] = []
    if watched:
        threading.Thread(target=_watch, args=(child, timeout, cancel, stopped), daemon=True).start()
    stdout: list[str] = []
    reader = threading.Thread(target=lambda: stdout.extend(child.stdout), daemon=True)  # type: ignore[arg-type]
    tail: deque[str] = deque(maxlen=_STDERR_TAIL)
    try:
        assert child.stdin is not None and child.stderr is not None
        reader.start()
        child.stdin.write(json.dumps(payload))
        child.stdin.close()
        for line in child.stderr:
            tail.append(line.rstrip("\n"))
            if progress:
                sys.stderr.write(line)
                sys.stderr.flush()
        returncode = child.wait()
        reader.join()
    except BaseException:
        # Interrupted (Ctrl-C, a scheduler shutting down): do not leave an orphan crawling on.
        _kill_group(child) if watched else child.kill()
        child.wait()
        raise
    if stopped:
        return _empty_result(), stopped[0]
    results = [line[len(RESULT_MARKER):] for line in stdout if line.startswith(RESULT_MARKER)]
    if returncode == 0 and results:
        return json.loads(results[-1]), None
    last = next((line for line in reversed(tail) if line.strip()), "no output")
    return _empty_result(), f"crawl process exited with status {returncode}: {last.strip()}"
