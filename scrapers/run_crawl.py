"""The crawl's child process: `python -m scrapers.run_crawl < payload.json`.

A Twisted reactor cannot be restarted within one process, and the demo, the scheduler and the
tests crawl many times, so every crawl runs Scrapy (CrawlerProcess) in a fresh child started by
`scrapers.crawl.run_crawl`. The payload arrives on stdin rather than in argv because it holds the
database URL, whose password must not show in the process list.

Payload: {"run_id": int, "database_url": str, "sources": [SourceConfig as dict],
          "films": [WatchFilm as dict], "settings": {Scrapy setting: value}, "progress": bool}
Output: progress lines on stderr ("fetched ...", "unchanged ...", "failed ..."), and one JSON
object on the last line of stdout with the counts and failures (`CrawlCounts.to_json()`).
"""
from __future__ import annotations

import json
import logging
import os
import resource
import signal
import sys
import time
from typing import Any
from urllib.parse import urlsplit

from pipeline.config import SourceConfig
from scrapers.lifeline import watch_parent

RESULT_MARKER = "releasewatch-crawl-result "
PARENT_PID_VAR = "RELEASEWATCH_PARENT_PID"  # the process that finishes the run; we end when it is gone
ORPHAN_GRACE_SECONDS = 10.0  # time to store what is held once the parent is gone, then exit regardless


class _NotMaxSizeWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "download max size" not in record.getMessage()


def source_from_json(raw: dict[str, Any]) -> SourceConfig:
    """A SourceConfig from `dataclasses.asdict` output (lists back to tuples)."""
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}
    return SourceConfig(**values)


def politeness_settings(sources: list[SourceConfig]) -> dict[str, Any]:
    """DOWNLOAD_SLOTS for the sites of sources that set their own concurrency or delay.

    Scrapy keys download slots by host name, so a source's limits apply to every request to its
    sites, whichever feed, sitemap or link led there; two sources on one site share the stricter.
    """
    slots: dict[str, dict[str, Any]] = {}
    for source in sources:
        if source.concurrency is None and source.delay is None:
            continue
        for url in source.urls:
            host = urlsplit(url).hostname
            if not host:
                continue
            slot = slots.setdefault(host, {})
            if source.concurrency is not None:
                slot["concurrency"] = min(slot.get("concurrency", source.concurrency), source.concurrency)
            if source.delay is not None:
                slot["delay"] = max(slot.get("delay", source.delay), source.delay)
                slot["jitter"] = 0  # the source asked for at least this delay; Scrapy's jitter would halve it at times
    return {"DOWNLOAD_SLOTS": slots} if slots else {}


def build_settings(overrides: dict[str, Any], *, database_url: str, run_id: int,
                   films: list[dict[str, Any]], progress: bool, sources: list[SourceConfig] | None = None) -> Any:
    """scrapers.settings, then per-source politeness, the caller's overrides, then the per-run values our components read."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("scrapers.settings", priority="project")
    settings.update(politeness_settings(sources or []), priority="project")
    settings.update(overrides, priority="cmdline")
    settings.set("RELEASEWATCH_SOURCE_NAMES", [s.name for s in sources or []], priority="cmdline")
    settings.set("RELEASEWATCH_DATABASE_URL", database_url, priority="cmdline")
    settings.set("RELEASEWATCH_RUN_ID", run_id, priority="cmdline")
    settings.set("RELEASEWATCH_WATCHLIST", films, priority="cmdline")
    settings.set("RELEASEWATCH_PROGRESS", progress, priority="cmdline")
    return settings


def crawl(payload: dict[str, Any]) -> dict[str, Any]:
    """Run the spider over the payload's sources until done; returns the pipeline's counts."""
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    from scrapers.pipelines import StorePagePipeline
    from scrapers.spiders.sources import STATS, SourcesSpider
    from storage import repository
    from storage.db import Database

    sources = [source_from_json(s) for s in payload["sources"]]
    settings = build_settings(payload.get("settings") or {}, database_url=payload["database_url"],
                              run_id=int(payload["run_id"]), films=payload.get("films") or [],
                              progress=bool(payload.get("progress", True)), sources=sources)
    database = Database(payload["database_url"])
    try:
        with database.session() as s:
            known = repository.page_states(s, [src.name for src in sources])
            listings = repository.listing_states(s, [src.name for src in sources])
    finally:
        database.dispose()
    process = CrawlerProcess(settings)
    # A robots.txt that cannot be fetched makes Scrapy log an ERROR with a traceback and then crawl
    # the page anyway; the page's own outcome is what we report, so that log is only noise.
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)
    # Likewise a page over DOWNLOAD_MAXSIZE is reported once, as its failure line, not also as a warning.
    for name in ("scrapy.core.downloader.handlers.http11", "scrapy.core.downloader.handlers._base_streaming"):
        logging.getLogger(name).addFilter(_NotMaxSizeWarning())
    crawler = process.create_crawler(SourcesSpider)
    found: dict[str, StorePagePipeline] = {}

    def keep_pipeline() -> None:
        pipeline = crawler.get_item_pipeline(StorePagePipeline)
        if pipeline is not None:
            found["pipeline"] = pipeline

    crawler.signals.connect(keep_pipeline, signal=signals.engine_started)
    process.crawl(crawler, sources=sources, known=known, listings=listings)
    process.start()
    if "pipeline" not in found:
        raise RuntimeError("the StorePagePipeline did not run (is it missing from ITEM_PIPELINES?)")
    counts = found["pipeline"].counts
    stats = crawler.stats.get_stats() if crawler.stats is not None else {}
    for src in sources:
        mine = counts.source(src.name)
        for key in ("requested", "bytes"):
            mine[key] = int(stats.get(f"{STATS}/{src.name}/{key}", 0))
    counts.timings["fetch"] = float(stats.get("releasewatch/fetch_seconds", 0.0))
    # ru_maxrss is in KiB on Linux; the extraction workers have exited by now, so RUSAGE_CHILDREN holds the largest.
    counts.timings["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    counts.timings["peak_worker_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    # CPU seconds of this process (Scrapy and the item pipeline) and of its worker processes
    # (extraction and storage), for bench/crawl.py's account of where a page's CPU goes.
    for key, who in (("crawl_cpu", resource.RUSAGE_SELF), ("workers_cpu", resource.RUSAGE_CHILDREN)):
        usage = resource.getrusage(who)
        counts.timings[key] = usage.ru_utime + usage.ru_stime
    return counts.to_json()


def _orphaned() -> None:
    """The parent is gone: stop as on SIGTERM (Scrapy stores what it holds), and exit if that hangs."""
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(ORPHAN_GRACE_SECONDS)
    os._exit(1)


def _close_orphaned_run(payload: dict[str, Any]) -> None:
    """No parent is left to finish the run: close it as interrupted, counts rebuilt from what it stored."""
    from datetime import UTC, datetime

    from storage.db import Database
    from storage.repository import runs

    database = Database(payload["database_url"])
    try:
        with database.session() as s:
            runs.interrupt_run(s, int(payload["run_id"]), datetime.now(UTC),
                               "interrupted: the process that started the crawl is gone")
    finally:
        database.dispose()


def main() -> int:
    parent = int(os.environ.get(PARENT_PID_VAR) or 0)
    if parent:
        watch_parent(parent, _orphaned)
    payload = json.loads(sys.stdin.read())
    result = crawl(payload)
    if parent and os.getppid() != parent:
        _close_orphaned_run(payload)
        return 1
    sys.stdout.write(RESULT_MARKER + json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
