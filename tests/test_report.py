"""Report rendering: the JSON shape, and text that shows what it is given, literally."""
from __future__ import annotations

import json
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.report import render_json, render_text
from pipeline.terminal import visible


@dataclass
class FakeClaim:
    value: str | None
    source: str
    url: str
    evidence: str
    film: str = "Ballerina"
    field: str = "release_date"
    precision: str | None = "day"
    start: date | None = None
    end: date | None = None
    status: str | None = "current"
    region: str | None = None
    kind: str | None = "theatrical"
    character: str | None = None
    confidence: float = 0.9
    extractor: str = "test"


@dataclass
class FakeEvent:
    id: int
    type: str
    old: list[FakeClaim]
    new: list[FakeClaim]
    summary: str = "sources disagree"
    film: str = "Ballerina"
    field: str = "release_date"
    region: str | None = None
    kind: str | None = "theatrical"
    actor: str | None = None
    severity: str = "normal"
    details: dict = dataclass_field(default_factory=dict)
    sources: list[str] = dataclass_field(default_factory=list)
    detected_at: datetime = datetime(2024, 3, 1, tzinfo=timezone.utc)
    superseded_at: datetime | None = None


def conflict(evidence: str = "Ballerina opens June 6, 2025.") -> FakeEvent:
    old = FakeClaim("2025-06-06", "studio", "http://studio.test/a", evidence)
    new = FakeClaim("2024-07-07", "fans", "http://fans.test/b", "Ballerina is coming to theaters on July 7, 2024.")
    return FakeEvent(7, "conflict", [old], [new], sources=["fans", "studio"])


def test_json_has_the_stable_keys_and_claims_with_source_and_url():
    (e,) = json.loads(render_json([conflict()]))["events"]
    assert {"id", "type", "film", "field", "region", "kind", "actor", "old", "new", "sources", "detected_at"} <= e.keys()
    assert (e["old"]["value"], e["old"]["source"], e["old"]["url"]) == ("2025-06-06", "studio", "http://studio.test/a")
    assert e["new"]["evidence"].startswith("Ballerina is coming") and e["detected_at"] == "2024-03-01T00:00:00+00:00"


def test_text_shows_each_side_with_its_sources_and_evidence():
    text = render_text([conflict()], width=160)
    assert "2025-06-06 (studio) ≠ 2024-07-07 (fans)" in text
    assert "http://fans.test/b" in text and "“Ballerina is coming to theaters on July 7, 2024.”" in text


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60).filter(str.strip))
def test_text_shows_evidence_literally_even_when_it_looks_like_markup(words):
    evidence = f"[bold]{words}[/bold]"
    text = render_text([conflict(evidence)], width=400)
    # Shown as pipeline.terminal.visible writes it: invisible format characters become escapes too.
    assert " ".join(f"“{visible(evidence)}”".split()) in " ".join(text.split())


@pytest.mark.parametrize("superseded_at", [None, datetime(2024, 5, 2, tzinfo=timezone.utc)])
def test_superseded_events_are_marked_in_text_and_json(superseded_at):
    event = conflict()
    event.superseded_at = superseded_at
    (e,) = json.loads(render_json([event]))["events"]
    assert (e["superseded"], e["superseded_at"]) == (
        (True, "2024-05-02T00:00:00+00:00") if superseded_at else (False, None))
    text = render_text([event], width=160)
    assert ("conflict (superseded)" in text) == bool(superseded_at)
    assert ("#7 conflict · Ballerina · sources disagree (superseded 2024-05-02: the current rules no longer give this "
            "event)" in text) == bool(superseded_at)
