"""The [alerts] table: every key checked, errors naming the key, the password never in the file."""
from __future__ import annotations

from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from pipeline.alerts_config import DEFAULT_EVENTS, digest_slot
from pipeline.config import parse_config
from pipeline.errors import ConfigError

GOOD = '''
[[sources]]
name = "cinema-chain"
urls = ["https://cinema.example/"]

[alerts]
smtp_host = "smtp.example.com"
smtp_port = 587
security = "starttls"
username = "alerts"
password_env = "RELEASEWATCH_SMTP_PASSWORD"
sender = "releasewatch@example.com"
mode = "digest"
digest_at = "08:00"
timezone = "Europe/Paris"
max_attempts = 8

[[alerts.subscriptions]]
to = ["analyst@example.com"]
films = ["Ballerina"]
events = ["changed", "conflict"]
sources = ["cinema-chain"]

[[alerts.subscriptions]]
name = "ops"
to = "ops@example.com"
events = ["source_broken"]
'''


def test_the_issue_example_parses() -> None:
    alerts = parse_config(GOOD, "r.toml").alerts
    assert alerts is not None
    assert (alerts.smtp_host, alerts.smtp_port, alerts.security, alerts.username) == ("smtp.example.com", 587, "starttls", "alerts")
    assert (alerts.password_env, alerts.mode, alerts.digest_at, alerts.timezone) == ("RELEASEWATCH_SMTP_PASSWORD", "digest", time(8), "Europe/Paris")
    first, ops = alerts.subscriptions
    assert (first.name, first.to, first.films, first.events, first.sources) == (
        "subscription 1", ("analyst@example.com",), ("Ballerina",), ("changed", "conflict"), ("cinema-chain",))
    assert (ops.to, ops.events, ops.films) == (("ops@example.com",), ("source_broken",), ())
    assert first.key != ops.key and "films: Ballerina" in first.describe()


def test_no_alerts_table_means_alerts_are_off_and_events_default() -> None:
    assert parse_config('[[sources]]\nname = "a"\nurls = ["https://a.example/"]\n').alerts is None
    alerts = parse_config('[alerts]\nsender = "a@example.com"\n[[alerts.subscriptions]]\nto = ["b@example.com"]\n').alerts
    assert alerts is not None and alerts.subscriptions[0].events == DEFAULT_EVENTS
    assert (alerts.security, alerts.smtp_port, alerts.mode, alerts.max_attempts) == ("starttls", 587, "immediate", 8)


def _replace(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


@pytest.mark.parametrize(("text", "key", "words"), [
    ('alerts = "yes"\n', "alerts", "must be a table"),
    (_replace('smtp_port = 587', 'smtp_prot = 587'), "alerts.smtp_prot", "unknown key"),
    (_replace('films = ["Ballerina"]', 'film = ["Ballerina"]'), "alerts.subscriptions[0].film", "unknown key"),
    (_replace('security = "starttls"', 'security = "tls"'), "alerts.security", "'tls' is not one of ssl, starttls, none"),
    (_replace('smtp_port = 587', 'smtp_port = 70000'), "alerts.smtp_port", "from 1 to 65,535"),
    (_replace('sender = "releasewatch@example.com"', 'sender = "releasewatch"'), "alerts.sender", "is not an address"),
    (_replace('to = ["analyst@example.com"]', 'to = ["analyst at example"]'), "alerts.subscriptions[0].to", "is not an address"),
    (_replace('to = ["analyst@example.com"]', 'to = []'), "alerts.subscriptions[0].to", "non-empty list"),
    (_replace('events = ["changed", "conflict"]', 'events = ["changes"]'), "alerts.subscriptions[0].events", "'changes' is not one of"),
    (_replace('sources = ["cinema-chain"]', 'sources = ["cinema"]'), "alerts.subscriptions[0].sources", "no source named 'cinema'"),
    (_replace('mode = "digest"', 'mode = "weekly"'), "alerts.mode", "is not one of immediate, digest"),
    (_replace('digest_at = "08:00"', 'digest_at = "8am"'), "alerts.digest_at", "time of day"),
    (_replace('mode = "digest"', 'mode = "immediate"'), "alerts.digest_at", "only applies with mode"),
    (_replace('timezone = "Europe/Paris"', 'timezone = "Mars/Olympus"'), "alerts.timezone", "is not a time zone"),
    (_replace('max_attempts = 8', 'max_attempts = 0'), "alerts.max_attempts", "from 1 to 100"),
    (_replace('password_env = "RELEASEWATCH_SMTP_PASSWORD"\n', ''), "alerts.password_env", "required with username"),
    (_replace('security = "starttls"', 'security = "none"'), "alerts.username", "unencrypted"),
    (_replace('name = "ops"', 'name = "subscription 1"'), "alerts.subscriptions[1].name", "used by another"),
    (_replace('[[alerts.subscriptions]]\nname = "ops"\n', '[[alerts.subscriptions]]\n'), "alerts.subscriptions[1].to", None),
], ids=lambda v: v if isinstance(v, str) and v.startswith("alerts") else None)
def test_a_wrong_key_or_value_is_an_error_naming_the_key(text: str, key: str, words: str | None) -> None:
    if words is None:  # a subscription without `to`: the next table's keys are read as its own
        text = text.replace('to = "ops@example.com"\n', '')
        words = "is required"
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "r.toml")
    assert caught.value.key == key
    assert words in caught.value.problem


def test_a_password_pasted_into_password_env_is_not_repeated_in_the_error() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(_replace('password_env = "RELEASEWATCH_SMTP_PASSWORD"', 'password_env = "hunter2!secret"'), "r.toml")
    assert caught.value.key == "alerts.password_env"
    assert "hunter2" not in str(caught.value)


PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(("now", "slot"), [
    (datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc), datetime(2026, 3, 2, 8, 0, tzinfo=PARIS)),  # 08:00 Paris exactly
    (datetime(2026, 3, 2, 6, 59, tzinfo=timezone.utc), datetime(2026, 3, 1, 8, 0, tzinfo=PARIS)),  # a minute early: yesterday's
    (datetime(2026, 3, 2, 22, 0, tzinfo=timezone.utc), datetime(2026, 3, 2, 8, 0, tzinfo=PARIS)),
    (datetime(2026, 7, 1, 6, 0, tzinfo=timezone.utc), datetime(2026, 7, 1, 8, 0, tzinfo=PARIS)),  # summer time: UTC+2
])
def test_the_digest_slot_is_the_latest_digest_time_in_the_zone(now: datetime, slot: datetime) -> None:
    assert digest_slot(now, time(8, 0), PARIS) == slot
