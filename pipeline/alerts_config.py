"""The [alerts] table of releasewatch.toml: where alerts go, how they are sent, who subscribed.

Validated like the rest of the file: a misspelled key is an error naming it, so that a typo never
silently means "nobody gets the email". The SMTP password is never in the file: `password_env`
names the environment variable that holds it, read only when a message is sent.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from email.utils import parseaddr
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline.errors import ConfigError
from pipeline.model import EVENT_TYPES

SECURITY_MODES = ("ssl", "starttls", "none")
SEND_MODES = ("immediate", "digest")
# What a subscription may ask for: the diff's events, and a source changing between OK and BROKEN
# (or the crawl between failing and working), told once per change of state.
ALERT_EVENTS: tuple[str, ...] = (*EVENT_TYPES, "source_broken")
DEFAULT_EVENTS = ("changed", "conflict", "resolved")
DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "none": 25}

_ALERTS_KEYS = {"smtp_host", "smtp_port", "security", "username", "password_env", "sender", "mode", "digest_at",
                "timezone", "max_attempts", "timeout", "ca_file", "subscriptions"}
_SUBSCRIPTION_KEYS = {"name", "to", "films", "events", "sources"}
_ADDRESS = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\]]+$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True, slots=True)
class Subscription:
    """One [[alerts.subscriptions]]: who gets which events. Empty filters match everything."""

    name: str
    to: tuple[str, ...]
    films: tuple[str, ...] = ()
    events: tuple[str, ...] = DEFAULT_EVENTS
    sources: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Identity of what is subscribed to: the same recipients and filters are the same
        subscription across runs; editing them makes a new one (with its own baseline)."""
        body = json.dumps([self.name, sorted(self.to), sorted(self.films), sorted(self.events), sorted(self.sources)])
        return hashlib.sha256(body.encode()).hexdigest()[:16]

    def describe(self) -> str:
        """How the email's footer names it: 'Ballerina watch (films: Ballerina; events: changed, conflict)'."""
        parts = [f"{label}: {', '.join(values)}" for label, values in
                 (("films", self.films), ("events", self.events), ("sources", self.sources)) if values]
        return f"{self.name} ({'; '.join(parts)})"


@dataclass(frozen=True, slots=True)
class AlertsConfig:
    """The [alerts] table."""

    sender: str
    subscriptions: tuple[Subscription, ...]
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 587
    security: str = "starttls"
    username: str | None = None
    password_env: str | None = None
    mode: str = "immediate"
    digest_at: time = time(8, 0)
    timezone: str = "UTC"
    max_attempts: int = 8
    timeout: float = 30.0
    ca_file: str | None = None  # certificates to trust besides the system's (a private mail server)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _strings(path: str, key: str, value: Any, *, required: bool = False) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value) or (required and not value):
        need = "a non-empty list" if required else "a list"
        raise ConfigError(path, key, f"must be {need} of non-empty strings")
    return tuple(v.strip() for v in value)


def _address(path: str, key: str, value: str, *, display_name: bool = False) -> str:
    name, address = parseaddr(value)
    if not _ADDRESS.match(address) or (name and not display_name) or "\n" in value or "\r" in value:
        form = "an address such as alerts@example.com" + (" or 'Name <alerts@example.com>'" if display_name else "")
        raise ConfigError(path, key, f"{value!r} is not {form}")
    return value.strip()


def _subscription(path: str, i: int, raw: Any, sources: set[str] | None) -> Subscription:
    where = f"alerts.subscriptions[{i}]."
    if not isinstance(raw, dict):
        raise ConfigError(path, f"alerts.subscriptions[{i}]", "must be a table ([[alerts.subscriptions]])")
    for key in raw:
        if key not in _SUBSCRIPTION_KEYS:
            raise ConfigError(path, where + key, f"unknown key (expected one of: {', '.join(sorted(_SUBSCRIPTION_KEYS))})")
    if "to" not in raw:
        raise ConfigError(path, where + "to", "is required: the addresses that receive these alerts")
    to = tuple(_address(path, where + "to", a) for a in _strings(path, where + "to", raw["to"], required=True))
    events = _strings(path, where + "events", raw.get("events", list(DEFAULT_EVENTS)), required=True)
    for event in events:
        if event not in ALERT_EVENTS:
            raise ConfigError(path, where + "events", f"{event!r} is not one of {', '.join(ALERT_EVENTS)}")
    chosen = _strings(path, where + "sources", raw.get("sources", []))
    if sources is not None:
        for name in chosen:
            if name not in sources:
                raise ConfigError(path, where + "sources", f"no source named {name!r} (known: {', '.join(sorted(sources)) or 'none'})")
    name = raw.get("name", f"subscription {i + 1}")
    if not isinstance(name, str) or not name.strip() or "\n" in name:
        raise ConfigError(path, where + "name", "must be a non-empty one-line string")
    return Subscription(name.strip(), tuple(dict.fromkeys(to)), _strings(path, where + "films", raw.get("films", [])),
                        tuple(dict.fromkeys(events)), chosen)


def _whole(path: str, key: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(path, key, f"{value!r} must be a whole number from {low} to {high:,}")
    return value


def _choice(path: str, key: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ConfigError(path, key, f"{value!r} is not one of {', '.join(allowed)}")
    return str(value)


def parse_alerts(path: str, raw: Any, source_names: set[str] | None = None) -> AlertsConfig | None:
    """The validated [alerts] table, or None when the file has none (alerts are off)."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ConfigError(path, "alerts", "must be a table ([alerts])")
    for key in raw:
        if key not in _ALERTS_KEYS:
            raise ConfigError(path, f"alerts.{key}", f"unknown key (expected one of: {', '.join(sorted(_ALERTS_KEYS))})")
    if "sender" not in raw:
        raise ConfigError(path, "alerts.sender", "is required: the From address of every alert")
    if not isinstance(raw["sender"], str):
        raise ConfigError(path, "alerts.sender", "must be a string")
    sender = _address(path, "alerts.sender", raw["sender"], display_name=True)
    host = raw.get("smtp_host", "127.0.0.1")
    if not isinstance(host, str) or not host.strip() or re.search(r"[\s/]", host.strip()):
        raise ConfigError(path, "alerts.smtp_host", f"{host!r} must be a host name or IP address")
    security = _choice(path, "alerts.security", raw.get("security", "starttls"), SECURITY_MODES)
    port = _whole(path, "alerts.smtp_port", raw.get("smtp_port", DEFAULT_PORTS[security]), 1, 65535)
    username = raw.get("username")
    if username is not None and (not isinstance(username, str) or not username.strip()):
        raise ConfigError(path, "alerts.username", "must be a non-empty string")
    password_env = raw.get("password_env")
    if password_env is not None and (not isinstance(password_env, str) or not _ENV_NAME.match(password_env)):
        # The value is not echoed: someone may have pasted the password itself here.
        raise ConfigError(path, "alerts.password_env", "must be the name of an environment variable (letters, digits, _), not the password")
    if username is not None and security == "none":
        raise ConfigError(path, "alerts.username", "would send the password unencrypted: use security = \"starttls\" or \"ssl\"")
    if username is not None and password_env is None:
        raise ConfigError(path, "alerts.password_env", "is required with username: the environment variable holding the password")
    mode = _choice(path, "alerts.mode", raw.get("mode", "immediate"), SEND_MODES)
    digest_raw = raw.get("digest_at", "08:00")
    match = _CLOCK.match(digest_raw) if isinstance(digest_raw, str) else None
    if match is None:
        raise ConfigError(path, "alerts.digest_at", f"{digest_raw!r} must be a time of day like \"08:00\"")
    if "digest_at" in raw and mode != "digest":
        raise ConfigError(path, "alerts.digest_at", "only applies with mode = \"digest\"")
    zone = raw.get("timezone", "UTC")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ConfigError(path, "alerts.timezone", f"{zone!r} is not a time zone such as \"UTC\" or \"Europe/Paris\"") from None
    timeout = raw.get("timeout", 30)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= 600:
        raise ConfigError(path, "alerts.timeout", f"{timeout!r} must be a number of seconds from 0 to 600")
    ca_file = raw.get("ca_file")
    if ca_file is not None and (not isinstance(ca_file, str) or not ca_file.strip()):
        raise ConfigError(path, "alerts.ca_file", "must be the path of a PEM file of certificates")
    raw_subscriptions = raw.get("subscriptions", [])
    if not isinstance(raw_subscriptions, list):
        raise ConfigError(path, "alerts.subscriptions", "must be an array of tables ([[alerts.subscriptions]])")
    subscriptions = tuple(_subscription(path, i, s, source_names) for i, s in enumerate(raw_subscriptions))
    names = [s.name for s in subscriptions]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise ConfigError(path, f"alerts.subscriptions[{i}].name", f"{name!r} is used by another subscription")
    return AlertsConfig(
        sender=sender, subscriptions=subscriptions, smtp_host=host.strip(), smtp_port=port, security=security,
        username=username.strip() if username else None, password_env=password_env, mode=mode,
        digest_at=time(int(match[1]), int(match[2])), timezone=zone,
        max_attempts=_whole(path, "alerts.max_attempts", raw.get("max_attempts", 8), 1, 100), timeout=float(timeout),
        ca_file=ca_file,
    )


def digest_slot(now: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The latest digest time (`at` o'clock in `zone`) at or before `now`, as an aware datetime:
    a digest sends what was queued before it, so one sent late still covers exactly its day."""
    local = now.astimezone(zone)
    slot = datetime.combine(local.date(), at, tzinfo=zone)
    if slot > local:
        slot = datetime.combine(local.date() - timedelta(days=1), at, tzinfo=zone)
    return slot
