"""The HTML report in a real headless Chromium: it renders without console errors, loads nothing
from anywhere, draws one chart line per source, and scraped markup stays inert text."""
from __future__ import annotations

from pathlib import Path

import pytest

from releasewatch.reporting import ReportRequest, make_dossier, make_report
from report_fixtures import GENERATED_AT, INJECTED, MARKUP_TITLE, build_report_db
from storage.db import Database


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("html")
    database = Database(f"sqlite:///{folder / 'fixed.db'}")
    database.upgrade()
    build_report_db(database)
    report = folder / "report.html"
    make_report(database, ReportRequest("html", since="2026-01-01", output=report), GENERATED_AT)
    dossier = folder / "film.html"
    dossier.write_text(make_dossier(database, "The Salt Road", "html", GENERATED_AT), encoding="utf-8")
    database.dispose()
    return {"report": report, "film": dossier}


def open_page(browser, path: Path) -> list[dict]:
    browser.get_log("browser")  # drop what an earlier page logged
    browser.get(path.as_uri())
    return [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]


@pytest.mark.parametrize("page", ["report", "film"])
def test_html_renders_without_console_errors_or_requests(browser, pages, page) -> None:
    problems = open_page(browser, pages[page])
    assert problems == []
    assert browser.execute_script("return document.readyState") == "complete"
    # Self-contained: the page fetched nothing besides itself.
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert browser.execute_script("return document.querySelectorAll('svg.timeline').length") >= 1


def test_chart_has_one_line_per_source(browser, pages) -> None:
    open_page(browser, pages["report"])
    lines = browser.execute_script("""
        const out = {};
        for (const section of document.querySelectorAll('section.film')) {
            const title = section.querySelector('h2').textContent;
            out[title] = [...section.querySelectorAll('svg.timeline g.series')].map(g => ({
                source: g.dataset.source,
                length: g.querySelector('path.series-line').getTotalLength(),
            }));
        }
        return out;""")
    assert sorted(line["source"] for line in lines["The Salt Road"]) == ["framerate", "northlight", "reelhouse"]
    assert sorted(line["source"] for line in lines["The Narrows"]) == ["gossipreel", "northlight"]
    assert all(line["length"] > 0 for lines_ in lines.values() for line in lines_)  # drawn, not empty paths


def test_injected_script_in_scraped_text_does_not_run(browser, pages) -> None:
    for page in ("report", "film"):
        open_page(browser, pages[page])
        assert browser.execute_script("return window.__pwned === undefined")
        assert browser.title != "pwned"
        assert browser.execute_script("return document.querySelectorAll('script, img').length") == 0
        text = browser.execute_script("return document.body.textContent")
        assert INJECTED in text
    open_page(browser, pages["report"])
    assert MARKUP_TITLE in browser.execute_script("return document.body.textContent")
