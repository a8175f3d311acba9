"""Scrapy settings for every releasewatch crawl: one flat module, grouped, one comment per setting.

`scrapers.run_crawl` loads this module and applies the caller's overrides on top (tests lower the
timeouts and delays that way). Settings that start with RELEASEWATCH_ are ours, read by our
components in `from_crawler`.
"""
from __future__ import annotations

# -- identity and politeness -------------------------------------------------------------------
BOT_NAME = "releasewatch"  # shown in Scrapy's own log lines and stats
USER_AGENT = "releasewatch/0.1 (+contact)"  # say who we are, so a site owner can reach us instead of blocking us
ROBOTSTXT_OBEY = True  # a site's robots.txt decides what we may fetch; a forbidden page is recorded as a failure
DOWNLOADER_MIDDLEWARES = {  # robots.txt for every waiting request, unreachable robots.txt = skip site; retries that wait (middlewares.py)
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "scrapers.middlewares.UrlPolicyMiddleware": 50,  # before robots.txt: a refused URL's site is never contacted at all
    "scrapers.middlewares.RobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scrapers.middlewares.RetryAfterMiddleware": 550,
}
AUTOTHROTTLE_ENABLED = True  # adapt the delay per site to its response times instead of a fixed rate
AUTOTHROTTLE_START_DELAY = 1.0  # seconds between requests to one site before AutoThrottle has measured it
AUTOTHROTTLE_MAX_DELAY = 30.0  # never wait longer than this between two requests to a slow site
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0  # on average one request in flight per site: we are a watcher, not a mirror
CONCURRENT_REQUESTS_PER_DOMAIN = 2  # hard ceiling per site whatever AutoThrottle computes
COOKIES_ENABLED = False  # news pages do not need a session; cookies would only make pages vary between crawls

# -- downloads ----------------------------------------------------------------------------------
DOWNLOAD_TIMEOUT = 20  # seconds; a page slower than this is recorded as "timed out" and retried next run
RELEASEWATCH_PAGE_MAXSIZE = 10 * 1024 * 1024  # 10 MB of a page's (uncompressed) body are read; the rest is cut off and the cut recorded
DOWNLOAD_MAXSIZE = 100 * 1024 * 1024  # hard limit: a compressed body inflating past this (a zip bomb) is cancelled and recorded as a failure
DOWNLOAD_WARNSIZE = 50 * 1024 * 1024  # log a warning for transfers far beyond what an article needs
RELEASEWATCH_SITEMAP_MAXSIZE = 50 * 1024 * 1024  # feeds and sitemaps may be as large as the sitemap protocol allows (50 MB)
COMPRESSION_ENABLED = True  # ask for gzip/deflate/br (brotli installed) and decompress; pages are text and shrink ~5x
RELEASEWATCH_FOLLOW_DEPTH_PRIORITY = -1  # pages found by following links come after the listed ones
RELEASEWATCH_ALLOW_PRIVATE_NETWORKS = False  # URLs not in the config may reach private/loopback addresses only on their configured origin (url_policy.py)
DOWNLOAD_HANDLERS = {  # file:// read up to the size limits; data:, ftp:// and s3:// never fetched
    "file": "scrapers.file_handler.LimitedFileDownloadHandler",
    "data": None, "ftp": None, "s3": None,
}
REDIRECT_ENABLED = True  # follow moved articles; the FetchedPage keeps both the requested and the final URL

# -- retries and error statuses -----------------------------------------------------------------
RETRY_ENABLED = True  # transient failures (5xx, 429, timeouts, refused connections) get another chance
RETRY_TIMES = 2  # at most three attempts per page per run; the next scheduled run tries again anyway
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]  # server-side and rate-limit statuses worth retrying
RELEASEWATCH_RETRY_BACKOFF = 1.0  # seconds before the first retry, doubled for each further one (unless Retry-After says more)
RELEASEWATCH_RETRY_BACKOFF_MAX = 30.0  # never back off longer than this between two attempts
RELEASEWATCH_RETRY_AFTER_MAX = 120.0  # a longer Retry-After is not waited for: recorded, and the next run tries again
RETRY_GIVE_UP_LOG_LEVEL = "INFO"  # our item pipeline already prints one line per failure; no second ERROR line
HTTPERROR_ALLOW_ALL = True  # let 4xx/5xx reach the spider so each one is recorded with its status, not dropped

# -- our components -----------------------------------------------------------------------------
ITEM_PIPELINES = {"scrapers.pipelines.StorePagePipeline": 300}  # the ONE pipeline: extract, diff, store
CONCURRENT_ITEMS = 4  # a page yields one item (and a few links): Scrapy starts this many tasks per response, 100 by default
RELEASEWATCH_EXTRACT_WORKERS = None  # extraction processes; None: one per core, 0: extract in the crawl process itself
RELEASEWATCH_BATCH_PAGES = 250  # pages stored and diffed per unit of work (ingest_batch): bigger batches share the before-state query
RELEASEWATCH_BATCH_SECONDS = 5.0  # ...or whatever arrived in this many seconds, so progress shows on slow crawls
SPIDER_MODULES = ["scrapers.spiders"]  # where `scrapy list` finds our spiders
NEWSPIDER_MODULE = "scrapers.spiders"  # where `scrapy genspider` would put a new one

# -- remote access: all off ---------------------------------------------------------------------
TELNETCONSOLE_ENABLED = False  # no telnet console listening on a local port during crawls
REMOTE_CONTROL_ENABLED = False  # Scrapy 2.19's HTTP endpoint runs arbitrary Python sent to it: never on
EXTENSIONS = {  # belt and braces: remove both extensions even if a setting above is overridden
    "scrapy.extensions.telnet.TelnetConsole": None,
    "scrapy.extensions.remote_control.RemoteControl": None,
}

# -- engine -------------------------------------------------------------------------------------
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"  # Scrapy's default; needed by async spider start()
# REQUEST_FINGERPRINTER_IMPLEMENTATION is not set: Scrapy 2.19 removed it and always uses the "2.7" fingerprints.
LOG_LEVEL = "WARNING"  # a crawl prints its own progress lines; Scrapy only speaks up when something is wrong
LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"  # one short line; the parent process adds no timestamps either
STATS_DUMP = False  # the crawl summary replaces Scrapy's stats dump at the end of each crawl
