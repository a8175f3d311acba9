"""Errors of alert sending: what went wrong, in words safe to show and store (never the password)."""
from __future__ import annotations

from releasewatch.errors import ReleasewatchError


class AlertsError(ReleasewatchError):
    """Base class of alert problems a person can act on."""


class AlertsNotConfigured(AlertsError):
    def __init__(self, path: str) -> None:
        super().__init__(f"{path}: no [alerts] table: add one (see examples/releasewatch.toml) to send alerts")


class PasswordMissing(AlertsError):
    """The variable named by password_env is not set (its name is shown, never a value)."""

    def __init__(self, variable: str) -> None:
        self.variable = variable
        super().__init__(f"the SMTP password is read from ${variable}, which is not set")


class DeliveryFailed(AlertsError):
    """A message was not accepted. `temporary`: try again later (4xx, server down); otherwise the
    server refused it for good (5xx). `connection`: the server could not be used at all, so the
    other messages of this run would fail the same way."""

    def __init__(self, reason: str, *, temporary: bool, connection: bool = False) -> None:
        self.reason, self.temporary, self.connection = reason, temporary, connection
        super().__init__(reason)
