"""Scraped text made safe to show in a terminal: control characters become visible escapes.

Page titles, names, evidence sentences, URLs and server headers are written by whoever runs the
site. Printed raw, `\x1b[2J` clears the reader's screen, an OSC 8 sequence turns text into a link
to somewhere else, and a bidi override reverses what a line appears to say. Everything that
reaches a terminal goes through `visible` (or `shown`, its rich-markup form), and JSON output
through `visible_json`, so what a person reads is what the page said, escapes included.
"""
from __future__ import annotations

import re

from rich.markup import escape

# C0 controls and DEL, C1 controls (U+009B is a one-character CSI), and the invisible format
# characters that reorder or hide text (bidi embeddings, overrides and isolates, zero-width marks).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]")
# What JSON may carry raw that a terminal still obeys (json.dumps escapes C0 itself).
_JSON_CONTROL = re.compile("[\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object) -> str:
    """`text` with every control and invisible format character written as `\\x1b` / `\\u202e`."""
    return _CONTROL.sub(_escaped, str(text))


def shown(text: object) -> str:
    """`visible(text)` escaped for rich markup, so `[bold]` in a title is printed, not obeyed."""
    return escape(visible(text))


def visible_json(dumped: str) -> str:
    """JSON text (from json.dumps(..., ensure_ascii=False)) with the characters above as \\u escapes:
    the same JSON value, harmless on a terminal."""
    return _JSON_CONTROL.sub(lambda m: f"\\u{ord(m[0]):04x}", dumped)
