"""Errors of the front door (CLI, demo)."""
from __future__ import annotations


class ReleasewatchError(Exception):
    """Base class: a problem the user can read in one line."""


class InputNotFound(ReleasewatchError, FileNotFoundError):
    def __init__(self, spec: str, reason: str) -> None:
        self.spec = spec
        super().__init__(f"{spec}: {reason}")


class UnknownFilm(ReleasewatchError, LookupError):
    """A title that names no known film; the closest known titles are suggested."""

    def __init__(self, title: str, suggestions: list[str], known: int) -> None:
        self.title, self.suggestions = title, suggestions
        if not known:
            hint = "the database has no films yet (run `releasewatch crawl` first)"
        elif suggestions:
            hint = "did you mean " + ", ".join(repr(s) for s in suggestions) + "?"
        else:
            hint = "see `releasewatch films` for the known titles"
        super().__init__(f"unknown film {title!r}: {hint}")


class BadOption(ReleasewatchError, ValueError):
    def __init__(self, option: str, value: str, expected: str) -> None:
        super().__init__(f"{option} {value!r}: expected {expected}")
