"""`releasewatch extract`: read files or URLs and print the claims they make."""
from __future__ import annotations

import gzip
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pipeline.document import read_document, read_html, read_text
from pipeline.extract import extract_claims
from pipeline.extract_json import document_json
from pipeline.model import WatchFilm
from releasewatch.errors import InputNotFound

USER_AGENT = "releasewatch/0.1 (+https://github.com/releasewatch)"
HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")


def _read_path(spec: str) -> Any:
    path = Path(spec)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputNotFound(spec, "no such file") from None
    except OSError as exc:
        raise InputNotFound(spec, f"cannot read: {exc.strerror or exc}") from None
    name = path.name.lower()
    if name.endswith(".gz"):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise InputNotFound(spec, f"not a valid gzip file: {exc}") from None
    if name.endswith(HTML_SUFFIXES):
        return read_html(raw, source=spec)
    return read_text(raw.decode("utf-8", errors="replace"), source=spec)


def _read_url(spec: str, timeout: float) -> Any:
    request = urllib.request.Request(spec, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http/https only)
            body = response.read()
            headers = {k: v for k, v in response.headers.items()}
    except urllib.error.HTTPError as exc:
        raise InputNotFound(spec, f"HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InputNotFound(spec, f"cannot fetch: {reason}") from None
    return read_document(body, source=spec, url=spec, content_type=headers.get("Content-Type"), headers=headers)


def extract_documents(specs: Sequence[str], watchlist: Sequence[WatchFilm] = (), timeout: float = 20.0) -> Iterator[dict[str, Any]]:
    """One `extract --json` object per input, in order. Raises InputNotFound for an input that cannot be read."""
    for spec in specs:
        if spec.startswith(("http://", "https://")):
            document = _read_url(spec, timeout)
        else:
            document = _read_path(spec)
        yield document_json(document, extract_claims(document, watchlist))
