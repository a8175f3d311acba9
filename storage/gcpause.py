"""Pausing Python's cyclic garbage collector around batch work.

A crawl batch or a rediff builds a few hundred thousand short-lived objects (claims, slots, rows)
that hold no reference cycles. Each allocation burst triggers generational collections, and the
oldest generation scans every object the process holds: in a long-lived storage worker, or right
after a full rediff, that scanning cost more than the diff itself (bench/diff.py). Reference
counting still frees everything as usual; cycles made meanwhile are collected once it resumes.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off; it is back on afterwards if it was on before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
