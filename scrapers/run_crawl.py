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
import sys
from typing import Any

from pipeline.config import SourceConfig

RESULT_MARKER = "releasewatch-crawl-result "


class _NotMaxSizeWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "download max size" not in record.getMessage()


def build_settings(overrides: dict[str, Any], *, database_url: str, run_id: int,
                   films: list[dict[str, Any]], progress: bool) -> Any:
    """scrapers.settings, then the caller's overrides, then the per-run values our components read."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("scrapers.settings", priority="project")
    settings.update(overrides, priority="cmdline")
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
    from scrapers.spiders.pages import PagesSpider

    sources = [SourceConfig(s["name"], s["kind"], tuple(s["urls"]), s.get("every_seconds", 21600), s.get("trust", 0.5))
               for s in payload["sources"]]
    settings = build_settings(payload.get("settings") or {}, database_url=payload["database_url"],
                              run_id=int(payload["run_id"]), films=payload.get("films") or [],
                              progress=bool(payload.get("progress", True)))
    process = CrawlerProcess(settings)
    # A robots.txt that cannot be fetched makes Scrapy log an ERROR with a traceback and then crawl
    # the page anyway; the page's own outcome is what we report, so that log is only noise.
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)
    # Likewise a page over DOWNLOAD_MAXSIZE is reported once, as its failure line, not also as a warning.
    for name in ("scrapy.core.downloader.handlers.http11", "scrapy.core.downloader.handlers._base_streaming"):
        logging.getLogger(name).addFilter(_NotMaxSizeWarning())
    crawler = process.create_crawler(PagesSpider)
    found: dict[str, StorePagePipeline] = {}

    def keep_pipeline() -> None:
        pipeline = crawler.get_item_pipeline(StorePagePipeline)
        if pipeline is not None:
            found["pipeline"] = pipeline

    crawler.signals.connect(keep_pipeline, signal=signals.engine_started)
    process.crawl(crawler, sources=sources)
    process.start()
    if "pipeline" not in found:
        raise RuntimeError("the StorePagePipeline did not run (is it missing from ITEM_PIPELINES?)")
    return found["pipeline"].counts.to_json()


def main() -> int:
    payload = json.loads(sys.stdin.read())
    result = crawl(payload)
    sys.stdout.write(RESULT_MARKER + json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
