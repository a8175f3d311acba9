"""`releasewatch demo` end to end: a served site, two real crawls, a real SQLite file, the report."""
from __future__ import annotations

import json

from click.testing import CliRunner

from releasewatch.cli import main
from releasewatch.demo import UPDATED_PAGE, run_demo
from releasewatch.sample_server import SAMPLE_SOURCES


def test_demo_reports_a_conflict_and_a_change_with_evidence(tmp_path):
    db_file = tmp_path / "demo.db"
    run_demo(db_file)
    page = (tmp_path / "demo.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<svg xmlns="http://www.w3.org/2000/svg" class="timeline"' in page
    result = CliRunner().invoke(main, ["report", "--format", "json", "--db", f"sqlite:///{db_file}"])
    assert result.exit_code == 0, result.output
    events = json.loads(result.output)["events"]
    conflicts = [e for e in events if e["type"] == "conflict" and e["field"] == "release_date"]
    changes = [e for e in events if e["type"] == "changed" and e["field"] == "release_date"]
    assert conflicts, "the fan page's outdated date should conflict with the studio's"
    assert len({*conflicts[0]["sources"]}) >= 2
    (fan_site,) = [name for name, paths in SAMPLE_SOURCES.items() if UPDATED_PAGE in paths]
    assert changes and changes[0]["sources"] == [fan_site]
    change = changes[0]
    assert change["old"]["url"].endswith(UPDATED_PAGE) and change["new"]["url"].endswith(UPDATED_PAGE)
    assert change["old"]["value"] != change["new"]["value"]
    for claim in (change["old"], change["new"], conflicts[0]["old"] or conflicts[0]["new"]):
        assert claim["evidence"] and claim["url"].startswith("http://127.0.0.1:")


def test_demo_resets_its_database(tmp_path):
    db_file = tmp_path / "demo.db"
    first = run_demo(db_file)
    second = run_demo(db_file)
    assert first.count("conflict") == second.count("conflict")


def test_report_filters_by_type_film_and_since(tmp_path):
    db_file = tmp_path / "demo.db"
    run_demo(db_file)
    db = ["--db", f"sqlite:///{db_file}", "--format", "json"]

    def ids(*args: str) -> list[str]:
        result = CliRunner().invoke(main, ["report", *args, *db])
        assert result.exit_code == 0, result.output
        return [(e["type"], e["film"]) for e in json.loads(result.output)["events"]]

    everything = ids()
    assert {t for t, _ in ids("--type", "conflict", "--type", "changed")} == {"conflict", "changed"}
    assert set(ids("--film", "THE SALT ROAD")) == {e for e in everything if e[1] == "The Salt Road"}
    assert ids("--since", "2999-01-01") == []
