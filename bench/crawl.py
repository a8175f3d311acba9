"""Benchmark the crawl: fetch, extraction, storage and diff over a generated news site on 127.0.0.1.

usage: python bench/crawl.py [--pages N] [--sample M] [--keep DIR]

It generates N realistic news pages (60-150 KB each: navigation, inline scripts, JSON-LD and an
article that states a film's release date, director and cast), serves them from a separate
process (asyncio, keep-alive, pages assembled in memory from shared parts, ETag and 304 support,
so the server is not the bottleneck) behind a robots.txt that names a sitemap of all of them, and
prints, in one run:

  1. pages/s of a bare Scrapy spider that only reads each body (same concurrency settings);
  2. pages/s of document reading + extraction alone, on one core (over a sample of M pages);
  3. pages/s of the full releasewatch crawl (sitemap source) on SQLite, with time per page split
     into fetch (download latency), extraction, storage and diff;
  4. pages/s of a second full crawl over the unchanged site (conditional requests: 304s);
  5. peak RSS of the crawl process and of its largest extraction worker.

Goals (issue "Crawling like a good citizen, at news scale"): storage+diff <= 20% of
fetch+extraction; first crawl >= 1.5x the one-core extraction rate; unchanged re-crawl >= half the
bare-Scrapy rate; peak RSS < 400 MB and flat from N=2,000 to 10,000.

Politeness settings are relaxed for the benchmark only (AutoThrottle off, 32 requests in flight):
the server is ours and local, and what is measured is releasewatch's cost per page, not a delay.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BENCH_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
    "DOWNLOAD_DELAY": 0,
    "LOG_LEVEL": "ERROR",
}

# -- the generated site ------------------------------------------------------------------------
WORDS = ("salt road night harbor glass winter signal orchard crown echo river atlas ember hollow meridian "
         "paper tide lantern quiet summit velvet iron garden distant storm silver falcon northern copper").split()
FIRST = "Teodora Camille Marcus Ines Jonah Priya Mateo Solene Ravi Greta Tobias Amara Felix Noor Dario Lena".split()
LAST = "Vance Ostrander Kerr Halvorsen Abara Lindqvist Moreau Castellano Whitfield Okafor Brandt Sato".split()
MONTHS = "January February March April May June July August September October November December".split()


def _pick(seq: tuple[str, ...] | list[str], i: int, salt: int) -> str:
    return seq[(i * 2654435761 + salt * 40503) % len(seq)]


def film_title(i: int) -> str:
    return f"The {_pick(WORDS, i, 1).title()} {_pick(WORDS, i, 2).title()}"


def person(i: int, salt: int) -> str:
    return f"{_pick(FIRST, i, salt)} {_pick(LAST, i, salt + 7)}"


def _boilerplate() -> tuple[list[bytes], bytes, bytes]:
    """Shared head blocks (inline scripts and styles, ~1 KB each), navigation and footer: most of a page's bytes."""
    blocks = []
    for b in range(160):
        script = "".join(f"window.__cfg{b}_{i}={{a:{i},b:'{WORDS[(b + i) % len(WORDS)]}',c:[{i},{b * 3},{i * 7}]}};"
                         f"function f{b}_{i}(x){{return x*{i}+{b % 13}}};" for i in range(12))
        style = "".join(f".c{b}_{i}{{margin:{i % 9}px;color:#{(b * 2731 + i) % 0xFFFFFF:06x}}}" for i in range(8))
        blocks.append(f"<script>{script}</script><style>{style}</style>".encode())
    nav = ("<nav><ul>" + "".join(f'<li><a href="/section/{WORDS[i % len(WORDS)]}-{i}">{WORDS[i % len(WORDS)].title()} {i}</a></li>'
                                 for i in range(400)) + "</ul></nav>").encode()
    footer = ("<footer>" + "".join(f"<p>Related: {film_title(i)} news, reviews and trailers</p>" for i in range(150)) +
              "<p>&copy; 2026 Example Film News. All rights reserved.</p></footer>").encode()
    return blocks, nav, footer


def article(i: int) -> bytes:
    title, director = film_title(i), person(i, 3)
    actor, character = person(i, 5), person(i, 9)
    day, month, year = 1 + i % 28, MONTHS[i % 12], 2027 + i % 2
    published = f"2026-{1 + i % 11:02d}-{1 + i % 27:02d}"
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": f"{title} gets a release date",
                     "datePublished": f"{published}T08:00:00+00:00", "author": {"@type": "Person", "name": person(i, 11)}})
    paragraphs = [
        f"{_pick(WORDS, i, 4).title()} Pictures has set a {month} {day}, {year} release date for {title}, "
        "exclusively in theaters.",
        f"{title} is directed by {director}, from a screenplay by {person(i, 13)}.",
        f"{actor} stars as {character}, alongside {person(i, 15)} and {person(i, 17)}.",
        "The studio had previously dated the film for the fall, before production moved to the spring. "
        "Further casting will be announced in the coming weeks, the studio said in a statement.",
    ] + [f"Filler paragraph {k} about the {_pick(WORDS, i + k, 6)} industry and what audiences may expect this season."
         for k in range(6)]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} gets a release date</title>'
            f'<meta property="article:published_time" content="{published}T08:00:00+00:00">'
            f'<script type="application/ld+json">{ld}</script>').encode(), (
            f'<main><article><h1>{title} gets a release date</h1><p>Published <time datetime="{published}">{published}</time></p>'
            f"{body}</article></main>").encode()


class SiteParts:
    """Page i = its head + a slice of the shared scripts (60-150 KB in all) + nav + article + footer."""

    def __init__(self) -> None:
        self.head, self.nav, self.footer = _boilerplate()

    def page(self, i: int) -> bytes:
        top, main = article(i)
        target = 60_000 + (i * 7919) % 90_000
        room = max(0, target - len(top) - len(main) - len(self.nav) - len(self.footer) - 40)
        head, size = [], 0
        for block in self.head[i % 40:] + self.head[:i % 40]:
            if size + len(block) > room:
                break
            head.append(block)
            size += len(block)
        return b"".join((top, *head, b"</head><body>", self.nav, main, self.footer, b"</body></html>"))


def _serve(port_out: multiprocessing.connection.Connection, pages: int) -> None:  # type: ignore[name-defined]
    """The server process: HTTP/1.1 keep-alive on asyncio; ETag per page, 304 on If-None-Match."""
    parts = SiteParts()
    sitemap = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' +
               "".join(f"<url><loc>http://{{host}}/news/{i}.html</loc><lastmod>2026-11-20</lastmod></url>" for i in range(pages)) +
               "</urlset>")

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
                status, body, extra = 200, b"", ""
                if path == "/robots.txt":
                    body, ctype = f"User-agent: *\nAllow: /\nSitemap: http://{headers['host']}/sitemap.xml\n".encode(), "text/plain"
                elif path == "/sitemap.xml":
                    body, ctype = sitemap.replace("{host}", headers["host"]).encode(), "application/xml"
                elif path.startswith("/news/") and path.endswith(".html") and path[6:-5].isdigit() and int(path[6:-5]) < pages:
                    i = int(path[6:-5])
                    etag = f'"p{i}-v1"'
                    ctype, extra = "text/html; charset=utf-8", f"ETag: {etag}\r\nLast-Modified: Fri, 20 Nov 2026 08:00:00 GMT\r\n"
                    if headers.get("if-none-match") == etag:
                        status = 304
                    else:
                        body = parts.page(i)
                else:
                    status, body, ctype = 404, b"not found", "text/plain"
                reason = {200: "OK", 304: "Not Modified", 404: "Not Found"}[status]
                writer.write(f"HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n{extra}\r\n".encode() + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=512)
        port_out.send(server.sockets[0].getsockname()[1])
        async with server:
            await server.serve_forever()

    asyncio.run(main())


# -- the measurements --------------------------------------------------------------------------
BARE_SPIDER = r'''
import json, sys, time
from scrapy import Spider, Request
from scrapy.crawler import CrawlerProcess
base, pages, settings = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
class Bare(Spider):
    name = "bare"
    count = 0
    async def start(self):
        for i in range(pages):
            yield Request(f"{base}/news/{i}.html", dont_filter=True)
    def parse(self, response):
        Bare.count += len(response.body) > 0
process = CrawlerProcess({**settings, "ROBOTSTXT_OBEY": False, "TELNETCONSOLE_ENABLED": False})
started = time.perf_counter()
process.crawl(Bare)
process.start()
print(json.dumps({"pages": Bare.count, "seconds": time.perf_counter() - started}))
'''


def bare_scrapy(base: str, pages: int) -> float:
    out = subprocess.run([sys.executable, "-c", BARE_SPIDER, base, str(pages), json.dumps(BENCH_SETTINGS)],
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result["pages"] / result["seconds"]


def one_core_extraction(parts: SiteParts, sample: int) -> float:
    """Pages/s of read_document + extract_claims in this process, pinned to one core."""
    from datetime import UTC, datetime

    from pipeline.model import FetchedPage
    from scrapers.extraction import extract_page

    if hasattr(os, "sched_setaffinity"):
        before = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {min(before)})
    bodies = [parts.page(i) for i in range(sample)]
    now = datetime.now(UTC)
    started = time.perf_counter()
    for i, body in enumerate(bodies):
        extract_page(FetchedPage("bench", f"http://bench/news/{i}.html", f"http://bench/news/{i}.html", 200,
                                 {"Content-Type": "text/html; charset=utf-8"}, body, now), ())
    seconds = time.perf_counter() - started
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, before)
    return sample / seconds


def full_crawl(base: str, db_url: str) -> tuple[float, object]:
    from pipeline.config import Config, SourceConfig
    from scrapers.crawl import run_crawl

    source = SourceConfig("bench-news", "sitemap", (base + "/",), max_pages=1_000_000)
    config = Config("(bench)", db_url, (source,), ())
    started = time.perf_counter()
    summary = run_crawl(config, db_url, progress=False, settings_overrides=BENCH_SETTINGS)
    return time.perf_counter() - started, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000, help="pages on the generated site (default 2000)")
    parser.add_argument("--sample", type=int, default=300, help="pages timed for the one-core extraction rate")
    parser.add_argument("--keep", metavar="DIR", help="keep the SQLite database in DIR")
    parser.add_argument("--batch-pages", type=int, help="RELEASEWATCH_BATCH_PAGES for the crawls (default: the crawl's)")
    args = parser.parse_args()
    if args.batch_pages:
        BENCH_SETTINGS.update(RELEASEWATCH_BATCH_PAGES=args.batch_pages, RELEASEWATCH_BATCH_SECONDS=30.0)

    from storage.db import Database

    parts = SiteParts()
    sizes = [len(parts.page(i)) for i in range(0, args.pages, max(1, args.pages // 200))]
    print(f"site: {args.pages} pages, {min(sizes) / 1024:.0f}-{max(sizes) / 1024:.0f} KB each "
          f"(mean {sum(sizes) / len(sizes) / 1024:.0f} KB); {os.cpu_count()} cores")
    receive, send = multiprocessing.Pipe(duplex=False)
    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(send, args.pages), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{receive.recv()}"
    try:
        bare = bare_scrapy(base, args.pages)
        print(f"1. bare Scrapy spider (reads bodies only):      {bare:8.1f} pages/s")
        extraction = one_core_extraction(parts, min(args.sample, args.pages))
        print(f"2. reading + extraction alone, one core:        {extraction:8.1f} pages/s")

        folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="releasewatch-bench-"))
        folder.mkdir(parents=True, exist_ok=True)
        db_file = folder / "bench.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
        db_url = f"sqlite:///{db_file}"
        database = Database(db_url)
        database.upgrade()
        database.dispose()

        seconds, first = full_crawl(base, db_url)
        t = first.timings  # type: ignore[attr-defined]
        n = first.pages_fetched  # type: ignore[attr-defined]
        rate = n / seconds
        per = {k: 1000 * t.get(k, 0.0) / max(1, n) for k in ("fetch", "extract", "storage", "diff")}
        print(f"3. full crawl, first time (SQLite):             {rate:8.1f} pages/s  "
              f"({n} pages stored, {first.claims} claims, {first.events} events, "  # type: ignore[attr-defined]
              f"{first.pages_failed} failed, {seconds:.1f} s)")  # type: ignore[attr-defined]
        print(f"   per page: fetch {per['fetch']:.1f} ms (download latency, overlapped), extraction "
              f"{per['extract']:.1f} ms (CPU in {os.cpu_count()} workers), storage {per['storage']:.2f} ms, "
              f"diff {per['diff']:.2f} ms")
        work = per["fetch"] + per["extract"]
        share = (per["storage"] + per["diff"]) / work if work else 0.0
        print(f"   storage+diff = {100 * share:.1f}% of fetch+extraction (goal <= 20%; fetch is summed download "
              f"latency), {100 * (per['storage'] + per['diff']) / max(per['extract'], 1e-9):.0f}% of extraction alone; "
              f"{rate / extraction:.2f}x the one-core extraction rate (goal >= 1.5x)")
        crawl_cpu = 1000 * t.get("crawl_cpu", 0.0) / max(1, n)
        workers_cpu = 1000 * t.get("workers_cpu", 0.0) / max(1, n)
        total_cpu = crawl_cpu + workers_cpu
        cores = os.cpu_count() or 1
        print(f"   CPU per page: {total_cpu:.1f} ms = crawl process (Scrapy, pipeline) {crawl_cpu:.1f} + workers "
              f"{workers_cpu:.1f} (extraction {per['extract']:.1f}, storage+diff {per['storage'] + per['diff']:.1f}, "
              f"hand-offs and start-up {workers_cpu - per['extract'] - per['storage'] - per['diff']:.1f}); "
              f"{cores} cores fully busy would give {1000 * cores / total_cpu:.0f} pages/s = "
              f"{1000 * cores / total_cpu / extraction:.2f}x the one-core extraction rate")

        seconds2, second = full_crawl(base, db_url)
        rate2 = (second.pages_unchanged + second.pages_fetched) / seconds2  # type: ignore[attr-defined]
        print(f"4. full crawl, unchanged site (304s):           {rate2:8.1f} pages/s  "
              f"({second.pages_unchanged} unchanged, {second.sources['bench-news']['not_modified']} answered 304, "  # type: ignore[attr-defined]
              f"{seconds2:.1f} s); {rate2 / bare:.2f}x bare Scrapy (goal >= 0.5x)")
        peak = max(first.timings.get("peak_rss_mb", 0), second.timings.get("peak_rss_mb", 0))  # type: ignore[attr-defined]
        worker = max(first.timings.get("peak_worker_rss_mb", 0), second.timings.get("peak_worker_rss_mb", 0))  # type: ignore[attr-defined]
        print(f"5. peak RSS: crawl process {peak:.0f} MB, largest extraction worker {worker:.0f} MB "
              f"(goal < 400 MB, flat from 2,000 to 10,000 pages); bench process "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    finally:
        server.terminate()
        server.join(5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
