"""Reads of the schools app: the dashboards and the yearly statistics.

The views hand in querysets already narrowed to the person's municipality and
schools (``vern.schools.access``); what is counted here stays inside them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vern.core.models import Municipality, Step, Unit
from vern.schools import routine
from vern.schools.models import NoShowCase, NoShowStatistic, SchoolYear
from vern.schools.services import school_year_for


@dataclass
class SchoolRow:
    school: Unit
    open: int = 0
    overdue_steps: int = 0
    outcomes: Counter = field(default_factory=Counter)

    @property
    def closed(self) -> int:
        return sum(self.outcomes.values())


@dataclass
class Dashboard:
    school_year: SchoolYear | None
    rows: list[SchoolRow]
    outcome_labels: list[tuple[str, str]]

    @property
    def total(self) -> SchoolRow:
        total = SchoolRow(school=None)  # type: ignore[arg-type]
        for row in self.rows:
            total.open += row.open
            total.overdue_steps += row.overdue_steps
            total.outcomes.update(row.outcomes)
        return total

    def total_counts(self) -> list[int]:
        total = self.total
        return [total.outcomes.get(code, 0) for code, _label in self.outcome_labels]

    def outcome_table(self) -> list[dict]:
        return [
            {
                "school": row,
                "counts": [row.outcomes.get(code, 0) for code, _ in self.outcome_labels],
            }
            for row in self.rows
        ]


def dashboard(
    *,
    municipality: Municipality,
    schools: QuerySet[Unit],
    cases: QuerySet[NoShowCase],
    steps: QuerySet[Step],
    today: date,
) -> Dashboard:
    """Per school: open cases, overdue steps, and this school year's outcomes.

    Three queries, whatever the number of schools and cases.
    """
    school_year = school_year_for(municipality, today)
    rows = {school.pk: SchoolRow(school=school) for school in schools}
    for unit_id, number in (
        cases.filter(closed_at__isnull=True).values_list("unit").annotate(n=Count("pk"))
    ):
        if unit_id in rows:
            rows[unit_id].open = number
    for unit_id, number in (
        steps.filter(routine=routine.CODE, done_at__isnull=True, due_on__lt=today)
        .values_list("responsible_unit")
        .annotate(n=Count("pk"))
    ):
        if unit_id in rows:
            rows[unit_id].overdue_steps = number
    if school_year is not None:
        for unit_id, reason, number in (
            cases.filter(closed_at__isnull=False, school_year=school_year)
            .values_list("unit", "closing_reason")
            .annotate(n=Count("pk"))
        ):
            if unit_id in rows:
                rows[unit_id].outcomes[reason] = number
    return Dashboard(
        school_year=school_year,
        rows=list(rows.values()),
        outcome_labels=list(NoShowCase.Reason.choices),
    )


@dataclass
class YearFigures:
    year: int
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def label(self) -> str:
        return f"{self.year}–{self.year + 1}"


def yearly_statistics(municipality: Municipality) -> list[YearFigures]:
    """The municipality's closed cases per school year and outcome, newest year first.

    Read from ``NoShowStatistic``: anonymous, and kept when the cases are deleted.
    """
    codes = NoShowCase.Reason.values
    by_year: dict[int, dict[str, int]] = {}
    for year, outcome, number in (
        NoShowStatistic.objects.filter(municipality=municipality)
        .values_list("year", "outcome")
        .annotate(n=Sum("count"))
    ):
        by_year.setdefault(year, {})[outcome] = number
    return [
        YearFigures(year, [by_year[year].get(code, 0) for code in codes])
        for year in sorted(by_year, reverse=True)
    ]


# --- The outcomes chart ----------------------------------------------------------

BAR_HEIGHT = 24
# Short names for the chart's axis; the table beside it has the full ones.
SHORT_LABELS = {
    NoShowCase.Reason.ARRIVED: gettext_lazy("Arrived"),
    NoShowCase.Reason.MOVED: gettext_lazy("Moved"),
    NoShowCase.Reason.ILLNESS: gettext_lazy("Illness"),
    NoShowCase.Reason.TRAVEL: gettext_lazy("Travel"),
    NoShowCase.Reason.REPORTED: gettext_lazy("Reported"),
}
LABEL_WIDTH = 110
CHART_WIDTH = 520


def outcome_chart(figures: YearFigures | None) -> dict | None:
    """A horizontal bar per outcome for one school year, as plain SVG numbers.

    Whole numbers only, so no decimal comma can reach an attribute; the page
    shows the same figures in a table beside it.
    """
    if figures is None or not figures.total:
        return None
    largest = max(figures.counts)
    room = CHART_WIDTH - LABEL_WIDTH - 40
    bars = []
    for index, (code, number) in enumerate(
        zip(NoShowCase.Reason.values, figures.counts, strict=True)
    ):
        label = SHORT_LABELS[code]
        y = index * (BAR_HEIGHT + 12)
        bars.append(
            {
                "label": str(label),
                "count": number,
                "y": y,
                "text_y": y + 17,
                "x": LABEL_WIDTH,
                "width": round(room * number / largest) if number else 0,
                "count_x": LABEL_WIDTH + (round(room * number / largest) if number else 0) + 6,
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": len(bars) * (BAR_HEIGHT + 12),
        "bars": bars,
        "title": _("Outcomes of closed cases, school year %(year)s") % {"year": figures.label},
        "desc": ", ".join(f"{bar['label']}: {bar['count']}" for bar in bars),
    }
