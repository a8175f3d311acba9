"""Every report, dossier and calendar format on a fixed database, compared with golden files.

Re-record the goldens after an intended change with
    RELEASEWATCH_RECORD_GOLDENS=1 .venv/bin/python -m pytest tests/test_report_formats.py
and review the diff of tests/golden/reports/ like any other change.
"""
from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from icalendar import Calendar
from lxml import html as lxml_html

from pipeline.reports import DOSSIER_FORMATS, FORMATS, REPORT_FORMATS
from pipeline.reports.tabular import CSV_COLUMNS
from releasewatch.reporting import ReportRequest, make_calendar, make_dossier, make_report
from report_fixtures import GENERATED_AT, INJECTED, MARKUP_TITLE, build_report_db
from storage.db import Database

GOLDEN = Path(__file__).parent / "golden" / "reports"
RECORD = bool(os.environ.get("RELEASEWATCH_RECORD_GOLDENS"))


@pytest.fixture(scope="module")
def fixed_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path_factory.mktemp('reports') / 'fixed.db'}")
    database.upgrade()
    build_report_db(database)
    yield database
    database.dispose()


def check_golden(name: str, rendered: str | bytes) -> None:
    path = GOLDEN / name
    data = rendered.encode() if isinstance(rendered, str) else rendered
    if RECORD:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"{path} is missing: re-record with RELEASEWATCH_RECORD_GOLDENS=1"
    assert data.decode() == path.read_bytes().decode(), f"{name} differs from its golden file"


def report(db: Database, fmt: str) -> str:
    # An explicit --since: goldens must not depend on where an earlier test's report left off.
    return make_report(db, ReportRequest(fmt, since="2026-01-01", width=80), GENERATED_AT).rendered


@pytest.mark.parametrize("fmt", REPORT_FORMATS)
def test_report_format_matches_its_golden_file(fixed_db: Database, fmt: str) -> None:
    check_golden(f"report{FORMATS[fmt].suffix}", report(fixed_db, fmt))


@pytest.mark.parametrize("fmt", DOSSIER_FORMATS)
def test_dossier_format_matches_its_golden_file(fixed_db: Database, fmt: str) -> None:
    check_golden(f"film{FORMATS[fmt].suffix}", make_dossier(fixed_db, "salt road", fmt, GENERATED_AT, 80))


def test_calendar_matches_its_golden_file(fixed_db: Database) -> None:
    ics, n = make_calendar(fixed_db, [], None, GENERATED_AT)
    assert n == 3
    check_golden("calendar.ics", ics)


def test_text_fits_80_columns_without_cutting_cells(fixed_db: Database) -> None:
    text = report(fixed_db, "text")
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text and "\x1b" not in text  # folded, never cut; plain, never coloured
    assert "2027-02-14" in text and "https://gossipreel.example/narrows" in text


def test_html_is_self_contained_and_shows_scraped_markup_as_text(fixed_db: Database) -> None:
    page = report(fixed_db, "html")
    tree = lxml_html.fromstring(page)
    assert not tree.xpath("//script | //link | //iframe | //object | //embed | //img")
    assert not [src for src in tree.xpath("//@src")], "nothing is loaded from anywhere"
    assert "<script>window" not in page and "&lt;script&gt;window.__pwned" in page
    body = tree.text_content()
    assert INJECTED in body and MARKUP_TITLE in body
    summary = tree.get_element_by_id("summary").text_content()
    assert "The Narrows" in summary and "open conflicts" in summary
    # The Narrows' open conflict: each side's source, sentence and link.
    conflict = tree.xpath("//div[@class='conflict']")[0].text_content()
    assert "gossipreel" in conflict and "slipped to February 14, 2027" in conflict and "northlight" in conflict
    assert tree.xpath("//a[@href='https://gossipreel.example/narrows']")
    assert "ana, 2026-03-09 09:00: checked with the studio" in " ".join(body.split())


def test_html_chart_has_one_line_per_source_and_marks_each_change(fixed_db: Database) -> None:
    tree = lxml_html.fromstring(report(fixed_db, "html"))
    (salt,) = [s for s in tree.xpath("//section[@class='film']") if s.xpath("h2/text()") == ["The Salt Road"]]
    series = salt.xpath(".//svg[@class='timeline']//g[@class='series']/@data-source")
    assert sorted(series) == ["framerate", "northlight", "reelhouse"]
    changes = salt.xpath(".//circle[@class='change']/title/text()")
    assert changes == ["framerate: 2027-03-05 → 2027-06-11, seen 2026-03-08 09:00"]


def test_csv_has_stable_columns_and_one_row_per_event(fixed_db: Database) -> None:
    rows = list(csv.DictReader(io.StringIO(report(fixed_db, "csv"))))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 9
    reviewed = [r for r in rows if r["reviewed_by"]]
    assert [(r["type"], r["reviewed_by"], r["review_note"]) for r in reviewed] == [("conflict", "ana", "checked with the studio")]


def test_json_keeps_the_stable_keys_and_adds_reviews(fixed_db: Database) -> None:
    doc = json.loads(report(fixed_db, "json"))
    stable = {"id", "type", "film", "field", "region", "kind", "actor", "old", "new", "sources", "detected_at",
              "summary", "severity", "details", "old_claims", "new_claims"}
    assert all(stable <= e.keys() for e in doc["events"])
    assert doc["summary"]["films_with_open_conflicts"] == ["The Narrows"]
    assert [e["reviewed"]["by"] for e in doc["events"] if e["reviewed"]] == ["ana"]


def test_atom_reads_back_with_feedparser_and_keeps_ids(fixed_db: Database) -> None:
    first, again = report(fixed_db, "atom"), report(fixed_db, "atom")
    feed = feedparser.parse(first)
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == 9 and feed.version == "atom10"
    assert [e.id for e in feed.entries] == [e.id for e in feedparser.parse(again).entries]
    assert all(e.id.startswith("tag:") for e in feed.entries)
    assert any(INJECTED in e.content[0].value for e in feed.entries)


def test_calendar_parses_and_uses_all_day_events_only_for_exact_days(fixed_db: Database) -> None:
    ics, _ = make_calendar(fixed_db, [], None, GENERATED_AT)
    events = Calendar.from_ical(ics).walk("VEVENT")
    by_summary = {str(e["SUMMARY"]): e for e in events}
    salt = by_summary["The Salt Road (theatrical)"]
    assert str(salt["DTSTART"].to_ical().decode()) == "20270611" and salt["DTEND"].to_ical().decode() == "20270612"
    narrows = next(e for s, e in by_summary.items() if s.startswith("The Narrows"))
    assert narrows["DTSTART"].to_ical().decode() == "20270214"  # the newer source wins the open conflict
    month = next(e for s, e in by_summary.items() if "Night" in s)
    assert month["DTSTART"].to_ical().decode() == "20271001" and "month precision" in str(month["DESCRIPTION"])
    assert len({str(e["UID"]) for e in events}) == len(events)
    us_only, n = make_calendar(fixed_db, [], "us", GENERATED_AT)
    assert n == 3  # the US date of one film, the worldwide dates of the films without a US one
