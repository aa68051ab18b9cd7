"""Writes for action plans.

Every function runs in one transaction, validates with ``full_clean`` and
writes its audit entry inside it. Plans name responsible staff, so changes
are audited like other personal data.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from vern.audit.services import audited_transaction, log_action
from vern.core.models import Municipality, User
from vern.plans.models import (
    CoverageNote,
    Indicator,
    Level,
    Measure,
    Measurement,
    Milestone,
    Plan,
    PlanMeasure,
    PlanVersion,
    ProgressNote,
    Review,
    ReviewItem,
)
from vern.plans.selectors import plan_snapshot

REVIEW_INTERVAL_MONTHS = 6


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _check_overlap(plan: Plan) -> None:
    """Two plans in force for the same municipality may not share a year."""
    clash = (
        Plan.objects.for_system(reason="overlap check within the plan's own municipality")
        .filter(municipality=plan.municipality_id, status__in=Plan.IN_FORCE)
        .exclude(pk=plan.pk)
        .filter(start_year__lte=plan.end_year, end_year__gte=plan.start_year)
        .first()
    )
    if clash:
        raise ValidationError(
            {
                "start_year": _("The period overlaps the adopted plan %(plan)s.")
                % {"plan": str(clash)}
            }
        )


@audited_transaction
def plan_create(
    *,
    municipality: Municipality,
    actor: User,
    title: str,
    start_year: int,
    end_year: int,
    measures: Iterable[Measure] = (),
) -> Plan:
    """Start a draft plan, optionally with measures taken from the catalogue."""
    plan = Plan(
        municipality=municipality, title=title.strip(), start_year=start_year, end_year=end_year
    )
    plan.full_clean()
    plan.save()
    for measure in measures:
        _add_measure(plan, measure)
    log_action(actor=actor, action="create", code="plans.plan.create", target=plan)
    return plan


def _add_measure(plan: Plan, measure: Measure, **fields) -> PlanMeasure:
    plan_measure = PlanMeasure(plan=plan, municipality=plan.municipality, measure=measure, **fields)
    plan_measure.full_clean()
    plan_measure.save()
    return plan_measure


PLAN_TEXT_FIELDS = (
    "title",
    "start_year",
    "end_year",
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
    "next_review_on",
)


@audited_transaction
def plan_update(*, plan: Plan, actor: User, **fields) -> Plan:
    unknown = set(fields) - set(PLAN_TEXT_FIELDS)
    if unknown:
        raise TypeError(f"not plan fields: {sorted(unknown)}")
    changed = [name for name, value in fields.items() if getattr(plan, name) != value]
    for name in changed:
        setattr(plan, name, fields[name])
    plan.full_clean()
    if plan.in_force:
        _check_overlap(plan)
    plan.save()
    log_action(
        actor=actor,
        action="update",
        code="plans.plan.update",
        target=plan,
        detail={"fields": changed},
    )
    return plan


@audited_transaction
def plan_set_status(
    *,
    plan: Plan,
    actor: User,
    status: str,
    adopted_on: date | None = None,
    case_reference: str = "",
) -> Plan:
    """Move the plan through draft → consultation → adopted → revision → expired.

    Adoption needs the date and the council's case reference, may not overlap
    another plan in force, and freezes a version. The first review is set six
    months after adoption unless a date is already set.
    """
    before = plan.status
    if status == Plan.Status.REVISION and before not in Plan.IN_FORCE:
        raise ValidationError(
            {"status": _("Only an adopted plan can be put under revision. Adopt it first.")}
        )
    plan.status = status
    if status == Plan.Status.ADOPTED:
        plan.adopted_on = adopted_on
        plan.case_reference = (case_reference or "").strip()
    plan.full_clean()
    if plan.in_force:
        _check_overlap(plan)
    if status == Plan.Status.ADOPTED and not plan.next_review_on:
        plan.next_review_on = add_months(plan.adopted_on, REVIEW_INTERVAL_MONTHS)
    plan.save()
    log_action(
        actor=actor,
        action="update",
        code="plans.plan.status",
        target=plan,
        detail={"before": before, "after": status},
    )
    if status == Plan.Status.ADOPTED:
        version_save(
            plan=plan,
            actor=actor,
            label=_("Adopted %(date)s (%(ref)s)")
            % {"date": plan.adopted_on.isoformat(), "ref": plan.case_reference},
        )
    return plan


@audited_transaction
def version_save(*, plan: Plan, actor: User, label: str) -> PlanVersion:
    label = label.strip()
    if not label:
        raise ValidationError({"label": _("Give the version a name.")})
    last = plan.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = PlanVersion.objects.create(
        plan=plan,
        number=last + 1,
        label=label[:200],
        created_by=actor,
        snapshot=plan_snapshot(plan),
    )
    log_action(
        actor=actor,
        action="create",
        code="plans.version.create",
        target=plan,
        detail={"version": version.number},
    )
    return version


@audited_transaction
def local_measure_create(
    *, municipality: Municipality, actor: User, title: str, area: str, summary: str = ""
) -> Measure:
    """A measure of the municipality's own, beside the catalogue."""
    measure = Measure(
        municipality=municipality,
        code="",
        area=area,
        level=Level.LOCAL,
        title_nb=title.strip(),
        summary_nb=summary.strip(),
        sort_key=1000,
    )
    measure.full_clean()
    measure.save()
    log_action(
        actor=actor,
        action="create",
        code="plans.measure.create",
        target=measure,
    )
    return measure


PLAN_MEASURE_FIELDS = (
    "description",
    "responsible_unit",
    "responsible_person",
    "partners",
    "start_on",
    "due_on",
    "budget_nok",
    "status",
    "status_reason",
)


def _check_people(plan_measure: PlanMeasure) -> None:
    person = plan_measure.responsible_person
    if person and not person.is_active:
        raise ValidationError({"responsible_person": _("The person's account is deactivated.")})
    if person and not person.memberships.filter(municipality=plan_measure.municipality_id).exists():
        raise ValidationError(
            {"responsible_person": _("The person has no role in this municipality.")}
        )


@audited_transaction
def plan_measure_add(*, plan: Plan, actor: User, measure: Measure, **fields) -> PlanMeasure:
    if plan.measures.filter(measure=measure).exists():
        raise ValidationError({"measure": _("The plan already has this measure.")})
    plan_measure = PlanMeasure(plan=plan, municipality=plan.municipality, measure=measure)
    for name, value in fields.items():
        if name not in PLAN_MEASURE_FIELDS:
            raise TypeError(name)
        setattr(plan_measure, name, value)
    plan_measure.full_clean()
    _check_people(plan_measure)
    plan_measure.save()
    log_action(actor=actor, action="create", code="plans.planmeasure.create", target=plan_measure)
    return plan_measure


@audited_transaction
def plan_measure_update(*, plan_measure: PlanMeasure, actor: User, **fields) -> PlanMeasure:
    changed = []
    for name, value in fields.items():
        if name not in PLAN_MEASURE_FIELDS:
            raise TypeError(name)
        if getattr(plan_measure, name) != value:
            setattr(plan_measure, name, value)
            changed.append(name)
    if "due_on" in changed:
        plan_measure.reminded_at = None  # a new deadline deserves a new reminder
    plan_measure.full_clean()
    _check_people(plan_measure)
    plan_measure.save()
    log_action(
        actor=actor,
        action="update",
        code="plans.planmeasure.update",
        target=plan_measure,
        detail={"fields": changed},
    )
    return plan_measure


@audited_transaction
def plan_measure_remove(*, plan_measure: PlanMeasure, actor: User) -> None:
    log_action(
        actor=actor,
        action="delete",
        code="plans.planmeasure.delete",
        target=plan_measure,
        detail={"measure": str(plan_measure.measure)},
    )
    plan_measure.delete()


@audited_transaction
def milestone_add(*, plan_measure: PlanMeasure, actor: User, title: str, due_on: date) -> Milestone:
    milestone = Milestone(plan_measure=plan_measure, title=title.strip(), due_on=due_on)
    milestone.full_clean()
    milestone.save()
    log_action(actor=actor, action="create", code="plans.milestone.create", target=plan_measure)
    return milestone


@audited_transaction
def milestone_set_done(*, milestone: Milestone, actor: User, done_on: date | None) -> Milestone:
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    log_action(
        actor=actor,
        action="update",
        code="plans.milestone.update",
        target=milestone.plan_measure,
        detail={"milestone": milestone.pk, "done_on": done_on.isoformat() if done_on else None},
    )
    return milestone


@audited_transaction
def indicator_add(
    *, plan_measure: PlanMeasure, actor: User, name: str, unit: str, baseline, target
) -> Indicator:
    indicator = Indicator(
        plan_measure=plan_measure,
        name=name.strip(),
        unit=unit.strip(),
        baseline=baseline,
        target=target,
    )
    indicator.full_clean()
    indicator.save()
    log_action(actor=actor, action="create", code="plans.indicator.create", target=plan_measure)
    return indicator


@audited_transaction
def measurement_add(
    *, indicator: Indicator, actor: User, measured_on: date, value, note: str = ""
) -> Measurement:
    measurement = Measurement(
        indicator=indicator, measured_on=measured_on, value=value, note=note.strip()
    )
    measurement.full_clean()
    measurement.save()
    log_action(
        actor=actor,
        action="create",
        code="plans.measurement.create",
        target=indicator.plan_measure,
        detail={"indicator": indicator.pk},
    )
    return measurement


@audited_transaction
def note_add(*, plan_measure: PlanMeasure, actor: User, text: str) -> ProgressNote:
    note = ProgressNote(plan_measure=plan_measure, author=actor, text=text.strip())
    note.full_clean()
    note.save()
    log_action(actor=actor, action="create", code="plans.note.create", target=plan_measure)
    return note


@audited_transaction
def coverage_set(
    *, plan: Plan, actor: User, measure: Measure, coverage: str, reason: str
) -> CoverageNote:
    """Record how the plan answers a catalogue measure; an omission needs a reason."""
    if not measure.is_catalogue:
        raise ValidationError(_("Coverage is recorded for catalogue measures only."))
    local_choices = {
        CoverageNote.Coverage.FULL,
        CoverageNote.Coverage.PARTIAL,
        CoverageNote.Coverage.NONE,
    }
    national_choices = {CoverageNote.Coverage.FOLLOWS, CoverageNote.Coverage.NOT_FOLLOWED}
    allowed = local_choices if measure.level == Level.LOCAL else national_choices
    if coverage not in allowed:
        raise ValidationError({"coverage": _("Choose one of the listed options.")})
    if (
        coverage in (CoverageNote.Coverage.NONE, CoverageNote.Coverage.PARTIAL)
        and not reason.strip()
    ):
        raise ValidationError({"reason": _("Give the reason, so the council can see it.")})
    note, _created = CoverageNote.objects.update_or_create(
        plan=plan, measure=measure, defaults={"coverage": coverage, "reason": reason.strip()}
    )
    log_action(
        actor=actor,
        action="update",
        code="plans.coverage.update",
        target=plan,
        detail={"measure": measure.code, "coverage": coverage},
    )
    return note


@audited_transaction
def review_record(
    *,
    plan: Plan,
    actor: User,
    kind: str,
    held_on: date,
    summary: str,
    items: list[dict],
) -> Review:
    """Record a review with one item per plan measure, and set the next review date."""
    review = Review(
        plan=plan,
        municipality=plan.municipality,
        kind=kind,
        held_on=held_on,
        summary=summary.strip(),
        created_by=actor,
    )
    review.full_clean()
    review.save()
    errors = []
    for item in items:
        review_item = ReviewItem(review=review, **item)
        try:
            review_item.full_clean()
        except ValidationError as exc:
            errors.append(f"{item['plan_measure']}: {' '.join(exc.messages)}")
            continue
        review_item.save()
    if errors:
        raise ValidationError(errors)
    next_review = add_months(held_on, REVIEW_INTERVAL_MONTHS)
    if (
        not plan.next_review_on
        or plan.next_review_on <= held_on
        or plan.next_review_on > next_review
    ):
        plan.next_review_on = next_review
        plan.save(update_fields=["next_review_on"])
    log_action(actor=actor, action="create", code="plans.review.create", target=review)
    return review
