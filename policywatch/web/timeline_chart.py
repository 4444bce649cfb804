"""The timeline page's small chart: reposts per day, faithful vs altered, as SVG geometry.

Pure data → numbers; the template draws the rectangles (no script, no inline style, so the
page's strict Content-Security-Policy holds). Titles never reach the SVG: only dates and counts.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

#: Events counted as faithful copies and as altered ones.
FAITHFUL = ("repost", "excerpt")
ALTERED = ("altered_repost",)
WIDTH, HEIGHT, BASELINE = 480, 140, 118


@dataclass(frozen=True)
class Bar:
    """One day: where its faithful (bottom) and altered (stacked on top) parts are drawn."""

    day: str
    x: float
    width: float
    faithful: int
    altered: int
    faithful_y: float
    faithful_height: float
    altered_y: float
    altered_height: float


@dataclass(frozen=True)
class Chart:
    """Bars, the largest day's count (the scale) and the SVG size."""

    bars: tuple[Bar, ...]
    peak: int
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = BASELINE


def repost_chart(events: list[dict[str, Any]]) -> Chart:
    """Reposts per day (by event date) as stacked bars, oldest day first."""
    faithful = Counter(str(e["date"] or "")[:10] for e in events if e["event"] in FAITHFUL)
    altered = Counter(str(e["date"] or "")[:10] for e in events if e["event"] in ALTERED)
    days = sorted(set(faithful) | set(altered))
    peak = max((faithful[d] + altered[d] for d in days), default=0)
    if not days:
        return Chart((), 0)
    slot = (WIDTH - 20) / len(days)
    scale = (BASELINE - 10) / peak
    bars = []
    for index, day in enumerate(days):
        low, high = faithful[day] * scale, altered[day] * scale
        bars.append(Bar(day, 10 + index * slot + slot * 0.15, slot * 0.7, faithful[day], altered[day],
                        BASELINE - low, low, BASELINE - low - high, high))
    return Chart(tuple(bars), peak)


def silent_alterations(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copies whose figures or clauses differ from the plan (altered reposts, excerpts with changed figures)."""
    return [e for e in events if e["event"] in ALTERED or (e["event"] in FAITHFUL and e.get("figures"))]
