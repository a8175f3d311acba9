"""A real HTTP server for the bundled sample site, the demo and the crawl tests.

`SampleSite` serves a folder on 127.0.0.1 from a background thread (one thread per request, so
a deliberately slow page never blocks the others). Tests and the demo steer it while it runs:
`switch()` makes a path serve a newer version of a page (a site quietly updating an article),
`set_status()` makes a path fail (for good, or for its next N requests, with extra headers such as
Retry-After), `set_delay()` makes it slow, `redirect()` moves it, `generate()` streams a body made
on the fly (a sitemap of a million URLs that never exists as a file), and `requests` records what
was asked for. Responses carry ETag and Last-Modified and honour conditional GETs, like a real site.

Why a real server and not a mock: the crawl must be exercised through Scrapy's real downloader,
robots.txt handling, retries and timeouts (CONVENTIONS.md, "Tests": no network, a local server).
"""
from __future__ import annotations

import email.utils
import hashlib
import mimetypes
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

from pipeline.config import Config, SourceConfig
from pipeline.model import WatchFilm

SAMPLE_SITE_DIR = Path(__file__).resolve().parent / "sample_site"

#: The film every sample page is about (all names on the sample site are invented).
SAMPLE_FILM = WatchFilm("The Salt Road")

#: One source per invented publication, with the pages of the sample site it watches.
SAMPLE_SOURCES: dict[str, tuple[str, ...]] = {
    "northlight-press": ("studio/news/the-salt-road-release-date.html",),
    "reelhouse-cinemas": ("cinema/movies/the-salt-road.html",),
    "frame-rate": ("fans/2026/03/salt-road-gets-a-release-date.html",),
    "the-long-take": ("reviews/the-salt-road-review.html",),
}

#: How much each publication is trusted: a studio most, a fan site least.
SAMPLE_TRUST: dict[str, float] = {
    "northlight-press": 0.95, "reelhouse-cinemas": 0.8, "frame-rate": 0.4, "the-long-take": 0.6,
}

#: Pages whose site later updated them: path -> the file holding the newer version.
SAMPLE_UPDATES: dict[str, str] = {
    "fans/2026/03/salt-road-gets-a-release-date.html": "v2/fans/2026/03/salt-road-gets-a-release-date.html",
}


def _key(path: str) -> str:
    """The form every per-path table is keyed by: no query, no leading slash, unquoted."""
    return unquote(urlsplit(path).path).lstrip("/")


@dataclass(frozen=True, slots=True)
class _Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    stream: Callable[[], Iterable[bytes]] | None = None  # sent instead of body, without Content-Length


@dataclass(slots=True)
class _Status:
    status: int
    remaining: int | None  # answers left before the file is served again; None: for good
    headers: dict[str, str]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # stop() must not wait for a request that is deliberately sleeping.
    block_on_close = False
    site: SampleSite

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (a crawl timeout test) leaves a broken pipe behind; that is expected.
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "releasewatch-sample/0.1"

    def do_GET(self) -> None:
        self._serve(with_body=True)

    def do_HEAD(self) -> None:
        self._serve(with_body=False)

    def log_message(self, format: str, *args: Any) -> None:
        # Tests read `SampleSite.requests`; a line per request on stderr would only be noise.
        pass

    def _serve(self, *, with_body: bool) -> None:
        site = self.server.site
        reply = site._reply(self.command, self.path, dict(self.headers.items()))
        # Logged before answering, so a client that has its answer always finds it in the log.
        site._log(self.command, self.path, reply.status, dict(self.headers.items()))
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.stream is not None:
            # HTTP/1.0 without Content-Length: the body ends when the connection closes.
            self.end_headers()
            if with_body:
                for chunk in reply.stream():
                    self.wfile.write(chunk)
            return
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if with_body and reply.status != HTTPStatus.NOT_MODIFIED:
            self.wfile.write(reply.body)


class SampleSite:
    """A folder served over HTTP on 127.0.0.1, on a free port, until `stop()`.

    Use it as a context manager (`with SampleSite(folder) as site: site.url("a.html")`).
    Paths given to the methods are relative to the served folder ("news/a.html" or "/news/a.html").
    """

    def __init__(self, root: str | Path = SAMPLE_SITE_DIR, host: str = "127.0.0.1", port: int = 0) -> None:
        self.root = Path(root).resolve()
        self.host = host
        self._port = port
        #: Every request served, in order: (method, path as requested, status).
        self.requests: list[tuple[str, str, int]] = []
        #: The headers of each request, in the same order as `requests` (e.g. to check the User-Agent).
        self.request_headers: list[dict[str, str]] = []
        #: When each request arrived (time.monotonic()), in the same order as `requests`.
        self.request_times: list[float] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._switched: dict[str, Path] = {}
        self._statuses: dict[str, _Status] = {}
        self._generated: dict[str, tuple[Callable[[], Iterable[bytes]], str]] = {}
        self._delays: dict[str, float] = {}
        self._content_types: dict[str, str] = {}
        self._redirects: dict[str, tuple[int, str]] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> SampleSite:
        """Bind the port and serve in a daemon thread; returns self."""
        if self._server is not None:
            return self
        server = _Server((self.host, self._port), _Handler)
        server.site = self
        self._server = server
        self._stopping.clear()
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"SampleSite:{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the port (slow requests still sleeping are cut short)."""
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> SampleSite:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # -- addresses ---------------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("SampleSite is not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "") -> str:
        """The absolute http:// URL of `path` on this server."""
        return f"{self.base_url}/{path.lstrip('/')}"

    # -- steering ----------------------------------------------------------------------------
    def write(self, path: str, content: str | bytes) -> Path:
        """Create or replace a file under the served folder (for tests that build their own site)."""
        target = self.root / _key(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        else:
            target.write_bytes(content)
        return target

    def switch(self, path: str, to: str | Path | None) -> None:
        """Serve the file `to` (relative to the folder, or absolute) at `path`; None restores it."""
        with self._lock:
            if to is None:
                self._switched.pop(_key(path), None)
                return
            target = Path(to)
            self._switched[_key(path)] = target if target.is_absolute() else self.root / _key(str(to))

    def set_status(self, path: str, status: int | None, *, times: int | None = None,
                   headers: dict[str, str] | None = None) -> None:
        """Answer `path` with this HTTP status and a short error page; None serves the file again.

        With `times`, only the next `times` requests get the status (a server that recovers);
        `headers` are sent with it (e.g. {"Retry-After": "1"}).
        """
        with self._lock:
            if status is None:
                self._statuses.pop(_key(path), None)
            else:
                self._statuses[_key(path)] = _Status(int(status), times, dict(headers or {}))

    def generate(self, path: str, chunks: Callable[[], Iterable[bytes]] | None,
                 content_type: str = "application/xml") -> None:
        """Serve at `path` the bytes `chunks()` yields, made while they are sent; None removes it."""
        with self._lock:
            if chunks is None:
                self._generated.pop(_key(path), None)
            else:
                self._generated[_key(path)] = (chunks, content_type)

    def set_delay(self, path: str, seconds: float | None) -> None:
        """Wait this long before answering `path` (a slow page for timeout tests)."""
        with self._lock:
            if not seconds:
                self._delays.pop(_key(path), None)
            else:
                self._delays[_key(path)] = float(seconds)

    def set_content_type(self, path: str, content_type: str | None) -> None:
        """Send this Content-Type for `path` instead of the one guessed from its extension."""
        with self._lock:
            if content_type is None:
                self._content_types.pop(_key(path), None)
            else:
                self._content_types[_key(path)] = content_type

    def redirect(self, path: str, to: str | None, status: int = 301) -> None:
        """Answer `path` with a redirect to `to` (a path on this server or an absolute URL); None removes it."""
        with self._lock:
            if to is None:
                self._redirects.pop(_key(path), None)
            else:
                self._redirects[_key(path)] = (int(status), to if "://" in to else "/" + to.lstrip("/"))

    def hits(self, path: str) -> int:
        """How many requests reached `path` so far."""
        key = _key(path)
        with self._lock:
            return sum(1 for _, p, _ in self.requests if _key(p) == key)

    # -- serving (called from handler threads) ------------------------------------------------
    def _log(self, method: str, path: str, status: int, headers: dict[str, str]) -> None:
        with self._lock:
            self.requests.append((method, path, status))
            self.request_headers.append(headers)
            self.request_times.append(time.monotonic())

    def _reply(self, method: str, raw_path: str, headers: dict[str, str]) -> _Reply:
        key = _key(raw_path)
        with self._lock:
            forced = self._statuses.get(key)
            status = forced.status if forced is not None else None
            status_headers = forced.headers if forced is not None else {}
            if forced is not None and forced.remaining is not None:
                forced.remaining -= 1
                if forced.remaining <= 0:
                    del self._statuses[key]
            generated = self._generated.get(key)
            delay = self._delays.get(key)
            switched = self._switched.get(key)
            content_type = self._content_types.get(key)
            redirect = self._redirects.get(key)
        if delay:
            self._stopping.wait(delay)
        if status is not None:
            phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Status"
            body = f"<!DOCTYPE html><html><body><h1>{status} {phrase}</h1></body></html>\n".encode()
            return _Reply(status, {"Content-Type": "text/html; charset=utf-8", **status_headers}, body)
        if generated is not None:
            return _Reply(200, {"Content-Type": generated[1]}, b"", stream=generated[0])

        if redirect is not None:
            return _Reply(redirect[0], {"Location": redirect[1], "Content-Type": "text/html; charset=utf-8"}, b"")

        file = switched if switched is not None else self._file_for(key)
        if file is None:
            body = b"<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>\n"
            return _Reply(404, {"Content-Type": "text/html; charset=utf-8"}, body)

        body = file.read_bytes()
        mtime = file.stat().st_mtime
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        last_modified = email.utils.formatdate(mtime, usegmt=True)
        reply_headers = {
            "Content-Type": content_type or self._guess_type(file),
            "ETag": etag,
            "Last-Modified": last_modified,
        }
        if self._not_modified(headers, etag, mtime):
            return _Reply(304, {"ETag": etag, "Last-Modified": last_modified}, b"")
        return _Reply(200, reply_headers, body)

    def _file_for(self, key: str) -> Path | None:
        candidate = (self.root / key).resolve()
        # Never serve anything outside the folder, whatever the request path says.
        if candidate != self.root and self.root not in candidate.parents:
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    @staticmethod
    def _guess_type(file: Path) -> str:
        guessed, _ = mimetypes.guess_type(file.name)
        guessed = guessed or "application/octet-stream"
        return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed

    @staticmethod
    def _not_modified(headers: dict[str, str], etag: str, mtime: float) -> bool:
        lower = {k.lower(): v for k, v in headers.items()}
        if "if-none-match" in lower:
            return etag in [t.strip() for t in lower["if-none-match"].split(",")]
        since = lower.get("if-modified-since")
        if since:
            try:
                parsed = email.utils.parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
            return int(mtime) <= parsed.timestamp()
        return False


def sample_config(site: SampleSite, database_url: str = "sqlite:///releasewatch.db") -> Config:
    """A configuration watching the bundled sample site as served by `site` (for the demo)."""
    sources = tuple(
        SourceConfig(name=name, kind="pages", urls=tuple(site.url(p) for p in paths), trust=SAMPLE_TRUST[name])
        for name, paths in SAMPLE_SOURCES.items()
    )
    return Config(path="<sample site>", database_url=database_url, sources=sources, films=(SAMPLE_FILM,))
