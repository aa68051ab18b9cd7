"""Reads for action plans: snapshots and comparison, coverage, progress, the national overview."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import models
from django.db.models import Q, QuerySet

from vern.core.models import Municipality
from vern.core.text import norwegian_sort_key
from vern.plans.models import (
    Area,
    CoverageNote,
    Indicator,
    Level,
    Measure,
    Plan,
    PlanMeasure,
)

SNAPSHOT_PLAN_FIELDS = (
    "title",
    "start_year",
    "end_year",
    "status",
    "adopted_on",
    "case_reference",
    "foreword",
    "mandate",
    "working_group",
    "reference_group",
    "population",
    "prevalence",
    "existing_services",
    "cooperation",
    "competence",
    "focus_areas",
    "goals",
)
SNAPSHOT_MEASURE_FIELDS = (
    "description",
    "responsible_unit",
    "partners",
    "start_on",
    "due_on",
    "budget_nok",
    "status",
    "status_reason",
)


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    return value


def _measure_key(measure: Measure) -> str:
    return measure.code or f"local-{measure.pk}"


def plan_snapshot(plan: Plan) -> dict:
    """The plan as plain JSON, for versions. People are left out on purpose:
    versions outlive staff changes, and the public plan names units only."""
    measures = (
        plan.measures.all()
        .select_related("measure", "responsible_unit")
        .prefetch_related("milestones", "indicators")
    )
    return {
        "plan": {name: _plain(getattr(plan, name)) for name in SNAPSHOT_PLAN_FIELDS},
        "measures": {
            _measure_key(pm.measure): {
                "title": pm.measure.title_nb,
                **{name: _plain(getattr(pm, name)) for name in SNAPSHOT_MEASURE_FIELDS},
                "milestones": [f"{m.title} ({m.due_on.isoformat()})" for m in pm.milestones.all()],
                "indicators": [f"{i.name}: {i.target}" for i in pm.indicators.all()],
            }
            for pm in measures
        },
    }


@dataclass
class VersionDiff:
    plan_changes: list[tuple[str, object, object]] = field(default_factory=list)
    added: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    changed: list[tuple[str, str, list[tuple[str, object, object]]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.plan_changes or self.added or self.removed or self.changed)


def compare_snapshots(old: dict, new: dict) -> VersionDiff:
    """What was added, removed and changed between two plan snapshots."""
    diff = VersionDiff()
    for name in SNAPSHOT_PLAN_FIELDS:
        before, after = old["plan"].get(name), new["plan"].get(name)
        if before != after:
            diff.plan_changes.append((name, before, after))
    old_measures, new_measures = old["measures"], new["measures"]
    for key in new_measures.keys() - old_measures.keys():
        diff.added.append((key, new_measures[key]["title"]))
    for key in old_measures.keys() - new_measures.keys():
        diff.removed.append((key, old_measures[key]["title"]))
    for key in old_measures.keys() & new_measures.keys():
        before, after = old_measures[key], new_measures[key]
        changes = [
            (name, before.get(name), after.get(name))
            for name in (*SNAPSHOT_MEASURE_FIELDS, "milestones", "indicators")
            if before.get(name) != after.get(name)
        ]
        if changes:
            diff.changed.append((key, after["title"], changes))
    for rows in (diff.added, diff.removed, diff.changed):
        rows.sort(key=lambda row: _sort_code(row[0]))
    return diff


def _sort_code(key: str) -> tuple:
    prefix = {"F": 0, "B": 1, "U": 2}.get(key[:1], 3)
    digits = "".join(ch for ch in key if ch.isdigit())
    return (prefix, int(digits or 0), key)


@dataclass
class CoverageRow:
    measure: Measure
    coverage: str
    reason: str
    plan_measures: list[PlanMeasure]
    recorded: bool
    note_id: int | None = None  # the recorded coverage, which can be removed


def _coverage(level: str, used: bool, note: str | None) -> str:
    """The one coverage rule, shared by the plan's page and the national overview."""
    C = CoverageNote.Coverage
    if level == Level.LOCAL:
        coverage = note or (C.FULL if used else C.NONE)
        # Nothing is fully covered without a measure in the plan.
        return C.NONE if coverage == C.FULL and not used else coverage
    return note or (C.FOLLOWS if used else C.NOT_FOLLOWED)


# A catalogue measure's JSON details (read with every measure, and unread on the
# pages that list coverage: three JSON documents decoded per measure and query).
CATALOGUE_DETAILS = ("indicator_ideas", "examples", "modules")
PLAN_MEASURE_DETAILS = tuple(f"measure__{name}" for name in CATALOGUE_DETAILS)  # through a plan


def coverage_for_plan(
    plan: Plan, *, plan_measures: list[PlanMeasure] | None = None
) -> dict[str, list[CoverageRow]]:
    """Local catalogue measures with their coverage, and national ones with 'followed'.

    A local measure the plan uses counts as covered unless a note says partly;
    one it does not use counts as not covered, with the recorded reason if any.
    ``plan_measures``: the plan's measures if the caller read them already (with
    their catalogue measures).
    """
    notes = {note.measure_id: note for note in CoverageNote.objects.filter(plan=plan)}
    if plan_measures is None:
        plan_measures = plan.measures.all().select_related("measure").defer(*PLAN_MEASURE_DETAILS)
    used: dict[int, list[PlanMeasure]] = {}
    for pm in plan_measures:
        used.setdefault(pm.measure_id, []).append(pm)
    rows: dict[str, list[CoverageRow]] = {Level.LOCAL: [], Level.NATIONAL: []}
    for measure in Measure.objects.catalogue().defer(*CATALOGUE_DETAILS):
        note = notes.get(measure.pk)
        coverage = _coverage(measure.level, measure.pk in used, note.coverage if note else None)
        rows[measure.level].append(
            CoverageRow(
                measure=measure,
                coverage=coverage,
                reason=note.reason if note else "",
                plan_measures=used.get(measure.pk, []),
                recorded=note is not None,
                note_id=note.pk if note else None,
            )
        )
    return rows


def coverage_counts(plan: Plan) -> Counter:
    return Counter(row.coverage for row in coverage_for_plan(plan)[Level.LOCAL])


@dataclass
class Progress:
    by_area: dict[str, Counter]
    overdue: list[PlanMeasure]
    upcoming: list[PlanMeasure]
    indicators: list[Indicator]
    total: int
    done: int


def plan_progress(plan: Plan, *, today: date, horizon_days: int = 60) -> Progress:
    measures = list(
        plan.measures.all().select_related("measure", "responsible_unit", "responsible_person")
    )
    by_area: dict[str, Counter] = {area: Counter() for area in Area.values}
    for pm in measures:
        by_area[pm.measure.area][pm.status] += 1
    open_measures = [pm for pm in measures if pm.is_open and pm.due_on]
    overdue = sorted((pm for pm in open_measures if pm.due_on < today), key=lambda pm: pm.due_on)
    upcoming = sorted(
        (pm for pm in open_measures if today <= pm.due_on <= today + timedelta(days=horizon_days)),
        key=lambda pm: pm.due_on,
    )
    indicators = list(
        Indicator.objects.filter(plan_measure__plan=plan)
        .select_related("plan_measure__measure")
        .prefetch_related("measurements")
    )
    return Progress(
        by_area=by_area,
        overdue=overdue,
        upcoming=upcoming,
        indicators=indicators,
        total=len(measures),
        done=sum(1 for pm in measures if pm.status == PlanMeasure.Status.DONE),
    )


def _public_rank(plan: Plan, today: date) -> tuple:
    """Which plan a municipality shows the public: one in force this year, then the latest."""
    current = plan.in_force and plan.start_year <= today.year <= plan.end_year
    return (current, plan.end_year, plan.adopted_on or date.min, plan.pk)


def plan_in_force(municipality: Municipality, *, today: date) -> Plan | None:
    """The adopted plan whose period includes this year, else the newest adopted one."""
    plans = Plan.objects.for_system(reason="the public plan pages show adopted plans").filter(
        municipality=municipality, status__in=(*Plan.IN_FORCE, Plan.Status.EXPIRED)
    )
    return max(plans, key=lambda plan: _public_rank(plan, today), default=None)


@dataclass
class OverviewRow:
    municipality: Municipality
    plan: Plan | None
    covered: int
    partly: int


def _name(row) -> str:
    return norwegian_sort_key(row.municipality.name)


OVERVIEW_SORTS = {
    "navn": _name,
    "fylke": lambda row: (norwegian_sort_key(row.municipality.county_name), _name(row)),
    "plan": lambda row: (row.plan is None, _name(row)),
    "dekning": lambda row: (-(row.covered + row.partly / 2), _name(row)),
}


def national_overview(*, today: date, sort: str = "navn") -> tuple[list[OverviewRow], dict]:
    """One row per real municipality (and demo ones with a plan): its plan, period, coverage.

    Three queries whatever the number of plans; coverage uses the same rule as
    the plan's own coverage page.
    """
    plans: dict[int, Plan] = {}
    public_plans = Plan.objects.for_system(reason="the public national overview")
    for plan in public_plans.filter(status__in=(*Plan.IN_FORCE, Plan.Status.EXPIRED)):
        chosen = plans.get(plan.municipality_id)
        if chosen is None or _public_rank(plan, today) > _public_rank(chosen, today):
            plans[plan.municipality_id] = plan
    local_ids = set(
        Measure.objects.catalogue().filter(level=Level.LOCAL).values_list("pk", flat=True)
    )
    plan_ids = [plan.pk for plan in plans.values()]
    used = set(
        PlanMeasure.objects.for_system(reason="the public national overview")
        .filter(plan_id__in=plan_ids, measure_id__in=local_ids)
        .values_list("plan_id", "measure_id")
    )
    notes = {
        (plan_id, measure_id): coverage
        for plan_id, measure_id, coverage in CoverageNote.objects.filter(
            plan_id__in=plan_ids, measure_id__in=local_ids
        ).values_list("plan_id", "measure_id", "coverage")
    }
    municipalities = Municipality.objects.filter(Q(is_demo=False) | Q(pk__in=list(plans))).order_by(
        "name"
    )
    rows = []
    for municipality in municipalities:
        plan = plans.get(municipality.pk)
        counts: Counter = Counter()
        if plan:
            for measure_id in local_ids:
                key = (plan.pk, measure_id)
                counts[_coverage(Level.LOCAL, key in used, notes.get(key))] += 1
        rows.append(
            OverviewRow(
                municipality,
                plan,
                counts[CoverageNote.Coverage.FULL],
                counts[CoverageNote.Coverage.PARTIAL],
            )
        )
    rows.sort(key=OVERVIEW_SORTS.get(sort, OVERVIEW_SORTS["navn"]))
    # Demo municipalities are listed when they have a plan, but never counted.
    real = [row for row in rows if not row.municipality.is_demo]
    totals = {
        "municipalities": len(real),
        "with_plan": sum(1 for row in real if row.plan and row.plan.in_force),
        "local_measures": len(local_ids),
        "demo_listed": len(rows) - len(real),
    }
    return rows, totals


@dataclass
class AnnualReport:
    year: int
    rows: list[tuple[PlanMeasure, object]]  # (plan measure, latest review item of the year or None)
    status_counts: Counter
    reviews: list
    kostra_adopted: bool
    kostra_with_measures: bool
    kostra_with_milestones: bool

    @property
    def kostra_answer(self) -> bool:
        """KOSTRA asks: a politically adopted plan with measures and milestones?"""
        return self.kostra_adopted and self.kostra_with_measures and self.kostra_with_milestones


def annual_report(plan: Plan, *, year: int) -> AnnualReport:
    from vern.plans.models import Milestone, ReviewItem

    measures = list(plan.measures.all().select_related("measure", "responsible_unit"))
    latest: dict[int, ReviewItem] = {}
    for item in ReviewItem.objects.filter(review__plan=plan, review__held_on__year=year).order_by(
        "review__held_on", "pk"
    ):
        latest[item.plan_measure_id] = item
    return AnnualReport(
        year=year,
        rows=[(pm, latest.get(pm.pk)) for pm in measures],
        status_counts=Counter(pm.status for pm in measures),
        reviews=list(plan.reviews.filter(held_on__year=year).order_by("held_on")),
        kostra_adopted=plan.in_force
        and plan.adopted_on is not None
        and plan.adopted_on.year <= year,
        kostra_with_measures=bool(measures),
        kostra_with_milestones=Milestone.objects.filter(plan_measure__plan=plan).exists(),
    )


def reminders_due(*, today: date, days_ahead: int = 14) -> QuerySet[PlanMeasure]:
    """Open plan measures due within ``days_ahead`` (or overdue) that have had no reminder."""
    return (
        PlanMeasure.objects.for_system(reason="vern tick: measure reminders")
        .filter(
            reminded_at__isnull=True,
            due_on__lte=today + timedelta(days=days_ahead),
            status__in=PlanMeasure.OPEN,
            plan__status__in=Plan.IN_FORCE,
        )
        .select_related("plan", "measure", "responsible_person", "municipality")
    )


def reviews_due(*, today: date, days_ahead: int = 14) -> QuerySet[Plan]:
    """Plans in force whose next review is near and not yet announced."""
    return (
        Plan.objects.for_system(reason="vern tick: review reminders")
        .filter(status__in=Plan.IN_FORCE, next_review_on__lte=today + timedelta(days=days_ahead))
        .exclude(review_reminded_for=models.F("next_review_on"))
    )


# Days ahead that count as "due soon" on the staff front page.
ATTENTION_DAYS = 7


def measures_needing_attention(
    user, *, municipality: Municipality, today: date, everyone: bool
) -> QuerySet[PlanMeasure]:
    """Open measures of plans in force that are overdue or due within a week:
    those ``user`` is responsible for, or, with ``everyone``, all of the
    municipality's. Most overdue first."""
    measures = PlanMeasure.objects.for_user(user, municipality=municipality).filter(
        status__in=PlanMeasure.OPEN,
        plan__status__in=Plan.IN_FORCE,
        due_on__lte=today + timedelta(days=ATTENTION_DAYS),
    )
    if not everyone:
        measures = measures.filter(responsible_person=user)
    return measures.select_related("measure").order_by("due_on", "pk")


def reviews_needing_attention(user, *, municipality: Municipality, today: date) -> QuerySet[Plan]:
    """Plans in force whose next review is past or within a week."""
    return (
        Plan.objects.for_user(user, municipality=municipality)
        .filter(
            status__in=Plan.IN_FORCE,
            next_review_on__lte=today + timedelta(days=ATTENTION_DAYS),
        )
        .order_by("next_review_on", "pk")
    )
