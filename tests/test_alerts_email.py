"""The alert email's words and parts: subject lines, a golden text and HTML part, escaping, digests.

Re-record the golden files after an intended change with
`RELEASEWATCH_RECORD_GOLDEN=1 pytest tests/test_alerts_email.py` and review the diff.
"""
from __future__ import annotations

import os
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.alerts.email import AlertItem, render_email
from pipeline.alerts.text import SourceChange, change_subject, event_subject, readable_date
from storage.repository.views import ClaimView, EventView

GOLDEN = Path(__file__).parent / "gold" / "alerts"
AT = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


def claim(value: str, source: str, evidence: str, *, field: str = "release_date", character: str | None = None,
          url: str | None = None, film: str = "Ballerina") -> ClaimView:
    return ClaimView(
        id=abs(hash((value, source))) % 10_000, film=film, film_written=film, field=field, value=value, precision="day",
        start=None, end=None, status="current", region=None, kind="unspecified", character=character,
        evidence=evidence, evidence_start=None, evidence_end=None, confidence=0.9, extractor="rule", source=source,
        url=url or f"https://{source}.example/ballerina", fetched_at=AT, published=date(2026, 3, 1), snapshot_id=1,
    )


def event(type_: str, old: list[ClaimView], new: list[ClaimView], *, film: str = "Ballerina", field: str = "release_date",
          details: dict | None = None, summary: str = "", region: str | None = None, kind: str | None = "unspecified",
          actor: str | None = None) -> EventView:
    sources = sorted({c.source for c in [*old, *new]})
    return EventView(id=7, type=type_, film=film, field=field, region=region, kind=kind, actor=actor, summary=summary,
                     severity="normal", detected_at=AT, sources=sources, old=old, new=new, details=details or {})


STUDIO = claim("2025-06-06", "studio", "Ballerina opens in theaters on June 6, 2025.")
FANS = claim("2024-07-07", "fans", "Ballerina hits theaters July 7, 2024.")
CONFLICT = event("conflict", [STUDIO], [FANS], summary="sources disagree: fans: 2024-07-07; studio: 2025-06-06")
POSTPONED = event("changed", [claim("2024-07-07", "studio", "Ballerina arrives July 7, 2024.")], [STUDIO],
                  details={"change": "postponed", "days": 334}, summary="studio changed 2024-07-07 → 2025-06-06 (postponed by 334 days)")


@pytest.mark.parametrize(("e", "subject"), [
    (CONFLICT, "Ballerina: release date conflict, June 6, 2025 vs July 7, 2024"),
    (POSTPONED, "Ballerina: postponed by 334 days to June 6, 2025 (studio)"),
    (event("changed", [STUDIO], [FANS], details={"change": "moved earlier", "days": 1}),
     "Ballerina: moved earlier by 1 day to July 7, 2024 (fans, studio)"),
    (event("changed", [claim("2025", "studio", "in 2025")], [STUDIO], details={"change": "refined"}),
     "Ballerina: release date refined to June 6, 2025 (studio)"),
    (event("changed", [STUDIO], [STUDIO], details={"change": "postponed", "days": 3}, region="US", kind="theatrical"),
     "Ballerina: US theatrical release date postponed by 3 days to June 6, 2025 (studio)"),
    (event("resolved", [STUDIO, FANS], []), "Ballerina: release date conflict resolved, sources agree again (was June 6, 2025 vs July 7, 2024)"),
    (event("new", [], [STUDIO]), "Ballerina: new release date: June 6, 2025 (studio)"),
    (event("withdrawn", [STUDIO], []), "Ballerina: release date June 6, 2025 withdrawn (studio)"),
    (event("conflict", [claim("Len Wiseman", "studio", "x", field="director")], [claim("Chad Stahelski", "fans", "y", field="director")],
           field="director", kind=None), "Ballerina: director conflict, Len Wiseman vs Chad Stahelski"),
    (event("conflict", [claim("Ana de Armas", "studio", "x", field="cast", character="Eve")],
           [claim("Ana de Armas", "fans", "y", field="cast", character="Rooney")], field="cast", kind=None, actor="Ana de Armas"),
     "Ballerina: cast (Ana de Armas) conflict, Ana de Armas as Eve vs Ana de Armas as Rooney"),
])
def test_the_subject_says_it_all(e: EventView, subject: str) -> None:
    assert event_subject(e) == subject


@pytest.mark.parametrize(("change", "subject"), [
    (SourceChange("cinema-chain", "broken", "ok", "failed its last 3 runs"), "Source cinema-chain is BROKEN: failed its last 3 runs"),
    (SourceChange("cinema-chain", "ok", "broken", None), "Source cinema-chain works again"),
    (SourceChange(None, "failed", "ok", "crawl run #12 failed"), "The crawl is FAILED: crawl run #12 failed"),
])
def test_source_changes_have_subjects_too(change: SourceChange, subject: str) -> None:
    assert change_subject(change) == subject


@pytest.mark.parametrize(("value", "words"), [
    ("2025-06-06", "June 6, 2025"), ("2025-06", "June 2025"), ("2025-Q3", "Q3 2025"), ("2024-summer", "summer 2024"),
    ("2025-H2", "second half of 2025"), ("2025", "2025"), ("next year", "next year"), (None, "?"),
])
def test_dates_read_like_words(value: str | None, words: str) -> None:
    assert readable_date(value) == words


def _golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("RELEASEWATCH_RECORD_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{path} differs (re-record with RELEASEWATCH_RECORD_GOLDEN=1 and review)"


def test_golden_conflict_email() -> None:
    hostile = claim("2024-07-07", "fans", 'Ballerina <script>alert("x")</script> hits theaters July 7, 2024 & more.',
                    url='https://fans.example/b?a=1&b="2"')
    conflict = event("conflict", [STUDIO], [hostile], summary="sources disagree: fans: 2024-07-07; studio: 2025-06-06")
    rendered = render_email([AlertItem(1, event=conflict)], "Ballerina watch (films: Ballerina; events: changed, conflict)", AT)
    assert rendered.subject == "Ballerina: release date conflict, June 6, 2025 vs July 7, 2024"
    _golden("conflict.txt", rendered.text)
    _golden("conflict.html", rendered.html)
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert '<script>alert("x")</script>' in rendered.text  # the text part shows the page's words as they are


def test_a_digest_groups_by_film_and_counts() -> None:
    sinners = event("new", [], [claim("2025-04-18", "studio", "Sinners opens April 18, 2025.", film="Sinners")], film="Sinners")
    broken = SourceChange("fans", "broken", "ok", "failed its last 3 runs")
    items = [AlertItem(3, event=sinners), AlertItem(1, event=CONFLICT), AlertItem(2, event=POSTPONED), AlertItem(4, change=broken)]
    rendered = render_email(items, "everything", AT, digest=True)
    assert rendered.subject == "releasewatch digest: 4 alerts about 2 films (Ballerina 2, Sinners 1, Sources 1)"
    text = rendered.text
    assert text.index("== Ballerina (2) ==") < text.index("== Sinners (1) ==") < text.index("== Sources (1) ==")
    assert text.index("* Ballerina: release date conflict") < text.index("* Ballerina: postponed by 334 days")
    assert "for the subscription everything." in text and "4 alerts, grouped by film." in text
    assert "<h2" in rendered.html and rendered.html.count("<h3") == 4


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=60), st.text(min_size=1, max_size=80), st.text(min_size=1, max_size=40))
def test_the_html_part_escapes_whatever_a_page_says(film: str, evidence: str, source: str) -> None:
    c = claim("2025-06-06", source, f"<script>{evidence}</script>", film=f"<b>{film}</b>", url=f"javascript:{evidence}")
    rendered = render_email([AlertItem(1, event=event("new", [], [c], film=f"<b>{film}</b>"))], f"<i>{source}</i>", AT)
    assert "<script>" not in rendered.html and "<b>" not in rendered.html and "<i>" not in rendered.html
    assert 'href="javascript:' not in rendered.html
    assert "\n" not in rendered.subject and "\r" not in rendered.subject


def test_the_message_is_well_formed_mime_that_decodes_back_to_the_rendered_parts() -> None:
    import email
    import email.policy

    from releasewatch.alerts.message import build_message

    long_title = "Amélie → " + "a very long film title " * 6
    e = event("new", [], [claim("2025-06-06", "studio", "Première: “Amélie” opens June 6.\r\nSecond line.", film=long_title)],
              film=long_title)
    rendered = render_email([AlertItem(1, event=e)], "Ballerina watch", AT)
    mail = build_message(rendered, sender="Relèase Watch <alerts@releasewatch.example>", recipient="a@example.com",
                         message_id="<releasewatch.delivery.1@releasewatch.example>", dated=AT, delivery_ids=(1,),
                         subscription_key="abc123")
    assert all(len(line) <= 998 for line in mail.data.split(b"\r\n")) and b"\n" not in mail.data.replace(b"\r\n", b"")
    parsed = email.message_from_bytes(mail.data, policy=email.policy.default)
    assert parsed["Subject"] == rendered.subject and rendered.subject.startswith("Amélie → a very long film title")
    assert str(parsed["From"]) == "Relèase Watch <alerts@releasewatch.example>"
    assert parsed["Date"].datetime == AT and parsed["Message-ID"] == "<releasewatch.delivery.1@releasewatch.example>"
    assert parsed["List-Unsubscribe"].strip() == "<mailto:alerts@releasewatch.example?subject=unsubscribe%20abc123>"
    assert parsed.get_body(("plain",)).get_content().replace("\r\n", "\n") == rendered.text
    assert parsed.get_body(("html",)).get_content().replace("\r\n", "\n") == rendered.html
    again = build_message(rendered, sender="Relèase Watch <alerts@releasewatch.example>", recipient="a@example.com",
                          message_id="<releasewatch.delivery.1@releasewatch.example>", dated=AT, delivery_ids=(1,),
                          subscription_key="abc123")
    assert again.data == mail.data  # a resend is the same message, byte for byte
