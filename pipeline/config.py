"""releasewatch.toml: read with tomllib, validated into frozen dataclasses.

Every problem is reported as ConfigError naming the file, the key and what is wrong, so that a
typo never becomes a silent default.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pipeline.alerts_config import AlertsConfig, parse_alerts
from pipeline.errors import ConfigError
from pipeline.model import WatchFilm
from pipeline.scheduler_config import SOURCE_TIMING_KEYS, SchedulerConfig, parse_scheduler, source_timing
from pipeline.scheduler_config import duration_seconds as parse_duration  # noqa: F401  (one duration syntax for every key)

DEFAULT_DATABASE_URL = "sqlite:///releasewatch.db"
SOURCE_KINDS = ("pages", "feed", "sitemap")


DEFAULT_REVISIT_DAYS = 30
DEFAULT_MAX_PAGES = 5000
DEFAULT_BROKEN_AFTER = 3
DEFAULT_MAX_PAGE_MB = 10.0


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """One [[sources]] table.

    pages: `urls` are fetched on every run. feed: `urls` are RSS/Atom feeds; each entry's page is
    fetched once and revisited while the entry is younger than `revisit_days`. sitemap: `urls` are
    sitemaps, sitemap indexes or site roots (whose robots.txt names the sitemaps); `include` and
    `exclude` are regexes on the listed URLs. Any kind may `follow` links whose URL matches one of
    the patterns, up to `max_depth` links away. `max_pages` caps the pages requested per run.
    `concurrency` and `delay` (seconds) bound requests to the source's sites.
    """

    name: str
    kind: str
    urls: tuple[str, ...]
    every_seconds: int = 6 * 3600
    trust: float = 0.5
    revisit_days: int = DEFAULT_REVISIT_DAYS
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    follow: tuple[str, ...] = ()
    max_depth: int = 1
    max_pages: int = DEFAULT_MAX_PAGES
    concurrency: int | None = None
    delay: float | None = None
    cron: str | None = None  # crontab line, in [scheduler] timezone; replaces every_seconds
    jitter_seconds: int = 0
    active_hours: str | None = None  # "07:00-23:00" in [scheduler] timezone


@dataclass(frozen=True, slots=True)
class CrawlConfig:
    """The [crawl] table: how every crawl identifies itself and when a source counts as broken."""

    contact: str | None = None  # a URL or email address put in the User-Agent
    broken_after: int = DEFAULT_BROKEN_AFTER  # runs in a row a source may fail before it is flagged
    max_page_mb: float = DEFAULT_MAX_PAGE_MB  # pages larger than this are cut off and recorded
    # URLs from listings, links and redirects may reach private/loopback addresses off their configured origin
    allow_private_networks: bool = False

    @property
    def user_agent(self) -> str:
        """'releasewatch/0.1 (+contact)': who we are and how a site owner reaches us."""
        return f"releasewatch/0.1 (+{self.contact or 'contact'})"


@dataclass(frozen=True, slots=True)
class Config:
    path: str
    database_url: str = DEFAULT_DATABASE_URL
    sources: tuple[SourceConfig, ...] = ()
    films: tuple[WatchFilm, ...] = ()
    crawl: CrawlConfig = CrawlConfig()
    scheduler: SchedulerConfig = SchedulerConfig()
    alerts: AlertsConfig | None = None  # None: no [alerts] table, nothing is queued or sent

    def source(self, name: str) -> SourceConfig:
        for s in self.sources:
            if s.name == name:
                return s
        known = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(self.path, "sources", f"no source named {name!r} (known: {known})")


_TOP_KEYS = {"database", "sources", "films", "alerts", "scheduler", "crawl"}
_SOURCE_KEYS = {"name", "kind", "urls", "trust", "revisit_days", "include", "exclude", "follow",
                "max_depth", "max_pages", "concurrency", "delay"} | SOURCE_TIMING_KEYS
_CRAWL_KEYS = {"contact", "broken_after", "max_page_mb", "allow_private_networks"}
_FILM_KEYS = {"title", "aliases", "year"}


def _check_keys(path: str, where: str, table: dict[str, Any], allowed: set[str]) -> None:
    for key in table:
        if key not in allowed:
            hint = ", ".join(sorted(allowed))
            raise ConfigError(path, f"{where}{key}", f"unknown key (expected one of: {hint})")


def _source(path: str, i: int, raw: Any) -> SourceConfig:
    where = f"sources[{i}]."
    if not isinstance(raw, dict):
        raise ConfigError(path, f"sources[{i}]", "must be a table ([[sources]])")
    _check_keys(path, where, raw, _SOURCE_KEYS)
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(path, where + "name", "is required and must be a non-empty string")
    kind = raw.get("kind", "pages")
    if kind not in SOURCE_KINDS:
        raise ConfigError(path, where + "kind", f"{kind!r} is not one of {', '.join(SOURCE_KINDS)}")
    urls = raw.get("urls", [])
    if not isinstance(urls, list) or not urls or not all(isinstance(u, str) and u.strip() for u in urls):
        raise ConfigError(path, where + "urls", "must be a non-empty list of URL strings")
    for u in urls:
        if not re.match(r"^(https?|file)://", u):
            raise ConfigError(path, where + "urls", f"{u!r} is not an http, https or file:// URL")
        problem = _url_problem(u.strip())
        if problem:
            raise ConfigError(path, where + "urls", f"{u!r}: {problem}")
    timing = source_timing(path, where, raw)
    trust = raw.get("trust", 0.5)
    if isinstance(trust, bool) or not isinstance(trust, (int, float)) or not 0 <= trust <= 1:
        raise ConfigError(path, where + "trust", f"{trust!r} must be a number from 0 to 1")
    if kind == "pages" and "revisit_days" in raw:
        raise ConfigError(path, where + "revisit_days", "only feed and sitemap sources discover pages to revisit")
    if kind != "sitemap":
        for key in ("include", "exclude"):
            if key in raw:
                raise ConfigError(path, where + key, "only sitemap sources filter their listed URLs (use follow for links)")
    follow = _patterns(path, where + "follow", raw.get("follow", []))
    if "max_depth" in raw and not follow:
        raise ConfigError(path, where + "max_depth", "needs follow = [...] (which links to follow)")
    concurrency = raw.get("concurrency")
    delay = raw.get("delay")
    if delay is not None and (isinstance(delay, bool) or not isinstance(delay, (int, float)) or not 0 <= delay <= 3600):
        raise ConfigError(path, where + "delay", f"{delay!r} must be a number of seconds from 0 to 3600")
    return SourceConfig(
        name.strip(), kind, tuple(u.strip() for u in urls), timing.every_seconds, float(trust),
        revisit_days=_whole(path, where + "revisit_days", raw.get("revisit_days", DEFAULT_REVISIT_DAYS), 1, 3650),
        include=_patterns(path, where + "include", raw.get("include", [])),
        exclude=_patterns(path, where + "exclude", raw.get("exclude", [])),
        follow=follow,
        max_depth=_whole(path, where + "max_depth", raw.get("max_depth", 1), 1, 10),
        max_pages=_whole(path, where + "max_pages", raw.get("max_pages", DEFAULT_MAX_PAGES), 1, 1_000_000),
        concurrency=None if concurrency is None else _whole(path, where + "concurrency", concurrency, 1, 64),
        delay=None if delay is None else float(delay),
        cron=timing.cron, jitter_seconds=timing.jitter_seconds, active_hours=timing.active_hours,
    )


def _url_problem(url: str) -> str | None:
    """What makes a configured URL unusable (no host, a port that is not a number), or None."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return "its port is not a number from 1 to 65535"
    if port == 0:
        return "its port is not a number from 1 to 65535"
    if parts.scheme != "file" and not parts.hostname:
        return "it names no host"
    return None


def _whole(path: str, key: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(path, key, f"{value!r} must be a whole number from {low} to {high:,}")
    return value


def _patterns(path: str, key: str, value: Any) -> tuple[str, ...]:
    """A list of regular expressions, each compiled once here so that a typo fails now, not mid-crawl."""
    if not isinstance(value, list) or not all(isinstance(p, str) and p for p in value):
        raise ConfigError(path, key, "must be a list of non-empty regular expressions, e.g. [\"/news/\"]")
    for pattern in value:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(path, key, f"{pattern!r} is not a regular expression: {exc}") from None
    return tuple(value)


def _crawl(path: str, raw: Any) -> CrawlConfig:
    if not isinstance(raw, dict):
        raise ConfigError(path, "crawl", "must be a table ([crawl])")
    _check_keys(path, "crawl.", raw, _CRAWL_KEYS)
    contact = raw.get("contact")
    if contact is not None and (not isinstance(contact, str) or not contact.strip() or re.search(r"[()\r\n]", contact)):
        raise ConfigError(path, "crawl.contact", f"{contact!r} must be a URL or an email address (no parentheses)")
    max_mb = raw.get("max_page_mb", DEFAULT_MAX_PAGE_MB)
    if isinstance(max_mb, bool) or not isinstance(max_mb, (int, float)) or not 0 < max_mb <= 1024:
        raise ConfigError(path, "crawl.max_page_mb", f"{max_mb!r} must be a number of megabytes from 0 to 1024")
    allow_private = raw.get("allow_private_networks", False)
    if not isinstance(allow_private, bool):
        raise ConfigError(path, "crawl.allow_private_networks", f"{allow_private!r} must be true or false")
    return CrawlConfig(
        allow_private_networks=allow_private,
        contact=contact.strip() if contact else None,
        broken_after=_whole(path, "crawl.broken_after", raw.get("broken_after", DEFAULT_BROKEN_AFTER), 1, 100),
        max_page_mb=float(max_mb),
    )


def _film(path: str, i: int, raw: Any) -> WatchFilm:
    where = f"films[{i}]."
    if not isinstance(raw, dict):
        raise ConfigError(path, f"films[{i}]", "must be a table ([[films]])")
    _check_keys(path, where, raw, _FILM_KEYS)
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ConfigError(path, where + "title", "is required and must be a non-empty string")
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise ConfigError(path, where + "aliases", "must be a list of strings")
    year = raw.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise ConfigError(path, where + "year", f"{year!r} must be a whole number")
    return WatchFilm(title.strip(), tuple(a.strip() for a in aliases if a.strip()), year)


def parse_config(text: str, path: str = "releasewatch.toml") -> Config:
    """Validate the text of a releasewatch.toml."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, "", f"not valid TOML: {exc}") from None
    _check_keys(path, "", raw, _TOP_KEYS)
    database = raw.get("database", {})
    if not isinstance(database, dict):
        raise ConfigError(path, "database", "must be a table ([database])")
    _check_keys(path, "database.", database, {"url"})
    url = database.get("url", DEFAULT_DATABASE_URL)
    if not isinstance(url, str) or "://" not in url:
        raise ConfigError(path, "database.url", f"{url!r} is not an SQLAlchemy URL such as {DEFAULT_DATABASE_URL}")
    raw_sources = raw.get("sources", [])
    if not isinstance(raw_sources, list):
        raise ConfigError(path, "sources", "must be an array of tables ([[sources]])")
    sources = tuple(_source(path, i, s) for i, s in enumerate(raw_sources))
    seen: set[str] = set()
    for i, s in enumerate(sources):
        if s.name in seen:
            raise ConfigError(path, f"sources[{i}].name", f"{s.name!r} is used by another source; names must be unique")
        seen.add(s.name)
    raw_films = raw.get("films", [])
    if not isinstance(raw_films, list):
        raise ConfigError(path, "films", "must be an array of tables ([[films]])")
    films = tuple(_film(path, i, f) for i, f in enumerate(raw_films))
    return Config(path, url, sources, films, _crawl(path, raw.get("crawl", {})),
                  parse_scheduler(path, raw.get("scheduler", {})),
                  parse_alerts(path, raw.get("alerts"), {s.name for s in sources}))


def load_config(path: str | Path) -> Config:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(p), "", "file not found (create one from examples/releasewatch.toml)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(p), "", f"cannot read: {exc}") from None
    return parse_config(text, str(p))


_WATCHLIST_FILE_SUFFIXES = (".txt", ".lst", ".list", ".films", ".csv", ".tsv")


def _names_a_file(spec: str) -> bool:
    """Whether `--films` was given a path rather than titles: a path-like start, a list-file
    suffix, or a directory part that exists. "Face/Off" stays a title: no folder "Face" exists."""
    p = Path(spec).expanduser()
    if spec.startswith(("/", "./", "../", "~")) or p.suffix.lower() in _WATCHLIST_FILE_SUFFIXES:
        return True
    return ("/" in spec or "\\" in spec) and p.parent.is_dir() and str(p.parent) not in ("", ".")


def parse_watchlist(spec: str) -> tuple[WatchFilm, ...]:
    """`--films` for `extract`: a file with one title a line (aliases after `|`), or comma-separated titles.

    A spec that names a file which cannot be read raises ConfigError rather than becoming a title.
    """
    p = Path(spec).expanduser()
    if p.is_file() or _names_a_file(spec):
        try:
            lines = p.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            raise ConfigError(spec, "--films", "file not found") from None
        except IsADirectoryError:
            raise ConfigError(spec, "--films", "is a directory, not a watch-list file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(spec, "--films", f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    else:
        lines = spec.split(",")
    films = []
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        title, *aliases = [part.strip() for part in line.split("|")]
        if title:
            films.append(WatchFilm(title, tuple(a for a in aliases if a)))
    return tuple(films)
