"""Charts drawn on the server as SVG, each with the numbers it shows.

No chart library and nothing from another host: the SVG is plain markup with
a <title> and <desc>, and the templates put a data table beside every chart,
so the figures are there for screen readers and for print.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext as _

from vern.plans.models import Area, Indicator, PlanMeasure

# Designsystemet-like colours with enough contrast on white.
STATUS_COLOURS = {
    PlanMeasure.Status.NOT_STARTED: "#68707c",
    PlanMeasure.Status.IN_PROGRESS: "#1e5bb8",
    PlanMeasure.Status.DONE: "#1a7f37",
    PlanMeasure.Status.PAUSED: "#9a6700",
    PlanMeasure.Status.DROPPED: "#b3261e",
}


@dataclass
class Bar:
    x: float
    width: float
    colour: str
    label: str
    count: int


@dataclass
class StackedRow:
    label: str
    y: float
    total: int
    bars: list[Bar]
    counts: list[int]  # per status, in Status order, for the data table


@dataclass
class StatusChart:
    width: int
    height: int
    rows: list[StackedRow]
    legend: list[tuple[str, str]]
    title: str
    desc: str


def status_by_area(by_area: dict[str, Counter]) -> StatusChart:
    label_width, bar_width, row_height = 230, 380, 34
    biggest = max((sum(counts.values()) for counts in by_area.values()), default=0) or 1
    rows = []
    for index, (area, label) in enumerate(Area.choices):
        counts = by_area.get(area, Counter())
        x = float(label_width)
        bars = []
        for status, status_label in PlanMeasure.Status.choices:
            count = counts.get(status, 0)
            if not count:
                continue
            width = bar_width * count / biggest
            bars.append(Bar(x, width, STATUS_COLOURS[status], str(status_label), count))
            x += width
        rows.append(
            StackedRow(
                str(label),
                10 + index * row_height,
                sum(counts.values()),
                bars,
                [counts.get(status, 0) for status in PlanMeasure.Status.values],
            )
        )
    parts = [
        f"{row.label}: " + ", ".join(f"{bar.label} {bar.count}" for bar in row.bars)
        for row in rows
        if row.bars
    ]
    return StatusChart(
        width=label_width + bar_width + 40,
        height=20 + len(rows) * row_height,
        rows=rows,
        legend=[
            (str(label), STATUS_COLOURS[status]) for status, label in PlanMeasure.Status.choices
        ],
        title=_("Measures by area and status"),
        desc="; ".join(parts) or _("No measures yet."),
    )


def number(value) -> str:
    """A measured value without trailing zeros: 90.00 -> 90, 12.50 -> 12.5."""
    return format(value.normalize(), "f") if value is not None else ""


@dataclass
class TrendChart:
    indicator: Indicator
    width: int
    height: int
    points: str
    dots: list[tuple[float, float, str]]
    target_y: float | None
    title: str
    desc: str


def indicator_trend(indicator: Indicator) -> TrendChart:
    measurements = list(indicator.measurements.all())
    width, height, pad = 320, 120, 14
    values = [float(m.value) for m in measurements] + [float(indicator.target)]
    if indicator.baseline is not None:
        values.append(float(indicator.baseline))
    low, high = min(values), max(values)
    span = (high - low) or 1.0

    def y_of(value: float) -> float:
        return round(height - pad - (value - low) / span * (height - 2 * pad), 1)

    step = (width - 2 * pad) / max(len(measurements) - 1, 1)
    dots = [
        (
            round(pad + i * step, 1),
            y_of(float(m.value)),
            f"{m.measured_on.isoformat()}: {number(m.value)}",
        )
        for i, m in enumerate(measurements)
    ]
    return TrendChart(
        indicator=indicator,
        width=width,
        height=height,
        points=" ".join(f"{x},{y}" for x, y, _label in dots),
        dots=dots,
        target_y=y_of(float(indicator.target)),
        title=indicator.name,
        desc=_("Target %(target)s. Measurements: %(values)s")
        % {
            "target": number(indicator.target),
            "values": ", ".join(label for _x, _y, label in dots) or _("none yet"),
        },
    )
