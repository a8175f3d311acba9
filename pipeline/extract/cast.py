"""Cast claims: who plays in a film, and whom they play.

Rules, each a small regex around person names found by `people`:
- subject + cast verb: "X stars as Y", "X plays Y", "X reprises her role as Y", "X, Y and Z are in
  the cast", "X joins the cast", "X has filmed scenes for FILM" (a list of names before the verb
  all count);
- object of a cast phrase: "starring X, Y and Z", "played by X", "an appearance from X";
- parentheses: "Y (X)" and "X (Y)" where one side is a person and the other a character;
- trade-press shorthand: "the Ana de Armas-starrer", "led by X", "the voices of X, Y".
A role in lower case ("the title character", "the head of the Ruska Roma") is no character name.
Verbs that also describe courtrooms and sport ("appear", "play", "return") count only where the
paragraph speaks of a film.
"""
from __future__ import annotations

import re
from typing import Iterator

from pipeline.extract.context import DocContext, claim
from pipeline.extract.people import NOT_NAME_WORDS, NameSpan, is_name
from pipeline.extract.sentences import Sentence
from pipeline.model import Claim

_CHAR = r"(?P<char>(?:[Tt]he\s+)?[A-Z][\w'’.-]*(?:\s+(?:of\s+|the\s+|de\s+|la\s+|van\s+|von\s+)?[A-Z][\w'’.-]*){0,3})"
_VERB = re.compile(
    r"^\s*(?:\([^)]{0,60}\)\s*)?(?:,\s*\d{1,3}\s*,)?,?\s*(?:who\s+)?(?:(?:also|will|would|is|are|was|were|has|have|had|to|set to|now|all|both|"
    r"reportedly|already|again|once again|each|been|tapped to|hired to|in talks to|in negotiations to|expected to|"
    r"attached to|signed on to|on board to|going to|slated to|cast to|chosen to|picked to)\s+)*(?:not\s+|n't\s+|never\s+)?"
    r"(?P<verb>stars?|starred|starring|co-stars?|co-starred|plays?|played|playing|portrays?|portrayed|portraying|"
    r"voices?|voiced|voicing|reprises?|reprising|reprised|returns?\s+(?=as|to|in|for)|returning\s+(?=as|to|in|for)|"
    r"(?:is|are)\s+back\s+as|shows?\s+up|showed\s+up|appears?\s+(?=as|in|opposite|alongside)|appeared\s+(?=as|in)|"
    r"appearing\s+(?=as|in)|cameos?|(?:been\s+)?cast\s+(?=as|in)|joins?|joined|joining|filmed\s+(?:scenes|a\s+scene)|"
    r"takes?\s+(?:on|over)\s+the\s+(?:title\s+)?role|steps?\s+into\s+the\s+role|(?:is|are)\s+in\s+the\s+cast|(?:is|are)\s+(?:also\s+)?part\s+of\s+the\s+cast|"
    r"rounds?\s+out\s+the\s+(?:cast|ensemble|line-?up|voice\s+cast)|(?:leads?|leading)\s+the\s+(?:cast|ensemble)|"
    r"leads?\s+(?=as\b)|headlines?|toplines?|fronts?|"
    r"(?:makes?|made|has|had)\s+(?:a\s+)?(?:brief\s+|special\s+|surprise\s+|short\s+|small\s+)?(?:cameo|appearance)|"
    r"pops?\s+up|popped\s+up)\b"
)
_JOIN_OK = re.compile(r"^\s*(?:the\s+)?(?:cast|ensemble|film|movie|sequel|spinoff|spin-off|project|[A-Z])")
_AS_CHAR = re.compile(rf"^(?:[^.;:]{{0,60}}?)\bas\s+{_CHAR}")
_PLAYS_CHAR = re.compile(rf"^\s*{_CHAR}")
_OBJECT_TRIGGER = re.compile(
    r"(?:\b(?:starring|stars|co-starring|co-stars|featuring|cast includes|cast also includes|cast of|also stars|"
    r"with appearances? (?:from|by)|appearance (?:from|by)|cameos? (?:from|by)|played by|portrayed by|voiced by|"
    r"alongside|opposite|led by|headlined by|toplined by|fronted by|cast features|cast also features|rounded out by|"
    r"also starring|joined by|voices of|voice cast of|voice cast includes|ensemble (?:cast )?(?:of|includes|that includes)|"
    r"cast (?:that )?includes|(?:newcomers|others|co-stars|supporting players|the cast|the ensemble|returning players)\s+include|"
    r"(?:a |the )?(?:voice |cameo |supporting |lead |title )?role for|(?:previously )?announced leads|returning leads?|"
    r"(?:which|that|who)\s+(?:also\s+)?(?:co-)?starred|(?:also\s+)?co-starred|"
    r"cast|starring|stars|cast members?|voice cast|with)\s*:?\s+(?:(?!as\b)[a-z][\w-]*\s+){0,3})$"
)
# Label lines of list pages and listings: "Starring: A, B", "Cast: A as X, B", "With A, B and C."
_LABEL_TRIGGER = re.compile(r"^\W*(?:starring|stars|cast|voice cast|with|featuring|also starring)\s*:?\s*$", re.IGNORECASE)
_LIST_GAP = re.compile(
    r"^[\s,]*(?:(?:and|as well as|along with|plus|with|&)\s+)?(?:(?:the\s+late|series\s+mainstays?|co-stars?|"
    r"newcomers?|veterans?|fellow|returning|franchise|original|stars?|actors?|actress(?:es)?|real-life\s+\w+)\s+){0,3}[\s,]*$"
)
# One capitalised word between list commas: a mononym ("Zendaya") in a cast list.
_MONONYM_GAP = re.compile(r"^\s*,\s*(?:and\s+)?([A-Z][\w'’-]+)\s*,?\s*(?:and\s+)?$")
# Verbs that take a plural subject (or past tense): only they make "X, Y and Z <verb>" a list.
_PLURAL_VERB = re.compile(r"^(?:star|play|portray|voice|reprise|return|returning|appear|join|are|co-star|round|leading|make|have|"
                          r"starred|played|portrayed|voiced|reprised|returned|appeared|joined|filmed|reprising|all)\b")
_NEGATED = re.compile(r"\b(?:not|n't|never|no longer|won't)\b")
_ROLE = r"(?:director|writer|producer|ceo|star|studio|screenwriter|creator|author|filmmaker|composer|president|chairman|executive)s?"
# "director" in lower case (or a bare capitalised "Director") is a job; "the Director" is a character.
_ROLE_WORDS = re.compile(rf"^(?:(?:the\s+)?{_ROLE}|(?i:{_ROLE}))$")


_DESCRIBED = re.compile(r"\b(?!in\b|of\b|from\b|for\b|and\b|the\b|on\b|with\b)[a-z]+\s+$")
_WEAK_VERB = re.compile(r"^(?:appear|join|return|headline|front|lead|show|play|cameo)")
_CAST_WORDS = re.compile(
    r"\b(?:star|stars|starring|starred|cast|plays?|played|role|actor|actress|films?|movies?|character|voices?|voiced)\b"
)
_STARRER = re.compile(r"^[-–](?:starrer|led|fronted|toplined|headlined)\b")
_CREW_BEFORE = re.compile(r"direct|writ|produc", re.IGNORECASE)
_NOT_A_ROLE = re.compile(
    r"\s*(?:this|that|it|them|out|along|with|like|into|to|up|down|off|a\s+(?:part|key|big|major|role)|well|games?|music|guitar)\b"
)
_TO_PLAY = re.compile(rf"^\s*to\s+(?:play|voice|portray)\s+{_CHAR}")
_AS_GAP = re.compile(rf"^\s+as\s+{_CHAR}\s*,?\s*(?:and\s+)?$")
_AS_AFTER = re.compile(rf"^\s+as\s+{_CHAR}")
_CHAR_BEFORE_PAREN = re.compile(rf"{_CHAR}\s*\($")
_PAREN_CHAR = re.compile(rf"^\s*\({_CHAR}\)")


_POSSESSED = re.compile(r"^['’]s?\b")


# "as Rani Leela", "as her brother, Tam", "as the harbourmaster", "as the nightclub singer Odile"
_AS_ROLE = re.compile(
    rf"^\s*,?\s+as\s+(?P<desc>(?:(?:the|a|an|his|her|their|its)\s+)(?:[\w'’-]+\s+){{0,3}}?[a-z][\w'’-]*)?"
    rf"(?:\s*,?\s*(?P<char>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){{0,2}}))?"
)
_AS_CONJUNCTION = re.compile(
    r"^\s*,?\s+as\s+(?:he|she|they|it|we|you|i|well|much|long|soon|far|if|though|part|a\s+result|an?\s+"
    r"(?:aesthetic|example|homage|nod|tribute|whole|metaphor|motif|symbol|reminder|way)|the\s+(?:film|movie|studio|story|plot))\b",
    re.IGNORECASE,
)
# "as the studio's CEO", "as director": a job, not a part
_NOT_CAST_ROLE = re.compile(
    r".*\b(?:ceo|chief|president|chair(?:man|woman)?|head|director|producer|writer|executive|host|judge|juror|"
    r"member|partner|consultant|adviser|advisor|spokes\w+|founder|owner|manager|editor|critic|composer|guest)s?\b",
    re.IGNORECASE,
)


# A described part right before "(Actor)": lower-case words that end a noun phrase
_ROLE_BEFORE_PAREN = re.compile(r"\b(?:a|an|the|his|her|their|its|our|one|two)\s+(?:[a-z][\w'’-]*\s+){0,5}[a-z][\w'’-]*\s*\($", re.IGNORECASE)
_CREW_PAREN = re.compile(
    r"\b(?:director|directors|producer|producers|writer|writers|screenwriter|composer|editor|cinematographer|ceo|"
    r"chief|president|executive|spokes\w+|founder|analyst|critic|reporter|author|lawyer|attorney|senator|minister)\s*\($",
    re.IGNORECASE,
)


_PERFORMANCE = re.compile(
    r"^(?:['’]s?\s+(?:[\w-]+\s+){0,3}(?:performance|turn|role|portrayal|work)\b"
    r"|[\s,]+(?:[^.;]{0,80}?)\bfor\s+(?:playing|portraying|(?:his|her|their)\s+(?:[\w-]+\s+){0,2}(?:role|performance|turn|portrayal|work))\b)"
)


_TITLE_STAR_BEFORE = re.compile(r"\b(?:co-)?(?:star|lead)\s*$")
_STAR_OF_AFTER = re.compile(r"^\s*,\s*(?:the\s+|a\s+)?(?:co-)?(?:star|lead)\s+of\s+(?:the\s+)?(?:(?:19|20)\d\d['’]s\s+)?")
_DECLINED = re.compile(
    r"^[^.;]{0,120}?\b(?:turned\s+down|passed\s+on|declined|dropped\s+out|exited|left\s+the\s+(?:project|film|role)|"
    r"(?:was|has\s+been)\s+replaced|walked\s+away|bowed\s+out|no\s+longer\s+(?:attached|involved|in))\b",
    re.IGNORECASE,
)


def _film_paragraph(ctx: DocContext, sentence: Sentence) -> bool:
    """Whether a sentence sits where a film is being discussed (its own title, or its paragraph's)."""
    return bool(
        ctx.films.within(sentence.start, sentence.end) or ctx.films.paragraph_mentions.get(sentence.paragraph)
        or sentence.paragraph in ctx.films.sections or _CAST_WORDS.search(ctx.paragraph_text(sentence))
    )


def _lower_first(text: str) -> str:
    stripped = text.lstrip()
    return stripped[:1].lower() + stripped[1:]


def _character(raw: str | None) -> str | None:
    if not raw:
        return None
    raw = raw.strip().rstrip(".").strip()
    if re.fullmatch(r"(?i)(?:he|she|they|it|who|that|this|these|those|his|her|their)(?:['’]s|['’]re)?", raw):
        return None
    if raw.lower().startswith("the ") and raw[4:5].islower():
        return None
    if _ROLE_WORDS.match(raw):
        return None
    return raw[0].upper() + raw[1:]


def cast_claims(ctx: DocContext, sentence: Sentence) -> Iterator[Claim]:
    """Cast claims made by one sentence (see module docstring)."""
    text = sentence.text
    names = ctx.names_in(sentence)
    if not names:
        return
    found: dict[str, tuple[NameSpan, str | None, str, int]] = {}

    def add(n: NameSpan, character: str | None, rule: str, pos: int) -> None:
        old = found.get(n.name)
        if old is None or (character and not old[1]):
            found[n.name] = (n, character, rule, pos)

    for i, n in enumerate(names):
        e = n.end - sentence.start
        m = _VERB.match(text[e:])
        if not m:
            continue
        verb = m.group("verb")
        if _NEGATED.search(m.group(0)) or _CREW_BEFORE.search(text[max(0, n.start - sentence.start - 20): n.start - sentence.start], re.I):
            continue
        if verb.startswith("play") and _NOT_A_ROLE.match(text[e + m.end():]):
            continue
        rest = text[e + m.end():]
        if verb.startswith("join") and not _JOIN_OK.match(rest):
            continue
        character = None
        if verb.startswith(("play", "portray", "voice")):
            cm = _PLAYS_CHAR.match(rest)
            character = cm.group("char") if cm else None
        else:
            cm = _AS_CHAR.match(rest) or _TO_PLAY.match(rest)  # "returns as Joy" / "returns to voice Joy"
            character = cm.group("char") if cm else None
        if _WEAK_VERB.match(verb) and not (
            character or _CAST_WORDS.search(text) or ctx.films.paragraph_mentions.get(sentence.paragraph)
        ):
            continue  # "will appear in federal court"
        pos = n.end + m.end()
        # the list of names before the verb: "X, Y and the late Z reprise their roles"
        subjects = [n]
        j = i
        while j > 0 and _PLURAL_VERB.match(verb):
            gap = ctx.text[names[j - 1].end: names[j].start]
            if not _LIST_GAP.match(gap):
                break
            subjects.insert(0, names[j - 1])
            j -= 1
        for k, subject in enumerate(subjects):
            add(subject, _character(character) if k == len(subjects) - 1 else None, f"cast.verb_{verb.split()[0]}", pos)

    for i, n in enumerate(names):
        s = n.start - sentence.start
        before = text[max(0, s - 60): s]
        # a sentence-initial "Starring" counts like "starring"
        trig = _OBJECT_TRIGGER.search(before) or _OBJECT_TRIGGER.search(_lower_first(before)) or (
            _OBJECT_TRIGGER.search(before.lower()) if _LABEL_TRIGGER.match(before) else None
        )
        if not trig or _POSSESSED.match(text[n.end - sentence.start:]):
            continue  # "in David Fincher’s Seven": the possessor is not in the cast
        word = trig.group(0).split()[0].rstrip(":")
        bare = re.match(r"(?i)^(?:cast|with)\s*:?\s+(?:(?!includ|featur|of\b|members?\b|appear|starring|stars?\b|co-star|voices)[a-z][\w-]*\s+){0,3}$", trig.group(0))
        if bare and not _LABEL_TRIGGER.match(before):
            continue  # "with" and "cast" open a cast list only as a label ("With A, B and C." under a heading)
        if bare and word.lower() == "with" and sentence.paragraph not in ctx.films.sections:
            continue
        if word in ("alongside", "opposite", "featuring", "joined", "led") and not (_CAST_WORDS.search(text) or found):
            continue
        character = None
        if word in ("played", "portrayed", "voiced"):
            cm = re.search(rf"{_CHAR}\s*,?\s*(?:\(|is\s+|was\s+|will\s+be\s+)?$", text[: max(0, s - len(trig.group(0)))].rstrip(", ("))
            character = cm.group("char") if cm and not is_name_of_person(ctx, cm.group("char")) else None
        after = text[n.end - sentence.start:]
        am = _AS_AFTER.match(after)
        if am:
            character = am.group("char")
        add(n, _character(character), f"cast.object_{word}", n.end)
        # the rest of the list: "starring X, Y and Z" / "starring Ana de Armas as Eve, ..."
        prev = n
        for nxt in names[i + 1:]:
            gap = ctx.text[prev.end: nxt.start]
            as_char = _AS_GAP.match(gap)  # "starring X as A, Y as B and Z"
            if not as_char and _AS_AFTER.match(gap + nxt.name):
                break
            if as_char:
                old = found.get(prev.name)
                if old and not old[1]:
                    found[prev.name] = (old[0], _character(as_char.group("char")), old[2], old[3])
                add(nxt, None, f"cast.object_{word}", nxt.end)
                prev = nxt
                continue
            mono = _MONONYM_GAP.match(gap)
            if mono and mono.group(1).lower() not in NOT_NAME_WORDS:
                at = prev.end + mono.start(1)
                add(NameSpan(mono.group(1), at, at + len(mono.group(1))), None, f"cast.object_{word}", at)
            elif not _LIST_GAP.match(gap):
                break
            add(nxt, None, f"cast.object_{word}", nxt.end)
            prev = nxt

    for n in names:
        if _STARRER.match(text[n.end - sentence.start:]):  # "the Ana de Armas-starrer"
            add(n, None, "cast.starrer", n.end)
        elif n.name not in found and _CAST_WORDS.search(text):
            pair = _AS_AFTER.match(text[n.end - sentence.start:])  # "with Ana de Armas as Eve"
            if pair and not _ROLE_WORDS.match(pair.group("char")) and not is_name_of_person(ctx, pair.group("char")):
                add(n, _character(pair.group("char")), "cast.as_pair", n.end)
        if n.name not in found and _film_paragraph(ctx, sentence):
            # "Tanvi Rao-Bhalla as Rani Leela", "with Tiberius Langford as her first mate"
            role = _AS_ROLE.match(text[n.end - sentence.start:])
            if _AS_CONJUNCTION.match(text[n.end - sentence.start:]) or re.search(
                r"\b[Tt]he\s+$", text[max(0, n.start - sentence.start - 4): n.start - sentence.start]
            ):
                role = None  # "the Ruska Roma as he is hunted": a group, and "as" joins clauses
            if role and not _NOT_CAST_ROLE.match(role.group("desc") or "") and not _CREW_BEFORE.search(
                text[max(0, n.start - sentence.start - 25): n.start - sentence.start]
            ):
                character = role.group("char")
                if character and (is_name_of_person(ctx, character) and character != n.name):
                    character = None
                add(n, _character(character), "cast.as_role", n.end)
    for n in names:
        s0, e0 = n.start - sentence.start, n.end - sentence.start
        # "Borrowed Snow star Henrike Ostrander": the title's star; "X, star of 1991's The Tin Carousel"
        star_before = _TITLE_STAR_BEFORE.search(text[max(0, s0 - 12): s0])
        if star_before:
            titled = [m for m in ctx.films.within(sentence.start, n.start, subjects_only=False)
                      if ctx.text[m.end: n.start].strip().lower() in ("star", "co-star", "lead", "'s star", "’s star")]
            if titled:
                yield claim(ctx, sentence, film=titled[-1].film, film_written=titled[-1].written, field="cast", value=n.name,
                            character=None, confidence=0.75, extractor="cast.title_star")
        star_of = _STAR_OF_AFTER.match(text[e0:])
        if star_of:
            titled = ctx.films.within(n.end + star_of.end(), min(sentence.end, n.end + star_of.end() + 80), subjects_only=False)
            if titled and titled[0].start <= n.end + star_of.end() + 30:
                yield claim(ctx, sentence, film=titled[0].film, film_written=titled[0].written, field="cast", value=n.name,
                            character=None, confidence=0.75, extractor="cast.star_of")
    for n in names:
        # "Phoenix's terrifying performance as a loner ... in Joker"; "Laura Dern won for playing ... in Marriage Story"
        after = text[n.end - sentence.start:]
        perf = _PERFORMANCE.match(after)
        if perf and n.name not in found:
            start = n.end + perf.end()
            films_after = [
                m for m in ctx.films.within(start, min(sentence.end, start + 120))
                if not m.modifier and not any(p.start <= m.start and m.end <= p.end for p in names)  # "Judy" in "Judy Garland"
            ]
            if films_after and re.search(r"\bin\s+(?:the\s+)?(?:[a-z-]+\s+){0,3}[\"“‘']?$", ctx.text[start: films_after[0].start]):
                add(n, None, "cast.performance", films_after[0].start)
    film_context = bool(
        _CAST_WORDS.search(text) or ctx.films.paragraph_mentions.get(sentence.paragraph)
        or _CAST_WORDS.search(ctx.paragraph_text(sentence))
    )
    for n in names if film_context else ():
        s, e = n.start - sentence.start, n.end - sentence.start
        # "the Director (Anjelica Huston)" / "Rooney (Unity Phelan)"
        if text[max(0, s - 1): s] == "(" and text[e: e + 1] == ")":
            cm = _CHAR_BEFORE_PAREN.search(text[max(0, s - 80):s])
            char_at = max(0, s - 80) + cm.start("char") if cm else 0
            # a film's name can be its hero's ("young Furiosa (Alyla Browne)"), unless it follows "in"/"of"
            film_like = cm is not None and _is_film(ctx, sentence, char_at) and not _DESCRIBED.search(text[max(0, char_at - 12):char_at])
            if cm and not _ROLE_WORDS.match(cm.group("char")) and not film_like:
                outer = cm.group("char")
                if outer in found:  # "Keanu Reeves (John Wick)": the outer name already acts here
                    old = found[outer]
                    found[outer] = (old[0], old[1] or _character(n.name), old[2], old[3])
                else:  # "Character (Actor)" is how reviews write it
                    add(n, _character(outer), "cast.paren_actor", n.end)
            elif cm is None and _ROLE_BEFORE_PAREN.search(text[max(0, s - 60): s]) and not _CREW_PAREN.search(text[max(0, s - 30): s]):
                # "a pitiful husband and father (Johannes Kuhnke)", "their teacher (Alison Pill)"
                add(n, None, "cast.paren_actor", n.end)
        # "Keanu Reeves (John Wick)"
        pm = _PAREN_CHAR.match(text[e:e + 80])
        if pm and not _is_film(ctx, sentence, e + pm.start("char")) and not pm.group("char").isupper():
            inner = pm.group("char")
            full = ctx.surnames.get(inner.casefold())
            if full and full != n.name:  # "John Du Pont (Carell)": the surname is the actor's
                add(NameSpan(full, n.start, n.end), _character(n.name), "cast.paren_actor", n.end)
                continue
            if not is_name(inner) and not is_name_of_person(ctx, inner):
                if not re.search(r"\b(?:wrote|written|rewrite|produc\w+|direct\w*)\b", text):
                    add(n, _character(inner), "cast.paren_character", n.end)

    for name in list(found):
        n = found[name][0]
        if _DECLINED.search(text[n.end - sentence.start:]):
            del found[name]  # "was attached to play the sheriff, but he turned down the role"
    for name, (n, character, rule, pos) in found.items():
        film, written, explicit, how = ctx.film_for(sentence, pos, prefer_after=True)
        if film is None:
            continue
        yield claim(ctx, sentence, film=film, film_written=written, field="cast", value=name,
                    character=character, confidence=0.8 if explicit else 0.65, extractor=f"{rule}/{how}")


def is_name_of_person(ctx: DocContext, text: str) -> bool:
    return any(n.name == text for n in ctx.names) and text.casefold() not in {t.casefold() for t in ctx.films.titles}


def _is_film(ctx: DocContext, sentence: Sentence, pos: int) -> bool:
    p = sentence.start + pos
    return any(m.start <= p < m.end for m in ctx.films.mentions)
