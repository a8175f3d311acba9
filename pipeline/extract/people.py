"""Person names in English news text: capitalised runs with particles, accents and initials.

"Ana de Armas", "Catalina Sandino Moreno", "Zoë Kravitz", "Samuel L. Jackson", "Bong Joon Ho".
A run is a name only when it is not a film title, a studio, a place, a month or a common word that
starts a sentence ("Starring", "Writer"). Surnames alone ("Reeves", "De Armas") are resolved to the
full name the same document used earlier.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_UPPER = "A-ZÀ-ÖØ-ÞĀ-Ž"
_LOWER = "a-zß-öø-ÿā-ž"
_WORD = rf"(?:[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+|['’](?!s\b)[{_UPPER}]?[{_LOWER}]+)*|[{_UPPER}]['’][{_UPPER}][{_LOWER}]+|Mc[{_UPPER}][{_LOWER}]+|Mac[{_UPPER}][{_LOWER}]+|[{_UPPER}][{_LOWER}]*[{_UPPER}][{_LOWER}]+)"
_INITIAL = rf"(?:[{_UPPER}]\.(?:[^\S\n]?[{_UPPER}]\.)*)"
_PARTICLE = r"(?:de|da|del|della|der|den|di|du|dos|das|la|le|van|von|bin|ibn|al|el|y|ter|ten|st\.?)"
NAME_RE = re.compile(
    rf"(?<![\w{_UPPER}])(?:{_INITIAL}[^\S\n]?)?{_WORD}(?:[^\S\n]+(?:{_INITIAL}|(?:{_PARTICLE}[^\S\n]+){{0,2}}{_WORD}))"
    rf"{{0,3}}(?:,?[^\S\n]+(?:Jr\.|Sr\.|III|II))?(?![\w{_LOWER}])"
)

# Capitalised words that begin or sit inside a run but are never part of a person's name.
NOT_NAME_WORDS = frozenset("""
a an the and or but if in on at to for of from with by as is are was were be been has have had do does
did would can could should may might must this that these those there here when where while who
whom whose what which why how after before during since until about above below over under into onto
than then so yet also just only even still again however meanwhile additionally furthermore moreover
notably finally now today yesterday tomorrow starring stars star writer writers director directors
producer producers actor actress actors actresses filmmaker filmmakers screenwriter creator showrunner
composer narrator cast crew studio studios viewers fans critics audiences audience both all some many
most several few every each other another more less much such no not yes his her their its our your my
he she they we you it i me him them us one two three four five first second third last next new old
upcoming latest late real film films movie movies series season episode chapter part trailer teaser
poster release released premiere sequel spinoff spin prequel franchise universe saga story plot
official synopsis review reviews interview news report reports update updated related topics read
more subscribe share comment comments advertisement photo photos image images video videos credit
courtesy getty via source sources january february march april may june july august september october
november december monday tuesday wednesday thursday friday saturday sunday spring summer fall autumn
winter christmas thanksgiving easter halloween oscar oscars oscars' emmy emmys golden globe globes
academy award awards festival box office theater theaters theatre theatres cinema cinemas home digital
streaming netflix hulu disney amazon prime apple hbo peacock paramount lionsgate universal warner
bros sony pictures columbia century searchlight focus features mgm a24 neon miramax dreamworks pixar marvel
lucasfilm legendary blumhouse imax dolby street road avenue city county state university college
school hospital church house senate congress court police department ministry council party group
company inc ltd corp llc tv radio magazine times post journal daily weekly tribune herald guardian
variety deadline hollywood reporter screen rant collider empire ign vulture indiewire slashfilm
american british english french german spanish italian chinese japanese korean indian canadian
australian european african asian north south east west new york los angeles london paris berlin
tokyo toronto cannes venice sundance tribeca berlinale texas california america england france
germany spain italy china japan korea india canada australia mexico brazil russia united kingdom states
republic island islands county province
sir dame mr mrs ms dr doctor professor
""".split())
# Leading role nouns are stripped from a run ("Writer Shay Hatten" -> "Shay Hatten").
_ROLE_PREFIX = re.compile(
    r"^(?:(?:(?:Writer|Actor|Director)-(?:director|writer|producer)|Writer|Director|Producer|Actor|Actress|Co-star|Costar|Filmmaker|Screenwriter|Creator|"
    r"Showrunner|Composer|Executive|CEO|Chairman|President|Newcomers?|Veterans?|Singer|Rapper|Comedian|Producers?|"
    r"Author|Novelist|Model|Legend|Icon|Dr|Mr|Mrs|Ms|Sir|Dame)\.?\s+)+"
)


_PARTICLES = frozenset("de da del della der den di du dos das la le van von bin ibn al el y ter ten st".split())
_POSSESSIVE = re.compile(r"['’]s?$")
_LOWER_BEFORE = re.compile(r"[a-z,]\s$")


@dataclass(frozen=True, slots=True)
class NameSpan:
    """A person name found in text: the name and its offsets in the text searched."""

    name: str
    start: int
    end: int


# Words that may begin a capitalised run only because they begin a sentence or name a job; any
# other common word at the front ("Star Trek Beyond", "Walt Disney Co") means the run is no name.
_STRIPPABLE = frozenset("""
a an the and or but if in on at to for of from with by as is are was were when where while after before
during since until about so yet also just only even still however meanwhile additionally furthermore
moreover notably finally now today yesterday starring writer director producer actor actress filmmaker
screenwriter creator showrunner composer narrator viewers fans critics both all some many most several
few every each other another his her their its our your my he she they we you it i this that these those
there here what which who why how then than upcoming late real new veteran newcomer co-star costar
""".split())


def _clean(run: str) -> tuple[str, int]:
    """Strip leading role words / common words; return (name, chars removed at the front).

    Returns an empty name when a run starts with a common word that is no sentence opener.
    """
    run = _POSSESSIVE.sub("", run)  # possessive: "Buckley’s voice"
    stripped = _ROLE_PREFIX.sub("", run)
    offset = len(run) - len(stripped)
    words = stripped.split()
    while words and words[0].lower().rstrip(".,") in NOT_NAME_WORDS:
        if words[0].lower().rstrip(".,") not in _STRIPPABLE:
            return "", 0
        offset += len(words[0]) + 1
        words = words[1:]
    while words and words[-1].lower().rstrip(".,") in NOT_NAME_WORDS:
        words = words[:-1]
    return " ".join(words), offset


def is_name(candidate: str, exclude: frozenset[str] = frozenset()) -> bool:
    """True when `candidate` looks like a person's full name (two or more words, none common)."""
    words = candidate.split()
    if any(c.isdigit() or c in ":&!?" for c in candidate) or " or " in candidate or len(words) < 2 or len(words) > 5:
        return False
    if candidate.casefold() in exclude:
        return False
    capitalised = [w for w in words if w[0].isupper()]
    if len(capitalised) < 2:
        return False
    if any(not w[0].isupper() and w.lower().rstrip(".") not in _PARTICLES for w in words):
        return False  # "Army of the Dead": only particles may be lower case in a name
    return not any(w.lower().strip(".,'’") in NOT_NAME_WORDS for w in capitalised if not re.fullmatch(_INITIAL, w))


def find_names(text: str, exclude: frozenset[str] = frozenset()) -> list[NameSpan]:
    """Full person names in `text` (offsets relative to `text`), left to right."""
    out: list[NameSpan] = []
    for m in NAME_RE.finditer(text):
        if m.group(0).startswith("The ") and _LOWER_BEFORE.search(text[max(0, m.start() - 2): m.start()]):
            continue  # "in The Skeleton Twins": a title, not a person
        name, offset = _clean(m.group(0))
        if is_name(name, exclude):
            start = m.start() + offset
            out.append(NameSpan(name, start, start + len(name)))
    return out


def surname_index(names: list[str]) -> dict[str, str]:
    """Map surnames ("reeves", "de armas") to the full names they abbreviate, when unambiguous."""
    index: dict[str, str] = {}
    clash: set[str] = set()
    for full in names:
        words = full.split()
        keys = {words[-1].casefold()}
        for i, w in enumerate(words[1:-1], start=1):
            if w.islower():  # "de Armas" -> "de armas"
                keys.add(" ".join(words[i:]).casefold())
                break
        for key in keys:
            if key in index and index[key] != full:
                clash.add(key)
            index[key] = full
    return {k: v for k, v in index.items() if k not in clash}
