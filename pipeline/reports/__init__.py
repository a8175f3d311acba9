"""Change reports and film dossiers: one registry of output formats, pure renderers over views.

FORMATS maps a format name to its renderers; `releasewatch report --format` offers every format
with a report renderer, `releasewatch film --format` every one with a dossier renderer. A new
format is one entry here and one renderer module.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipeline.reports.atom import render_atom
from pipeline.reports.html import render_dossier_html, render_html
from pipeline.reports.tabular import render_csv, render_dossier_json, render_json, render_markdown
from pipeline.reports.text import render_dossier_text, render_text
from pipeline.reports.views import Dossier, ReportView


@dataclass(frozen=True, slots=True)
class FormatSpec:
    suffix: str  # of a file written in this format
    report: Callable[[ReportView, int], str] | None = None
    dossier: Callable[[Dossier, int], str] | None = None


FORMATS: dict[str, FormatSpec] = {
    "text": FormatSpec(".txt", render_text, render_dossier_text),
    "html": FormatSpec(".html", render_html, render_dossier_html),
    "md": FormatSpec(".md", render_markdown),
    "csv": FormatSpec(".csv", render_csv),
    "json": FormatSpec(".json", render_json, render_dossier_json),
    "atom": FormatSpec(".atom", render_atom),
}

REPORT_FORMATS = tuple(name for name, spec in FORMATS.items() if spec.report)
DOSSIER_FORMATS = tuple(name for name, spec in FORMATS.items() if spec.dossier)
