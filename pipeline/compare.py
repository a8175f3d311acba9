"""How claims are compared (DESIGN.md keys, comparison groups, compatibility), shared by the diff
and the best-estimate stage so that both always agree on what "the same" and "in conflict" mean.

Release dates are compared by comparison group. A claim that names a region is compared only with
claims for that region; within a region, claims that name no kind join the kind most sources of
that region describe (the primary release), so "2025" in a review meets "July 7, 2024 in theaters",
while "21 November 2025 in UK cinemas" never meets an unqualified "November 7, 2025".
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache

from pipeline.film_identity import film_key
from pipeline.model import ObservedClaim
from pipeline.release_window import window as parse_window

# Both are pure and called for every claim of every diff; a replay of the whole history meets the
# same names and values again and again.
name_key = lru_cache(maxsize=1 << 16)(film_key)
window = lru_cache(maxsize=1 << 14)(parse_window)

PRECISION_RANK = {"day": 5, "month": 4, "quarter": 3, "season": 3, "half": 2, "year": 1}


def is_current(c: ObservedClaim) -> bool:
    """Claims that take part in changes and conflicts: valued, and not a `previous` (historical) date."""
    return bool(c.claim.value) and (c.claim.field != "release_date" or c.claim.status != "previous")


def kind_of(c: ObservedClaim) -> str:
    return c.claim.kind or "unspecified"


def value_of(c: ObservedClaim) -> str:
    """The compared value: release-date value, director name key, or a cast claim's character key."""
    value = c.memo_value
    if value is None:
        if c.claim.field == "cast":
            value = name_key(c.claim.character) if c.claim.character else ""
        elif c.claim.field == "director":
            value = name_key(c.claim.value or "")
        else:
            value = c.claim.value or ""
        object.__setattr__(c, "memo_value", value)  # a cache on a frozen claim; see ObservedClaim
    return value


def cast_key(film_key: str, actor: str | None) -> tuple:
    """The diff key of a cast claim: one per (film, actor), however the actor's name is written."""
    return (film_key, "cast", name_key(actor or ""))


def key_of(c: ObservedClaim) -> tuple:
    """DESIGN.md's diff key: (film, release_date, region, kind), (film, director), (film, cast, actor)."""
    key = c.memo_key
    if key is None:
        field = c.claim.field
        if field == "release_date":
            key = (c.film_key, field, c.claim.region, kind_of(c))
        elif field == "cast":
            key = cast_key(c.film_key, c.claim.value)
        else:
            key = (c.film_key, field)
        object.__setattr__(c, "memo_key", key)  # a cache on a frozen claim; see ObservedClaim
    return key


def primary_kinds(claims: Iterable[ObservedClaim]) -> dict[tuple[str, str | None], str]:
    """Per (film, region): the explicit kind most sources describe (ties: theatrical first)."""
    sources: dict[tuple, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for c in claims:
        if c.claim.field == "release_date" and kind_of(c) != "unspecified":
            sources[(c.film_key, c.claim.region)][kind_of(c)].add(c.source)
    return {group: primary_kind(kinds) for group, kinds in sources.items()}


def primary_kind(sources_by_kind: dict[str, set[str]]) -> str:
    """Of a film-region's explicit kinds, the one most sources describe (ties: theatrical first)."""
    return max(sources_by_kind, key=lambda k: (len(sources_by_kind[k]), k == "theatrical", k))


def group_of(c: ObservedClaim, primary: dict[tuple[str, str | None], str]) -> tuple:
    """The comparison group: the diff key, with an unqualified kind joined to its region's primary kind."""
    if c.claim.field == "release_date":
        kind = kind_of(c)
        if kind == "unspecified":
            kind = primary.get((c.film_key, c.claim.region), "unspecified")
        return (c.film_key, "release_date", c.claim.region, kind)
    return key_of(c)


def comparison_groups(claims: Sequence[ObservedClaim]) -> dict[tuple, list[ObservedClaim]]:
    primary = primary_kinds(claims)
    groups: dict[tuple, list[ObservedClaim]] = defaultdict(list)
    for c in claims:
        groups[group_of(c, primary)].append(c)
    return dict(groups)


def compatible_values(field: str, a: str, b: str) -> bool:
    """Whether two compared values can both be true: overlapping date intervals, or equal values
    (a cast claim that names no character is compatible with any character)."""
    if field == "release_date":
        try:
            return window(a).overlaps(window(b))
        except ValueError:
            return True
    if field == "cast" and (not a or not b):
        return True
    return a == b


def precision_rank(value: str) -> int:
    try:
        return PRECISION_RANK[window(value).precision]
    except ValueError:
        return 0
