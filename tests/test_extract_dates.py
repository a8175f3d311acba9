"""Date expressions -> release-window values (no clock: relative ones need an anchor)."""
from __future__ import annotations

from datetime import date

import pytest

from pipeline.extract.dates import find_dates, visible_dates

ANCHOR = date(2024, 1, 3)
CASES = [
    ("June 6, 2025", None, "2025-06-06"), ("June 6th, 2025", None, "2025-06-06"), ("6 June 2025", None, "2025-06-06"),
    ("6th of June, 2025", None, "2025-06-06"), ("Sept. 5, 2025", None, "2025-09-05"), ("2025-06-06", None, "2025-06-06"),
    ("6/6/2025", None, "2025-06-06"), ("24.12.2025", None, "2025-12-24"), ("June 2025", None, "2025-06"),
    ("June of 2025", None, "2025-06"), ("Q3 2025", None, "2025-Q3"), ("third quarter of 2025", None, "2025-Q3"),
    ("Summer 2024", None, "2024-summer"), ("autumn 2025", None, "2025-fall"), ("winter 2025", None, "2025-winter"),
    ("second half of 2025", None, "2025-H2"), ("H1 2026", None, "2026-H1"), ("early 2025", None, "2025-H1"),
    ("late 2025", None, "2025-H2"), ("mid-2025", None, "2025"), ("the 2025 holiday season", None, "2025-holidays"),
    ("Christmas 2025", None, "2025-12-25"), ("Thanksgiving 2025", None, "2025-11-27"), ("in 2025", None, "2025"),
    ("next year", ANCHOR, "2025"), ("next year", None, None), ("this summer", ANCHOR, "2024-summer"),
    ("next month", ANCHOR, "2024-02"), ("the holidays", ANCHOR, "2024-holidays"), ("on Friday", ANCHOR, "2024-01-05"),
    ("tomorrow", ANCHOR, "2024-01-04"), ("March 8", ANCHOR, "2024-03-08"), ("March 8", None, None),
    ("in August", ANCHOR, "2024-08"), ("February 30, 2025", None, None),
]


@pytest.mark.parametrize(("text", "anchor", "value"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_date_values(text: str, anchor: date | None, value: str | None) -> None:
    found = find_dates(text, anchor)
    assert len(found) == 1 and found[0].value == value
    assert text[found[0].start:found[0].end] == found[0].text


@pytest.mark.parametrize("text", ["$250 million", "2014-2015", "The 1990s", "since 20,000 fans"])
def test_not_dates(text: str) -> None:
    assert not [d for d in find_dates(text) if d.value]


VISIBLE = [
    ("1/3/2024 • 4 min read\n(Updated 02/22/2024)", False, (date(2024, 1, 3), date(2024, 2, 22))),
    ("1/3/2024 • 4 min read", True, (date(2024, 3, 1), None)),
    ("Published: June 5, 2024\nBody text here.", False, (date(2024, 6, 5), None)),
    ("Ballerina is coming to theaters on July 7, 2024.", False, (None, None)),
]


@pytest.mark.parametrize(("text", "day_first", "expected"), VISIBLE, ids=[v[0][:30] for v in VISIBLE])
def test_visible_dates(text: str, day_first: bool, expected: tuple) -> None:
    assert visible_dates(text, day_first=day_first) == expected
