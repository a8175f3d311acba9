"""Geometry of the timeline chart: claimed release date (y) against when it was seen (x).

Pure numbers for the HTML template to draw as inline SVG; nothing here knows markup, so every text
it carries is escaped by the template like any other scraped string.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pipeline.reports.views import Timeline

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 78, 16, 12, 30
#: Colour-blind-safe palette (Okabe-Ito); a series' colour follows its source's position.
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#f0e442")


@dataclass(frozen=True, slots=True)
class Marker:
    x: float
    y: float
    label: str  # "frame-rate: 2027-03-05 → 2027-06-11, seen 2026-03-12"
    changed: bool


@dataclass(frozen=True, slots=True)
class Line:
    source: str
    colour: str
    path: str  # SVG path data: a step line, the claim holding until the source changes it
    markers: tuple[Marker, ...]


@dataclass(frozen=True, slots=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    lines: tuple[Line, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    plot: tuple[float, float, float, float]  # left, top, right, bottom


def _scale(lo: float, hi: float, out_lo: float, out_hi: float):
    span = (hi - lo) or 1.0
    return lambda v: round(out_lo + (v - lo) / span * (out_hi - out_lo), 1)


def chart(timeline: Timeline) -> Chart | None:
    """The chart of a timeline, or None when it has no point."""
    points = [p for s in timeline.series for p in s.points]
    if not points:
        return None
    t0 = min(p.seen_at for p in points)
    t1 = max(timeline.until, max(p.seen_at for p in points))
    if t1 - t0 < timedelta(minutes=1):
        t1 = t0 + timedelta(minutes=1)
    d0 = min(p.day for p in points) - timedelta(days=15)
    d1 = max(p.day for p in points) + timedelta(days=15)
    x = _scale(t0.timestamp(), t1.timestamp(), LEFT, WIDTH - RIGHT)
    y = _scale(d0.toordinal(), d1.toordinal(), HEIGHT - BOTTOM, TOP)
    lines = []
    count = len(timeline.series)
    for i, series in enumerate(timeline.series):
        # Sources that agree would draw one line over another: each is nudged a little apart.
        nudge = round((i - (count - 1) / 2) * 3, 1)
        parts: list[str] = []
        markers: list[Marker] = []
        for n, p in enumerate(series.points):
            px, py = x(p.seen_at.timestamp()), round(y(p.day.toordinal()) + nudge, 1)
            parts.append(f"M{px},{py}" if n == 0 else f"H{px}V{py}")
            label = (f"{series.source}: {p.changed_from} → {p.value}" if p.changed_from else f"{series.source}: {p.value}")
            markers.append(Marker(px, py, f"{label}, seen {p.seen_at:%Y-%m-%d %H:%M}", p.changed_from is not None))
        parts.append(f"H{x(t1.timestamp())}")
        lines.append(Line(series.source, PALETTE[i % len(PALETTE)], "".join(parts), tuple(markers)))
    return Chart(WIDTH, HEIGHT, tuple(lines), _time_ticks(t0, t1, x), _date_ticks(d0, d1, y),
                 (LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM))


def _time_ticks(t0: datetime, t1: datetime, x) -> tuple[Tick, ...]:
    # Crawls minutes apart (the demo, a page fixed the same day) need the time of day to tell apart.
    shown = "%Y-%m-%d" if t1 - t0 >= timedelta(days=3) else "%m-%d %H:%M"
    return tuple(Tick(x((t0 + (t1 - t0) * k / 3).timestamp()), f"{t0 + (t1 - t0) * k / 3:{shown}}") for k in range(4))


def _date_ticks(d0: date, d1: date, y) -> tuple[Tick, ...]:
    span = d1.toordinal() - d0.toordinal()
    days = [d0.toordinal() + span * k // 3 for k in range(4)]
    return tuple(Tick(y(d), f"{date.fromordinal(d):%Y-%m-%d}") for d in days)
