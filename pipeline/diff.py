"""The diff: claims before vs claims now -> events (DESIGN.md, "Events"). A pure function.

`before` and `now` are the current state of the same films: the claims of the latest snapshot of
every page, before and after one page was stored. Diffing a state against itself yields nothing.

Keys, comparison groups and compatibility are pipeline.compare's. `previous`-status claims are history and take no part in conflicts or changes.
"""
from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from pipeline.compare import compatible_values, is_current, key_of, precision_rank, primary_kind, value_of, window
from pipeline.model import Event, EventType, ObservedClaim

PageKey = tuple[str, str]  # (source, url)


class Slot(NamedTuple):
    """What one page says for one key: its values and the claims that say them.

    A NamedTuple rather than a dataclass: a replay builds one per key and page it applies."""

    values: frozenset[str]
    claims: tuple[ObservedClaim, ...]


Slots = dict[tuple, dict[PageKey, Slot]]  # key -> page -> what the page says for the key, pages in order
# page -> the (film, region, value) of each release date the page says was planned before
Earlier = dict[PageKey, frozenset[tuple[str, str | None, str]]]


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]


def _current(claims: Iterable[ObservedClaim]) -> list[ObservedClaim]:
    return [c for c in claims if is_current(c)]


def _slots(claims: Iterable[ObservedClaim]) -> Slots:
    slots: Slots = {}
    for c in claims:
        key, page = key_of(c), (c.source, c.url)
        pages = slots.get(key)
        if pages is None:
            slots[key] = {page: Slot(frozenset((value_of(c),)), (c,))}
            continue
        said = pages.get(page)
        if said is None:
            pages[page] = Slot(frozenset((value_of(c),)), (c,))
        else:  # rare: one page saying several things for one key
            pages[page] = Slot(said.values | {value_of(c)}, (*said.claims, c))
    return slots


def slots_of(claims: Iterable[ObservedClaim]) -> Slots:
    """What the claims say per key and page, as the diff compares them (current claims only); pages
    in the order the claims give them."""
    return _slots(_current(claims))


def page_slots(claims: Iterable[ObservedClaim]) -> dict[tuple, Slot]:
    """What one page's claims say per key."""
    return {key: slot for key, pages in slots_of(claims).items() for slot in pages.values()}


def earlier_dates(claims: Iterable[ObservedClaim]) -> Earlier:
    """Per page, the dates its claims give as `previous` ("pushed back from March 14"): they tell
    which of the page's former dates its new one replaces (see _continued_line)."""
    found: dict[PageKey, set[tuple[str, str | None, str]]] = defaultdict(set)
    for c in claims:
        if c.claim.field == "release_date" and c.claim.status == "previous" and c.claim.value:
            found[(c.source, c.url)].add((c.film_key, c.claim.region, c.claim.value))
    return {page: frozenset(values) for page, values in found.items()}


def _ids(claims: Iterable[ObservedClaim]) -> tuple[int, ...]:
    return tuple(sorted({c.claim_id for c in claims}))


def _event(type_: EventType, key: tuple, old: Sequence[ObservedClaim], new: Sequence[ObservedClaim],
           summary: str, severity: str = "normal", **details: object) -> Event:
    film, field = key[0], key[1]
    region = key[2] if field == "release_date" else None
    kind = key[3] if field == "release_date" else None
    actor = next((c.claim.value for c in [*new, *old] if field == "cast"), None)
    sources = tuple(sorted({c.source for c in [*old, *new]}))
    old_ids, new_ids = _ids(old), _ids(new)
    return Event(type_, film, field, region, kind, actor, old_ids, new_ids, sources, summary,
                 _fingerprint(type_, key, old_ids, new_ids), severity, dict(details))


def _describe(c: ObservedClaim) -> str:
    if c.claim.field == "cast":
        return f"{c.claim.value} as {c.claim.character}" if c.claim.character else str(c.claim.value)
    return str(c.claim.value)


def _change_kind(old: Sequence[ObservedClaim], new: Sequence[ObservedClaim]) -> dict[str, object]:
    """How a release date moved: postponed / moved earlier by N days, refined, or replaced."""
    if not old or not new or old[0].claim.field != "release_date":
        return {"change": "revised"}
    try:
        before = [window(c.claim.value or "") for c in old]
        after = [window(c.claim.value or "") for c in new]
    except ValueError:
        return {"change": "revised"}
    b_start, b_end = min(w.start for w in before), max(w.end for w in before)
    a_start, a_end = min(w.start for w in after), max(w.end for w in after)
    if b_start <= a_start and a_end <= b_end:
        return {"change": "refined"}
    if a_start <= b_start and b_end <= a_end:
        # "June 6, 2025" became "June 2025": still true, only less precise.
        return {"change": "less precise"}
    days = (a_start - b_start).days
    if days > 0:
        return {"change": "postponed", "days": days}
    if days < 0:
        return {"change": "moved earlier", "days": -days}
    return {"change": "revised"}


def _page_claim_counts(slots: Slots, only: PageKey | None) -> Counter[PageKey]:
    counts: Counter[PageKey] = Counter()
    for pages in slots.values():
        if only is not None:
            if only in pages:
                counts[only] += len(pages[only].claims)
            continue
        for page, slot in pages.items():
            counts[page] += len(slot.claims)
    return counts


def _drifted(before: Slots, now: Slots, only: PageKey | None) -> set[PageKey]:
    """Pages that suddenly yield none or far fewer claims: a site redesign or a consent wall, not news.

    Their missing claims are a source problem to report, not a flood of `withdrawn` events.
    """
    old, new = _page_claim_counts(before, only), _page_claim_counts(now, only)
    return {page for page, n in old.items() if new[page] == 0 or (n >= 4 and new[page] < n / 2)}


def _qualifies(old_key: tuple, new_key: tuple) -> str | None:
    """How `new_key` adds a region and/or kind to `old_key` (both release-date keys of one film), or None."""
    if old_key[:2] != new_key[:2] or old_key[1] != "release_date" or old_key == new_key:
        return None
    region_added = old_key[2] is None and new_key[2] is not None
    kind_added = old_key[3] == "unspecified" and new_key[3] != "unspecified"
    if (old_key[2] != new_key[2] and not region_added) or (old_key[3] != new_key[3] and not kind_added):
        return None
    return " and ".join(x for x, added in (("region", region_added), ("kind", kind_added)) if added) + " added"


def _changed_event(key: tuple, page: PageKey, old: Slot, new: Slot, qualified: str | None = None) -> Event:
    if old.values == new.values and qualified:
        details: dict[str, object] = {"change": qualified}
    else:
        details = _change_kind(old.claims, new.claims)
        if qualified:
            details["qualified"] = qualified
    was = ", ".join(sorted({_describe(c) for c in old.claims}))
    now_ = ", ".join(sorted({_describe(c) for c in new.claims}))
    days = details.get("days")
    how = str(details["change"]) + (f" by {days} day{'s' if days != 1 else ''}" if days else "")
    severity = "low" if details["change"] in ("refined", "less precise", qualified) else "normal"
    return _event("changed", key, old.claims, new.claims, f"{page[0]} changed {was} → {now_} ({how})",
                  severity, **details)


def _pages_of(pages: dict[PageKey, Slot], only: PageKey | None) -> Iterable[PageKey]:
    if only is None:
        return pages
    return (only,) if only in pages else ()


def _pages_by_film(slots: Slots, field: str, only: PageKey | None) -> dict[tuple[PageKey, str], set[tuple]]:
    found: dict[tuple[PageKey, str], set[tuple]] = defaultdict(set)
    for key, pages in slots.items():
        if key[1] == field:
            for page in _pages_of(pages, only):
                found[(page, key[0])].add(key)
    return found


def _continued_line(page: PageKey, new_key: tuple, gone: Iterable[tuple], before: Slots,
                    primary: dict[tuple[str, str | None], str], earlier: Earlier,
                    handled: set[tuple[tuple, PageKey]]) -> tuple | None:
    """The release-date key of `page` that `new_key` (a key the page did not hold) carries on, of
    the page's keys `gone` for the same film and region: the one whose date the page now calls
    previous, else, for a new date naming no kind, the one of the film's primary kind before.
    "Opens in theaters on March 14" followed by "pushed back from March 14 to November 7" is one
    source moving its date, not a date withdrawn and another one first seen."""
    candidates = [k for k in gone if k[2] == new_key[2] and (k, page) not in handled]
    said_before = earlier.get(page, frozenset())
    for old_key in candidates:
        if any((new_key[0], new_key[2], value) in said_before for value in before[old_key][page].values):
            return old_key
    if new_key[3] == "unspecified":
        return next((k for k in candidates if primary.get((k[0], k[2])) == k[3]), None)
    return None


def _changes(before: Slots, now: Slots, only: PageKey | None, earlier: Earlier) -> list[Event]:
    events = []
    drifted = _drifted(before, now, only)
    handled: set[tuple[tuple, PageKey]] = set()  # (old key, page) pairs already told as a change
    continued: set[tuple[tuple, PageKey]] = set()  # (new key, page) pairs told as a change of another key
    primary_before = _primary_kinds(before)
    films_before = {(page, key[0]) for key, pages in before.items() for page in _pages_of(pages, only)}
    dates_before, dates_now = _pages_by_film(before, "release_date", only), _pages_by_film(now, "release_date", only)
    for (page, film), new_keys in dates_now.items():
        old_keys = dates_before.get((page, film), set())
        for new_key in sorted(new_keys - old_keys, key=str):
            match = next(((k, q) for k in sorted(old_keys - new_keys, key=str) if (q := _qualifies(k, new_key))), None)
            if match and (match[0], page) not in handled:
                handled.add((match[0], page))
                events.append(_changed_event(new_key, page, before[match[0]][page], now[new_key][page], match[1]))
            elif (line := _continued_line(page, new_key, sorted(old_keys - new_keys, key=str), before,
                                          primary_before, earlier, handled)) is not None:
                handled.add((line, page))
                continued.add((new_key, page))
                events.append(_changed_event(line, page, before[line][page], now[new_key][page]))
            elif not old_keys and (page, film) in films_before:
                slot = now[new_key][page]
                shown = ", ".join(sorted({_describe(c) for c in slot.claims}))
                events.append(_event("changed", new_key, [], slot.claims, f"{page[0]} now gives a date: {shown} (dated)",
                                     change="dated"))
    for key, old_pages in before.items():
        for page in _pages_of(old_pages, only):
            if page not in now.get(key, {}) and page not in drifted and (key, page) not in handled:
                gone = old_pages[page].claims
                was = ", ".join(sorted({_describe(c) for c in gone}))
                events.append(_event("withdrawn", key, gone, [], f"{page[0]} no longer says {was}"))
    for key, pages in now.items():
        if only is not None and only not in pages:
            continue  # only `only`'s slots differ: a key it does not hold now is neither new nor changed
        old_pages = before.get(key, {})
        if not old_pages:
            new_claims = [c for page, slot in pages.items() if (key, page) not in continued for c in slot.claims]
            if not new_claims:
                continue
            shown = ", ".join(sorted({_describe(c) for c in new_claims}))
            events.append(_event("new", key, [], new_claims, f"first seen: {shown}"))
            continue
        for page, slot in pages.items():
            old = old_pages.get(page)
            if old is not None and old.values != slot.values:
                events.append(_changed_event(key, page, old, slot))
    return events


@dataclass(frozen=True, slots=True)
class _GroupConflict:
    """A disagreement in one comparison group: the value most sources support, and the values that
    cannot be true with it."""

    claims: tuple[ObservedClaim, ...]
    anchor: str
    outliers: frozenset[str]


def _support(field: str, holders: dict[str, set[str]]) -> dict[str, int]:
    """Per value: how many sources hold a value compatible with it.

    Release dates are split into days and coarser intervals: two different days never overlap, so
    a day is supported by its own holders and by the coarse values around it, and the work grows
    with days x coarse values, not with the square of all values (a much-covered film has hundreds
    of distinct days in one group)."""
    if field != "release_date":
        # Equal values agree; a cast claim naming no role ("") agrees with every role.
        if field != "cast" or "" not in holders:
            return {v: len(sources) for v, sources in holders.items()}
        everyone, anyone = set().union(*holders.values()), holders[""]
        return {v: len(everyone if v == "" else sources | anyone) for v, sources in holders.items()}
    spans = {v: window(v) for v in holders}
    coarse = [v for v, w in spans.items() if w.precision != "day"]
    support = {}
    for value, w in spans.items():
        sources = set(holders[value])
        for other in coarse:
            o = spans[other]
            if o.start <= w.end and w.start <= o.end:
                sources |= holders[other]
        if w.precision != "day":
            for other, o in spans.items():
                if o.precision == "day" and w.start <= o.start <= w.end:
                    sources |= holders[other]
        support[value] = len(sources)
    return support


def _contested(field: str, values: Iterable[str]) -> list[str]:
    """The values that cannot be true with at least one other value: those a disagreement is about.

    A value compatible with every other one (a cast claim naming no role, "2025" beside two days of
    2025) says nothing about the contested part; as the anchor it would have every other value agree
    with it, and a third source merely naming the actor would "resolve" a dispute over his role."""
    if field != "release_date":
        named = [v for v in values if v or field != "cast"]
        return named if len(named) > 1 else []
    spans = {v: window(v) for v in values}
    if len(spans) < 2:
        return []
    # v overlaps every other value iff it starts before the earliest end and ends after the latest
    # start among the others: the two extreme ends and starts are all that is needed, not all pairs.
    ends = sorted((w.end, v) for v, w in spans.items())[:2]
    starts = sorted(((w.start, v) for v, w in spans.items()), reverse=True)[:2]
    contested = []
    for value, w in spans.items():
        earliest_end = ends[1][0] if ends[0][1] == value else ends[0][0]
        latest_start = starts[1][0] if starts[0][1] == value else starts[0][0]
        if not (w.start <= earliest_end and latest_start <= w.end):
            contested.append(value)
    return contested


def _disagreement(group: tuple, holders: dict[str, set[str]]) -> tuple[str, frozenset[str]] | None:
    """The group's anchor (of the contested values, the one the most sources can agree with; ties:
    the most precise, then the earliest value) and its outliers (values that cannot be true with it,
    held by another source); None when there is no disagreement between sources."""
    field = group[1]
    if len(holders) - (field == "cast" and "" in holders) < 2:
        return None  # one value, or one role and claims naming none (which agree with every role)
    contested = _contested(field, holders)
    if not contested:
        return None
    support = _support(field, holders)
    anchor = max(sorted(contested), key=lambda v: (support[v], precision_rank(v) if field == "release_date" else 0))
    outliers = frozenset(
        v for v in holders
        if not compatible_values(field, anchor, v) and len(holders[anchor] | holders[v]) > 1
    )
    return (anchor, outliers) if outliers else None


def _primary_kinds(slots: Slots) -> dict[tuple[str, str | None], str]:
    """pipeline.compare.primary_kinds, read off the slots."""
    sources: dict[tuple, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for key, pages in slots.items():
        if key[1] == "release_date" and key[3] != "unspecified":
            sources[(key[0], key[2])][key[3]].update(page[0] for page in pages)
    return {group: primary_kind(kinds) for group, kinds in sources.items()}


def _grouping(slots: Slots) -> dict[tuple, tuple]:
    """The comparison group of every key (pipeline.compare.group_of)."""
    primary = _primary_kinds(slots)
    return {
        key: (key[0], "release_date", key[2], primary.get((key[0], key[2]), "unspecified"))
        if key[1] == "release_date" and key[3] == "unspecified" else key
        for key in slots
    }


def _holders(slots: Slots, grouping: dict[tuple, tuple], wanted: set[tuple] | None
             ) -> dict[tuple, tuple[list[tuple], dict[str, set[str]]]]:
    """Per comparison group (all, or the `wanted` ones): its keys, and which sources hold each value."""
    members: dict[tuple, list[tuple]] = {}
    holders: dict[tuple, dict[str, set[str]]] = {}
    for key, pages in slots.items():
        group = grouping[key]
        if wanted is not None and group not in wanted:
            continue
        found = holders.setdefault(group, {})
        members.setdefault(group, []).append(key)
        for page, slot in pages.items():
            for value in slot.values:
                found.setdefault(value, set()).add(page[0])
    return {group: (members[group], found) for group, found in holders.items()}


def _conflict(slots: Slots, keys: list[tuple], found: tuple[str, frozenset[str]]) -> _GroupConflict:
    claims = tuple(c for key in keys for slot in slots[key].values() for c in slot.claims)
    return _GroupConflict(claims, *found)


def _is_news(group: tuple, before: _GroupConflict | None, now: _GroupConflict) -> bool:
    """A conflict is news when a value enters the disagreement: a new outlier, or a new anchor that
    contradicts the old one. Sources siding with values already in it are not news (a source that
    switched sides is a `changed` event of its own), so one crawl's events do not depend on the
    order its pages came in: a 1-1 tie that a third source breaks is still the same disagreement."""
    if before is None:
        return True
    involved_before = {before.anchor, *before.outliers}
    if not now.outliers <= involved_before:
        return True
    return now.anchor not in involved_before and not compatible_values(group[1], before.anchor, now.anchor)


def _outdated(sides: dict[str, list[ObservedClaim]]) -> str | None:
    """The value whose newest article predates every article of the other side, if any."""
    newest = {v: max((c.published or c.seen_at.date()) for c in cs) for v, cs in sides.items()}
    oldest = {v: min((c.published or c.seen_at.date()) for c in cs) for v, cs in sides.items()}
    for value in sides:
        others = [oldest[o] for o in sides if o != value]
        if others and newest[value] < min(others):
            return value
    return None


def _groups_of_page(before: Slots, now: Slots, before_groups: dict[tuple, tuple], now_groups: dict[tuple, tuple],
                    page: PageKey) -> set[tuple]:
    """The groups whose claims can differ when only `page` changed: those it is in on either side,
    and those a key moved into or out of (its page changed a region's primary kind)."""
    found = {before_groups[k] for k, pages in before.items() if page in pages}
    found |= {now_groups[k] for k, pages in now.items() if page in pages}
    for key, group in before_groups.items():
        moved = now_groups.get(key)
        if moved is not None and moved != group:
            found |= {group, moved}
    return found


def _changed_conflicts(before_slots: Slots, now_slots: Slots, only: PageKey | None
                       ) -> tuple[dict[tuple, _GroupConflict], dict[tuple, _GroupConflict]]:
    """_conflicts of both states, for the groups whose values or holders differ between them: a
    group that holds the same values from the same sources has the same disagreement, or none."""
    before_groups, now_groups = _grouping(before_slots), _grouping(now_slots)
    wanted = None if only is None else _groups_of_page(before_slots, now_slots, before_groups, now_groups, only)
    before_h = _holders(before_slots, before_groups, wanted)
    now_h = _holders(now_slots, now_groups, wanted)
    before, now = {}, {}
    for group in before_h.keys() | now_h.keys():
        b, n = before_h.get(group), now_h.get(group)
        if b and n and b[1] == n[1]:
            continue
        if b and (found := _disagreement(group, b[1])):
            before[group] = _conflict(before_slots, b[0], found)
        if n and (found := _disagreement(group, n[1])):
            now[group] = _conflict(now_slots, n[0], found)
    return before, now


def _conflict_events(before_slots: Slots, now_slots: Slots, new_ids: set[int], only: PageKey | None) -> list[Event]:
    before, now = _changed_conflicts(before_slots, now_slots, only)
    events = []
    for group, conflict in sorted(now.items(), key=lambda item: str(item[0])):
        if not _is_news(group, before.get(group), conflict):
            continue
        involved_values = {conflict.anchor, *conflict.outliers}
        involved = [c for c in conflict.claims if value_of(c) in involved_values]
        sides: dict[str, list[ObservedClaim]] = defaultdict(list)
        for c in involved:
            sides[value_of(c)].append(c)
        old = [c for c in involved if c.claim_id not in new_ids]
        new = [c for c in involved if c.claim_id in new_ids]
        said = "; ".join(
            f"{', '.join(sorted({c.source for c in cs}))}: {_describe(cs[0])}" for _, cs in sorted(sides.items())
        )
        stale = _outdated(sides)
        severity = "low" if group[1] == "director" else "normal"
        assessment = "likely outdated source" if stale else "sources disagree"
        details: dict[str, object] = {"assessment": assessment}
        if stale:
            details["outdated_value"] = stale
        events.append(_event("conflict", group, old, new, f"{assessment}: {said}", severity, **details))
    for group in sorted(before.keys() - now.keys(), key=str):
        ended = before[group]
        involved = [c for c in ended.claims if value_of(c) in {ended.anchor, *ended.outliers}]
        events.append(_event("resolved", group, involved, [], "sources agree again"))
    return events


def _events(before: Slots, now: Slots, new_ids: set[int], only: PageKey | None, earlier: Earlier) -> list[Event]:
    return _changes(before, now, only, earlier) + _conflict_events(before, now, new_ids, only)


def diff(before: Sequence[ObservedClaim], now: Sequence[ObservedClaim]) -> list[Event]:
    """Events that take `before` to `now`; empty when nothing changed."""
    before_current, now_current = _current(before), _current(now)
    new_ids = {c.claim_id for c in now_current} - {c.claim_id for c in before_current}
    return _events(_slots(before_current), _slots(now_current), new_ids, None, earlier_dates(now))


def diff_slots(page: PageKey, before: Slots, now: Slots, new_ids: set[int],
               earlier: frozenset[tuple[str, str | None, str]] = frozenset()) -> list[Event]:
    """The events of one page changing while the others stayed: what a replay
    (pipeline.replay.ClaimState) asks at every stored snapshot, with slots it keeps.

    `before` and `now` differ only in `page`'s slots and hold every key whose events `page` can
    change (its own keys on both sides, and every release-date key of a film and region it dates on
    either side), pages in order within a key; `new_ids` are the claim ids `page` says now and did
    not say before; `earlier` the dates it now calls previous (earlier_dates). Only the keys and
    groups the page is in are examined; the events are those `diff` gives over every claim."""
    return _events(before, now, new_ids, page, {page: earlier})
