"""Errors of the front door (CLI, demo)."""
from __future__ import annotations


class ReleasewatchError(Exception):
    """Base class: a problem the user can read in one line."""


class InputNotFound(ReleasewatchError, FileNotFoundError):
    def __init__(self, spec: str, reason: str) -> None:
        self.spec = spec
        super().__init__(f"{spec}: {reason}")
