"""Which films a text talks about, and where.

Two sources of titles: the analyst's watch-list (matched in any case, with or without subtitle
and franchise prefix, never inside other words) and, for films not on it, titles discovered in the
text itself (ALL-CAPS or quoted title spans, or title-case spans next to film words such as
"(2025)", "the film", "sequel", "release date for", "hits theaters"). Every discovered title is
then matched everywhere in the document like a watch-list title.

Mentions used as modifiers ("the John Wick spinoff", "JOHN WICK director", "as John Wick") are
kept but flagged, so that rules attribute claims to the film the sentence is about. A paragraph's
topic film resolves "the film", "the movie", "the spinoff" and "it".
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

from pipeline.extract.people import NOT_NAME_WORDS, is_name
from pipeline.extract.sentences import Sentence
from pipeline.extract.vocabulary import GENRE_NOUN
from pipeline.film_identity import film_key
from pipeline.model import WatchFilm

_SMALL = r"(?:of|the|a|an|and|in|on|at|to|for|or|vs\.?|x|with|from|de|la|le|des|du|von|is|my|your|no)"
_TWORD = r"(?:[A-Z0-9][\w'’&!?.-]*\w|[A-Z0-9])"
_JOIN = _SMALL.replace("and|", "").replace("(?:", "(?:&|", 1)
_SP = r"[^\S\n]"  # a title never spans a line (or paragraph) break
TITLE_CASE_RE = re.compile(
    rf"(?<!\w)(?<!\w['’]){_TWORD}(?:{_SP}+(?:{_JOIN}{_SP}+)*{_TWORD})*(?:{_SP}*[:–—]{_SP}*{_TWORD}(?:{_SP}+(?:{_JOIN}{_SP}+)*{_TWORD})*){{0,2}}"
    rf"|(?<!\w)(?<!\w['’]){_TWORD}(?:{_SP}+{_TWORD})*{_SP}+-{_SP}+{_TWORD}(?:{_SP}+{_TWORD})*"
)
_CAPS_WORD = r"[A-Z0-9][A-Z0-9'’&.!?]*[A-Z0-9!?]|[A-Z0-9]|&"
ALL_CAPS_RE = re.compile(rf"(?<!\w)(?<!\w['’])(?:{_CAPS_WORD})(?:(?:{_SP}+|{_SP}*[:–—-]+{_SP}*)(?:{_CAPS_WORD}))*(?![\w])")
QUOTED_RE = re.compile(r"(?:(?<!\w)[\"“‘']|(?<=\w[\"“]))(?P<t>[A-Z0-9][^\"“”‘’\n]{0,70}?[\w!?)])[\"”’'](?!\w)")

# Publications are italicised like films are.
_OUTLETS = frozenset(
    "variety|deadline|the wrap|thewrap|the hollywood reporter|hollywood reporter|indiewire|vulture|collider|empire|"
    "screen rant|ign|the new york times|new york times|the guardian|the washington post|los angeles times|"
    "the los angeles times|entertainment weekly|rolling stone|the atlantic|vanity fair|time|people|us weekly|"
    "the new yorker|box office mojo|rotten tomatoes|imdb|slashfilm|/film|the verge|polygon|gq|esquire|"
    "the independent|the telegraph|bbc|cnn|reuters|associated press|the ap|billboard|forbes|bloomberg|"
    "the wall street journal|wall street journal|usa today|the times|the sun|daily mail|time out".split("|")
)
_ACRONYMS = frozenset(
    "USA US UK U.S. U.K. TV DVD CEO CFO NBA NFL MLB HBO IMAX AMC FAQ LGBTQ COVID NEW UPDATE EXCLUSIVE WATCH READ "
    "MORE VIDEO PHOTOS PHOTO RELATED ADVERTISEMENT SPOILERS SPOILER NOTE BREAKING OK AM PM FBI CIA NASA BBC CNN "
    "ABC NBC CBS AP AFP EU UN SAG AFTRA WGA DGA AMPAS BAFTA PG PG-13 R NC-17 VOD DC MCU SVOD AVOD 3D 4K HD "
    "I II III IV V VI ID Q&A RSS PDF HTML USD EST PST GMT THE AND".split()
)
_STRONG_LEFT = re.compile(
    r"(?:\b(?:film|movie|picture|feature|spinoff|spin-off|sequel|prequel|remake|reboot|documentary|adaptation|"
    r"biopic|blockbuster|thriller|release date for|release of|premiere of|cast of|trailer for|teaser for|"
    r"directed|directing|helmed|helming|to direct|will direct|stars in|star in|starred in|starring in|appears in|"
    r"appearance in|role in|seen in|scenes for|events of|plot of|sequel to|follow-up to|"
    r"returns? for|premiere of|screening of|release for|moved|moves|pushed|pushes|dated|dates|delayed|delays|"
    r"shifted|bumped|slated|has set|released|releases|debuted|opened|comedy|drama|western|horror|musical|romance|"
    r"noir|epic|animated|actioner|mystery|fantasy|(?:pushed|moved|bumped|brought|pulled)\s+(?:back|up|forward))"
    r"\s+(?:the\s+(?=[A-Z][a-z]+\s+[A-Z]))?)$"
)
# Verbs that move a film, not a person: a name-shaped run right after them is a title ("pushed Thornfield Rising")
_MOVED_LEFT = re.compile(
    r"\b(?:moved|moves|pushed|pushes|dated|dates|delayed|delays|shifted|bumped|slated|has set|released|releases|"
    r"debuted|opened|release date for|release of|premiere of|screening of|(?:pushed|moved|bumped|brought|pulled)\s+"
    r"(?:back|up|forward))\s+$"
)
# "Bellwether has pushed X", "Orla has dated X": the one who moves a film is its studio
_STUDIO_ACTS = re.compile(r"^\s+has\s+(?:pushed|moved|dated|set|delayed|bumped|shifted|slated|acquired|bought)\s+(?!back\b|up\b|to\b|from\b|forward\b)")
# Credits name titles after a year or a creator's possessive: "2019's Low Tide", "the 2017 chamber
# piece Harbourlight", "her previous feature, Borrowed Snow", "a documentary, The Fox Ledger".
_GENRE_NOUN = GENRE_NOUN + "s?"
_CREDIT_LEFT = re.compile(
    rf"(?:(?:19|20)\d\d['’]s\s+|(?:19|20)\d\d\s+(?:[a-z][\w'’-]*\s+){{0,3}}{_GENRE_NOUN}\s*,?\s+"
    rf"|\w['’]s?\s+(?:[a-z][\w'’-]*\s+){{0,3}}{_GENRE_NOUN}\s*,\s+|\b(?:in|from)\s+(?:his|her|their)\s+(?:[a-z][\w'’-]*\s+){{0,3}}{_GENRE_NOUN}\s*,?\s+)$"
)
_STRONG_RIGHT = re.compile(
    r"^(?:\s*\((?:19|20)\d\d\)|\s*\([A-Z][\w.&'’ -]{1,30},\s*(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d|\s*\(dir\.|\s*\(directed|,\s+(?:starring|directed by|which (?:opens|opened|hits|hit|arrives|"
    r"arrived|premieres|premiered|debuts|debuted|bows|bowed))|['’]s?\s+(?:release|premiere|director|trailer|cast|sequel|"
    r"box[- ]office|opening)|\s+(?:is|was|will|has|finally)?\s*(?:(?:is\s+)?(?:coming to|set for|set to (?:open|hit|arrive|debut|premiere)|"
    r"slated|scheduled|due out|dated for|arriving|arrives|hitting|hits (?:theat|cinema)|opening in|opens (?:in|on)|"
    r"premieres|premiered|debuts|debuted|bows|lands|gets? (?:a |its |new )?(?:new )?release date|trailer|teaser|"
    r"sequel|spinoff|spin-off|release date|box office|opening weekend|director|cast (?:includes|members?)|"
    r"(?:will )?(?:be )?released|(?:was |is |will be )?directed by|moves to|moved to|shifts to|is pushed|"
    r"is delayed|is dated|(?:has been |was )?(?:pushed|delayed|moved|dated|rescheduled))))"
)
_MODIFIER_RIGHT = re.compile(
    r"^\s*(?:['’]s?\s+)?(?:spinoffs?|spin-offs?|sequels?|prequels?|franchise|series|universe|saga|movies|films|"
    r"trilogy|director|producers?|team|characters?|world|writers?|creators?|installments?|fandom|fans|"
    r"movie series|film series|star\b)"
)
_MODIFIER_LEFT = re.compile(
    r"(?:\b(?:as|the (?:first|second|third|fourth|fifth|sixth|next|new|latest|upcoming|untitled|original)|each new|every|"
    r"another|a|new|previous)\s+)$",
    re.IGNORECASE,
)
_MODIFIER_MOVIE = re.compile(r"^\s+(?:movie|film)\b")
_PERSONLIKE_OK = re.compile(
    r"^(?:\s*\((?:19|20)\d\d\)|\s*\(dir\.|\s+(?:spinoff|spin-off|sequel|prequel|franchise|movies|films)\b"
    r"|\s*\([A-Z][\w.&'’ -]{1,30},\s*(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|\d)"  # "(Lionsgate, March 6)"
    r"|\s+(?:opens|bows|lands\s+(?:on|in)|hits\s+(?:theaters|theatres|cinemas|screens)|is\s+(?:set|dated|slated)\s+(?:for|to)|"
    r"gets\s+(?:a\s+|its\s+)?(?:new\s+)?release|premieres\s+(?:on|in)|debuts\s+(?:on|in)|streams\s+(?:on|from))\b)"
)
# Shapes only titles have: "John Wick: Chapter 3", "X – Subtitle" inside prose, "John Wick 3".
_TITLE_SHAPE = re.compile(
    r"[:–—]\s*(?:Chapter|Part|Volume|Vol\.|Episode)\s+\w+|^(?:[A-Z][a-z]+\s+){1,3}[2-9]$"
)
# Clock times, leading numbers and "Updated": page furniture, not titles.
_NOT_TITLE = re.compile(r"^\d|\b(?:Am|Pm|A\.m|P\.m|Pst|Est|Gmt|Updated|Published|Posted)\b")
_ORIGINAL_OF = re.compile(rf"\b[Tt]he (?:first|original) (?P<t>{_TWORD}(?:\s+{_TWORD}){{0,4}})")
_POSSESSOR = re.compile(r"^.*?\w['’]s\s+(?=[A-Z0-9])")
_DATE_TAIL = re.compile(
    r"\s+(?:(?:from|on|in|at|to|for|by|since|until|of)\s+)?(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Christmas|Thanksgiving)\b.*$"
    r"|\s+(?:from|on|by|since|until)\s+\d.*$"
)
_AS_LEFT = re.compile(r"\b[Aa]s\s+$")
_BLOCK_AFTER = re.compile(r"^(?:\s+(?:\d+|II+|IV|V|VI|Part|Chapter|Vol\.?|Volume)\b|\s*[:–—]\s*(?:Chapter|Part|Vol)\b)")


COMPARISON_BEFORE = re.compile(
    r"\b(?:goof|riff|spoof|parody|take|spin|homage|nod|tribute|answer|successor|rival|heir|echoes?|shades)\s+(?:on|to|of)\s+"
    r"(?:the\s+)?$|\b(?:like|unlike|than|as\s+in|in\s+the\s+vein\s+of|in\s+the\s+style\s+of|reminiscent\s+of|"
    r"compared\s+(?:to|with)|such\s+as|a\s+la|à\s+la|recalls|evokes|channels)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class FilmMention:
    """One place where the text names a film."""

    film: str
    written: str
    start: int
    end: int
    modifier: bool
    watched: bool
    # named only as a point of comparison ("a goof on The Blair Witch Project", "like Alien"): never
    # the film that "the film" or "it" goes back to
    reference: bool = False


@dataclass(frozen=True, slots=True)
class FilmIndex:
    """All film mentions of a document, its main film, and per-paragraph topic films."""

    mentions: tuple[FilmMention, ...]
    main: str | None
    paragraph_mentions: dict[int, tuple[FilmMention, ...]] = field(default_factory=dict)
    titles: frozenset[str] = frozenset()
    # paragraph -> the film whose heading line it sits under (list pages: "Title (2026)" then bullets)
    sections: dict[int, str] = field(default_factory=dict)

    def within(self, start: int, end: int, *, subjects_only: bool = True) -> list[FilmMention]:
        """Mentions inside [start, end); by default without modifier uses."""
        i = bisect_right([m.start for m in self.mentions], start - 1)
        out = []
        for m in self.mentions[i:]:
            if m.start >= end:
                break
            if m.end <= end and (not subjects_only or not m.modifier):
                out.append(m)
        return out

    def topic(self, sentence: Sentence) -> str | None:
        """The film a sentence without a title of its own is about ("the film", "it").

        The page's main film when the paragraph has named it so far, else the film the paragraph
        named last before this sentence, else the main film.
        """
        return self.topic_and_rule(sentence)[0]

    def topic_and_rule(self, sentence: Sentence) -> tuple[str | None, str]:
        """The topic film and the rule that chose it: "heading", "paragraph" (the film just named) or "page"."""
        earlier = [
            m for m in self.paragraph_mentions.get(sentence.paragraph, ()) if m.start < sentence.start
        ]
        main = self.sections.get(sentence.paragraph, self.main)
        rule = "heading" if sentence.paragraph in self.sections else "page"
        if not earlier or any(m.film == main for m in earlier):
            return main, rule
        return earlier[-1].film, "paragraph"


def _display(written: str) -> str:
    """Title-case a title written in ALL CAPS ("LIVE FREE OR DIE HARD" -> "Live Free or Die Hard")."""
    if not written.isupper():
        return written
    words = written.title().split(" ")
    small = {"Of", "The", "A", "An", "And", "In", "On", "At", "To", "For", "Or", "With", "From"}
    return " ".join(w.lower() if i and w in small else w for i, w in enumerate(words))


def _flex(title: str) -> str:
    """A regex for a title that tolerates any dash/colon punctuation and spacing between words."""
    parts = re.split(r"\s*[:–—-]\s*|\s+", title.strip())
    return "[\\s:–—-]+".join(re.escape(p) for p in parts if p)


_NUMBER_WORDS = {w: str(i) for i, w in enumerate("zero one two three four five six seven eight nine ten".split())}


def title_variants(film: WatchFilm) -> list[str]:
    """Ways a text writes a watch-list title: itself, its aliases, without subtitle, numbered."""
    out = [film.title, *film.aliases]
    for title in [film.title, *film.aliases]:
        pieces = [p for p in re.split(r"\s*[:–—]\s*|\s+-\s+", title) if p]
        if len(pieces) < 2:
            continue
        head = pieces[0]
        numbered = [re.fullmatch(r"(?:Chapter|Part|Vol\.?|Volume|Episode)\s+(\w+)", p) for p in pieces]
        if len(pieces) > 2 and numbered[1]:
            # "John Wick: Chapter 3 – Parabellum" is also "John Wick: Chapter 3" (never "Mission: Impossible")
            out.append(f"{pieces[0]}: {pieces[1]}")
        for piece, num in zip(pieces[1:], numbered[1:]):
            if num:
                n = _NUMBER_WORDS.get(num.group(1).lower(), num.group(1))
                out += [f"{head} {n}", f"{head} {piece}"] if n.isdigit() or re.fullmatch(r"[IVX]+", n) else [f"{head} {piece}"]
            elif piece == pieces[-1] and len(piece) >= 5 and not re.match(r"(?:The )?(?:Movie|Film)\b", piece):
                out.append(piece)
    seen: dict[str, str] = {}
    for v in out:
        seen.setdefault(film_key(v), v)
    return sorted(seen.values(), key=len, reverse=True)


def _looks_like_acronym(letters: str) -> bool:
    """MSNBC, CNBC, HBO: words without the vowels a pronounceable title has."""
    return sum(1 for c in letters if c in "AEIOUY") / max(1, len(letters)) < 0.25


# "Thistledown Films", "Larkspur Pictures": the bare first word names the company later ("Thistledown moved it")
_COMPANY = re.compile(
    r"\b([A-Z][\w'’-]+)\s+(?:Films|Pictures|Studios|Entertainment|Distribution|Media|Releasing|Productions|Animation|"
    r"Features|Cinemas|Classics)\b"
)
_DEMONYM = re.compile(r"[A-Z][a-z]+(?:ish|ese|ian|ean|an|ic|i)|[A-Z][a-z]+-(?:born|based|language)")


def _discover(
    text: str, title: str | None, people: frozenset[str], emphasis: Sequence[str] = (), *, prose: bool = True
) -> list[str]:
    """Titles of films the text names that are not on the watch-list (see module docstring)."""
    found: list[str] = []
    emphasised = [p for p in emphasis if p.casefold() not in _OUTLETS]
    for phrase in emphasised:
        words = phrase.split()
        if len(words) == 1 and any(phrase != other and f" {phrase} " in f" {other} " for other in emphasised):
            continue  # "Trek" set apart inside "Star Trek"
        if len(words) == 1 and not re.search(rf"[a-z,]\s+{re.escape(phrase)}\b", text):
            continue  # an emphasised "Never" opening a sentence is no title; titles also occur mid-sentence
        caps = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit())
        if (
            caps * 2 >= len(words) and phrase in text and phrase.casefold() not in people and not is_name(phrase)
            and not all(w.lower().strip(".,!?'’") in NOT_NAME_WORDS for w in words) and len(phrase) >= 3
        ):
            found.append(phrase)
    caps_total = len(re.findall(r"\b[A-Z]{2,}\b", text))
    words_total = max(1, len(re.findall(r"\w+", text)))
    shouting = words_total >= 40 and caps_total / words_total > 0.2
    if not shouting:
        for m in ALL_CAPS_RE.finditer(text):
            span = m.group(0).strip(" :–—-")
            letters = re.sub(r"[^A-Z]", "", span)
            line = text[text.rfind("\n", 0, m.start()) + 1: (text.find("\n", m.end()) + 1 or len(text) + 1) - 1]
            if span[0].isdigit():
                continue
            if len(span.split()) == 1 and (len(letters) < 5 or "-" in span or _looks_like_acronym(letters)):
                continue  # ESPN, MSNBC, SAG-AFTRA, COVID-19: acronyms, not titles
            if sum(1 for w in span.split() if len(w) == 1) > len(span.split()) / 2:
                continue  # s p a c e d letters
            if len(letters) < 4 or re.match(r"(?:CHAPTER|PART|SEASON|EPISODE)\b", span) or span in _ACRONYMS or all(w in _ACRONYMS for w in span.split()):
                continue
            heading = line.strip() == m.group(0).strip()
            if heading and len(span.split()) > 3 and not LABEL_LINE.match(_next_line(text, m.end())):
                continue  # an all-caps heading line, not a title inside prose (unless a listing's facts follow)
            if len(span.split()) == 1 and not heading and text.count(span) < 2:
                left, right = text[max(0, m.start() - 40): m.start()], text[m.end(): m.end() + 50]
                if not (_STRONG_LEFT.search(left) or _CREDIT_LEFT.search(left) or _STRONG_RIGHT.match(right)):
                    continue  # one capitalised word named once: a character, a brand or a shout, unless film words frame it
            found.append(span)
    for m in QUOTED_RE.finditer(text + ("\n" + title if title else "")):
        t = m.group("t").strip()
        words = t.split()
        if len(words) > 8 or t.endswith((".", ",")):
            continue
        caps = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit())
        small = sum(1 for w in words if re.fullmatch(_SMALL, w))
        if caps + small == len(words) and caps >= 1 and t.casefold() not in people:
            found.append(t)
    for source in ([text] + ([title] if title else [])):
        for m in TITLE_CASE_RE.finditer(source):
            span = m.group(0).strip(" :–—-")
            words = span.split()
            if not re.search("[A-Za-z]", span) or re.match(r"(?:Chapter|Part|Season|Episode|Vol)", span):
                continue
            if not words or all(w.lower().strip(".,!?'’") in NOT_NAME_WORDS for w in words):
                continue
            if span.isupper() or re.search(r"\b(?![IVX]+\b)[A-Z]{2,}[A-Z0-9]*\b", span):
                continue  # ALL-CAPS titles are found above
            left = source[max(0, m.start() - 40): m.start()]
            right = source[m.end(): m.end() + 50]
            label = _LABEL_PREFIX.match(" ".join(words))
            if label:  # "Director: Mina Castellane", "Review: Marrow Creek": a label, then what it labels
                words = " ".join(words)[label.end():].split()
                if not words:
                    continue
            # a leading sentence word is not part of the title ("Fast forward to 2025, and Ballerina")
            while len(words) > 1 and words[0].lower() in NOT_NAME_WORDS and words[0] != "The":
                words = words[1:]
            span = _DATE_TAIL.sub("", " ".join(words))
            span = _POSSESSOR.sub("", span)  # "Denis Villeneuve's Dune: Part Two" -> "Dune: Part Two"
            if len(re.findall("[A-Za-z]", span)) < 2 or re.fullmatch(r"[A-Z]\w*-[a-z]+", span) or _NOT_TITLE.search(span):
                continue  # "Oscar-winning director" has no title in it
            strong = _STRONG_LEFT.search(left) or _CREDIT_LEFT.search(left) or _STRONG_RIGHT.match(right) or _TITLE_SHAPE.search(span)
            if not strong:
                if prose and _prose_title(source, m.start() + m.group(0).find(span), span, left, right):
                    found.append(_before_person(span))
                continue
            if (span.casefold() in people or is_name(span)) and not (_PERSONLIKE_OK.match(right) or _MOVED_LEFT.search(left)):
                continue  # "Keanu Reeves stars" is a person; "John Wick (dir. ...)" and "pushed Thornfield Rising" are films
            if _INSTITUTION.search(span) or _STUDIO_ACTS.match(right):
                continue  # "Foxglove Pictures", "Bellwether has pushed ...": studios
            found.append(_before_person(span))
    companies = {m.group(1) for m in _COMPANY.finditer(text)}
    found = [f for f in found if f not in companies and not _DEMONYM.fullmatch(f)]
    # list pages: a short title-case line whose next line carries a film's facts ("- Director: X")
    for row in re.finditer(r"[^\n]+", text):
        head = _HEADING_PREFIX.sub("", row.group(0)).strip()
        head = re.sub(r"(?:\s*\([^()]{1,30}\))+\s*$", "", head)
        words = head.split()
        if (
            1 <= len(words) <= 7 and not head.endswith((".", "!", "?", ":", ","))
            and all(w[:1].isupper() or w[:1].isdigit() or re.fullmatch(_SMALL, w) or w == "&" for w in words)
            and words[0][:1].isupper() and not _LABEL_PREFIX.match(head)
            and FACT_LINE.match(_next_line(text, row.end() - 1))
            and not any(w.isdigit() or (w.isupper() and len(w) > 1) for w in words)
        ):
            found.append(head)
    # "the untitled Corvin Lasko thriller": a project named by its description until it has a title
    found.extend(m.group("t") for m in _UNTITLED.finditer(text))
    # lists whose entries are headed "What happens, Title" (a scene, a category, then the film): the
    # shape repeats, so the trailing runs are the titles
    tails = [m.group("t") for m in _SCENE_HEADING.finditer(text)]
    if len(tails) >= 3:
        found.extend(t for t in tails if not is_name(t) or t not in people)
    # "The first Inside Out" next to "Inside Out 2": the original of a numbered sequel
    for m in _ORIGINAL_OF.finditer(text):
        span = m.group("t")
        if any(f.startswith(span + " ") and f[len(span) + 1:].strip().isdigit() for f in found):
            found.append(span)
    return found


# Words that make a capitalised run an organisation, an event or a place rather than a film.
_INSTITUTION = re.compile(
    r"\b(?:Films|Pictures|Studios?|Entertainment|Distribution|Media|Productions?|Festival|Awards?|Cinemas|Cinema|"
    r"Theat(?:er|re)s?|Records|Network|Channel|News|Magazine|Times|Post|Weekly|Daily|Inc|Ltd|LLC|Corp|Group|"
    r"University|College|Council|Ministry|Department|Association|Society|Guild|Academy Awards|Club|Company|"
    r"Animation|Television|TV|Radio|Press|Review|Reporter|Journal|Gazette|Tribune|Herald|Street|Avenue|Square|"
    r"Hall of Fame|Museum|Gallery|Institute|Foundation|Center|Centre|Market|Summit|Week|Day|Night Live)\b"
)
_FILM_CONTEXT = re.compile(
    r"\b(?:films?|movies?|sequel|prequel|drama|comedy|thriller|western|documentary|horror|romance|musical|"
    r"premiere[sd]?|releases?|released|opens|opened|opening|debuts?|cinemas?|theat(?:er|re)s|box office|trailer|"
    r"starring|stars|starred|directed|directs|director|cast|screening|streams?|streaming|adaptation|feature|"
    r"picture|noir|epic|lineup|line-up|slate|title|titles)\b",
    re.IGNORECASE,
)
_PERSON_CUE_AFTER = re.compile(
    r"^(?:['’]s?\s+(?:role|performance|character|turn|career|debut\s+as)|,?\s+(?:who|whose|plays|played|stars\s+as|"
    r"said|says|told|directs|directed|wrote|writes|produces|voices|is\s+(?:back|set\s+to\s+play|playing|directing)|"
    r"was\s+(?:born|cast|attached)|has\s+(?:joined|signed|played)|joins|joined|returns\s+as|reprises|as\s+[A-Z]))"
)
_PERSON_CUE_BEFORE = re.compile(
    r"(?:\b(?:director|directors|actor|actress|star|producer|writer|filmmaker|composer|newcomer|veteran|by|"
    r"with|opposite|alongside|starring|stars|and|played\s+by|voiced\s+by|from)\s+|[A-Z][a-z]+\s+)$"
)
_NAMELIKE_TITLE_LEFT = re.compile(
    rf"(?:\b(?:pushed|moved|bumped|brought|pulled)\s+(?:back|up|forward)\s+|\b(?:went\s+to|brings|was|topped\s+by)\s+|"
    rf"(?:^|[^\w\s]\s*|\b[a-z]+\s+)[A-Z][\w-]+['’]s?\s+)$|\b(?:into|film|movie|drama|comedy|thriller|documentary|western|mystery|musical|release\s+of|premiere\s+of|"
    rf"screening\s+of|cast\s+of|sequel\s+to|review:?|watch|{_GENRE_NOUN})\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_NAMELIKE_TITLE_RIGHT = re.compile(
    rf"^(?:\s*,\s*(?:the|a|an|his|her|their)\s+(?:[\w'’-]+\s+){{0,3}}(?:{_GENRE_NOUN}|latest|newest|debut)\b"
    rf"|\s*,\s*[A-Z][\w-]*(?:\s+[A-Z][\w'’-]*)*['’]s?\s+(?:[\w'’-]+\s+){{0,3}}{_GENRE_NOUN}\b"
    r"|\s+(?:topped|tops|led|leads|came\s+(?:first|second|third|fourth|fifth)|shifted|shifts|moved|moves|slips|slipped|"
    r"was\s+pushed|is\s+pushed|now\s+(?:opens|lands|arrives)|gets|got)\b"
    r"|\s*\((?:19|20)\d\d\)|\s+(?:opens|opened|arrives|arrived|hits|premieres|premiered|debuts|debuted|bows|"
    r"lands|follows|tells|centres|centers|is\s+set|was\s+set|is\s+due|has\s+been\s+(?:pushed|moved|delayed|dated)|"
    r"will\s+(?:open|arrive|premiere|debut|hit|stream)|takes\s+its\s+time|stars\s+[A-Z]|(?:co-)?star\s+[A-Z])|['’]s\s+(?:release|premiere|"
    r"opening|trailer|cast|director|box))"
)
_LABEL_PREFIX = re.compile(
    r"^(?:Directors?|Directed(?:\s+by)?|Starring|Stars|Cast|Release(?:\s+date)?|Review|Writers?|Written\s+by|"
    r"Producers?|Runtime|Rating|Genre|Country|Language|Dir|Music|Editor|Studio|Distributor|Now|Previously|"
    r"Original(?:\s+date)?|Moved\s+to|Was\s+due|Now\s+due|Updated?|Watch|Read|Exclusive|Opinion|Analysis|"
    r"Interview|Trailer|Box\s+Office|First\s+Look|Breaking|Report|Photos?|Video|Also\s+Showing|Coming\s+Soon|"
    r"Writer[-/]directors?|Co-directors?|Screenplay|Based\s+on|Cinematography|"
    r"[A-Z][a-z]+(?:[- /][a-z]+)+)"
    r"\s*[:|]\s*"
)
_NEWS_NOUNS = frozenset(
    "trailer teaser review release date news update cast poster premiere sequel box office interview first look "
    "recap explained ending clip footage photos spoilers".split()
)
_SENTENCE_START = re.compile(r"(?:^|[.!?][\"”’')]*\s+|\n\s*(?:[-•*]\s*)?)$")


_UNTITLED = re.compile(
    rf"(?<![\w-])(?P<t>[Uu]ntitled{_SP}+(?:[A-Z][\w'’.-]+{_SP}+){{1,3}}(?:[a-z-]+{_SP}+){{0,2}}"
    rf"(?:{_GENRE_NOUN}|project|film|movie|space\s+drama|horror\s+film))\b"
)
_SCENE_HEADING = re.compile(
    r"(?m)^[^\S\n]*[“\"‘']?[A-Z][^.!?\n,]{2,60},[”\"’']?[^\S\n]+(?P<t>[A-Z0-9][\w'’&!?:.-]*(?:[^\S\n]+(?:[A-Z0-9][\w'’&!?:.-]*|of|the|a|an|and|in|on|at|to|for|with|from|vs\.?)){0,8})[^\S\n]*$"
)


def _before_person(span: str) -> str:
    """"Pebble & Pine with Anika Sørvik" -> "Pebble & Pine": a title run that ran on into a person's name."""
    m = re.search(r"\s+(?:with|by|from|for|and|featuring)\s+(?P<rest>.+)$", span)
    if m and is_name(m.group("rest")):
        return span[: m.start()]
    return span


def _whole_word_positions(source: str, word: str) -> list[int]:
    """Where `word` occurs in `source` as a whole word (str.find: no regex compiled per title)."""
    out = []
    at = source.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not (source[at - 1].isalnum() or source[at - 1] in "-_")) and (
            end >= len(source) or not (source[end].isalnum() or source[end] in "-_")
        ):
            out.append(at)
        at = source.find(word, at + 1)
    return out


def _starts_sentence(source: str, pos: int) -> bool:
    """Whether `pos` opens a sentence, a line or a bullet (where every word is capitalised anyway)."""
    j = pos - 1
    while j >= 0 and source[j] in " \t\u00a0":
        j -= 1
    if j >= 0 and source[j] in "•*-":  # a bullet opens its line
        k = j - 1
        while k >= 0 and source[k] in " \t\u00a0":
            k -= 1
        if k < 0 or source[k] == "\n":
            return True
    while j >= 0 and source[j] in "\"”’')]":
        j -= 1
    return j < 0 or source[j] in "\n.!?"


def _prose_title(source: str, start: int, span: str, left: str, right: str) -> bool:
    """A capitalised run inside a sentence that film words surround, and that no person cue claims.

    Film news writes titles in title case without quotes; names and institutions look the same,
    so the run must sit in a sentence about films, must not start the sentence (where every word is
    capitalised) unless the text repeats it mid-sentence, and must not be used like a person.
    """
    words = span.split()
    if len(words) < 2 or len(words) > 7 or _INSTITUTION.search(span) or words[-1].lower() in _NEWS_NOUNS:
        return False
    if len(words[-1]) == 1 and source[start + len(span): start + len(span) + 1] == ".":
        return False  # "Captain James T. Kirk": an initial, so a name
    line_start = source.rfind("\n", 0, start) + 1
    line_end = source.find("\n", start)
    line = source[line_start: line_end if line_end >= 0 else len(source)]
    occurrences = _whole_word_positions(source, span)
    if _starts_sentence(source, start) and all(_starts_sentence(source, o) for o in occurrences):
        return False
    name_shaped = is_name(span)
    for o in occurrences:
        after = source[o + len(span): o + len(span) + 40]
        before = source[max(0, o - 25): o]
        if _PERSON_CUE_AFTER.match(after) or (name_shaped and _PERSON_CUE_BEFORE.search(before)):
            return False
    if name_shaped:
        surname = words[-1]
        inside = {o + len(span) - len(surname) for o in occurrences}
        if any(p not in inside for p in _whole_word_positions(source, surname)):
            return False  # a person is named again by surname; a title is repeated whole
        # a run shaped like a name ("Marrow Creek", "Sable Ingersoll") needs film words right beside it
        return any(
            _NAMELIKE_TITLE_LEFT.search(source[max(0, o - 30): o]) or _NAMELIKE_TITLE_RIGHT.match(source[o + len(span): o + len(span) + 40])
            for o in occurrences
        )
    return bool(_FILM_CONTEXT.search(line)) or len(occurrences) >= 2


def find_films(
    text: str,
    sentences: Sequence[Sentence],
    watchlist: Sequence[WatchFilm] = (),
    *,
    title: str | None = None,
    people: frozenset[str] = frozenset(),
    emphasis: Sequence[str] = (),
    film_page: bool = True,
) -> FilmIndex:
    """Index every film mention in `text` (watch-list titles first, then discovered ones).

    `film_page` False (a page that only mentions films in passing) keeps discovery to titles with
    film words right beside them.
    """
    patterns: list[tuple[str, str, bool]] = []  # (variant, resolved title, watched)
    for film in watchlist:
        for v in title_variants(film):
            patterns.append((v, film.title, True))
    watched_keys = {film_key(v) for v, _, _ in patterns}
    discovered: dict[str, list[str]] = {}
    # Without a watch-list, capitalised runs in film sentences are the only way to find titles;
    # with one, the analyst named the films that matter and weaker guesses only steal their claims.
    for t in _discover(text, title, people, emphasis, prose=not watchlist and film_page):
        k = film_key(t)
        if k and k not in watched_keys and not any(f" {w} " in f" {k} " for w in watched_keys):
            discovered.setdefault(k, []).append(t)
    for key, spellings in discovered.items():
        patterns.append((spellings[0], "", False))
    short_forms = _short_forms(discovered)
    # watch-list titles first (they are what the analyst named), longest first within each group
    patterns.sort(key=lambda p: (not p[2], -len(p[0])))
    rx = re.compile(
        r"(?<!\w)(?<!\w['’])(?:" + "|".join(_flex(v) for v, _, _ in patterns) + r")(?![\w])", re.IGNORECASE
    ) if patterns else None
    mentions = _mentions(text, _match_titles(text, rx, patterns, frozenset(e.casefold() for e in emphasis)), short_forms)
    lead_end = sentences[min(3, len(sentences) - 1)].end if sentences else 0
    main = _main_film(mentions, rx, title, lead_end)
    return FilmIndex(
        tuple(mentions), main, _by_paragraph(mentions, sentences), frozenset(m.film for m in mentions),
        _sections(text, mentions, sentences),
    )


_Hit = tuple[int, int, str, bool, str]  # start, end, as written, watched, resolved title


# Titles that are everyday words ("It", "Us", "If", "Up", "Her"): such a title names the film only
# where the text marks it as a title.
COMMON_WORD_TITLES = frozenset(
    "it us if up her him he she we they them you me i go run home here there all yes no why how what who when "
    "where this that these those one now then away out in on off so again more less love sorry please".split()
)
_TITLE_CUE_BEFORE = re.compile(
    r"(?:\b(?:film|movie|picture|feature|drama|comedy|thriller|horror|sequel|remake|documentary|musical|western|"
    r"romance|animation|release|title|of)\s+|[\"“‘'(*_])$",
    re.IGNORECASE,
)
_TITLE_CUE_AFTER = re.compile(r"^(?:[\"”’')*_]|\s*\((?:19|20)\d\d\))")
_SENTENCE_OPENING = re.compile(r"(?:^|[.!?:;\n•]\s*|[.!?][\"”’']\s*|\n\s*[-*]\s*)$")


def _marked_as_title(text: str, start: int, end: int, written: str, emphasis: frozenset[str]) -> bool:
    """A common-word title written as a title: quoted, italic, "the film It", "It (2017)", or capitalised mid-sentence."""
    before = text[max(0, start - 25): start]
    if written.casefold() in emphasis or _TITLE_CUE_BEFORE.search(before) or _TITLE_CUE_AFTER.match(text[end: end + 8]):
        return True
    return written[:1].isupper() and not _SENTENCE_OPENING.search(before)


def _match_titles(
    text: str, rx: re.Pattern[str] | None, patterns: list[tuple[str, str, bool]], emphasis: frozenset[str] = frozenset()
) -> list[_Hit]:
    """Every place a title pattern matches, filtered for common nouns and numbered sequels."""
    by_key: dict[str, tuple[str, bool, str]] = {}
    for variant, resolved, watched in patterns:
        by_key.setdefault(film_key(variant), (resolved, watched, variant))
    hits: list[_Hit] = []
    for match in rx.finditer(text) if rx else ():
        written = match.group(0)
        hit = by_key.get(film_key(written))
        if hit is None:
            continue
        resolved, watched, variant = hit
        if written.islower() and not variant.islower():
            continue  # "a ballerina" is not BALLERINA
        if written.casefold() in COMMON_WORD_TITLES and (
            (written.isupper() and not variant.isupper() and len(written) > 1)  # "US theaters" is not the film Us
            or not _marked_as_title(text, match.start(), match.end(), written, emphasis)
        ):
            continue  # "It is rare...", "Us regulars": the word, not the film
        if _BLOCK_AFTER.match(text[match.end(): match.end() + 12]) and not written[-1:].isdigit():
            continue  # "Ballerina 2", "John Wick: Chapter 3" are other films
        hits.append((match.start(), match.end(), written, watched, resolved))
    return sorted(hits)


def _short_forms(discovered: dict[str, list[str]]) -> dict[str, str]:
    """Discovered titles that are a subtitle or the numbered head of a longer one found in the same text.

    "PARABELLUM" beside "JOHN WICK: CHAPTER 3 — PARABELLUM", "Nightjar II" beside "Nightjar II: The
    Long Dusk": the short form names the same film (short key -> long key).
    """
    out: dict[str, str] = {}
    for long_key, spellings in discovered.items():
        pieces = [p for p in re.split(r"\s*[:–—]\s*|\s+-\s+", spellings[0]) if p]
        if len(pieces) < 2:
            continue
        for piece in (pieces[0], pieces[-1]):
            key = film_key(piece)
            if key != long_key and key in discovered and len(piece) >= 4 and not re.fullmatch(r"(?:Chapter|Part|Vol\.?|Volume)\s+\w+", piece, re.I):
                if piece is pieces[0] and not re.search(r"\s(?:[IVX]+|\d+)$", piece):
                    continue  # "Star Wars" is a franchise, not "Star Wars: The Last Jedi"; "Nightjar II" is the film
                out.setdefault(key, long_key)
    return out


def _mentions(text: str, hits: list[_Hit], short_forms: dict[str, str] | None = None) -> list[FilmMention]:
    """FilmMentions with resolved titles and modifier flags."""
    # Discovered titles resolve to their most common mixed-case writing.
    spellings: dict[str, Counter[str]] = {}
    for _, _, written, watched, _ in hits:
        if not watched:
            spellings.setdefault(film_key(written), Counter())[written] += 1
    canonical: dict[str, str] = {}
    for key, counter in spellings.items():
        mixed = [w for w, _ in counter.most_common() if not w.isupper()]
        canonical[key] = mixed[0] if mixed else _display(counter.most_common(1)[0][0])
        if canonical[key].lower().startswith("untitled "):
            canonical[key] = " ".join(w[:1].upper() + w[1:] for w in canonical[key].split())
    for short, long_key in (short_forms or {}).items():
        if short in canonical and long_key in canonical:
            canonical[short] = canonical[long_key]
    out: list[FilmMention] = []
    for start, end, written, watched, resolved in hits:
        right = text[end: end + 30]
        left = text[max(0, start - 20): start]
        modifier = bool(_MODIFIER_RIGHT.match(right)) or bool(_MODIFIER_LEFT.search(left) and _MODIFIER_MOVIE.match(right))
        modifier = modifier or bool(_AS_LEFT.search(left))
        line_start = text.rfind("\n", 0, start) + 1
        # titles in parentheses are credits ("Len Wiseman (UNDERWORLD) directs"), not the subject
        modifier = modifier or text.rfind("(", line_start, start) > text.rfind(")", line_start, start)
        film = resolved if watched else canonical[film_key(written)]
        reference = bool(COMPARISON_BEFORE.search(text[max(line_start, start - 40): start]))
        out.append(FilmMention(film, written, start, end, modifier, watched, reference))
    return out


def _main_film(mentions: list[FilmMention], rx: re.Pattern[str] | None, title: str | None, lead_end: int) -> str | None:
    """The film the page is about: most mentioned (watched ones weigh more), named in the headline."""
    scores: dict[str, float] = {}
    for m in mentions:
        # a watched film is what the analyst cares about: it wins the page's topic
        scores[m.film] = scores.get(m.film, 0.0) + (1 if not m.modifier else 0.25) * (5 if m.watched else 1)
    if title and rx:
        in_title = {film_key(match.group(0)) for match in rx.finditer(title)}
        for film in {m.film for m in mentions if film_key(m.written) in in_title}:
            scores[film] += 3
    # "Nightjar" beside "Nightjar II: The Long Dusk": an article naming a franchise and its new
    # installment is about the installment
    keys = {f: film_key(f) for f in scores}
    for f, k in keys.items():
        installments = [other for other in keys if other != f and keys[other].startswith(k + " ")]
        best = max((scores[o] for o in installments), default=0.0)
        if best * 2 >= scores[f]:  # named about as often: the installment is the news
            scores[f] = min(scores[f], best - 0.5)
    # a single passing mention of a discovered title is too little to hang other claims on, unless
    # the article opens with it
    scores = {f: v for f, v in scores.items() if v >= 2 or any(m.film == f and m.start < lead_end for m in mentions)}
    if not scores:
        return None
    first = {}
    for m in reversed(mentions):
        first[m.film] = m.start
    return max(scores, key=lambda f: (scores[f], -first[f]))


# A heading line: an optional list number or bullet, the title, optional parentheses ("(2026)",
# "(IMAX)") and nothing else.
_HEADING_PREFIX = re.compile(r"^\s*(?:(?:#|No\.\s*)?\d{1,3}[.):]\s+|[•*·▪►-]\s+)?")
_HEADING_SUFFIX = re.compile(r"^(?:\s*\([^()\n]{1,30}\))*\s*[:.]?\s*$")
# Lines under a heading that carry its facts: "• Director: X", "- Moved to: ...", "Opens Fri 13 Mar".
LABEL_LINE = re.compile(
    r"^\s*(?:[•*·▪►–-]\s*)?(?:(?:[A-Z][\w'’/-]*(?:\s+[\w'’/()-]+){0,3}\s*:)|Dir\.|Directed by|Starring|Stars|With\b|Opens|"
    r"Released|Release|Cast|In (?:cinemas|theaters|theatres))"
)


def _next_line(text: str, pos: int) -> str:
    """The next non-empty line after `pos`."""
    for line in text[pos: pos + 400].split("\n")[1:]:
        if line.strip():
            return line
    return ""


# The facts a film's entry in a list opens with (stricter than LABEL_LINE: it names new titles).
FACT_LINE = re.compile(
    r"^\s*(?:[•*·▪►–-]\s*)?(?:Dir\.|Directed\s+by|Director|Directors|Writer-directors?|Starring|Stars|Cast|With\b|"
    r"Opens|Opening|Out\b|In\s+(?:cinemas|theaters|theatres)|Release|Released|Planned\s+release|Original\s+date|"
    r"Moved\s+to|Was\s+due|Now\s+due|Previously|Premieres?|Streaming|Theatrical|Runtime|Genre|Now:)",
    re.IGNORECASE,
)


def _heading_film(line: str, line_start: int, mentions: Sequence[FilmMention]) -> str | None:
    """The film a line is a heading for, when the line is nothing but its title."""
    prefix = _HEADING_PREFIX.match(line)
    begin = line_start + (prefix.end() if prefix else 0)
    for m in mentions:
        if m.start == begin and _HEADING_SUFFIX.match(line[m.end - line_start:]):
            return m.film
    # "Terror in the tent, Willow Creek": a short heading that ends with its film
    if len(line) <= 90 and not re.search(r"[.!?]\s*$", line):
        for m in mentions:
            if line_start <= m.start and not m.modifier and _HEADING_SUFFIX.match(line[m.end - line_start:]) and re.search(
                r"[,:|–—-][”\"’']?\s*$", line[: m.start - line_start]
            ):
                return m.film
    return None


def _sections(text: str, mentions: Sequence[FilmMention], sentences: Sequence[Sentence]) -> dict[int, str]:
    """Paragraphs that sit under a film's heading line, until the next heading.

    Two headings needed, or one heading followed by label lines: a page whose only heading is its
    headline is no list, and its prose keeps the usual topic rules.
    """
    firsts: dict[int, Sentence] = {}
    for s in sentences:
        firsts.setdefault(s.paragraph, s)
    headings: dict[int, str] = {}
    labelled = 0
    current: str | None = None
    out: dict[int, str] = {}
    for paragraph, first in sorted(firsts.items()):
        line_start = text.rfind("\n", 0, first.start) + 1
        line_end = text.find("\n", first.start)
        line = text[line_start: line_end if line_end >= 0 else len(text)]
        film = _heading_film(line, line_start, mentions)
        if film is not None:
            headings[paragraph] = film
            current = film
        elif current is not None:
            out[paragraph] = current
            labelled += bool(LABEL_LINE.match(line))
    if len(headings) < 2 and not labelled:
        return {}
    out.update(headings)
    return out


def _by_paragraph(mentions: list[FilmMention], sentences: Sequence[Sentence]) -> dict[int, tuple[FilmMention, ...]]:
    by_para: dict[int, list[FilmMention]] = {}
    starts = [sentence.start for sentence in sentences]
    for m in mentions:
        if m.modifier or m.reference:
            continue
        i = bisect_right(starts, m.start) - 1
        if i >= 0:
            by_para.setdefault(sentences[i].paragraph, []).append(m)
    return {p: tuple(ms) for p, ms in by_para.items()}
