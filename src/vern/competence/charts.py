"""The coverage chart: one horizontal bar per unit, as plain data for an inline SVG.

Every coordinate is a string with a dot (never a locale's decimal comma), and the page
shows a table of the same figures beside the chart.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from vern.competence.selectors import Coverage

WIDTH = 320
LABEL_WIDTH = 120
BAR_HEIGHT = 18
GAP = 8
TOP = 8


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def coverage_chart(coverage: Coverage, course) -> dict:
    """Bars of the share of front-line staff with valid training, per unit it targets."""
    bars = []
    span = WIDTH - LABEL_WIDTH - 40
    y = TOP
    for unit in coverage.units:
        cell = coverage.cells.get((unit.pk, course.pk))
        if cell is None:
            continue
        share = cell.share or 0.0
        bars.append(
            {
                "label": unit.name if len(unit.name) <= 18 else unit.name[:17] + "…",
                "full_label": unit.name,
                "y": _n(y),
                "text_y": _n(y + BAR_HEIGHT * 0.7),
                "width": _n(max(share * span, 0)),
                "x": _n(LABEL_WIDTH),
                "value_x": _n(LABEL_WIDTH + share * span + 4),
                "percent": cell.percent,
                "valid": cell.valid,
                "total": cell.total,
            }
        )
        y += BAR_HEIGHT + GAP
    height = y + TOP
    summary = "; ".join(f"{b['full_label']}: {b['percent']} %" for b in bars)
    return {
        "title": _("Share of front-line staff with valid training: %(course)s")
        % {"course": course.title},
        "description": summary,
        "bars": bars,
        "width": _n(WIDTH),
        "height": _n(height),
        "label_x": _n(LABEL_WIDTH - 6),
        "axis_x": _n(LABEL_WIDTH),
        "axis_end": _n(height - TOP),
    }
