"""Conservative film identity: one normalised key per way of writing a title.

Only differences a reader would never count as a different film are removed (case, accents,
punctuation, a leading article, "&" for "and"); subtitles and franchise prefixes are matched
through watch-list aliases, not guessed here, so two different films never share a key.
"""
from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w\s]")
_SPACE = re.compile(r"\s+")
_LEADING_ARTICLE = re.compile(r"^(the|a|an) ")


def film_key(title: str, year: int | None = None) -> str:
    """'BALLERINA' -> 'ballerina'; 'The Batman' -> 'batman'; with a year: 'ballerina (2025)'."""
    text = title
    if not text.isascii():  # ASCII has no accents to strip: the common case skips the slow part
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = text.casefold()
    text = text.replace("&", " and ")
    text = _NON_WORD.sub(" ", text)
    text = _SPACE.sub(" ", text).strip()
    text = _LEADING_ARTICLE.sub("", text) or text
    return f"{text} ({year})" if year else text
