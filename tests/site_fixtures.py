"""Served-site fixtures: a real HTTP server on 127.0.0.1 (releasewatch.sample_server.SampleSite).

- `site`: serves an empty tmp folder that the test fills with `site.write(path, text)`.
- `sample_site`: serves the bundled sample site (releasewatch/sample_site), read-only.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from releasewatch.sample_server import SAMPLE_SITE_DIR, SampleSite

__all__ = ["site", "sample_site"]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[SampleSite]:
    root = tmp_path / "site"
    root.mkdir()
    with SampleSite(root) as served:
        yield served


@pytest.fixture
def sample_site() -> Iterator[SampleSite]:
    with SampleSite(SAMPLE_SITE_DIR) as served:
        yield served
