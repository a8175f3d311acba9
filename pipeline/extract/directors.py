"""Director claims: "directed by X", "dir. X", "director X", "X directs / will direct".

A role word counts only in lower case (or capitalised with no article before it): "the Director
(Anjelica Huston)" is a character. "JOHN WICK director Chad Stahelski" says who directed JOHN WICK;
"X is not directing this movie" says nothing about who directs this one, so negated statements
produce no claim for the sentence's film.
"""
from __future__ import annotations

import re
from typing import Iterator

from pipeline.extract.context import DocContext, claim
from pipeline.extract.people import NOT_NAME_WORDS, NameSpan
from pipeline.extract.sentences import Sentence
from pipeline.model import Claim

# Text right before a name that makes it the director.
_BEFORE = re.compile(
    r"(?:\b(?i:directed|helmed|co-directed|direction)\s+by|\b(?i:dir)\.|\bfrom\s+(?:writer-)?filmmaker|\bhelmer|(?<![Tt]he )(?<![Tt]he new )(?<!\w)(?:[Ww]riter[-/]|[Cc]o-)?"
    r"(?:co-)?(?:[Dd]irectors?|filmmaker-director|director-writer)(?!['’]))"
    r"\s*[:,]?\s*(?:(?:and\s+)?(?:co-?writer|writer|producer|star|filmmaker|auteur|helmer|the|Oscar[- ]winning|"
    r"Oscar[- ]winner|acclaimed|veteran|visionary|[a-z]+-winning|cult|siblings|brothers|sisters|duo|partners|"
    r"[A-Z][a-z]+(?:an|ian|ish|ese|ch|i)|[A-Z][a-z]+-born)\s+){0,3}$"
)
# Other kinds of director, never a film's director.
_NOT_FILM_DIRECTOR = re.compile(
    r"\b(?:casting|art|creative|music|musical|photography|managing|executive|assistant|unit|artistic|technical|"
    r"program(?:ming)?|festival|marketing|communications?|general|associate|production|research|campaign|"
    r"sports|athletic|funeral|medical|news|editorial|regional|national|state|finance|financial|hr|it|former|"
    r"stunt|second[- ]unit|animation|fight|dance|choreograph\w*|vfx|effects)\s+$",
    re.IGNORECASE,
)
_AFTER = re.compile(
    r"^\s*(?:\([^)]{0,80}\)\s*)?(?:,[^,;.()]{0,80},\s*who\s+|,\s*who\s+)?(?:(?:also|will|is|was|has|had|would|to|set to|is set to|is slated to|"
    r"has signed on to|signed on to|is attached to|attached to|is on board to|returns to|is returning to|came on to|"
    r"tapped to|hired to|now|then|later|last|will now|previously|once|first|originally|famously|recently|memorably|"
    r"again|here)\s+)*"
    r"(?P<verb>directs|directed|directing|direct|helms|helmed|helming|helm|co-directs|co-directed|write and direct|"
    r"writes and directs|wrote and directed|will write and direct|to write and direct|writing and directing|"
    r"co-writing and directing|(?:co-)?wrote and (?:co-)?directed)\b"
)
# "directed by Daniel Kwan and Daniel Scheinert": the second name after "and"
_CO_DIRECTOR = re.compile(
    r"\b(?:(?i:directed|helmed|co-directed)\s+by|(?i:directors?)\s*:?)\s+[A-Z][^,.;()]{2,40}?\s+(?:and|&)\s+$"
)
# "siblings Felix and Greta Amundsen-Cole": the first of two named by first name only
_SHARED_SURNAME = re.compile(r"(?<!\w)(?P<first>[A-Z][\w'’-]+)\s+(?:and|&)\s+$")
# "Corentin Abara-Mills, director of the 2026 sleeper hit X"; "Oona Ferrante, whose directorial debut X"
_DIRECTOR_OF = re.compile(
    r"^\s*,\s*(?:(?:himself|herself|themselves|also|now)\s+)?(?:(?:the|a|an)\s+)?(?:[a-z]+\s+)?(?:writer-|co-)?director\s+of\b"
    r"|^\s*,\s*whose\s+(?:(?:19|20)\d\d\s+)?(?:(?:feature|directorial|first|second|third|previous|last|latest|new|"
    r"cult|acclaimed|breakout|celebrated|beloved|little-seen|underrated)\s+){0,2}"
    r"(?:debut|feature|film|movie|outing|effort|favou?rite|hit|classic|drama|comedy|thriller|documentary|western)\b"
    r"|^\s*(?:,\s*who\s+)?(?:(?:also|last|first|previously|once|then)\s+)?made\s+"
    r"(?=it\b|(?:the\s+)?(?:[a-z-]+\s+){0,3}(?:19|20)\d\d|the\s+(?:film|movie)\b|[A-Z\"“])"
    r"|^\s*(?:,\s*who\s+)?(?:(?:also|last|first|previously|once|then)\s+)?co-directed\s+"
)
_WHOSE_TITLE = re.compile(
    r"^\s*,\s*whose\s+(?:(?:19|20)\d\d\s+)?(?:[a-z][\w-]*\s+){0,3}(?P<rest>(?:[\"“‘'])?[A-Z][^,;.]{0,60})"
)
# "co-directed the studio's 2023 hit Pebble & Pine with Anika Sørvik": the partner co-directs that film
_CO_DIRECTED_WITH = re.compile(r"\bco-?directed\b[^.;]{0,90}?\bwith\s+$", re.IGNORECASE)
# "its director, X", "the film's director X", "the movie's writer-director": the role belongs to the film at hand
_FILM_OWNS_ROLE = re.compile(
    r"(?i)(?:\b(?:its|their)|\bthe\s+(?:film|movie|picture|sequel|project|documentary|feature)['’]s?|"
    r"\b(?:film|movie|picture|sequel|project|documentary|feature)\s+(?:and\s+)?)\s*(?:[a-z-]+\s+)?$"
)
_FILM_ANAPHOR = re.compile(
    r"(?i)\b(?:the|this|that)\s+(?:new\s+|upcoming\s+)?(?:film|movie|picture|sequel|prequel|follow-up|project|"
    r"documentary|feature|thriller|drama|comedy|adaptation|remake)\b|\bits\b|\bit\s+(?:is|was|stars|comes)\b"
)
_DIRECTED_ADJ = re.compile(r"^(?:[-–](?:directed|helmed)\b|['’]s?\s+(?:feature\s+)?directorial\s+(?:debut|effort|follow-up|return))")
_DIRECTORISH = re.compile(r"direct|dir\.|helm|filmmaker", re.IGNORECASE)
_NEGATED = re.compile(
    r"\b(?:not|n't|never|no longer|won't|declined|passed|exited|left|stepped down|replaced|instead of|rather than)\b",
    re.IGNORECASE,
)


def _film_before_role(ctx: DocContext, sentence: Sentence, role_start: int) -> tuple[str, str] | None:
    """The film right before a role word: "JOHN WICK director X", "Parasite's director X"."""
    for m in ctx.films.within(sentence.start, sentence.end, subjects_only=False):
        gap = ctx.text[m.end: role_start]
        if m.end <= role_start and re.fullmatch(r"\s*(?:['’]s?\s*)?(?:writer[-/])?", gap):
            return m.film, m.written
    return None


def director_claims(ctx: DocContext, sentence: Sentence) -> Iterator[Claim]:
    """Director claims made by one sentence."""
    text = sentence.text
    if not _DIRECTORISH.search(text):
        return
    for name in ctx.names_in(sentence):
        s, e = name.start - sentence.start, name.end - sentence.start
        before = text[max(0, s - 80): s]
        after = text[e: e + 90]
        co_with = _CO_DIRECTED_WITH.search(before)
        if co_with:
            partners = ctx.films.within(sentence.start + max(0, s - 80) + co_with.start(), name.start, subjects_only=False)
            if partners:
                yield _claim(ctx, sentence, name, partners[-1].film, partners[-1].written, 0.75, "director.co_directed_with")
                continue
        m_before = _BEFORE.search(before) or _CO_DIRECTOR.search(before)
        if m_before and not _NOT_FILM_DIRECTOR.search(before[: m_before.start()]):
            film = _film_before_role(ctx, sentence, sentence.start + max(0, s - 80) + m_before.start())
            if film is not None:
                yield _claim(ctx, sentence, name, film[0], film[1], 0.85, "director.film_role")
                continue
            if _NEGATED.search(after[:40]) and re.search(r"direct", after[:60]):
                continue
            f, w, explicit, how = ctx.film_for(sentence, name.start)
            role_only = not re.search(r"(?i)\b(?:directed|helmed|dir\.|by)\b", m_before.group(0))
            if f and role_only and not explicit and not _FILM_OWNS_ROLE.search(before[: m_before.start()] + " "):
                # "director Chas Burns organized a stage show": a director, but of what the sentence does
                # not say; only "its director", "the film's director" or a heading's list tie him to the film
                opens_with_role = bool(re.match(r"(?i)[\s•*-]*(?:[a-z-]+\s+)?(?:writer[-/])?(?:co-)?dir", sentence.text))
                if how == "page" and not opens_with_role and not _FILM_ANAPHOR.search(sentence.text):
                    continue
            if f:
                yield _claim(ctx, sentence, name, f, w, 0.8 if explicit else 0.65, f"director.by/{how}")
                # "directed by Cormac Delacroix-Nwosu, whose Brixham Tide (2019) ...": the director's own credit
                whose = _WHOSE_TITLE.match(after)
                if whose:
                    for m in ctx.films.within(name.end + whose.start("rest"), name.end + whose.end(), subjects_only=False)[:1]:
                        yield _claim(ctx, sentence, name, m.film, m.written, 0.65, "director.whose_credit")
                shared = _SHARED_SURNAME.search(before)
                if (
                    shared and shared.group("first").lower() not in NOT_NAME_WORDS and len(name.name.split()) == 2
                    and not re.search(r"[A-Z][\w'’-]*\s+$", before[: shared.start()])  # "Ilse Vroom and": a full name
                ):
                    sibling = NameSpan(f"{shared.group('first')} {name.name.split()[-1]}", name.start, name.end)
                    yield _claim(ctx, sentence, sibling, f, w, 0.7 if explicit else 0.6, "director.by_shared_surname")
            # "X and Y were directed by Z": every film of the plural subject
            role_at = max(0, s - 80) + m_before.start()
            if re.search(r"\bwere\s+$", before[: m_before.start()]):
                clause_start = max(text.rfind(";", 0, role_at), text.rfind(". ", 0, role_at)) + 1
                for m in ctx.films.within(sentence.start + clause_start, sentence.start + role_at):
                    if m.film != f:
                        yield _claim(ctx, sentence, name, m.film, m.written, 0.75, "director.by_list")
            continue
        if _DIRECTED_ADJ.match(after):  # "the Len Wiseman-directed film"
            f, w, explicit, how = ctx.film_for(sentence, name.end, prefer_after=True)
            if f:
                yield _claim(ctx, sentence, name, f, w, 0.8 if explicit else 0.65, f"director.directed_adj/{how}")
            continue
        m_of = _DIRECTOR_OF.match(after)
        if m_of and not _NEGATED.search(m_of.group(0)):
            f, w, explicit, how = ctx.film_for(sentence, name.end + m_of.end(), prefer_after=True)
            if f:
                yield _claim(ctx, sentence, name, f, w, 0.8 if explicit else 0.6, f"director.of/{how}")
            continue
        m_after = _AFTER.match(after)
        if m_after:
            if _NEGATED.search(after[: m_after.start("verb")]):
                continue
            verb_end = name.end + m_after.end()
            # "X directs FILM" / "X directed FILM": the object after the verb comes first
            f, w, explicit, how = ctx.film_for(sentence, verb_end, prefer_after=True)
            if f:
                yield _claim(ctx, sentence, name, f, w, 0.8 if explicit else 0.6, f"director.verb/{how}")


def _claim(ctx: DocContext, sentence: Sentence, name: NameSpan, film: str, written: str | None, conf: float, rule: str) -> Claim:
    return claim(ctx, sentence, film=film, film_written=written, field="director", value=name.name,
                 confidence=conf, extractor=rule)
