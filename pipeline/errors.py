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


class MissingDependency(PipelineError, ImportError):
    """A declared dependency cannot be imported: the installation is broken, fix it (no page is at fault)."""

    def __init__(self, module: str, reason: str) -> None:
        # args stay (module, reason) so the error survives pickling out of an extraction process
        self.module, self.reason = module, " ".join(str(reason).split())[:200]
        super().__init__(module, self.reason)

    def __str__(self) -> str:
        return (f"missing dependency: {self.module} cannot be imported ({self.reason}); "
                f"reinstall releasewatch with its dependencies: pip install -e .")
