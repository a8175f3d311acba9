"""Date expressions in English text: where they are and which release window they stand for.

One compiled regex finds candidate spans ("June 6, 2025", "6/6/2025", "Summer 2024", "Q3 2025",
"early 2025", "next year", "this Friday"); a small resolver turns each into a value at its stated
precision ("2025-06-06", "2024-summer", "2025-Q3", "2025-H1", "2025"). Relative expressions are
resolved only against an anchor date the caller passes in (the page's published date) — there is
no clock here, and without an anchor the value stays None.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from pipeline.release_window import window

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
_ORD = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}

_MON = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?\.?|July?\.?"
    r"|Aug(?:ust|\.)?|Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_SEASON = r"(?:spring|summer|fall|autumn|winter)"

# Order matters: the longest, most precise forms first, so the alternation never stops early.
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("iso", rf"\b(?P<iso_y>{_YEAR})-(?P<iso_m>0[1-9]|1[0-2])-(?P<iso_d>0[1-9]|[12]\d|3[01])\b"),
    ("mdy", rf"\b(?P<mdy_m>{_MON})\s+(?P<mdy_d>{_DAY})(?:,\s*|\s+)(?P<mdy_y>{_YEAR})\b"),
    ("dmy", rf"\b(?P<dmy_d>{_DAY})(?:\s+of)?\s+(?P<dmy_m>{_MON}),?\s+(?P<dmy_y>{_YEAR})\b"),
    ("num", r"\b(?P<num_a>[0-3]?\d)(?P<num_sep>[/.])(?P<num_b>[0-3]?\d)(?P=num_sep)(?P<num_y>(?:19|20)?\d\d)\b"),
    ("md", rf"\b(?P<md_m>{_MON})\s+(?P<md_d>{_DAY})\b(?!\s*(?:,\s*)?(?:19|20)\d\d)(?![\d:])"),
    ("dm", rf"\b(?P<dm_d>{_DAY})(?:\s+of)?\s+(?P<dm_m>{_MON})\b(?!,?\s+(?:19|20)\d\d)"),
    ("mon", r"\b(?:in|this|next|by|until|from|early|late|mid-?)\s+(?P<mo_m>(?-i:January|February|March|April|May|June|July|"
            r"August|September|October|November|December))\b(?!\s*\d)"),
    ("my", rf"\b(?P<my_m>{_MON})(?:\s+of)?,?\s+(?P<my_y>{_YEAR})\b"),
    ("quarter", rf"\b(?:Q(?P<q_n>[1-4])\s*(?P<q_y>{_YEAR})|(?P<q_o>first|second|third|fourth|1st|2nd|3rd|4th)"
                rf"[\s-]quarter\s+(?:of\s+)?(?P<q_y2>{_YEAR})|(?P<q_y3>{_YEAR})\s*Q(?P<q_n3>[1-4]))\b"),
    ("half", rf"\b(?:H(?P<h_n>[12])\s*(?P<h_y>{_YEAR})|(?P<h_o>first|second|1st|2nd)[\s-]half\s+(?:of\s+)?(?P<h_y2>{_YEAR}))\b"),
    ("season", rf"\b(?:(?P<s_s>{_SEASON})(?:\s+of)?,?\s+(?P<s_y>{_YEAR})|(?P<s_y2>{_YEAR})\s+(?P<s_s2>{_SEASON}))\b"),
    ("holiday", rf"\b(?:(?:the\s+)?(?P<hol_y>{_YEAR})\s+holiday(?:s|\s+season)?|holiday(?:\s+season)?,?\s+(?:of\s+)?(?P<hol_y2>{_YEAR})"
                rf"|(?P<xmas>Christmas(?:\s+Day)?|Thanksgiving(?:\s+Day)?),?\s+(?P<xmas_y>{_YEAR}))\b"),
    ("part", rf"\b(?P<p_w>early|mid|late|end\s+of|beginning\s+of|start\s+of)[\s-]+(?P<p_y>{_YEAR})\b"),
    ("rel", r"\b(?P<rel_w>next|this|last|later\s+this|early\s+next|late\s+next|later\s+next|early\s+this|late\s+this)\s+"
            r"(?P<rel_u>year|summer|spring|fall|autumn|winter|month|week|holiday\s+season|"
            r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"),
    ("holrel", r"\b(?:the|this)\s+(?:coming\s+)?holidays?(?:\s+season)?\b"),
    ("day_rel", r"\b(?P<dr_w>tomorrow|today|tonight)\b"),
    ("wday", r"\b(?:on|opens|opening|arrives|premieres|debuts|bows|lands|out|streaming|theaters|theatres|cinemas)\s+"
             r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"),
    ("year", rf"(?<![\d$£€.,/-])\b(?P<y>{_YEAR})\b(?![\d%]|\s*(?:million|billion|[-–]\d))"),
)
DATE_RE = re.compile("|".join(f"(?P<{name}>{body})" for name, body in _PATTERNS), re.IGNORECASE)


_DAY_FIRST_LANGUAGE = re.compile(r"^(?!en(?:[-_](?:us|ph|ca))?$)[a-z]{2}", re.IGNORECASE)


def day_first_language(language: str | None) -> bool:
    """Whether a page language (BCP 47, "en-GB", "de") writes numeric dates day/month; US English does not."""
    return bool(language and _DAY_FIRST_LANGUAGE.match(language.strip()))


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression found in text, with the release-window value it stands for.

    `value` is None when the expression is relative and no anchor date was given, or when it names
    a day without a year that cannot be placed.
    """

    start: int
    end: int
    text: str
    value: str | None
    precision: str | None
    form: str
    relative: bool = False


def _month(token: str) -> int:
    key = token.lower().rstrip(".")
    return MONTHS.get(key) or MONTHS[key[:3]]


def _day(token: str) -> int:
    return int(re.sub(r"\D", "", token))


def _safe_day(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _place_year(m: int, d: int, anchor: date | None, context_year: int | None) -> int | None:
    """A day written without a year: the next such day on/after the anchor (a 60-day grace)."""
    if anchor is not None:
        for y in (anchor.year, anchor.year + 1):
            try:
                if date(y, m, d) >= anchor - timedelta(days=60):
                    return y
            except ValueError:
                return None
        return None
    return context_year


def _thanksgiving(year: int) -> date:
    first = date(year, 11, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 21)


def _relative(word: str, unit: str, anchor: date | None) -> tuple[str | None, str | None]:
    word = " ".join(word.lower().split())
    unit = " ".join(unit.lower().split())
    if anchor is None:
        return None, None
    shift = {"next": 1, "last": -1}.get(word.split()[-1], 0)
    year = anchor.year + shift
    if unit == "year":
        if word.startswith("early"):
            return f"{year}-H1", "half"
        if word.startswith(("late", "later")):
            return f"{year}-H2" if word != "later this" else f"{year}", "half" if word != "later this" else "year"
        return str(year), "year"
    if unit in ("summer", "spring", "fall", "autumn", "winter"):
        season = "fall" if unit == "autumn" else unit
        return f"{year}-{season}", "season"
    if unit == "holiday season":
        return f"{year}-holidays", "season"
    if unit == "month":
        month = anchor.month + shift
        y = anchor.year + (month - 1) // 12
        return f"{y:04d}-{(month - 1) % 12 + 1:02d}", "month"
    if unit == "week":
        return None, None
    if unit in WEEKDAYS:
        days = (WEEKDAYS[unit] - anchor.weekday()) % 7 + (7 if word == "next" else 0)
        return (anchor + timedelta(days=days)).isoformat(), "day"
    return None, None


def resolve(m: re.Match[str], anchor: date | None, *, day_first: bool = False, context_year: int | None = None) -> DateMention:
    """Turn one DATE_RE match into a DateMention (value None when it cannot be placed)."""
    form = m.lastgroup or ""
    # lastgroup names the innermost group that closed last; find the outer alternative instead.
    for name, _ in _PATTERNS:
        if m.group(name) is not None:
            form = name
            break
    g = m.group
    value: str | None = None
    precision: str | None = None
    relative = False
    if form == "iso":
        value, precision = _safe_day(int(g("iso_y")), int(g("iso_m")), int(g("iso_d"))), "day"
    elif form == "mdy":
        value, precision = _safe_day(int(g("mdy_y")), _month(g("mdy_m")), _day(g("mdy_d"))), "day"
    elif form == "dmy":
        value, precision = _safe_day(int(g("dmy_y")), _month(g("dmy_m")), _day(g("dmy_d"))), "day"
    elif form == "num":
        a, b, y = int(g("num_a")), int(g("num_b")), int(g("num_y"))
        y = y + 2000 if y < 100 else y
        if g("num_sep") == "." or day_first:
            a, b = b, a
        if a > 12 and b <= 12:
            a, b = b, a
        value, precision = _safe_day(y, a, b), "day"
    elif form in ("md", "dm"):
        mo, d = _month(g(f"{form}_m")), _day(g(f"{form}_d"))
        y2 = _place_year(mo, d, anchor, context_year)
        relative = True
        if y2 is not None:
            value, precision = _safe_day(y2, mo, d), "day"
    elif form == "mon":
        relative = True
        mo = _month(g("mo_m"))
        y2 = _place_year(mo, 1, anchor.replace(day=1) if anchor else None, context_year)
        if y2 is not None:
            value, precision = f"{y2:04d}-{mo:02d}", "month"
    elif form == "my":
        value, precision = f"{int(g('my_y')):04d}-{_month(g('my_m')):02d}", "month"
    elif form == "quarter":
        n = g("q_n") or g("q_n3") or str(_ORD[g("q_o").lower()])
        value, precision = f"{g('q_y') or g('q_y2') or g('q_y3')}-Q{n}", "quarter"
    elif form == "half":
        n = g("h_n") or str(_ORD[g("h_o").lower()])
        value, precision = f"{g('h_y') or g('h_y2')}-H{n}", "half"
    elif form == "season":
        season = (g("s_s") or g("s_s2")).lower()
        season = "fall" if season == "autumn" else season
        value, precision = f"{g('s_y') or g('s_y2')}-{season}", "season"
    elif form == "holiday":
        if g("xmas"):
            xmas_year = int(g("xmas_y"))
            holiday = date(xmas_year, 12, 25) if g("xmas").lower().startswith("christmas") else _thanksgiving(xmas_year)
            value, precision = holiday.isoformat(), "day"
        else:
            value, precision = f"{g('hol_y') or g('hol_y2')}-holidays", "season"
    elif form == "part":
        part, part_year = " ".join(g("p_w").lower().split()), g("p_y")
        if part in ("early", "beginning of", "start of"):
            value, precision = f"{part_year}-H1", "half"
        elif part in ("late", "end of"):
            value, precision = f"{part_year}-H2", "half"
        else:
            value, precision = part_year, "year"
    elif form == "rel":
        relative = True
        value, precision = _relative(g("rel_w"), g("rel_u"), anchor)
    elif form == "holrel":
        relative = True
        if anchor is not None:
            value, precision = f"{anchor.year}-holidays", "season"
    elif form == "day_rel":
        relative = True
        if anchor is not None:
            shift = 1 if g("dr_w").lower() == "tomorrow" else 0
            value, precision = (anchor + timedelta(days=shift)).isoformat(), "day"
    elif form == "wday":
        relative = True
        value, precision = _relative("this", g("wd"), anchor)
    elif form == "year":
        value, precision = g("y"), "year"
    if value is not None:
        try:
            window(value)
        except ValueError:
            value, precision = None, None
    start = m.start("wd") if form == "wday" else m.start("mo_m") if form == "mon" else m.start()
    return DateMention(start, m.end(), m.string[start: m.end()], value, precision, form, relative)


def find_dates(
    text: str, anchor: date | None = None, *, day_first: bool = False, default_year: int | None = None
) -> list[DateMention]:
    """Every date expression in `text`, left to right, resolved against `anchor` when relative.

    A day written without a year ("June 6") takes the anchor's year (or the next); without an
    anchor, the year the text last wrote (`default_year`, then earlier dates of `text`).
    """
    out: list[DateMention] = []
    context_year: int | None = default_year
    for m in DATE_RE.finditer(text):
        try:
            mention = resolve(m, anchor, day_first=day_first, context_year=context_year)
        except (ValueError, OverflowError):  # an anchor at the calendar's edge (year 1 or 9999)
            mention = DateMention(m.start(), m.end(), m.group(0), None, None, m.lastgroup or "", True)
        out.append(mention)
        if mention.value and mention.value[:4].isdigit():
            context_year = int(mention.value[:4])
    return out


_VISIBLE_DATE_RE = re.compile(
    rf"(?P<label>updated|last\s+updated|modified|published|posted|date)?[:\s(]*"
    rf"(?P<date>\b(?:{_YEAR})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b"
    rf"|\b[0-3]?\d[/.][0-3]?\d[/.](?:{_YEAR})\b"
    rf"|\b{_MON}\s+{_DAY},?\s+{_YEAR}\b|\b{_DAY}\s+{_MON},?\s+{_YEAR}\b)",
    re.IGNORECASE,
)


def visible_dates(text: str, *, day_first: bool = False, head_chars: int = 600) -> tuple[date | None, date | None]:
    """(published, updated) read from dates written near the top of an article body.

    "1/3/2024 • 4 min read" and "(Updated 02/22/2024)" are how many sites print them; numeric dates
    are month-first unless `day_first` (the page's locale writes day/month).
    """
    published: date | None = None
    updated: date | None = None
    for m in _VISIBLE_DATE_RE.finditer(text[:head_chars]):
        dm = DATE_RE.match(m.group("date"))
        if not dm:
            continue
        value = resolve(dm, None, day_first=day_first).value
        if not value or len(value) != 10:
            continue
        d = date.fromisoformat(value)
        label = (m.group("label") or "").lower()
        line_start = text.rfind("\n", 0, m.start("date")) + 1
        line_end = text.find("\n", m.end("date"))
        line = text[line_start: line_end if line_end >= 0 else len(text)]
        if not label and (len(line) - len(m.group("date")) > 30 or line.rstrip().endswith(".")):
            continue  # a date inside a sentence is what the article talks about, not its own date
        if label.endswith(("updated", "modified")):
            updated = updated or d
        elif published is None:
            published = d
    if published and updated and updated < published:
        published, updated = updated, published
    return published, updated
