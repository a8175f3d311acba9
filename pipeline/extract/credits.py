"""Credits of films the text names in passing: their year and their director.

Film news dates and credits other films all the time: "best known for the 2017 chamber piece
Harbourlight", "2019's Low Tide", "Kingfisher Rent (2023)", "Santangelo's Paper Lantern Road",
"Marigold Junction, the Sunil Varadarajan comedy", "a documentary by Carmen Abiodun". Each of these
binds a year or a person to the title in its own phrase. Reading them as claims of that title
(and never of the article's film) is what keeps a 2019 credit from becoming a release date of the
film the article is about.
"""
from __future__ import annotations

import re
from typing import Iterator

from pipeline.extract.context import DocContext, claim
from pipeline.extract.films import FilmMention
from pipeline.extract.people import NameSpan
from pipeline.extract.sentences import Sentence
from pipeline.extract.vocabulary import WORK_NOUN
from pipeline.model import Claim
from pipeline.release_window import window

# Nouns a credit puts between a year or a possessive and the title: "the 2015 classic X",
# "Vexley's 1972 noir X", "her previous feature, X".
GENRE = WORK_NOUN
# Words that may stand before the genre noun: adjectives in lower case, at most three.
_DESCRIPTORS = r"(?:(?!(?:and|or|but|to|is|was|will|has|had|the|a|an|of|in|on|at|for|with|from|as)\b)[a-z][\w'’-]*\s+){0,3}"
YEAR_BEFORE_TITLE = re.compile(
    rf"(?P<year>(?:19|20)\d\d)(?:['’]s\s+|\s+{_DESCRIPTORS}{GENRE}s?\s*,?\s+)(?:[\"“‘']\s*)?$"
)
_YEAR_AFTER_TITLE = re.compile(r"^\s*[\"”’']?\s*\(\s*(?P<year>(?:19|20)\d\d)\s*(?:\)|,\s*[^()\n]{1,30}\))")
# "Cormorant Memories, a 1998 documentary directed by ...": the year in the title's apposition
_YEAR_APPOSITION = re.compile(rf"^\s*,\s*(?:a|an|the)\s+(?P<year>(?:19|20)\d\d)\s+{_DESCRIPTORS}{GENRE}s?\b")
# "last year's This Is the End": a year the page's date resolves
_RELATIVE_YEAR_BEFORE_TITLE = re.compile(r"\b(?P<rel>last|this|next)\s+year['’]s\s+(?:[\"“‘']\s*)?$", re.IGNORECASE)
# "Vexley's 1972 noir", "her previous feature,", "Castellano-Reyes's first feature,": a creator's work.
_POSSESSIVE_WORK = re.compile(
    rf"['’]s?\s+(?:(?:19|20)\d\d\s+)?(?P<qual>(?:\$[\d.,]+\s*(?:million|billion|m|bn)?\s+)?(?:[A-Z][\w+]*\s+(?=[a-z]))?"
    rf"{_DESCRIPTORS}){GENRE}s?\s*,?\s+(?:[\"“‘']\s*)?$"
)
_POSSESSIVE_TITLE = re.compile(
    r"['’]s?\s+(?:(?:earlier|latest|new|next|upcoming|previous|last|acclaimed|beloved|celebrated|breakthrough|"
    r"long-awaited|overlooked|underrated|forthcoming)\s+)?(?:[\"“‘']\s*)?$"
)
# "Phil Lord and Christopher Miller's 22 Jump Street": both possessors made it
_CO_POSSESSOR = re.compile(r"(?P<first>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3})\s+(?:and|&)\s+$")
# A bare "film"/"movie" after an actor's name is how reviews praise a performance ("Ferreira-Quist's
# movie"); only a qualified one ("previous film", "new movie") is a creator's credit.
_BARE_WORK = re.compile(r"^\s*(?:film|movie|picture|story|project|release|hit|success|triumph)s?\s*$")
# "the Sunil Varadarajan comedy", "the Len Wiseman-directed film": a film named by its director.
_NAMED_BY_DIRECTOR = re.compile(rf"^\s*(?:[-–]directed\s+)?(?:{_DESCRIPTORS}){GENRE}\b")
_THE_BEFORE = re.compile(r"\b(?:the|a|an|his|her|their)\s+(?:[a-z][\w-]*\s+)?$", re.IGNORECASE)
# "a documentary by X", "the debut of X", "the latest from X", "from writer/directors A and B"
_BY_PERSON = re.compile(
    rf"(?:\b{GENRE}s?\s+(?:by|from)|\b(?:the\s+)?(?:feature\s+|directorial\s+)?debut\s+of|\bthe\s+(?:latest|newest|new\s+one|"
    rf"new\s+film|next\s+film)\s+from|\bfrom\s+(?:(?:writer|co-writer)[-/])?(?:co-)?directors?|\bfrom\s+filmmakers?)"
    r"\s+(?:(?:brothers|sisters|siblings|duo|partners|veteran|newcomer|acclaimed|writer|writer-director|director|"
    r"filmmakers?|[A-Z][a-z]+(?:an|ian|ish|ese|ch|i))\s+){0,2}$"
)
_SHARED_SURNAME = re.compile(r"(?<!\w)(?P<first>[A-Z][\w'’-]+)\s+(?:and|&)\s+$")


def credit_claims(ctx: DocContext, sentence: Sentence) -> Iterator[Claim]:
    """Year and director credits of the titles one sentence names (see module docstring)."""
    text = ctx.text
    if ctx.film_page:
        yield from _described_year(ctx, sentence)
    mentions = ctx.films.within(sentence.start, sentence.end, subjects_only=False)
    if not mentions:
        return
    if not ctx.film_page:
        # "1990's Unison", "Braun's Ithaca Holdings": on a page that is not about films, a year or a
        # possessive before a capitalised name credits an album or a company; only watched titles count
        mentions = [m for m in mentions if m.watched]
        if not mentions:
            return
    names = ctx.names_in(sentence)
    for m in mentions:
        yield from _year_credit(ctx, sentence, m)
        for name in names:
            if name.end > m.start or name.end < m.start - 80 or _not_a_film_work(ctx, sentence, m):
                continue
            gap = text[name.end: m.start]
            work = _POSSESSIVE_WORK.match(gap)
            bare = _POSSESSIVE_TITLE.fullmatch(gap)
            if work and (work.group("qual").strip() or not _BARE_WORK.match(gap[work.start("qual"):].strip(" ,\"“‘'"))):
                yield _director(ctx, sentence, name, m, "credit.possessive_work")
            elif bare and not _is_cast_member(ctx, sentence, name):
                yield _director(ctx, sentence, name, m, "credit.possessive_title")
            else:
                continue
            co = _CO_POSSESSOR.search(text[max(sentence.start, name.start - 50): name.start])
            partner = next((n for n in names if co and n.name == co.group("first")), None)
            if partner is not None:
                yield _director(ctx, sentence, partner, m, "credit.possessive_co")
    yield from _possessive_without_title(ctx, sentence, names, mentions)
    yield from _named_by_director(ctx, sentence, names, mentions)
    yield from _by_person(ctx, sentence, names, mentions)


# "her first album, 1990's Unison", "a reality series called X's Big Life": works that are not films
NON_FILM_WORK = re.compile(
    r"\b(?:albums?|singles?|songs?|records?|EPs?|mixtapes?|novels?|books?|memoirs?|series|shows?|sitcoms?|"
    r"seasons?|episodes?|games?|video\s+games?|tours?|podcasts?|plays?|operas?|paintings?|exhibitions?|apps?|"
    r"phones?|consoles?|devices?|products?|companies|company|firms?|brands?)\b[^.;:]{0,40}$",
    re.IGNORECASE,
)


def _not_a_film_work(ctx: DocContext, sentence: Sentence, m: FilmMention) -> bool:
    return not m.watched and bool(NON_FILM_WORK.search(ctx.text[max(sentence.start, m.start - 50): m.start]))


def _year_credit(ctx: DocContext, sentence: Sentence, m: FilmMention) -> Iterator[Claim]:
    text = ctx.text
    if _not_a_film_work(ctx, sentence, m):
        return
    before = YEAR_BEFORE_TITLE.search(text[max(sentence.start, m.start - 70): m.start])
    after = _YEAR_AFTER_TITLE.match(text[m.end: m.end + 40]) or _YEAR_APPOSITION.match(text[m.end: m.end + 60])
    hit = before or after
    if hit is None:
        relative = _RELATIVE_YEAR_BEFORE_TITLE.search(text[max(sentence.start, m.start - 30): m.start])
        if relative is None or ctx.anchor is None:
            return
        offset = {"last": -1, "this": 0, "next": 1}[relative.group("rel").lower()]
        yield _year(ctx, sentence, m.film, m.written, str(ctx.anchor.year + offset), 0.6, "credit.relative_year")
        return
    yield _year(ctx, sentence, m.film, m.written, hit.group("year"), 0.7,
                "credit.year_before" if before else "credit.year_after")


def _year(ctx: DocContext, sentence: Sentence, film: str, written: str | None, year: str, confidence: float,
          rule: str) -> Claim:
    """A credit's year: the film's release, current, at year precision, of no particular kind."""
    win = window(year)
    return claim(
        ctx, sentence, film=film, film_written=written, field="release_date", value=year, precision=win.precision,
        start=win.start, end=win.end, status="current", region=None, kind="unspecified",
        confidence=confidence, extractor=rule,
    )


def credit_years(ctx: DocContext, sentence: Sentence) -> frozenset[int]:
    """Where the sentence's credit years start (offsets into the document text): not release dates of anything else."""
    out: set[int] = set()
    for m in ctx.films.within(sentence.start, sentence.end, subjects_only=False):
        base = max(sentence.start, m.start - 70)
        before = YEAR_BEFORE_TITLE.search(ctx.text[base: m.start])
        if before:
            out.add(base + before.start("year"))
        after = _YEAR_AFTER_TITLE.match(ctx.text[m.end: m.end + 40]) or _YEAR_APPOSITION.match(ctx.text[m.end: m.end + 60])
        if after:
            out.add(m.end + after.start("year"))
    return frozenset(out)


def _is_cast_member(ctx: DocContext, sentence: Sentence, name: NameSpan) -> bool:
    """Whether the paragraph presents this person as a performer ("X plays", "starring X")."""
    paragraph = ctx.paragraph_text(sentence)
    surname = name.name.split()[-1]
    return bool(re.search(
        rf"(?:starring|stars|co-stars|played by|voiced by)\s+(?:[A-Z][\w'’-]+\s+)*{re.escape(surname)}\b"
        rf"|\b{re.escape(surname)}\s+(?:plays|stars|played|starred|co-stars|voices|portrays)\b",
        paragraph,
    ))


# "Ironbark Valley, Dana Whitlock-Ferris's frontier epic, ..."; "Oskar Drummond-Bey's seaside mystery arrives"
_POSSESSIVE_GENRE_ONLY = re.compile(
    rf"^['’]s?\s+(?:(?:new|latest|next|upcoming|long-awaited|(?:19|20)\d\d)\s+)?(?P<qual>{_DESCRIPTORS}){GENRE}s?\b(?!\s*,?\s*[A-Z\"“‘'])"
)


def _possessive_without_title(
    ctx: DocContext, sentence: Sentence, names: list[NameSpan], mentions: list[FilmMention]
) -> Iterator[Claim]:
    """A creator's possessive naming no title: the work is the film beside it, else the sentence's film."""
    text = ctx.text
    for name in names:
        work = _POSSESSIVE_GENRE_ONLY.match(text[name.end: name.end + 60])
        if work is None or (not work.group("qual").strip() and _BARE_WORK.match(work.group(0)[work.group(0).find(" "):])):
            continue
        if _is_cast_member(ctx, sentence, name):
            continue
        film = _beside(ctx, mentions, name.start, name.end + work.end())
        if film is not None:
            yield _director(ctx, sentence, name, film, "credit.possessive_genre")
            continue
        f, w, explicit, how = ctx.film_for(sentence, name.start)
        if f is not None:
            yield claim(ctx, sentence, film=f, film_written=w, field="director", value=name.name,
                        confidence=0.65 if explicit else 0.55, extractor=f"credit.possessive_genre/{how}")


# "a stage show of the 2004 zombie comedy": the film the sentence speaks of, described by its year
_DESCRIBED_YEAR = re.compile(
    rf"\b(?:the|this|that|his|her|their|its)\s+(?P<year>(?:19|20)\d\d)\s+{_DESCRIPTORS}"
    rf"(?:film|movie|picture|drama|comedy|thriller|western|noir|musical|horror|documentary|biopic|classic|hit|"
    rf"blockbuster|original|adaptation|remake)\b(?!\s*,?\s*[A-Z\"“‘'])"
)


def _described_year(ctx: DocContext, sentence: Sentence) -> Iterator[Claim]:
    for hit in _DESCRIBED_YEAR.finditer(sentence.text):
        pos = sentence.start + hit.start()
        f, w, explicit, how = ctx.film_for(sentence, pos)
        if f is None:
            continue
        yield _year(ctx, sentence, f, w, hit.group("year"), 0.6, f"credit.described_year/{how}")


def _named_by_director(
    ctx: DocContext, sentence: Sentence, names: list[NameSpan], mentions: list[FilmMention]
) -> Iterator[Claim]:
    """"Marigold Junction, the Sunil Varadarajan comedy": the title the phrase stands beside."""
    text = ctx.text
    for name in names:
        window_start = max(sentence.start, name.start - 12)
        article = _THE_BEFORE.search(text[window_start: name.start])
        if article is None or not _NAMED_BY_DIRECTOR.match(text[name.end: name.end + 40]):
            continue
        phrase_start = window_start + article.start()
        film = _beside(ctx, mentions, phrase_start, name.end)
        if film is not None:
            yield _director(ctx, sentence, name, film, "credit.named_by_director")


def _by_person(
    ctx: DocContext, sentence: Sentence, names: list[NameSpan], mentions: list[FilmMention]
) -> Iterator[Claim]:
    """"The Fox Ledger, a documentary by Carmen Abiodun"; "from writer/directors Hamza and Liv Oduya"."""
    text = ctx.text
    for name in names:
        window_start = max(sentence.start, name.start - 60)
        before = text[window_start: name.start]
        shared = None
        by = _BY_PERSON.search(before)
        if by is None:
            # "Hamza and Liv Oduya": the first of two siblings is named by first name only
            pair = _SHARED_SURNAME.search(before)
            if pair:
                by = _BY_PERSON.search(before[: pair.start()])
                shared = pair.group("first")
        if by is None:
            continue
        film = _beside(ctx, mentions, window_start + by.start(), name.end)
        if film is None:
            continue
        yield _director(ctx, sentence, name, film, "credit.by_person")
        if shared:
            surname = name.name.split()[-1]
            sibling = NameSpan(f"{shared} {surname}", name.start, name.end)
            yield _director(ctx, sentence, sibling, film, "credit.by_person")


_APPOSITION_GAP = re.compile(
    r"\s*[,:;(–—-][\s,:;(–—-]*(?:(?:a|an|the)\s+)?(?:[a-z][\w'’-]*\s+){0,3}|\s+(?:is|was)\s+(?:(?:a|an|the)\s+)?(?:[a-z][\w'’-]*\s+){0,3}"
)


def _beside(ctx: DocContext, mentions: list[FilmMention], phrase_start: int, phrase_end: int) -> FilmMention | None:
    """The title an appositive phrase describes: the one just before it (", the X comedy"), else just after."""
    text = ctx.text
    before = [
        m for m in mentions
        if m.end <= phrase_start and not m.modifier and _APPOSITION_GAP.fullmatch(text[m.end: phrase_start])
    ]
    if before:
        return before[-1]
    after = [m for m in mentions if m.start >= phrase_end and not m.modifier and re.fullmatch(r"[\s,:;)–—-]*", text[phrase_end: m.start])]
    return after[0] if after else None


def _director(ctx: DocContext, sentence: Sentence, name: NameSpan, m: FilmMention, rule: str) -> Claim:
    return claim(ctx, sentence, film=m.film, film_written=m.written, field="director", value=name.name,
                 confidence=0.7, extractor=rule)
