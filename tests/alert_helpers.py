"""Building blocks of the alert tests: a configuration pointing at a test SMTP server, and real
events made by ingesting pages that say things about a film (so deliveries are queued exactly as
a crawl queues them)."""
from __future__ import annotations

from datetime import date, datetime, timezone

from pipeline.config import Config, parse_config
from pipeline.model import Claim, Document, FetchedPage
from storage.db import Database
from storage.ingest import ingest_page

T0 = datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc)


def alerts_config(port: int, *, extra: str = "", subscriptions: str | None = None,
                  sources: tuple[str, ...] = ("studio", "fans"), security: str = "none") -> Config:
    return parse_config(alerts_toml(port, extra=extra, subscriptions=subscriptions, sources=sources, security=security),
                        "test.toml")


def alerts_toml(port: int, *, extra: str = "", subscriptions: str | None = None,
                sources: tuple[str, ...] = ("studio", "fans"), security: str = "none") -> str:
    subs = subscriptions if subscriptions is not None else '''
[[alerts.subscriptions]]
name = "Ballerina watch"
to = ["analyst@example.com", "boss@example.com"]
films = ["Ballerina"]
events = ["changed", "conflict", "resolved"]
'''
    source_tables = "".join(f'[[sources]]\nname = "{n}"\nurls = ["http://{n}.test/"]\n\n' for n in sources)
    text = f'''{source_tables}
[alerts]
smtp_host = "127.0.0.1"
smtp_port = {port}
security = "{security}"
sender = "releasewatch <alerts@releasewatch.example>"
{extra}
{subs}
'''
    return text


def date_claim(value: str, evidence: str, film: str = "Ballerina") -> Claim:
    y, m, d = (int(p) for p in value.split("-"))
    return Claim(film, "release_date", value, evidence, 0.9, "sentence-date", precision="day",
                 start=date(y, m, d), end=date(y, m, d), status="current", kind="unspecified")


def say(db: Database, source: str, at: datetime, *claims: Claim, page: str = "a", title: str = "Ballerina news") -> int:
    """Ingest one version of a source's page making these claims; returns how many events it made."""
    url = f"https://{source}.test/{page}"
    fetched = FetchedPage(source, url, url, 200, {}, b"<html></html>", at)
    with db.session() as s:
        outcome = ingest_page(s, fetched, Document(source, "text", title=title, published=at.date()), list(claims),
                              f"{source}-{page}-{at.isoformat()}-{len(claims)}", None, at)
    return outcome.events
