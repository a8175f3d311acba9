"""`run_crawl`: crawl configured sources once, store what they say, return what happened.

The caller's process never runs Scrapy itself: a Twisted reactor cannot be restarted within one
process, and the CLI, the demo, the scheduler and the tests all crawl more than once. So this
module records the run (`start_run`), starts `python -m scrapers.run_crawl` as a child process
that fetches, extracts and stores every page, passes its progress lines through, and records
how the run ended (`finish_run`: ok, partial or failed) from the counts the child reports.
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from pipeline.config import Config, SourceConfig
from scrapers.errors import CrawlInterrupted
from scrapers.lifeline import process_running, this_host
from scrapers.run_crawl import PARENT_PID_VAR, RESULT_MARKER
from storage import repository
from storage.repository import runs
from storage.repository.locks import lock_for_ingest
from storage.db import Database, head_revision
from storage.errors import DatabaseUnavailable
from storage.repository.alerts import sync_subscriptions

#: Source kinds that have a spider; the others are recorded as failures until theirs exists.
CRAWLED_KINDS = ("pages", "feed", "sitemap")
_STDERR_TAIL = 20  # lines of the child's stderr kept to explain a crash
CHILD_GRACE_SECONDS = 10.0  # how long an interrupted crawl may take to store what it holds
STOPPED_BY_SCHEDULER = "interrupted (the scheduler was stopped)"


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
    counted) and the other pages are still crawled. The run is always finished in the database:
    "failed" when the crawl process died or storing failed, "interrupted" (counts rebuilt from
    what was stored) when Ctrl-C or SIGTERM stopped it, which then re-raises as CrawlInterrupted
    (a KeyboardInterrupt). Runs left `running` by crawls whose process is gone are closed as
    interrupted first. `settings_overrides` are Scrapy settings applied over scrapers/settings.py
    (tests use them to shorten timeouts). A crawl still running after `timeout` seconds is killed
    with its workers and failed with that reason; one stopped because `cancel` was set (the
    scheduler stopping) is killed and finished as interrupted; what either stored is kept.
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
        now = datetime.now(UTC)
        with database.session() as s:
            # Crawls starting together would both insert a new source or film: one at a time.
            lock_for_ingest(s)
            closed = runs.close_abandoned_runs(s, now, host=this_host(), running=process_running)
            repository.sync_sources(s, sources)
            repository.sync_watchlist(s, config.films)
            sync_subscriptions(s, config.alerts.subscriptions if config.alerts else (), now)
            run_id = repository.start_run(s, [src.name for src in sources], now, host=this_host(), pid=os.getpid())
        if progress:
            for old in closed:
                print(f"closed  crawl run #{old} as interrupted: its process is gone", file=sys.stderr, flush=True)

        crawled = [src for src in sources if src.kind in CRAWLED_KINDS]
        problems = [(src.name, url, f"{src.kind} sources are not crawled yet (only {', '.join(CRAWLED_KINDS)})")
                    for src in sources if src.kind not in CRAWLED_KINDS for url in src.urls]
        outcome = _ChildOutcome(_empty_result())
        if crawled:
            # The child always prints its progress lines; _run_child echoes them only when asked,
            # and keeps the last ones either way to explain a crash.
            payload = {
                "run_id": run_id, "database_url": db_url, "progress": True,
                "sources": [asdict(src) for src in crawled],
                "films": [asdict(f) for f in config.films],
                "settings": overrides,
            }
            with _heartbeat(database, run_id):
                outcome = _run_child(payload, progress, timeout, cancel)
        if outcome.interrupted is not None:
            _close_interrupted(database, run_id, outcome)
            raise outcome.interrupted
        if outcome.died is not None:
            problems.append(("(crawl)", "", outcome.died))
        if progress:
            for source, url, reason in problems:
                print(f"failed  {source}  {url or '-'}  {reason}", file=sys.stderr, flush=True)
        stopped_by_scheduler = outcome.died == STOPPED_BY_SCHEDULER
        return _finish(database, run_id, outcome.result, problems, crashed=outcome.died is not None,
                       status="interrupted" if stopped_by_scheduler else None)
    finally:
        database.dispose()


@dataclass(slots=True)
class _ChildOutcome:
    """How the crawl child ended: its counts (empty when it died), why it died or failed, and the
    Ctrl-C or SIGTERM that stopped the parent, to re-raise once the run is closed."""

    result: dict[str, Any]
    died: str | None = None
    interrupted: BaseException | None = None
    reported: bool = False  # the child handed its counts back


@contextmanager
def _heartbeat(database: Database, run_id: int) -> Iterator[None]:
    """Refresh the run's heartbeat while the block runs (a lost database only skips beats)."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(runs.HEARTBEAT_SECONDS):
            try:
                with database.session() as s:
                    runs.beat(s, run_id, datetime.now(UTC))
            except Exception:  # the crawl itself reports a lost database; the beat just waits for it
                continue

    thread = threading.Thread(target=beat, name="releasewatch-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def _close_interrupted(database: Database, run_id: int, outcome: _ChildOutcome) -> None:
    """Close a run stopped by Ctrl-C or SIGTERM as interrupted: the child's counts when it handed
    them back, otherwise counts rebuilt from what it stored."""
    name = getattr(outcome.interrupted, "signal_name", None) or "Ctrl-C"
    reason = f"interrupted ({name})"
    now = datetime.now(UTC)
    if outcome.reported:
        _finish(database, run_id, outcome.result, [("(crawl)", "", reason)], crashed=False, status="interrupted")
        return
    with database.session() as s:
        runs.interrupt_run(s, run_id, now, reason)


def _empty_result() -> dict[str, Any]:
    return {"pages_fetched": 0, "pages_unchanged": 0, "pages_failed": 0, "claims": 0, "events": 0, "failures": [],
            "sources": {}, "timings": {}}


def _finish(database: Database, run_id: int, result: dict[str, Any],
            problems: Sequence[tuple[str, str, str]], *, crashed: bool, status: str | None = None) -> CrawlSummary:
    """Record the parent's own failures, those the child could not record, and how the run ended.

    A run whose child died is failed with counts rebuilt from what it stored; one whose storing
    failed is failed with the child's counts (its pages not stored among the failures).
    """
    now = datetime.now(UTC)
    if crashed:
        with database.session() as s:
            rebuilt = runs.rebuilt_counts(s, run_id)
        result = {**result, "pages_fetched": rebuilt.pages_fetched, "pages_failed": rebuilt.pages_failed,
                  "claims": rebuilt.claims, "events": rebuilt.events, "sources": rebuilt.source_counts}
    if result.get("fatal"):
        problems = [*problems, ("(crawl)", "", f"storage failed: {result['fatal']}")]
        crashed = True
    pages_ok = result["pages_fetched"] + result["pages_unchanged"]
    skipped = sum(1 for source, _, _ in problems if source != "(crawl)")
    pages_failed = result["pages_failed"] + skipped
    status = status or ("failed" if crashed else run_status(pages_ok, pages_failed))
    source_counts: dict[str, Any] = dict(result.get("sources") or {})
    for source, _url, reason in problems:
        if source != "(crawl)":
            mine = source_counts.setdefault(source, {"failed": 0, "failed_by_reason": {}})
            mine["failed"] = mine.get("failed", 0) + 1
            mine.setdefault("failed_by_reason", {})[reason] = mine["failed_by_reason"].get(reason, 0) + 1
    with database.session() as s:
        for source, url, reason in problems:
            repository.record_failure(s, run_id, source, url, reason, now)
        for source, url, reason, at in result.get("unrecorded") or ():
            repository.record_failure(s, run_id, source, url, reason, datetime.fromisoformat(at))
        repository.finish_run(
            s, run_id, finished_at=now, status=status, pages_fetched=result["pages_fetched"],
            pages_unchanged=result["pages_unchanged"], pages_failed=pages_failed,
            claims=result["claims"], events=result["events"],
            source_counts=source_counts, stats=dict(result.get("timings") or {}),
        )
    failures = tuple((str(a), str(b), str(c)) for a, b, c in result["failures"]) + tuple(problems)
    return CrawlSummary(run_id, status, result["pages_fetched"], result["pages_unchanged"], pages_failed,
                        result["claims"], result["events"], failures, source_counts, dict(result.get("timings") or {}))


def _watch(child: subprocess.Popen[str], timeout: float | None, cancel: threading.Event | None,
           stopped: list[str]) -> None:
    """Kill the child's group past `timeout` or once `cancel` is set, saying why in `stopped`."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while child.poll() is None:
        if cancel is not None and cancel.is_set():
            stopped.append(STOPPED_BY_SCHEDULER)
        elif deadline is not None and time.monotonic() >= deadline:
            stopped.append(f"timed out after {timeout:g}s (crawl_timeout)")
        if stopped:
            _kill_group(child.pid)
            return
        time.sleep(0.1)


def _run_child(payload: dict[str, Any], progress: bool, timeout: float | None = None,
               cancel: threading.Event | None = None) -> _ChildOutcome:
    """Run the crawl child until it exits; its counts, or why it died, or what interrupted us.

    The child's exit is what is waited for, not the end of its pipes: workers orphaned by a killed
    child may hold them open. The child runs in its own process group, so that its workers can be
    ended with it, and watches this process (scrapers.lifeline), so that it ends when we are killed.
    Ctrl-C or SIGTERM here asks the child to stop as Scrapy stops on a signal (finishing the
    batches it holds) and kills it if it has not within CHILD_GRACE_SECONDS. Past `timeout`, or
    once `cancel` is set, the child's group is killed (see _watch).
    """
    env = {**os.environ, PARENT_PID_VAR: str(os.getpid())}
    child = subprocess.Popen(
        [sys.executable, "-m", "scrapers.run_crawl"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, encoding="utf-8", errors="replace", bufsize=1, start_new_session=True, env=env,
    )
    stopped: list[str] = []
    if timeout is not None or cancel is not None:
        threading.Thread(target=_watch, args=(child, timeout, cancel, stopped), daemon=True).start()
    stdout: list[str] = []
    tail: deque[str] = deque(maxlen=_STDERR_TAIL)

    def echo(stream: Any) -> None:
        for line in stream:
            tail.append(line.rstrip("\n"))
            if progress:
                sys.stderr.write(line)
                sys.stderr.flush()

    readers = [threading.Thread(target=lambda: stdout.extend(child.stdout), daemon=True),  # type: ignore[arg-type]
               threading.Thread(target=echo, args=(child.stderr,), daemon=True)]
    interrupted: BaseException | None = None
    with _signals_interrupt():
        try:
            for reader in readers:
                reader.start()
            assert child.stdin is not None
            try:
                child.stdin.write(json.dumps(payload))
                child.stdin.close()
            except BrokenPipeError:
                pass  # the child died at once: its exit status says why
            returncode = child.wait()
        except BaseException as exc:  # Ctrl-C, SIGTERM (CrawlInterrupted), a scheduler shutting down
            interrupted = exc
            returncode = _stop_child(child)
        finally:
            _kill_group(child.pid)
    for reader in readers:
        reader.join(timeout=2)
    if stopped and interrupted is None:
        return _ChildOutcome(_empty_result(), died=stopped[0])
    results = [line[len(RESULT_MARKER):] for line in stdout if line.startswith(RESULT_MARKER)]
    if returncode == 0 and results:
        return _ChildOutcome(json.loads(results[-1]), interrupted=interrupted, reported=True)
    if interrupted is not None:
        return _ChildOutcome(_empty_result(), interrupted=interrupted)
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = str(-returncode)
        return _ChildOutcome(_empty_result(), f"crawl process was killed by signal {name}")
    last = next((line for line in reversed(tail) if line.strip()), "no output")
    return _ChildOutcome(_empty_result(), f"crawl process exited with status {returncode}: {last.strip()}")


def _stop_child(child: subprocess.Popen[str]) -> int:
    """SIGTERM the child (Scrapy's graceful stop), then kill it if it has not ended in time."""
    with contextlib.suppress(ProcessLookupError):
        child.send_signal(signal.SIGTERM)
    try:
        return child.wait(timeout=CHILD_GRACE_SECONDS)
    except BaseException:  # the grace ran out, or a second Ctrl-C: no more waiting
        _kill_group(child.pid)
        return child.wait()


def _kill_group(pgid: int) -> None:
    """End whatever is left of the child's process group (workers it could not shut down)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


@contextmanager
def _signals_interrupt() -> Iterator[None]:
    """While the child crawls, SIGTERM raises CrawlInterrupted here as Ctrl-C raises KeyboardInterrupt,
    so both stop the run the same way. Only the main thread can set signal handlers; elsewhere the
    caller's own handling stands."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminated(signum: int, frame: Any) -> None:
        raise CrawlInterrupted(signal.Signals(signum).name)

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
