"""Errors raised by pipeline/: each tells the caller what to do."""
from __future__ import annotations


class PipelineError(Exception):
    """Base class for everything pipeline/ raises on purpose."""


class ConfigError(PipelineError, ValueError):
    """The configuration file is wrong: the user must fix it."""

    def __init__(self, path: str, key: str, problem: str) -> None:
        self.path, self.key, self.problem = path, key, problem
        where = f"{path}: {key}" if key else path
        super().__init__(f"{where}: {problem}")


class UnreadableDocument(PipelineError, ValueError):
    """A document could not be read at all (skip the page, record why)."""

    def __init__(self, source: str, reason: str) -> None:
        self.source, self.reason = source, reason
        super().__init__(f"{source}: cannot read document: {reason}")
