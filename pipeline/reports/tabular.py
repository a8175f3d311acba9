"""Reports as data: JSON (the shape `report --format json` always had, extended), CSV, Markdown."""
from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from pipeline.report import _old_new, _what, event_json
from pipeline.reports.views import ClaimView, Dossier, EstimateView, OpenConflict, ReportEvent, ReportView, Review

#: CSV columns, in order. Append new ones at the end; never rename or reorder (spreadsheets refer to them).
CSV_COLUMNS = ("id", "detected_at", "type", "severity", "film", "field", "region", "kind", "actor", "old_new",
               "summary", "sources", "old_urls", "new_urls", "reviewed_by", "reviewed_at", "review_note", "fingerprint")


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def review_json(r: Review | None) -> dict[str, Any] | None:
    return None if r is None else {"by": r.by, "at": _iso(r.at), "note": r.note}


def report_event_json(item: ReportEvent) -> dict[str, Any]:
    """pipeline.report.event_json (the stable keys) plus what reports added later."""
    e = item.event
    found = event_json(e)  # type: ignore[arg-type]
    found.update({"film_key": e.film_key, "fingerprint": e.fingerprint, "superseded_at": _iso(e.superseded_at),
                  "reviewed": review_json(item.review)})
    return found


def estimate_json(e: EstimateView) -> dict[str, Any]:
    return {"field": e.field, "scope": e.scope, "estimate": e.shown, "share": round(e.share, 3), "reason": e.reason,
            "supporting_sources": list(e.supporting), "dissenting_sources": list(e.dissenting)}


def conflict_json(c: OpenConflict) -> dict[str, Any]:
    return {"field": c.field, "scope": c.scope, "sides": [
        {"value": side.value, "claims": [{"source": s.source, "evidence": s.evidence, "url": s.url} for s in side.said]}
        for side in c.sides]}


def render_json(view: ReportView, width: int = 80) -> str:
    doc = {
        "events": [report_event_json(e) for e in view.events],
        "generated_at": _iso(view.generated_at), "since": _iso(view.since), "after_event_id": view.after_event_id,
        "filters": view.filters,
        "summary": {"counts": view.counts, "films_with_open_conflicts": list(view.films_in_conflict)},
        "films": [{"title": f.title, "key": f.key, "estimates": [estimate_json(e) for e in f.estimates],
                   "open_conflicts": [conflict_json(c) for c in f.conflicts]} for f in view.films],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _claim_json(c: ClaimView) -> dict[str, Any]:
    return {"source": c.source, "url": c.url, "field": c.field, "value": c.value, "precision": c.precision,
            "status": c.status, "region": c.region, "kind": c.kind, "character": c.character,
            "evidence": c.evidence, "seen_at": _iso(c.fetched_at), "published": _iso(c.published)}


def render_dossier_json(d: Dossier, width: int = 80) -> str:
    doc = {
        "film": d.title, "key": d.key, "aliases": list(d.aliases), "generated_at": _iso(d.generated_at),
        "estimates": [estimate_json(e) for e in d.estimates],
        "open_conflicts": [conflict_json(c) for c in d.conflicts],
        "latest_claims": [_claim_json(c) for c in d.latest],
        "history": [_claim_json(c) for c in d.history],
        "people": [{"field": f, "name": n, "character": ch, "sources": list(s)} for f, n, ch, s in d.people],
        "events": [report_event_json(e) for e in d.events],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def render_csv(view: ReportView, width: int = 80) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in view.events:
        e, r = item.event, item.review
        writer.writerow([
            e.id, _iso(e.detected_at), e.type, e.severity, e.film, e.field, e.region or "", e.kind or "",
            e.actor or "", _old_new(e), e.summary, " ".join(e.sources),  # type: ignore[arg-type]
            " ".join(sorted({c.url for c in e.old})), " ".join(sorted({c.url for c in e.new})),
            r.by if r else "", _iso(r.at) if r else "", (r.note or "") if r else "", e.fingerprint,
        ])
    return buffer.getvalue()


# Only what means something mid-line: md() text never starts a line (it follows "- ", "| " or "## "),
# so "-", "+", "#", "." and "(" cannot start a list, a heading or a link target.
_MD_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_[]|~>"} | {"<": "&lt;", "&": "&amp;", "\n": " ", "\r": " "})


def md(text: object) -> str:
    """Scraped text made inert in Markdown: emphasis, code, links, tables and raw HTML are escaped
    (`<` and `&` become entities, so no renderer reads HTML from it); line breaks become spaces."""
    return str(text).translate(_MD_SPECIAL)


_PLAIN_URL = re.compile(r"https?://[^\s<>\\`]+")


def md_link(url: str) -> str:
    """A URL as a Markdown autolink when it is a plain http(s) URL, else as escaped text."""
    return f"<{url}>" if _PLAIN_URL.fullmatch(url) else md(url)


def render_markdown(view: ReportView, width: int = 80) -> str:
    out = [f"# releasewatch change report", "",
           f"Generated {view.generated_at:%Y-%m-%d %H:%M} UTC; {len(view.events)} event(s)"
           + (f" since {view.since:%Y-%m-%d %H:%M} UTC" if view.since else "")
           + (f" after event #{view.after_event_id}" if view.after_event_id else "") + "."]
    if view.events:
        out.append("")
        out.append(", ".join(f"{n} {t}" for t, n in view.counts.items()) + ".")
    if view.films_in_conflict:
        out += ["", "Open conflicts: " + ", ".join(md(t) for t in view.films_in_conflict) + "."]
    for f in view.films:
        out += ["", f"## {md(f.title)}", ""]
        for est in f.estimates:
            scope = f" ({md(est.scope)})" if est.scope else ""
            out.append(f"- best {md(est.field.replace('_', ' '))}{scope}: **{md(est.shown)}**, {md(est.reason)}")
        for c in f.conflicts:
            scope = f" ({md(c.scope)})" if c.scope else ""
            out += ["", f"**Open conflict, {md(c.field.replace('_', ' '))}{scope}:**", ""]
            for side in c.sides:
                for s in side.said:
                    out.append(f"- {md(side.value)}: {md(s.source)}, “{md(s.evidence)}” {md_link(s.url)}")
        out += ["", "| # | detected | event | what | old → new | sources | reviewed |", "|---|---|---|---|---|---|---|"]
        for item in f.events:
            e, r = item.event, item.review
            reviewed = f"{md(r.by)} {r.at:%Y-%m-%d}" if r else ""
            out.append(f"| {e.id} | {e.detected_at:%Y-%m-%d %H:%M} | {md(e.type)} | {md(_what(e))} | "  # type: ignore[arg-type]
                       f"{md(_old_new(e))} | {md(', '.join(e.sources))} | {reviewed} |")  # type: ignore[arg-type]
        if f.hidden_events:
            out.append(f"\n{f.hidden_events} older event(s) not shown: run with `--film` for all of them.")
    if not view.events:
        out += ["", "Nothing to report."]
    return "\n".join(out) + "\n"
