"""Release-date claims: a date expression that a release word governs, with status, region, kind.

A date counts only when a release trigger ("opens", "hits theaters", "set for", "release date",
"arrives", "moved to", "premiered") stands near it and nothing says it is the date of something
else (a box-office weekend, a trailer, a birthday, the article itself). The words just before a
date decide its status: "originally planned for", "was set for", "moved from" make it `previous`.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterator

from pipeline.extract.context import Attribution, DocContext, claim
from pipeline.extract.credits import credit_years
from pipeline.extract.dates import DateMention, find_dates
from pipeline.extract.sentences import Sentence
from pipeline.model import Claim
from pipeline.release_window import window

TRIGGER = re.compile(
    r"\b(?:releas\w*|open(?:s|ed|ing)?|premier\w*|debut\w*|arriv\w*|hit(?:s|ting)?\s+(?:theaters|theatres|cinemas|"
    r"screens|the big screen|streaming|digital|[A-Z]\w+\+?)|in\s+(?:theaters|theatres|cinemas)|"
    r"hit(?:s|ting)?\s+(?:\w+\s+){0,2}(?:theaters|theatres|cinemas|screens)|(?:in|to)\s+(?:\w+\s+)?(?:theaters|theatres|cinemas)|"
    r"set(?!\s+in\b)|(?:coming|come|comes|heads?|heading|headed)\s+to|comes?\s+out|(?:is|be|be\s+out|it['’]s)\s+out\s+(?:on|in)|dated?|set\s+(?:for|to\s+\w+)|"
    r"slated|scheduled|due\s+(?:out|in|on|for)|bows?|bowing|land(?:s|ing)?|launch\w*|stream\w*|available|"
    r"drops?|dropping|mov(?:e|ed|es|ing)|push(?:ed|es|ing)?|delay\w*|bump\w*|shift\w*|planned|postpon\w*|"
    r"reschedul\w*|expected|screen(?:s|ed|ing)|playing|lands?|in\s+time\s+for|prepon\w*|advanc(?:e|ed|es|ing)|"
    r"brought\s+forward|pulled\s+(?:forward|up)|moving\s+up|pencil(?:l)?ed|penciled|earmarked|eyeing|targeting|"
    r"aiming\s+for|(?:,|\bis|\bwill\s+be|\bare)\s+out\s+(?:on|in|from)|street\s+date|reissue\w*|re-?release\w*)\b"
    r"|^\W*(?:now|previously|originally|was\s+due|now\s+due|new\s+date|old\s+date|due|out|in\s+cinemas|in\s+theaters)\s*:",
    re.IGNORECASE,
)
# Triggers that also schedule courts, launches and shipments: they count only in a sentence that
# names a film or speaks of one.
_WEAK_TRIGGER = re.compile(
    r"^(?:prepon|advanc|brought|pulled|moving|pencil|earmark|eyeing|targeting|aiming|set|dated?|slated|scheduled|due|launch\w*|available|drops?|dropping|mov\w*|push\w*|delay\w*|bump\w*|"
    r"shift\w*|planned|postpon\w*|reschedul\w*|expected|land\w*|playing|in time for|releas\w*|arriv\w*|open\w*)",
    re.IGNORECASE,
)
_FILM_WORDS = re.compile(
    r"\b(?:film|films|movie|movies|sequel|prequel|spinoff|spin-off|picture|pic|feature|documentary|theaters?|"
    r"theatres?|cinemas?|box office|premiere|streaming|release date|installment|franchise)\b",
    re.IGNORECASE,
)
# The date belongs to something other than a release.
NOT_RELEASE = re.compile(
    r"\b(?:box[- ]office|grossed|grosses|earned|earning|earnings|weekend|trailers?|teasers?|posters?|first[- ]look|"
    r"footage|clip|born|birthday|died|dies|death|passed away|aged?|published|updated|posted|interview\w*|filming|"
    r"shoot(?:ing)?|shot|wrapped|production|announced|announcement|ceremony|awards?|nominat\w*|oscars?|tickets?|"
    r"pre-?sales?|photos?|casting|cast|deal|signed|contract|lawsuit|strike|founded|acquired|married|since|"
    r"set\s+in|takes\s+place|took\s+place|said|says|told|list|album|single|book|novel|memoir|video game|game|"
    r"podcast|magazine|report|tour|concert|sentencing|hearing|trial|election|vote)\b",
    re.IGNORECASE,
)
# After a date only these say it was not a release ("June 7, the studio said" is attribution).
_NOT_RELEASE_AFTER = re.compile(
    r"\b(?:box[- ]office|grossed|grosses|earned|earning|weekend|born|birthday|died|ceremony|awards?|trailer|teaser)\b",
    re.IGNORECASE,
)
# "Lionsgate confirmed the date on Monday", "first dated the film in March": the date is when
# something was said, unless a release verb comes between the saying and the date.
_SAID_ON = re.compile(
    r"\b(?:announc\w*|confirm\w*|reveal\w*|unveil\w*|said|says|reported|told|shared|tweeted|posted|"
    r"dated\s+(?:the|this|its|their)\s+(?:\w+\s+)?(?:film|movie|picture|sequel|spinoff|spin-off))\b"
    r"(?P<between>(?:(?!\b(?:for|to|as|until)\b)[^.;:]){0,40}?)\b(?:on|in|last|this|earlier\s+this)\s*$",
    re.IGNORECASE,
)
_RELEASE_VERB = re.compile(
    r"\b(?:releas\w*|open\w*|premier\w*|debut\w*|arriv\w*|hits?|comes?|coming|lands?|bows?|streams?|"
    r"in\s+(?:theaters|theatres|cinemas))\b",
    re.IGNORECASE,
)
# "Update, November 2, 2026:" and "Posted on ...": a stamp on the article, not a release.
_ARTICLE_STAMP = re.compile(
    r"^\W*(?:last\s+)?(?:update[ds]?|posted|published|editor['’]s\s+note|correction)\b\W*(?:on|at)?\s*$",
    re.IGNORECASE,
)
_PROMO = re.compile(r"trailer|teaser|poster|clip|footage|first", re.IGNORECASE)
_PAREN_AFTER_TITLE = re.compile(r"\w[’'”\"]?\s*\($")
_STRONG_RELEASE = re.compile(
    r"\b(?:release date|released|releases|release|in theaters|in theatres|in cinemas|hits theaters|opens|opening day)\b",
    re.IGNORECASE,
)
PREVIOUS = re.compile(
    r"\b(?:original(?:ly)?|previous(?:ly)?|initial(?:ly)?|formerly|earlier|once|"
    r"was\s+(?:\w+\s+)?(?:set|scheduled|slated|planned|dated|due|expected|supposed|going|meant|pegged|targeting)|"
    r"were\s+(?:set|scheduled|slated|planned)|had\s+been|instead\s+of|rather\s+than|before\s+(?:being|it\s+was)|"
    r"(?:mov|push|delay|shift|bump|postpon|chang|switch|prepon|advanc|brought\s+forward|pull|reschedul)\w*"
    r"(?:\s+[\w'’&:-]+){0,9}?\s+from|from\s+(?:its|their|the)\s+(?:original|previous|earlier|initial)(?:\s+\w+)?)[\s:]*$",
    re.IGNORECASE,
)
# Between two dates of one film: the later one replaced the earlier ("first to A and now to B",
# "originally set for A, then B", "it then moved to A and will now open on B").
_CHAIN_STEP = re.compile(
    r"\b(?:then|now|later|instead|eventually|finally|subsequently|since|before\s+(?:being|moving)|"
    r"mov(?:e|ed|es|ing)|push(?:ed|es|ing)?|shift(?:ed|s|ing)?|delay(?:ed|s|ing)?|bump(?:ed|s|ing)?|"
    r"postpon\w*|reschedul\w*|brought\s+forward|prepon\w*|advanc\w*|pulled\s+(?:forward|up))\b",
    re.IGNORECASE,
)
_RELEASE_OF = re.compile(
    r"^\s*(?:,\s*)?(?:for\s+)?(?:the\s+)?(?:(?:[A-Z][\w.]*|UK|US|and|wide|global|worldwide|theatrical|digital|"
    r"streaming|limited|domestic|international|cinema|world)\s+){0,5}(?:opening|release|premiere|debut|bow|launch|rollout)\s+of\s+"
)
_RESPECTIVELY = re.compile(r"\brespectively\b", re.IGNORECASE)
# "Theatrical run (November) cancelled": a plan that was dropped.
_CANCELLED_AFTER = re.compile(r"^[^.;,]{0,30}?\b(?:cancel(?:l)?ed|scrapped|abandoned|called\s+off|dropped)\b", re.IGNORECASE)
# List lines: "- Moved to: 24 April" is superseded by a later "- Finally released: ..." / "- Now: 2027".
_MOVED_LINE = re.compile(r"^\W*(?:mov|push|delay|shift|bump|reschedul|chang|postpon)\w*\b", re.IGNORECASE)
_FINAL_LINE = re.compile(r"^\W*(?:now|finally|currently|new\s+date|latest|eventually)\b", re.IGNORECASE)
_PREVIOUS_ANYWHERE = re.compile(
    r"\b(?:original(?:ly)?|previous(?:ly)?|initial(?:ly)?|vacat\w*|abandon\w*|gave\s+up|giv\w+\s+up|"
    r"(?:was|were|had\s+been|had)\s+(?:originally\s+|first\s+)?(?:pencil(?:l)?ed|penciled|earmarked|targeted|eyed|dated|set|slated)|(?:was|were)\s+(?:\w+\s+)?(?:set|scheduled|slated|planned|dated|due)|"
    r"had\s+been\s+(?:set|scheduled|slated|planned|dated))\b",
    re.IGNORECASE,
)
_BACK_TO_CURRENT = re.compile(r"\b(?:now|but|instead|however|newly|new)\b|\b(?:to|until)\s*$", re.IGNORECASE)
_REGIONS = (
    ("US", r"U\.?S\.?A?\.?|United States|America|North America|the States|stateside|domestic(?:ally)?"),
    ("GB", r"U\.?K\.?|United Kingdom|Britain|Great Britain|British|England|UK and Ireland|Ireland"),
    ("IN", r"India|Indian"), ("CA", r"Canada|Canadian"), ("AU", r"Australia|Australian"),
    ("FR", r"France|French"), ("DE", r"Germany|German"), ("JP", r"Japan|Japanese"), ("CN", r"China|Chinese"),
    ("KR", r"South Korea|Korea|Korean"), ("MX", r"Mexico|Mexican"), ("BR", r"Brazil|Brazilian"),
    ("IT", r"Italy|Italian"), ("ES", r"Spain|Spanish"), ("NZ", r"New Zealand"),
)
_REGION_RE = [
    (code, re.compile(
        rf"\b(?:(?:in|across|throughout|for)\s+(?:the\s+)?(?:{names})\b|(?:{names})\s+(?:release|theaters|theatres|cinemas|"
        rf"audiences|debut|premiere|opening|rollout|date)\b|\b(?:domestically|stateside)\b)"
    ))
    for code, names in _REGIONS
]
_KINDS = (
    ("premiere", re.compile(r"\b(?:world premiere|(?:premiere[sd]?|debut(?:s|ed)?|screen(?:s|ed|ing)?|bow(?:s|ed)?)\s+at|"
                            r"festival|Cannes|Venice|Sundance|Berlinale|Tribeca|SXSW|Telluride|TIFF|red carpet)\b", re.I)),
    ("limited", re.compile(r"\b(?:limited (?:release|theatrical|run|engagement)|select (?:theaters|theatres|cinemas)|"
                           r"platform release)\b", re.I)),
    ("physical", re.compile(r"\b(?:Blu-?ray|DVD|4K (?:UHD|Ultra HD)|home (?:media|video|entertainment)|physical)\b", re.I)),
    ("digital", re.compile(r"(?:\b(?:digital(?:ly)?|streaming|streams?|VOD|on demand|PVOD|Netflix|Hulu|Prime Video|"
                           r"Amazon|HBO Max|Peacock|Apple TV\+?|download|premium video)\b|\b(?:Disney|Paramount)\+|\bMax\b)", re.I)),
    ("tv", re.compile(r"\b(?:on (?:TV|television)|airs?|aired|broadcast|(?:ABC|NBC|CBS|BBC|FX|Fox|HBO|ITV|Channel 4)\b)", re.I)),
    ("theatrical", re.compile(r"\b(?:theat(?:er|re)s?|theatrical(?:ly)?|cinemas?|big screen|box office|IMAX|wide release|"
                              r"nationwide|multiplex|movie ?houses?|wider? release|wide expansion|expands? wide)\b", re.I)),
)


def _kind(text: str, at: int) -> str:
    """The release kind whose words stand nearest to position `at` (the date) in `text`."""
    best, best_dist = "unspecified", 10_000
    for kind, rx in _KINDS:
        for m in rx.finditer(text):
            dist = at - m.end() if m.end() <= at else m.start() - at
            if dist < best_dist:
                best, best_dist = kind, dist
    return best


def _region(text: str) -> str | None:
    for code, rx in _REGION_RE:
        if rx.search(text):
            return code
    return None


def _is_previous(left: str) -> bool:
    """Whether the words before a date make it an earlier plan ("originally set for", "moved from")."""
    if PREVIOUS.search(left.rstrip() + " ") or PREVIOUS.search(left):
        return True
    marker = None
    for marker in _PREVIOUS_ANYWHERE.finditer(left):
        pass
    if marker is None:
        return False
    between = left[marker.end():]
    # the marker must govern this date: same clause, nothing turning back to the present plan
    return not _BACK_TO_CURRENT.search(between) and "," not in between and "which" not in between


_DATELINE_BEFORE = re.compile(r"^\s*(?:[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+)*(?:,\s*[A-Z][\w.]*)?\s*[,(]?\s*)?$")
_DATELINE_AFTER = re.compile(r"^\s*(?:,\s*(?:19|20)\d\d\s*)?\)?\s*(?:\((?:[A-Z]+|Reuters|AP|AFP)\)\s*)?(?:[—–]|--?|/)\s")


_BYLINE_BEFORE = re.compile(
    r"(?:\b(?:By|BY|Written\s+by|Posted\s+by|Words\s+by)\s+[A-Z][\w'’.-]+(?:\s+(?:[A-Z][\w'’.-]+|de|van|von|da)){0,3}"
    r"|\b(?:Published|Posted|Updated|Last\s+updated|Modified)(?:\s+(?:on|at))?)\s*[,|·•:–—-]?\s*(?:on\s+)?$"
)


def _skip_mention(sentence: Sentence, d: DateMention) -> bool:
    """Dates that are identifiers or spans, not release statements ("(2014)", "2019's Parasite")."""
    before = sentence.text[: d.start]
    after = sentence.text[d.end:]
    if _DATELINE_BEFORE.match(before) and _DATELINE_AFTER.match(after):
        return True  # "TORONTO, March 3 — ...": where and when the story was filed
    if _BYLINE_BEFORE.search(before):
        return True  # "By Sam Ortega, November 12, 2026": when the article was written
    if d.form == "year":
        if re.search(r"\(\s*$", before) and re.match(r"\s*\)", after):
            return True
        if re.match(r"\s*(?:['’]s|film|movie|sequel|original|version|remake|edition|model|season|election|World Cup)\b", after, re.I):
            return True
        if re.search(r"(?:since|between|until|by the end of|\bin the|of the|'s|’s|from the)\s+$", before, re.I):
            return True
    return False


def _said_not_released(before: str) -> bool:
    """Whether the text before a date makes it the date of a statement, not of a release."""
    if _ARTICLE_STAMP.match(before):
        return True
    said = _SAID_ON.search(before)
    return said is not None and not _RELEASE_VERB.search(said.group("between"))


def _superseded_below(ctx: DocContext, sentence: Sentence) -> bool:
    """Whether a later line under the same heading gives the film's final date ("Now: 2027")."""
    film = ctx.films.sections.get(sentence.paragraph)
    if film is None:
        return False
    return any(
        s.paragraph > sentence.paragraph and ctx.films.sections.get(s.paragraph) == film and _FINAL_LINE.match(s.text)
        for s in ctx.sentences
    )


_COORDINATED = re.compile(r"^\s*(?:,\s*)?(?:and|or|&|,)\s*(?:(?:on|for|in)\s+)?$")


def _chain(claims: list[tuple[int, int, Claim]], text: str) -> list[Claim]:
    """Within one sentence, every date of a film that a later date of the same film replaced is previous.

    Dates joined by "and" share their status ("were set for September 4 and September 18").
    """
    for i in range(1, len(claims)):
        (_, end0, c0), (start1, end1, c1) = claims[i - 1], claims[i]
        if c0.status == "previous" and c1.status == "current" and _COORDINATED.match(text[end0:start1]):
            claims[i] = (start1, end1, replace(c1, status="previous"))
    out = []
    for i, (start, end, c) in enumerate(claims):
        if c.status == "current":
            for start2, _, c2 in claims[i + 1:]:
                if (
                    c2.film == c.film and c2.region == c.region and c2.status == "current" and c2.value is not None
                    and _CHAIN_STEP.search(text[end:start2])
                ):
                    c = replace(c, status="previous", extractor=c.extractor + "+chain")
                    break
        out.append(c)
    return out


def _respectively(ctx: DocContext, sentence: Sentence, found: list[tuple[int, int, Claim]]) -> list[tuple[int, int, Claim]]:
    """"A and B were set for X and Y respectively": the n-th date goes to the n-th film."""
    if not _RESPECTIVELY.search(sentence.text) or len(found) < 2:
        return found
    films: list[tuple[str, str]] = []
    first_date = sentence.start + found[0][0]
    for m in ctx.films.within(sentence.start, first_date):
        if m.film not in [f for f, _ in films]:
            films.append((m.film, m.written))
    if len(films) != len(found):
        return found
    return [(s, e, replace(c, film=f, film_written=w, extractor=c.extractor + "+respectively"))
            for (s, e, c), (f, w) in zip(found, films)]


def release_claims(ctx: DocContext, sentence: Sentence) -> Iterator[Claim]:
    """Release-date claims made by one sentence."""
    found = list(_release_claims(ctx, sentence))
    yield from _chain(_respectively(ctx, sentence, found), sentence.text)


def _release_claims(ctx: DocContext, sentence: Sentence) -> Iterator[tuple[int, int, Claim]]:
    """(date start, date end, claim) for each release date of one sentence."""
    text = sentence.text
    if not TRIGGER.search(text) and "(" not in text:
        return
    default_year = None if ctx.anchor else ctx.year_before(sentence.start)
    credits = credit_years(ctx, sentence)
    mentions = [
        d for d in find_dates(text, ctx.anchor, default_year=default_year, day_first=ctx.day_first)
        if not _skip_mention(sentence, d) and sentence.start + d.start not in credits
    ]
    prev_end = 0
    for d in mentions:
        left_start = max(prev_end, d.start - 90)
        left = text[left_start: d.start]
        right = text[d.end: d.end + 45]
        prev_end = d.end
        if _said_not_released(text[: d.start]):
            continue
        triggers_left = list(TRIGGER.finditer(left)) or list(TRIGGER.finditer(text[max(0, d.start - 90): d.start]))
        trigger_right = TRIGGER.search(right)
        if not triggers_left and not trigger_right:
            # "Ballerina (June 6)": a date in parentheses right after a title is its release date
            if not (_PAREN_AFTER_TITLE.search(text[: d.start]) and text[d.end: d.end + 1] == ")"
                    and ctx.films.within(sentence.start + max(0, d.start - 80), sentence.start + d.start)):
                continue
            triggers_left = [_PAREN_AFTER_TITLE.search(text[: d.start])]  # type: ignore[list-item]
        t_dist = min(
            [len(left) - t.end() for t in triggers_left] + ([trigger_right.start()] if trigger_right else [])
        )
        negs_left = list(NOT_RELEASE.finditer(left))
        neg_right = _NOT_RELEASE_AFTER.search(right[:30])
        n_dist = min([len(left) - n.end() for n in negs_left] + ([neg_right.start()] if neg_right else [10_000]))
        if n_dist < t_dist and (n_dist <= 3 or not _STRONG_RELEASE.search(text[max(0, d.start - 25): d.end + 25])):
            continue
        # "The trailer was released on ...": the thing released is not the film.
        if triggers_left and negs_left and negs_left[0].start() < triggers_left[-1].start() and _PROMO.match(
            negs_left[0].group(0)
        ):
            base = sentence.start + left_start
            between = ctx.films.within(base + negs_left[0].end(), base + triggers_left[-1].start())
            relative = re.search(r",\s*(?:which|that)\b|\bwhich\b", ctx.text[base + negs_left[0].end(): base + triggers_left[-1].start()])
            if not (between and relative):  # "The trailer for Twisters, which hits theaters ...": Twisters is released
                continue
        of_film = _RELEASE_OF.match(text[d.end: d.end + 80])
        following = ctx.films.within(sentence.start + d.end + of_film.end(), sentence.end) if of_film else []
        if following and following[0].start == sentence.start + d.end + of_film.end():  # type: ignore[union-attr]
            # "the July 31 opening of Kite Season", "set 19 June for the UK release of Harrow Lane"
            attribution = Attribution(following[0].film, following[0].written, True, "release_of")
        else:
            attribution = ctx.film_for(sentence, sentence.start + d.start)
        film, written, explicit, how = attribution
        if film is None:
            continue
        nearest = triggers_left[-1] if triggers_left else trigger_right
        weak = nearest is not None and bool(_WEAK_TRIGGER.match(nearest.group(0)))
        in_paragraph = bool(ctx.films.paragraph_mentions.get(sentence.paragraph)) or sentence.paragraph in ctx.films.sections
        if weak and not explicit and not in_paragraph and not _FILM_WORDS.search(text):
            continue  # "His sentencing is scheduled for Feb. 14": nothing here is about a film
        status = "previous" if _is_previous(left) or _CANCELLED_AFTER.match(text[d.end:]) else "current"
        if status == "current" and _MOVED_LINE.match(text) and _superseded_below(ctx, sentence):
            status = "previous"
        near_start = max(0, d.start - 80)
        near = text[near_start: d.end + 80]
        win = window(d.value) if d.value else None
        confidence = 0.55 + (0.2 if explicit else 0) + (0.1 if d.precision == "day" else 0) - (0.1 if d.relative else 0)
        yield d.start, d.end, claim(
            ctx, sentence,
            film=film, film_written=written, field="release_date", value=d.value,
            precision=win.precision if win else None,  # type: ignore[arg-type]
            start=win.start if win else None, end=win.end if win else None,
            status=status, region=_region(near), kind=_kind(near, d.start - near_start),  # type: ignore[arg-type]
            confidence=min(confidence, 0.95), extractor=f"release_date.{d.form}/{how}",
        )
