"""Sentence splitting keeps offsets exact and knows abbreviations."""
from __future__ import annotations

import pytest

from pipeline.extract.sentences import split_sentences

CASES = [
    ("A flashback. It began.", ["A flashback.", "It began."]),
    ("John Wick (dir. Chad Stahelski, USA) premiered in 2014. Then more.", ["John Wick (dir. Chad Stahelski, USA) premiered in 2014.", "Then more."]),
    ("Samuel L. Jackson stars. Dr. Ismael Cortés writes.", ["Samuel L. Jackson stars.", "Dr. Ismael Cortés writes."]),
    ('She said "no." Then she left.', ['She said "no."', "Then she left."]),
    ("The U.S. release is set. It opens Friday.", ["The U.S. release is set.", "It opens Friday."]),
    ("Line one\n\nLine two", ["Line one", "Line two"]),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:30] for c in CASES])
def test_split(text: str, expected: list[str]) -> None:
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == expected
    assert all(text[s.start:s.end] == s.text for s in sentences)


def test_paragraphs_are_lines() -> None:
    assert [s.paragraph for s in split_sentences("One. Two.\n\nThree.\nFour.")] == [0, 0, 1, 2]
