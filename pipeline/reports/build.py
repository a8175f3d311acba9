"""Build report views from what storage read: pure functions, the clock passed in.

Estimates and open conflicts come from the claims current now (pipeline.estimate), not from stored
conflict events, so a conflict the report calls open is one the pages still show.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pipeline.compare import comparison_groups, is_current, precision_rank
from pipeline.estimate import Estimate, estimate_group
from pipeline.model import ObservedClaim
from pipeline.reports.views import (
    ClaimView,
    Dossier,
    ConflictSide,
    EstimateView,
    EventView,
    FilmSection,
    OpenConflict,
    ReportEvent,
    ReportView,
    Review,
    Said,
    Timeline,
    TimelinePoint,
    TimelineSeries,
)

#: Events a film section lists in HTML; beyond it the section says how many more (`--film` shows all).
EVENTS_PER_FILM = 30


def scope_of(group: tuple) -> str:
    """A comparison group as a person reads its scope: "US · theatrical", an actor, or ""."""
    field = group[1]
    if field == "release_date":
        return " · ".join(str(x) for x in group[2:] if x and x != "unspecified")
    if field == "cast":
        return str(group[2]) if len(group) > 2 else ""
    return ""


def _shown(c: ObservedClaim) -> str:
    if c.claim.field == "cast":
        return c.claim.character or "(no role named)"
    return c.claim.value or ""


def estimate_view(e: Estimate, claims: Sequence[ObservedClaim]) -> EstimateView:
    scope = (e.subject or "") if e.group[1] == "cast" else scope_of(e.group)
    return EstimateView(e.group[1], scope, e.shown or "(no role named)", e.share, e.reason, e.supporting_sources,
                        e.dissenting_sources)


def film_estimates(claims: Sequence[ObservedClaim], trust: Mapping[str, float], today: Any
                   ) -> tuple[list[EstimateView], list[OpenConflict]]:
    """The best estimate of each group of one film's current claims, and the groups still in conflict."""
    found: list[EstimateView] = []
    conflicts: list[OpenConflict] = []
    groups = comparison_groups([c for c in claims if is_current(c)])
    for group in sorted(groups, key=lambda g: tuple(str(x) for x in g)):
        cs = groups[group]
        best = estimate_group(group, cs, trust, today)
        if best is None:
            continue
        view = estimate_view(best, cs)
        found.append(view)
        if best.dissenting_sources:
            sides: dict[str, dict[tuple[str, str], Said]] = defaultdict(dict)
            for c in sorted(cs, key=lambda c: (c.source, c.url, c.claim_id)):
                sides[_shown(c)].setdefault((c.source, c.url), Said(c.source, c.claim.evidence, c.url))
            ranked = sorted(sides.items(), key=lambda kv: (kv[0] != best.shown, -len(kv[1]), kv[0]))
            scope = view.scope
            conflicts.append(OpenConflict(group[1], scope, tuple(ConflictSide(v, tuple(s.values())) for v, s in ranked)))
    return found, conflicts


def _scope_key(c: ClaimView, primary: Mapping[str | None, str]) -> tuple[str | None, str]:
    kind = c.kind or "unspecified"
    if kind == "unspecified":
        kind = primary.get(c.region, "unspecified")
    return (c.region, kind)


def timeline(history: Iterable[ClaimView], until: datetime) -> Timeline | None:
    """Each source's claimed release date over time for the film's most-discussed release key.

    The key (region and kind, an unqualified kind joined to its region's usual kind as the diff
    does) is the one the most sources spoke about. Per source, each stored page version contributes
    its most precise date; a point is added only when the value differs from the source's previous
    one, and then records what it replaced, so every change is a marked point.
    """
    dates = [c for c in history if c.field == "release_date" and c.status != "previous" and c.value and c.start]
    if not dates:
        return None
    kinds: dict[str | None, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for c in dates:
        if c.kind and c.kind != "unspecified":
            kinds[c.region][c.kind].add(c.source)
    primary = {region: max(ks, key=lambda k: (len(ks[k]), k == "theatrical", k)) for region, ks in kinds.items()}
    by_scope: dict[tuple[str | None, str], set[str]] = defaultdict(set)
    for c in dates:
        by_scope[_scope_key(c, primary)].add(c.source)
    chosen = max(by_scope, key=lambda k: (len(by_scope[k]), k[0] is None, str(k[0]), k[1] == "theatrical", k[1]))
    per_snapshot: dict[tuple[str, int], ClaimView] = {}
    for c in dates:
        if _scope_key(c, primary) != chosen:
            continue
        held = per_snapshot.get((c.source, c.snapshot_id))
        if held is None or (precision_rank(c.value or ""), held.start) > (precision_rank(held.value or ""), c.start):
            per_snapshot[(c.source, c.snapshot_id)] = c
    series: dict[str, list[TimelinePoint]] = defaultdict(list)
    for c in sorted(per_snapshot.values(), key=lambda c: (c.fetched_at, c.snapshot_id)):
        points = series[c.source]
        if points and points[-1].value == c.value:
            continue
        assert c.start is not None and c.value is not None
        points.append(TimelinePoint(c.fetched_at, c.start, c.value, c.url, points[-1].value if points else None))
    scope = " · ".join(x for x in chosen if x and x != "unspecified")
    return Timeline(scope, tuple(TimelineSeries(s, tuple(p)) for s, p in sorted(series.items())), until)


def order_events(events: Iterable[EventView]) -> list[list[EventView]]:
    """Events grouped by film, the film with the newest event first, each group newest first."""
    by_film: dict[str, list[EventView]] = defaultdict(list)
    for e in events:
        by_film[e.film_key or e.film].append(e)
    groups = [sorted(es, key=lambda e: e.id, reverse=True) for es in by_film.values()]
    return sorted(groups, key=lambda es: es[0].id, reverse=True)


def build_report(events: Sequence[EventView], reviews: Mapping[int, Review], current: Sequence[ObservedClaim],
                 trust: Mapping[str, float], histories: Mapping[str, Sequence[ClaimView]], generated_at: datetime,
                 since: datetime | None = None, after_event_id: int | None = None,
                 filters: Mapping[str, Any] | None = None, events_per_film: int = EVENTS_PER_FILM) -> ReportView:
    """The report of `events`: `current` holds the current claims of their films (for estimates and
    open conflicts), `histories` every release-date claim per film key (for timelines)."""
    today = generated_at.date()
    claims_by_film: dict[str, list[ObservedClaim]] = defaultdict(list)
    for c in current:
        claims_by_film[c.film_key].append(c)
    ordered: list[ReportEvent] = []
    films: list[FilmSection] = []
    for group in order_events(events):
        items = [ReportEvent(e, reviews.get(e.id)) for e in group]
        ordered += items
        key = group[0].film_key or group[0].film
        estimates, conflicts = film_estimates(claims_by_film.get(key, []), trust, today)
        films.append(FilmSection(
            group[0].film, key, tuple(estimates), tuple(conflicts), tuple(items[:events_per_film]),
            timeline(histories.get(key, ()), generated_at), max(0, len(items) - events_per_film)))
    return ReportView(generated_at, since, after_event_id, dict(filters or {}), tuple(ordered), tuple(films))


def people_of(current: Sequence[ObservedClaim]) -> list[tuple[str, str, str | None, tuple[str, ...]]]:
    """Director and cast as the current claims name them: (field, name, character, sources).

    One row per person and role name; a person two sources give different characters gets a row
    per character, so the disagreement shows.
    """
    rows: dict[tuple[str, str, str | None], set[str]] = defaultdict(set)
    names: dict[tuple[str, str], str] = {}
    for c in current:
        if c.claim.field not in ("director", "cast") or not c.claim.value:
            continue
        key = (c.claim.field, c.claim.value.casefold())
        names.setdefault(key, c.claim.value)
        rows[(c.claim.field, key[1], c.claim.character)].add(c.source)
    found = [(field, names[(field, name)], character, tuple(sorted(sources)))
             for (field, name, character), sources in rows.items()]
    return sorted(found, key=lambda r: (r[0] != "director", r[1].casefold(), r[2] or ""))


def build_dossier(title: str, key: str, aliases: Sequence[str], current: Sequence[ObservedClaim],
                  history: Sequence[ClaimView], events: Sequence[EventView], reviews: Mapping[int, Review],
                  trust: Mapping[str, float], generated_at: datetime) -> Dossier:
    """`releasewatch film`'s view of one film: `current` its current claims, `history` every claim
    ever stored about it (oldest first), `events` its events."""
    estimates, conflicts = film_estimates(current, trust, generated_at.date())
    current_ids = {c.claim_id for c in current}
    latest = sorted((c for c in history if c.id in current_ids), key=lambda c: (c.source, c.field, c.url, c.id))
    items = tuple(ReportEvent(e, reviews.get(e.id)) for e in sorted(events, key=lambda e: e.id, reverse=True))
    return Dossier(title, key, tuple(aliases), generated_at, tuple(estimates), tuple(conflicts), tuple(latest),
                   tuple(history), tuple(people_of(current)), timeline(history, generated_at), items)
