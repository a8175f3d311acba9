"""A fixed database for report tests: the same claims, times and URLs every run, so each format's
output can be compared byte for byte with a golden file (tests/golden/reports/).

The story: a studio sets a date for The Salt Road; a fan site says another (its sentence carries
an injected <script>), and later corrects itself; a cinema gives the month. The Narrows has two
sources that still disagree. A film whose very title is markup exists too. One event is reviewed.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from pipeline.model import Claim, Document, FetchedPage
from pipeline.release_window import window
from storage.db import Database
from storage.ingest import ingest_page
from storage.repository.reports import acknowledge

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
GENERATED_AT = T0 + timedelta(days=12)
INJECTED = "<script>window.__pwned = 1; document.title = 'pwned'</script>"
MARKUP_TITLE = '<img src=x onerror="window.__pwned=2">Night'


def date_claim(film: str, value: str, evidence: str, region: str | None = None, kind: str = "theatrical") -> Claim:
    w = window(value)
    return Claim(film=film, field="release_date", value=value, evidence=evidence, confidence=0.9, extractor="test",
                 precision=w.precision, start=w.start, end=w.end, status="current", region=region, kind=kind)


def person(film: str, field: str, name: str, character: str | None = None) -> Claim:
    evidence = f"{name} directs {film}." if field == "director" else f"{name} plays {character or 'a part'} in {film}."
    return Claim(film=film, field=field, value=name, evidence=evidence, confidence=0.9, extractor="test",  # type: ignore[arg-type]
                 character=character)


def put(db: Database, source: str, path: str, claims: list[Claim], at: datetime, published: date | None = None) -> None:
    url = f"https://{source}.example/{path}"
    page = FetchedPage(source, url, url, 200, {}, f"{source}{path}{at}".encode(), at)
    with db.session() as s:
        ingest_page(s, page, Document(source=source, text="", published=published), claims,
                    f"hash-{source}-{path}-{at.isoformat()}", None, at)


def build_report_db(db: Database) -> None:
    salt, narrows = "The Salt Road", "The Narrows"
    put(db, "northlight", "news/salt-road", [
        date_claim(salt, "2027-06-11", "Northlight Pictures will release The Salt Road in theaters on June 11, 2027."),
        person(salt, "director", "Teodora Vance"),
        person(salt, "cast", "Camille Ostrander", "Nadia Kerr"),
    ], T0, date(2026, 3, 1))
    put(db, "framerate", "2026/03/salt-road", [
        date_claim(salt, "2027-03-05", f"The Salt Road is coming to theaters on March 5, 2027. {INJECTED}"),
        person(salt, "cast", "Camille Ostrander", "Nadia Kerr"),
    ], T0 + timedelta(days=1), date(2026, 3, 3))
    put(db, "reelhouse", "movies/salt-road", [
        date_claim(salt, "2027-06", "The Salt Road opens in June 2027."),
        person(salt, "director", "Teodora Vance"),
    ], T0 + timedelta(days=2))
    put(db, "northlight", "news/narrows", [
        date_claim(narrows, "2026-Q4", "The Narrows arrives in the fourth quarter of 2026.", kind="unspecified"),
    ], T0 + timedelta(days=3), date(2026, 3, 5))
    put(db, "gossipreel", "narrows", [
        date_claim(narrows, "2027-02-14", "Insiders say The Narrows slipped to February 14, 2027.", kind="unspecified"),
    ], T0 + timedelta(days=4), date(2026, 3, 6))
    put(db, "gossipreel", "night", [
        date_claim(MARKUP_TITLE, "2027-10", "A film with a title made of markup opens in October 2027.", region="US"),
    ], T0 + timedelta(days=4, hours=2))
    put(db, "framerate", "2026/03/salt-road", [
        date_claim(salt, "2027-06-11", "Update: The Salt Road now opens in theaters on June 11, 2027."),
        person(salt, "cast", "Camille Ostrander", "Nadia Kerr"),
    ], T0 + timedelta(days=6), date(2026, 3, 8))
    with db.session() as s:
        from sqlalchemy import select

        from storage.models import EventRow
        conflict = s.scalar(select(EventRow.id).where(EventRow.type == "conflict").order_by(EventRow.id))
        assert conflict is not None
        acknowledge(s, [conflict], "ana", "checked with the studio", T0 + timedelta(days=7))
