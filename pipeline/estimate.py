"""Best current estimate per comparison group, and source reliability learned from agreement.

Each source's latest claim in a group votes for every candidate value it is compatible with,
weighted by the source's trust (configured, or learned when the user turns that on) and by how
recent its article is (published or updated date, else first seen; the weight halves every
`half_life_days`). A source votes once per group however many pages it has, so agreement counts
independent sources. Among the best-supported values the most precise wins: "June 6, 2025" beats
"2025" when nobody contradicts it.

The clock is an argument (`today`); nothing here reads the time.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from pipeline.compare import comparison_groups, compatible_values, is_current, precision_rank, value_of
from pipeline.model import ObservedClaim

DEFAULT_TRUST = 0.5
HALF_LIFE_DAYS = 180.0


@dataclass(frozen=True, slots=True)
class Estimate:
    """The value a group most likely holds now, and why."""

    group: tuple
    value: str
    shown: str  # the value as a person reads it (a cast estimate shows the character)
    score: float
    share: float  # score / total weight of all sources in the group
    supporting_sources: tuple[str, ...]
    dissenting_sources: tuple[str, ...]
    claim_ids: tuple[int, ...]
    reason: str
    subject: str | None = None  # the actor, for a cast estimate


def article_date(c: ObservedClaim) -> date:
    return c.published or c.seen_at.date()


def recency_weight(c: ObservedClaim, today: date, half_life_days: float = HALF_LIFE_DAYS) -> float:
    age = max(0, (today - article_date(c)).days)
    return 0.5 ** (age / half_life_days)


def _latest_per_source(claims: Sequence[ObservedClaim]) -> dict[str, list[ObservedClaim]]:
    """Each source's claims from its most recent article in the group."""
    by_source: dict[str, list[ObservedClaim]] = defaultdict(list)
    for c in claims:
        by_source[c.source].append(c)
    latest = {}
    for source, cs in by_source.items():
        newest = max((article_date(c), c.seen_at) for c in cs)
        latest[source] = [c for c in cs if (article_date(c), c.seen_at) == newest]
    return latest


def _shown(c: ObservedClaim) -> str:
    if c.claim.field == "cast":
        return c.claim.character or ""
    return c.claim.value or ""


def estimate_group(group: tuple, claims: Sequence[ObservedClaim], trust: Mapping[str, float], today: date,
                   half_life_days: float = HALF_LIFE_DAYS) -> Estimate | None:
    """The best estimate for one comparison group, or None when no claim carries a value to choose."""
    field = group[1]
    latest = _latest_per_source(claims)
    candidates: dict[str, ObservedClaim] = {}
    for cs in latest.values():
        for c in cs:
            if value_of(c):
                candidates.setdefault(value_of(c), c)
    if not candidates and field == "cast":
        # Everyone agrees the actor is in the film; nobody names the role.
        candidates = {"": next(c for cs in latest.values() for c in cs)}
    if not candidates:
        return None
    weight = {
        source: trust.get(source, DEFAULT_TRUST) * max(recency_weight(c, today, half_life_days) for c in cs)
        for source, cs in latest.items()
    }
    total = sum(weight.values()) or 1.0

    def supporters(value: str) -> list[str]:
        return sorted(s for s, cs in latest.items() if all(compatible_values(field, value, value_of(c)) for c in cs))

    def rank(value: str) -> tuple:
        score = sum(weight[s] for s in supporters(value))
        newest = max(article_date(c) for cs in latest.values() for c in cs if value_of(c) == value)
        return (round(score, 9), precision_rank(value) if field == "release_date" else 0, newest, value)

    best = max(candidates, key=rank)
    support = supporters(best)
    score = sum(weight[s] for s in support)
    dissent = sorted(set(latest) - set(support))
    ids = tuple(sorted(c.claim_id for s in support for c in latest[s]))
    reason = f"{len(support)} of {len(latest)} source(s): {', '.join(support)}"
    if dissent:
        reason += f"; against: {', '.join(dissent)}"
    subject = candidates[best].claim.value if field == "cast" else None
    return Estimate(group, best, _shown(candidates[best]), score, score / total, tuple(support), tuple(dissent), ids,
                    reason, subject)


def estimates(claims: Sequence[ObservedClaim], trust: Mapping[str, float], today: date,
              half_life_days: float = HALF_LIFE_DAYS) -> list[Estimate]:
    """The best current estimate of every comparison group among the current claims."""
    current = [c for c in claims if is_current(c)]
    found = (estimate_group(g, cs, trust, today, half_life_days) for g, cs in comparison_groups(current).items())
    return sorted((e for e in found if e is not None), key=lambda e: tuple(str(x) for x in e.group))


def learn_reliability(claims: Sequence[ObservedClaim], prior: Mapping[str, float], today: date,
                      rounds: int = 5, prior_weight: float = 2.0) -> dict[str, float]:
    """Source reliability learned from how often a source's claims agree with the estimate.

    In the spirit of TruthFinder: estimates are computed with the current reliabilities, each
    source's reliability becomes its (prior-smoothed) share of claims that agree with the estimate
    of their group, and this repeats until it settles. The configured trust is the prior, worth
    `prior_weight` claims, so a source with few claims keeps roughly its configured trust.
    """
    current = [c for c in claims if is_current(c)]
    groups = comparison_groups(current)
    reliability = {source: prior.get(source, DEFAULT_TRUST) for source in {c.source for c in current}}
    for _ in range(rounds):
        agree: dict[str, float] = defaultdict(float)
        seen: dict[str, float] = defaultdict(float)
        for group, cs in groups.items():
            if len({c.source for c in cs}) < 2:
                continue  # a lone source agrees with itself; that says nothing about it
            best = estimate_group(group, cs, reliability, today)
            if best is None:
                continue
            for c in cs:
                if not value_of(c):
                    continue
                seen[c.source] += 1
                agree[c.source] += compatible_values(group[1], best.value, value_of(c))
        updated = {
            source: (prior.get(source, DEFAULT_TRUST) * prior_weight + agree[source]) / (prior_weight + seen[source])
            for source in reliability
        }
        if all(abs(updated[s] - reliability[s]) < 1e-6 for s in reliability):
            return updated
        reliability = updated
    return reliability
