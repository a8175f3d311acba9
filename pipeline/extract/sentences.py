"""Paragraphs and sentences of a document text, with character offsets into it.

Claims quote the sentence they come from and point at it by offsets, so splitting must never
rewrite the text: every Sentence is a slice `text[start:end]`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before whitespace and
# an upper-case letter, digit or opening quote — unless the dot ends a known abbreviation.
_SENTENCE_END = re.compile(r"(?<=[.!?])(?P<close>[\"”’')\]]*)\s+(?=[\"“‘'(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(
    "dir mr mrs ms dr st jr sr vs no vol inc ltd co corp jan feb mar apr jun jul aug sep sept oct nov dec "
    "u.s u.k u.n e.g i.e approx est dept gen gov lt col sgt prof rev mt ft ave blvd pt".split()
)


_LAST_WORD = re.compile(r"(?:^|[\s(])([A-Za-z][A-Za-z.]{0,5})\.$")
_DOTTED = re.compile(r"(?:[a-z]\.)+[a-z]")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence: its text, offsets into the document text, and the paragraph it belongs to."""

    text: str
    start: int
    end: int
    paragraph: int


def _ends_with_abbreviation(chunk: str) -> bool:
    m = _LAST_WORD.search(chunk[-12:])
    if not m:
        return False
    word = m.group(1).lower()
    # single capital letters are initials ("Samuel L. Jackson"), never sentence ends
    return word in _ABBREVIATIONS or len(word) == 1 or bool(_DOTTED.fullmatch(word))


def split_sentences(text: str) -> list[Sentence]:
    """Split `text` into sentences; every non-empty line is a paragraph (web text has no hard wraps)."""
    out: list[Sentence] = []
    paragraph = -1
    for line in re.finditer(r"[^\n]+", text):
        body = line.group(0)
        if not body.strip():
            continue
        paragraph += 1
        base = line.start()
        chunk_start = 0
        for m in _SENTENCE_END.finditer(body):
            cut = m.start() + len(m.group("close"))
            if _ends_with_abbreviation(body[chunk_start:m.start()]):
                continue
            _append(out, text, base + chunk_start, base + cut, paragraph)
            chunk_start = m.end()
        _append(out, text, base + chunk_start, base + len(body), paragraph)
    return out


def _append(out: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(text[start:end], start, end, paragraph))
