"""Reports and dossiers as one self-contained HTML file: inline CSS, inline SVG charts, no script,
no external font, style or image, so it works offline and as an e-mail attachment.

Jinja2 with autoescape on: every scraped string (titles, sentences, URLs, source names) is
escaped where it is written, and links only keep http(s) URLs, so a page cannot inject markup,
script or a javascript: link into the report.
"""
from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from pipeline.report import _old_new, _what
from pipeline.reports.chart import chart
from pipeline.reports.views import Dossier, ReportView

TEMPLATES = files("pipeline.reports") / "templates"
#: Film sections shown open; later ones are folded (<details>) so a large report stays usable.
UNFOLDED_FILMS = 50


def safe_url(url: str) -> str:
    """The URL for an href: http(s) only; anything else (javascript:, data:) becomes a dead link."""
    return url if urlsplit(url.strip()).scheme.lower() in ("http", "https") else "#"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "film"


@cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=True)
    env.filters.update(safe_url=safe_url, slug=slug, chart=chart)
    env.globals.update(what=_what, old_new=_old_new)
    return env


@cache
def _style() -> Markup:
    # Our own stylesheet, not scraped text: inserted as is (escaping would break its quotes).
    return Markup((TEMPLATES / "_style.css").read_text(encoding="utf-8"))


def render_html(view: ReportView, width: int = 80) -> str:
    return environment().get_template("report.html").render(view=view, style=_style(), unfolded_films=UNFOLDED_FILMS)


def render_dossier_html(d: Dossier, width: int = 80) -> str:
    return environment().get_template("film.html").render(d=d, style=_style())
