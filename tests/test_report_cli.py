"""`releasewatch report`, `film`, `calendar` and `ack` from the command line: where a report left
off, filters, reviews, calendar UIDs across a moved date, and clear messages for bad input."""
from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from releasewatch.cli import main
from releasewatch.reporting import ReportRequest, make_dossier, make_report, parse_since
from report_fixtures import GENERATED_AT, T0, build_report_db, date_claim, put
from storage.db import Database
from storage.repository.reports import EventFilter, report_events


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixed database, built once; each test gets its own copy of the file."""
    path = tmp_path_factory.mktemp("template") / "fixed.db"
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    build_report_db(database)
    database.dispose()
    return path


@pytest.fixture
def fixed(template: Path, tmp_path: Path) -> tuple[Database, list[str]]:
    path = tmp_path / "fixed.db"
    shutil.copyfile(template, path)
    database = Database(f"sqlite:///{path}")
    yield database, ["--db", database.url]
    database.dispose()


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


def ids(result) -> list[int]:
    assert result.exit_code == 0, result.output
    return [e["id"] for e in json.loads(result.stdout)["events"]]


def test_report_without_since_starts_where_the_same_report_left_off(fixed) -> None:
    database, db = fixed
    assert len(ids(cli("report", "--format", "json", *db))) == 9
    again = cli("report", "--format", "json", *db)
    assert ids(again) == [] and again.stderr == ""
    # Another format or another output is another report, with its own place.
    assert len(ids(cli("report", "--format", "json", "--type", "conflict", *db))) == 2
    put(database, "gossipreel", "narrows", [date_claim("The Narrows", "2027-03-01", "Now March 1, 2027.", kind="unspecified")],
        T0 + timedelta(days=9))
    later = ids(cli("report", "--format", "json", *db))
    assert later and min(later) == 10  # only what happened since
    assert "11 event(s)" in cli("report", *db).output  # the text report had not run yet
    text = cli("report", *db)
    assert text.exit_code == 0 and text.output.startswith("nothing to report: no new events since")


def test_report_writes_a_file_and_says_where(fixed, tmp_path: Path) -> None:
    _, db = fixed
    out = tmp_path / "report.html"
    result = cli("report", "--format", "html", "--output", str(out), "--since", "3650d", *db)
    assert result.exit_code == 0 and result.output == f"wrote 9 event(s) as html to {out}\n"
    assert out.read_text().startswith("<!DOCTYPE html>")
    before = out.read_bytes()
    again = cli("report", "--format", "html", "--output", str(out), *db)
    assert again.output.startswith("nothing to report") and again.output.endswith(f"{out} left as it was\n")
    assert out.read_bytes() == before
    bad = cli("report", "--format", "md", "--output", str(tmp_path / "missing" / "r.md"), *db)
    assert bad.exit_code == 1 and bad.output.startswith("error: ") and bad.output.count("\n") == 1


@pytest.mark.parametrize("args, expected", [
    (("--type", "conflict,changed"), [8, 6, 4]),
    (("--type", "conflict", "--type", "resolved"), [9, 6, 4]),
    (("--source", "reelhouse"), []),
    (("--source", "gossipreel"), [7, 6]),
    (("--film", "the narrows"), [6, 5]),
    (("--film", "The Narrows", "--film", "salt road", "--type", "conflict"), [6, 4]),
    (("--unacked", "--type", "conflict"), [6]),
])
def test_report_filters(fixed, args, expected) -> None:
    _, db = fixed
    assert sorted(ids(cli("report", "--format", "json", "--since", "2026-01-01", *args, *db)), reverse=True) == expected


def test_an_unknown_source_is_an_error_naming_the_known_ones(fixed) -> None:
    _, db = fixed
    result = cli("report", "--source", "nope", *db)
    assert result.exit_code == 1
    assert result.output == "error: --source 'nope': expected a known source (framerate, gossipreel, northlight, reelhouse)\n"


def test_since_takes_dates_and_durations() -> None:
    now = datetime(2026, 3, 14, 12, tzinfo=timezone.utc)
    assert parse_since("7d", now) == now - timedelta(days=7)
    assert parse_since("12h", now) == now - timedelta(hours=12)
    assert parse_since("2026-03-01", now) == datetime(2026, 3, 1, tzinfo=timezone.utc)
    result = cli("report", "--since", "a fortnight", "--db", "sqlite:///:memory:")
    assert result.exit_code == 1 and "--since 'a fortnight': expected" in result.output


def test_nothing_to_report_is_a_clear_message_and_exit_0(tmp_path: Path) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'empty.db'}"]
    result = cli("report", *db)
    assert result.exit_code == 0 and result.output == "nothing to report: no events yet: run `releasewatch crawl` first\n"
    as_json = cli("report", "--format", "json", *db)
    assert as_json.exit_code == 0 and json.loads(as_json.stdout)["events"] == []
    calendar = cli("calendar", "--output", str(tmp_path / "c.ics"), *db)
    assert calendar.exit_code == 0 and "wrote 0 release date(s)" in calendar.output


@pytest.mark.parametrize("command", [
    ("report", "--film", "Salt Rod"), ("film", "Salt Rod"), ("calendar", "--film", "Salt Rod", "--output", "x.ics")])
def test_an_unknown_film_is_an_error_suggesting_close_titles(fixed, command, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _, db = fixed
    result = cli(*command, *db)
    assert result.exit_code == 1
    assert result.output == "error: unknown film 'Salt Rod': did you mean 'The Salt Road'?\n"
    assert not (tmp_path / "x.ics").exists()


def test_ack_marks_reviews_and_refuses_unknown_ids_without_writing(fixed) -> None:
    _, db = fixed
    bad = cli("ack", "5", "999", *db)
    assert bad.exit_code == 1 and bad.output == "error: no event 999 in the database\n"
    assert ids(cli("report", "--format", "json", "--since", "2026-01-01", "--unacked", "--film", "The Narrows", *db)) == [6, 5]
    done = cli("ack", "5", "6", "--by", "bo", "--note", "asked the studio", *db)
    assert done.exit_code == 0 and done.output == "2 event(s) marked reviewed by bo: #5, #6\n"
    assert ids(cli("report", "--format", "json", "--since", "2026-01-01", "--unacked", "--film", "The Narrows", *db)) == []
    page = cli("report", "--format", "html", "--since", "2026-01-01", "--film", "The Narrows", *db).stdout
    assert page.count("bo, ") == 2 and "asked the studio" in page


def test_film_dossier_formats(fixed) -> None:
    _, db = fixed
    doc = json.loads(cli("film", "the salt road", "--format", "json", *db).stdout)
    assert doc["film"] == "The Salt Road" and {p["name"] for p in doc["people"]} == {"Teodora Vance", "Camille Ostrander"}
    assert {c["source"] for c in doc["latest_claims"]} == {"northlight", "framerate", "reelhouse"}
    assert [c["value"] for c in doc["history"] if c["source"] == "framerate" and c["field"] == "release_date"] == [
        "2027-03-05", "2027-06-11"]


def test_calendar_keeps_uids_when_a_date_moves(fixed, tmp_path: Path) -> None:
    database, db = fixed
    ics = tmp_path / "releases.ics"

    def narrows() -> tuple[str, str, int]:
        assert cli("calendar", "--output", str(ics), *db).exit_code == 0
        events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
        (event,) = [e for e in events if str(e["SUMMARY"]).startswith("The Narrows")]
        return str(event["UID"]), event["DTSTART"].to_ical().decode(), len(events)

    uid, start, count = narrows()
    assert start == "20270214"
    put(database, "gossipreel", "narrows", [date_claim("The Narrows", "2027-03-01", "Now March 1, 2027.", kind="unspecified")],
        T0 + timedelta(days=9))
    assert narrows() == (uid, "20270301", count)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_report_events_filters_on_each_database(kind: str, request: pytest.FixtureRequest) -> None:
    database = Database(request.getfixturevalue("sqlite_url" if kind == "sqlite" else "pg_url"))
    database.upgrade()
    try:
        build_report_db(database)
        with database.session() as s:
            every = report_events(s, EventFilter())
            conflicts = report_events(s, EventFilter(types=("conflict",), unacked=True, sources=("gossipreel",)))
            later = report_events(s, EventFilter(after_event_id=6, since=T0 + timedelta(days=4)))
        assert len(every) == 9 and [e.id for e in conflicts] == [6] and [e.id for e in later] == [7, 8, 9]
        assert conflicts[0].new and conflicts[0].new[0].url == "https://gossipreel.example/narrows"
        page = make_report(database, ReportRequest("html", since="2026-01-01"), GENERATED_AT).rendered
        assert page.count('<g class="series"') == 6  # 3 + 2 + 1 sources draw the three films' timelines
        assert "Teodora Vance" in make_dossier(database, "The Salt Road", "text", GENERATED_AT, 80)
    finally:
        database.dispose()
