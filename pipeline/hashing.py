"""Content hashes of fetched pages: how a crawl knows a page has not changed since last time."""
from __future__ import annotations

import hashlib


def content_hash(body: bytes) -> str:
    """The SHA-256 of the exact bytes served, as 64 lowercase hex digits.

    The raw body is hashed, not the extracted text: the question is "did the site serve anything
    different?", and answering it must not depend on the version of the reader.
    """
    return hashlib.sha256(body).hexdigest()
