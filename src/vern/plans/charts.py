"""Charts drawn on the server as SVG, each with the numbers it shows.

No chart library and nothing from another host: the SVG is plain markup with
a <title> and <desc>, and the templates put a data table beside every chart,
so the figures are there for screen readers and for print.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from vern.core.dates import long_date, prose_number
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
    x: str
    width: str
    colour: str
    label: str
    count: int


@dataclass
class StackedRow:
    label: str
    label_y: str
    bar_y: str
    total: int
    total_x: str
    total_y: str
    bars: list[Bar]
    counts: list[int]  # per status, in Status order, for the data table


@dataclass
class StatusChart:
    """Measures per area, one stacked bar per area with the area's name above it.

    Drawn in a box as wide as a phone's chart (``STATUS_WIDTH``), so the text's
    ``font_size`` in the box is about the same in pixels on a 360 px screen; the
    stylesheet keeps the chart from growing much wider on a large screen.
    """

    width: str
    height: str
    font_size: str
    bar_height: str
    rows: list[StackedRow]
    legend: list[tuple[str, str]]
    title: str
    desc: str


STATUS_WIDTH = 320
STATUS_BAR_MAX = 270  # room after the longest bar for its total
STATUS_ROW = 54  # the area's name, then the bar
STATUS_BAR_HEIGHT = 22
STATUS_FONT_SIZE = 14  # 12 px or more where a phone shows the chart 275 px wide


def status_by_area(by_area: dict[str, Counter]) -> StatusChart:
    biggest = max((sum(counts.values()) for counts in by_area.values()), default=0) or 1
    rows = []
    for index, (area, label) in enumerate(Area.choices):
        counts = by_area.get(area, Counter())
        top = 4 + index * STATUS_ROW
        bar_y = top + STATUS_FONT_SIZE + 8
        x = 0.0
        bars = []
        for status, status_label in PlanMeasure.Status.choices:
            count = counts.get(status, 0)
            if not count:
                continue
            width = STATUS_BAR_MAX * count / biggest
            bars.append(
                Bar(
                    svg_number(x),
                    svg_number(width),
                    STATUS_COLOURS[status],
                    str(status_label),
                    count,
                )
            )
            x += width
        total = sum(counts.values())
        rows.append(
            StackedRow(
                label=str(label),
                label_y=svg_number(top + STATUS_FONT_SIZE),
                bar_y=svg_number(bar_y),
                total=total,
                total_x=svg_number(x + 6),
                total_y=svg_number(bar_y + STATUS_BAR_HEIGHT / 2 + STATUS_FONT_SIZE / 3),
                bars=bars,
                counts=[counts.get(status, 0) for status in PlanMeasure.Status.values],
            )
        )
    parts = [
        f"{row.label}: " + ", ".join(f"{bar.label} {bar.count}" for bar in row.bars)
        for row in rows
        if row.bars
    ]
    return StatusChart(
        width=str(STATUS_WIDTH),
        height=str(8 + len(rows) * STATUS_ROW),
        font_size=str(STATUS_FONT_SIZE),
        bar_height=str(STATUS_BAR_HEIGHT),
        rows=rows,
        legend=[
            (str(label), STATUS_COLOURS[status]) for status, label in PlanMeasure.Status.choices
        ],
        title=_("Measures by area and status"),
        desc="; ".join(parts) or _("No measures yet."),
    )


def svg_number(value: float) -> str:
    """A coordinate for an SVG attribute: always a dot, whatever the page language."""
    return f"{value:.1f}".removesuffix(".0")


@dataclass
class AxisLabel:
    x: str
    y: str
    text: str
    anchor: str = "middle"


@dataclass
class Dot:
    cx: str
    cy: str
    label: str


@dataclass
class TrendChart:
    """An indicator's measurements over time, every coordinate already a string.

    The SVG is drawn in a 320 wide box, about the width it gets on a phone
    (288 px at 360 px), so ``FONT_SIZE`` in the box is about the same in pixels.
    """

    indicator: Indicator
    view_box: str
    font_size: str
    left: str
    right: str
    top: str
    bottom: str
    y_ticks: list[AxisLabel]  # x, y of the label; the grid line runs at y
    x_labels: list[AxisLabel]
    unit_label: AxisLabel | None
    points: str
    dots: list[Dot]
    target_y: str
    target_label: AxisLabel
    title: str
    desc: str


TREND_WIDTH, TREND_HEIGHT = 320, 210
TREND_LEFT, TREND_RIGHT, TREND_TOP, TREND_BOTTOM = 46, 308, 26, 176
# 14 in a 320 wide box: 12.6 px where a 360 px phone shows the chart 288 px wide.
FONT_SIZE = 14
X_LABEL_SPACE = 10  # between two month labels


def nice_ticks(low: float, high: float, wanted: int = 4) -> list[float]:
    """Round tick values (steps of 1, 2, 2.5 or 5 times a power of ten) covering low..high."""
    if high <= low:
        low, high = low - 1, high + 1
    raw = (high - low) / wanted
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    count = round((last - first) / step)
    return [round(first + i * step, 10) for i in range(count + 1)]


def _tick_text(value: float) -> str:
    """A tick value in the page language (a decimal comma in Norwegian)."""
    return prose_number(Decimal(str(value)))


def _text_width(text: str) -> float:
    """About how wide ``text`` is at ``FONT_SIZE`` (a little more than the average letter)."""
    return len(text) * FONT_SIZE * 0.6


def _x_labels(days: list[tuple[float, date]]) -> list[AxisLabel]:
    """Month labels under the points, dropping those that would overlap; the last is kept.

    Month names differ in length between languages ("apr 2026", "april 2026"),
    so each label's own width decides, not a fixed gap.
    """
    placed: list[tuple[float, float, AxisLabel]] = []  # left edge, right edge, label
    for index, (x, day) in enumerate(days):
        text = date_format(day, pgettext("chart axis month; a Django date format", "M Y"))
        width = _text_width(text)
        anchor, left = "middle", x - width / 2
        if left < 0:
            anchor, left = "start", x
        elif x + width / 2 > TREND_WIDTH:
            anchor, left = "end", x - width
        label = AxisLabel(svg_number(x), svg_number(TREND_BOTTOM + 20), text, anchor)
        last = index == len(days) - 1
        while placed and left < placed[-1][1] + X_LABEL_SPACE:
            if not last:
                break
            placed.pop()  # the last measurement's label wins over the one before it
        if placed and left < placed[-1][1] + X_LABEL_SPACE:
            continue
        placed.append((left, left + width, label))
    return [label for _left, _right, label in placed]


def indicator_trend(indicator: Indicator) -> TrendChart:
    measurements = list(indicator.measurements.all())
    values = [float(m.value) for m in measurements] + [float(indicator.target)]
    if indicator.baseline is not None:
        values.append(float(indicator.baseline))
    ticks = nice_ticks(min(values), max(values))
    low, high = ticks[0], ticks[-1]

    def y_of(value: float) -> float:
        return TREND_BOTTOM - (value - low) / (high - low) * (TREND_BOTTOM - TREND_TOP)

    # Measurements are placed by date, so uneven gaps show as uneven gaps.
    first = measurements[0].measured_on if measurements else None
    span = (measurements[-1].measured_on - first).days if measurements else 0

    def x_of(day: date) -> float:
        if not span:
            return (TREND_LEFT + TREND_RIGHT) / 2
        return TREND_LEFT + (day - first).days / span * (TREND_RIGHT - TREND_LEFT)

    placed = [(x_of(m.measured_on), y_of(float(m.value)), m) for m in measurements]
    dots = [
        Dot(svg_number(x), svg_number(y), f"{long_date(m.measured_on)}: {prose_number(m.value)}")
        for x, y, m in placed
    ]
    target_y = y_of(float(indicator.target))
    return TrendChart(
        indicator=indicator,
        view_box=f"0 0 {TREND_WIDTH} {TREND_HEIGHT}",
        font_size=str(FONT_SIZE),
        left=str(TREND_LEFT),
        right=str(TREND_RIGHT),
        top=str(TREND_TOP),
        bottom=str(TREND_BOTTOM),
        y_ticks=[
            AxisLabel(str(TREND_LEFT - 6), svg_number(y_of(tick)), _tick_text(tick), "end")
            for tick in ticks
        ],
        x_labels=_x_labels([(x, m.measured_on) for x, _y, m in placed]),
        unit_label=AxisLabel("0", str(TREND_TOP - 12), indicator.unit, "start")
        if indicator.unit
        else None,
        points=" ".join(f"{dot.cx},{dot.cy}" for dot in dots),
        dots=dots,
        target_y=svg_number(target_y),
        target_label=AxisLabel(
            str(TREND_RIGHT),
            svg_number(target_y - 5),
            _("Target %(target)s") % {"target": _tick_text(float(indicator.target))},
            "end",
        ),
        title=indicator.name,
        desc=_("Target %(target)s. Measurements: %(values)s")
        % {
            "target": prose_number(indicator.target),
            "values": ", ".join(dot.label for dot in dots) or _("none yet"),
        },
    )
