"""The alert email's content: subject, plain-text part and HTML part, from Jinja2 templates.

One message is one alert (mode = "immediate") or a digest of several grouped by film. Everything
scraped (titles, evidence sentences, URLs) reaches the HTML only through autoescaping, so a
`<script>` in a page shows as text. Pure: the caller passes the events and the time.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from pipeline.alerts.text import SourceChange, change_subject, claim_value, event_subject, old_new, what
from pipeline.report import ReportClaim, ReportEvent

SOURCES_GROUP = "Sources"
_SIDES = {"conflict": ("says", "says"), "resolved": ("said", "said"), "withdrawn": ("said", "says")}


@dataclass(frozen=True, slots=True)
class AlertItem:
    """One delivery's content: an event, or a change of a source's state."""

    delivery_id: int
    event: ReportEvent | None = None
    change: SourceChange | None = None

    @property
    def group(self) -> str:
        return self.event.film if self.event is not None else SOURCES_GROUP

    @property
    def subject(self) -> str:
        if self.event is not None:
            return event_subject(self.event)
        assert self.change is not None
        return change_subject(self.change)


@dataclass(frozen=True, slots=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


@lru_cache(maxsize=2)
def _environment(html: bool) -> Environment:
    return Environment(
        loader=PackageLoader("pipeline", "templates"), autoescape=html, undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        auto_reload=False,  # the templates ship with the code; no stat() per message
    )


def _claim(c: ReportClaim, side: str) -> dict[str, Any]:
    published = getattr(c, "published", None)
    # Only web links become links: a scraped "javascript:" URL stays text.
    return {"side": side, "value": claim_value(c), "source": c.source, "url": c.url,
            "href": c.url if c.url.startswith(("http://", "https://")) else None,
            "evidence": " ".join(c.evidence.split()), "published": published.isoformat() if published else None}


def _item(item: AlertItem) -> dict[str, Any]:
    e, change = item.event, item.change
    if e is None:
        assert change is not None
        return {"subject": item.subject, "type": "source_broken", "what": "source" if change.source else "crawl",
                "change": f"{change.was} → {change.state}", "detail": change.detail, "summary": None,
                "sources": [change.source] if change.source else [], "claims": []}
    # A conflict's two sides both stand now; a change has a before and an after.
    was, now = _SIDES.get(e.type, ("was", "now"))
    return {
        "subject": item.subject, "type": e.type, "what": what(e), "change": old_new(e), "detail": None,
        "summary": e.summary, "sources": list(e.sources),
        "claims": [_claim(c, was) for c in e.old] + [_claim(c, now) for c in e.new],
    }


def digest_subject(items: Sequence[AlertItem]) -> str:
    """'releasewatch digest: 5 alerts about 2 films (Ballerina 3, Sinners 2)'."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.group] = counts.get(item.group, 0) + 1
    films = [g for g in counts if g != SOURCES_GROUP]
    about = f"{len(films)} film{'s' if len(films) != 1 else ''}" if films else "sources"
    listed = ", ".join(f"{g} {n}" for g, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    text = f"releasewatch digest: {len(items)} alert{'s' if len(items) != 1 else ''} about {about} ({listed})"
    return " ".join(text.split())[:200]


def render_email(items: Sequence[AlertItem], subscription: str, generated_at: datetime, *,
                 digest: bool = False) -> RenderedEmail:
    """The message for these alerts (one, or a digest grouped by film, films in alphabetical order
    and source changes last), with a footer naming the subscription that matched and the time of
    the alert (`generated_at`, shown in its own zone)."""
    if not items:
        raise ValueError("an alert email needs at least one alert")
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in sorted(items, key=lambda i: (i.group == SOURCES_GROUP, i.group.casefold(), i.delivery_id)):
        groups.setdefault(item.group, []).append(_item(item))
    subject = digest_subject(items) if digest else items[0].subject
    context = {
        "subject": subject, "digest": digest, "groups": list(groups.items()), "count": len(items),
        "subscription": subscription, "generated_at": generated_at.strftime("%Y-%m-%d %H:%M %Z").strip(),
    }
    return RenderedEmail(
        subject=subject,
        text=_environment(False).get_template("alert_email.txt.j2").render(context),
        html=_environment(True).get_template("alert_email.html.j2").render(context),
    )
