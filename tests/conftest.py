"""Fixtures shared by the whole suite.

The database fixtures live in db_fixtures.py and the served-site fixtures in site_fixtures.py;
they are re-exported here so every test module sees them.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def need_shared(*parts: str) -> Path:
    """Path inside ../shared; skip with a reason when it is missing, fail under CI."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is missing (../shared is read, never copied, by these tests)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def shared() -> Path:
    return need_shared()


@pytest.fixture
def seeds_dir() -> Path:
    return need_shared("seeds")


from db_fixtures import *  # noqa: E402,F401,F403
from site_fixtures import *  # noqa: E402,F401,F403
from browser_fixtures import *  # noqa: E402,F401,F403
from smtp_fixtures import *  # noqa: E402,F401,F403
