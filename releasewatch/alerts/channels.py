"""The alert channels, by name. A delivery row names its channel; the sender opens one connection
per channel per run. Email is the one channel today; another (e.g. Apprise URLs for chat tools)
is one more entry here, never a hand-written HTTP client."""
from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from pipeline.alerts_config import AlertsConfig
from releasewatch.alerts.message import Mail
from releasewatch.alerts.smtp import Reply, SmtpConnection


class Channel(Protocol):
    transcript: deque[Reply]

    def send(self, message: Mail, recipient: str) -> Reply: ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    name: str
    description: str
    # Reads credentials (from the environment) without connecting: a missing password is a
    # configuration error raised before any delivery is claimed.
    connect: Callable[[AlertsConfig, Mapping[str, str]], Channel]


CHANNELS: dict[str, ChannelSpec] = {
    "email": ChannelSpec("email", "SMTP (smtplib): STARTTLS or TLS, AUTH, one connection reused per run",
                         lambda alerts, environ: SmtpConnection.from_config(alerts, dict(environ))),
}
