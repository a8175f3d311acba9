"""What every extraction rule needs to know about one document, computed once.

Rules are pure functions of (DocContext, Sentence) -> claims; the context holds the sentences, the
film index, the people named in the text (and who is only the article's author), and the date
relative expressions are anchored to.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple, Sequence

from pipeline.extract.dates import day_first_language
from pipeline.extract.films import FilmIndex, FilmMention, find_films
from pipeline.extract.people import NameSpan, find_names, surname_index
from pipeline.extract.sentences import Sentence, split_sentences
from pipeline.model import Claim, Document, WatchFilm

_BYLINE = re.compile(
    r"(?:^|\n)\s*(?:By|BY|Author:?|Written by|Posted by|Words by|Reviewed by)\s+"
    r"(?P<name>[A-Z][\w'’.-]+(?:\s+(?:de|van|von|da|di|le|la)?\s*[A-Z][\w'’.-]+){1,3})"
    r"|(?:^|\n)\s*(?P<name2>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,2})\s*(?://|\|)\s*(?:Articles|Posts|Stories)"
)
_POSSESSIVE_END = re.compile(r"['’]s?$")
_YEAR = re.compile(r"(?<![\d$£€])\b(?:19|20)\d\d\b")
_SURNAME_TOKEN = re.compile(r"(?<!\w)(?<!\w['’])(?:(?:de|De|van|Van|von|Von|da|Da|di|Di|del|Del|la|La|le|Le)\s+)?[A-Z][\w'’-]+")


class Attribution(NamedTuple):
    """The film a claim is about, as written, whether the sentence names it, and the rule that chose it."""

    film: str | None
    written: str | None
    explicit: bool
    rule: str


@dataclass(frozen=True, slots=True)
class DocContext:
    """One document prepared for the rules (see module docstring)."""

    document: Document
    text: str
    sentences: tuple[Sentence, ...]
    films: FilmIndex
    names: tuple[NameSpan, ...]
    surnames: dict[str, str]
    authors: frozenset[str]
    anchor: date | None
    day_first: bool = False
    year_marks: tuple[tuple[int, int], ...] = ()
    film_page: bool = True  # the text is about films: credits of unwatched titles are read only then

    def year_before(self, pos: int) -> int | None:
        """The last year (1900-2099) the text wrote before `pos`, to place "June 6" without one."""
        year = None
        for p, y in self.year_marks:
            if p >= pos:
                break
            year = y
        return year

    def names_in(self, sentence: Sentence) -> list[NameSpan]:
        """Person names in a sentence (offsets into the document text), surnames resolved.

        Film titles and the article's authors are never names here.
        """
        out = [n for n in self.names if sentence.start <= n.start and n.end <= sentence.end]
        taken = [(n.start, n.end) for n in out]
        for m in _SURNAME_TOKEN.finditer(sentence.text):
            token = _POSSESSIVE_END.sub("", m.group(0))  # "Abernethy-Clarke's previous film"
            s, e = sentence.start + m.start(), sentence.start + m.start() + len(token)
            full = self.surnames.get(token.casefold())
            if full and not any(a < e and s < b for a, b in taken):
                out.append(NameSpan(full, s, e))
        film_keys = {t.casefold() for t in self.films.titles}
        film_spans = [(f.start, f.end) for f in self.films.mentions]
        out = [
            n for n in out
            if n.name.casefold() not in self.authors and n.name.casefold() not in film_keys
            and not any(a <= n.start and n.end <= b for a, b in film_spans)
        ]
        return sorted(out, key=lambda n: n.start)

    def paragraph_text(self, sentence: Sentence) -> str:
        """The whole line (paragraph) a sentence belongs to."""
        start = self.text.rfind("\n", 0, sentence.start) + 1
        end = self.text.find("\n", sentence.end)
        return self.text[start: end if end >= 0 else len(self.text)]

    def film_for(self, sentence: Sentence, pos: int, *, prefer_after: bool = False) -> Attribution:
        """Which film a claim at `pos` in a sentence is about, and the rule that decided it.

        In order: a title of the claim's own clause (not one bound to a relative clause, an aside
        or a reference such as "the sequel to X"), the nearest before `pos` (after it when
        `prefer_after`), then the other side; else the topic: the heading the paragraph sits
        under, the film the paragraph just named ("the film", "it"), or the page's film. When the
        only film at hand is bound elsewhere, nobody gets the claim (film None).
        """
        named = self.films.within(sentence.start, sentence.end)
        mentions = [m for m in named if not _bound_elsewhere(self.text, sentence, m, pos)]
        # "Kettle Black, ..., starring A and B; and Peregrine Hall, ...": a semicolon ends a film's clause
        clause_start = self.text.rfind(";", sentence.start, pos) + 1 or sentence.start
        clause_end = self.text.find(";", pos, sentence.end)
        clause_end = sentence.end if clause_end < 0 else clause_end
        in_clause = [m for m in mentions if clause_start <= m.start and m.end <= clause_end]
        if in_clause:
            mentions = in_clause
        before = [m for m in mentions if m.end <= pos]
        after = [m for m in mentions if m.start >= pos]
        order: list[list[FilmMention]] = [after, before] if prefer_after else [before, after]
        for group in order:
            if group:
                m = group[-1] if group is before else group[0]
                return Attribution(m.film, m.written, True, "clause" if in_clause else "sentence")
        topic, rule = self.films.topic_and_rule(sentence)
        modifiers = self.films.within(sentence.start, sentence.end, subjects_only=False)
        installment = any(
            m.modifier and _ANOTHER_INSTALLMENT.search(self.text[max(sentence.start, m.start - 20): m.start])
            and re.match(r"\s+(?:movie|film|installment|instalment|entry|sequel)\b", self.text[m.end: m.end + 15])
            for m in modifiers
        )
        if installment or any(m.film == topic for m in named) or any(m.film == topic and m.modifier for m in modifiers):
            # the only film at hand is bound to another clause ("the sequel to X", ", whose X") or
            # names a franchise ("the fourth Star Trek movie"): the claim is about a film the text
            # does not name here, so nobody gets it
            return Attribution(None, None, False, "bound")
        return Attribution(topic, topic, False, rule)


# A relative clause or an aside: ", whose Brixham Tide (2019) Harebell also distributed," binds the
# title inside it to that clause.
_ASIDE = re.compile(
    r",\s*(?:whose|who|which|where|best\s+known\s+for|known\s+for|fresh\s+off|star\s+of|director\s+of|"
    r"(?:himself|herself)\s+the\s+director\s+of)\b[^,;:()—–]*|\([^()]*\)|—[^—]*—"
)
# A title the phrase makes another film than the one the sentence is about: "the follow-up to
# 2023's Ashfall", "the sequel to the 2021 hit X", "best known for X", "fresh off X".
_REFERENCE_BEFORE = re.compile(
    r"(?:\b(?:sequel|follow-up|successor|prequel|remake|reboot|spin-?off|companion\s+piece)\s+to|\bremake\s+of|"
    r"\b(?:best\s+)?known\s+for|\bfresh\s+off|\bsince|\bafter|\blike|\bthan|\bunlike|\bsuch\s+as|\bincluding)"
    r"\s+(?:(?:the|his|her|their|its|a)\s+)?(?:(?:19|20)\d\d(?:['’]s)?\s+)?(?:[a-z][\w'’-]*\s+){0,3}$"
)


# "the fourth Star Trek movie", "the next Bond film": an installment the text does not name
_ANOTHER_INSTALLMENT = re.compile(
    r"\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|next|new|untitled|upcoming|latest)\s+$",
    re.IGNORECASE,
)


def _bound_elsewhere(text: str, sentence: Sentence, m: FilmMention, pos: int) -> bool:
    """Whether mention `m` belongs to a clause or phrase that does not hold position `pos`."""
    rel_start, rel_end, rel_pos = m.start - sentence.start, m.end - sentence.start, pos - sentence.start
    for aside in _ASIDE.finditer(sentence.text):
        if aside.start() <= rel_start and rel_end <= aside.end() and not aside.start() <= rel_pos <= aside.end():
            # a ", which ..." clause may run past the next comma: it binds its titles only against
            # claims made before it
            if aside.group(0).lstrip(", ").startswith(("which", "where")) and rel_pos > aside.end():
                continue
            return True
    if _REFERENCE_BEFORE.search(sentence.text[max(0, rel_start - 60): rel_start]):
        return not (rel_end <= rel_pos <= rel_end + 3)
    return False


def build_context(document: Document, watchlist: Sequence[WatchFilm] = (), *, film_page: bool = True) -> DocContext:
    """Split, index films and people, find authors: everything rules share."""
    text = document.text or ""
    sentences = tuple(split_sentences(text))
    authors = {m.group("name") or m.group("name2") for m in _BYLINE.finditer(text)}
    authors |= set(_structured_authors(document.structured))
    all_names = find_names(text)
    people = frozenset(n.name.casefold() for n in all_names)
    films = find_films(
        text, sentences, watchlist, title=document.title, people=people, emphasis=document.emphasis, film_page=film_page
    )
    author_keys = frozenset(a.casefold() for a in authors if a)
    full_names = [n.name for n in all_names if n.name.casefold() not in author_keys]
    return DocContext(
        document=document,
        text=text,
        sentences=sentences,
        films=films,
        names=tuple(all_names),
        surnames=surname_index(full_names),
        authors=author_keys,
        # an "Updated" date is when the text was last written: relative dates lean on it when no other
        anchor=document.published or document.updated,
        day_first=day_first_language(document.language),
        year_marks=tuple((m.start(), int(m.group(0))) for m in _YEAR.finditer(text)),
        film_page=film_page,
    )


def _structured_authors(objects: tuple[dict[str, Any], ...]) -> list[str]:
    out: list[str] = []
    for obj in objects:
        author = obj.get("author")
        for a in author if isinstance(author, list) else [author]:
            if isinstance(a, dict) and isinstance(a.get("name"), str):
                out.append(a["name"])
            elif isinstance(a, str):
                out.append(a)
    return out


def claim(ctx: DocContext, sentence: Sentence, **fields: Any) -> Claim:
    """A Claim whose evidence is `sentence`, with offsets into the document text."""
    return Claim(evidence=sentence.text, evidence_start=sentence.start, evidence_end=sentence.end, **fields)
