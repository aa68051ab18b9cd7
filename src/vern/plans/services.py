"""Writes for action plans.

Every function runs in one transaction, validates with ``full_clean`` and
writes its audit entry inside it. Plans name responsible staff, so changes
are audited like other personal data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from vern.audit.selectors import saves_after
from vern.audit.services import audited_transaction, log_action
from vern.core import versioning
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

# A write service re-reads, under its row lock, the record its caller loaded
# through the request's scope (or the system's).
LOCKED = "the caller's own record, read again under its row lock"


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
            label_code="plans.version.adopted",
            label_params={"date": plan.adopted_on.isoformat(), "ref": plan.case_reference},
        )
    return plan


@audited_transaction
def version_save(
    *,
    plan: Plan,
    actor: User,
    label: str = "",
    label_code: str = "",
    label_params: dict | None = None,
) -> PlanVersion:
    """Freeze the plan as a new version, named by a person (``label``) or by
    Vern (``label_code``, shown in the reader's language)."""
    label = label.strip()
    if not label and not label_code:
        raise ValidationError({"label": _("Give the version a name.")})
    last = plan.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = PlanVersion.objects.create(
        plan=plan,
        number=last + 1,
        label=label[:200],
        label_code=label_code,
        label_params=label_params or {},
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


def plan_measure_values(plan_measure: PlanMeasure) -> dict[str, versioning.Value]:
    """What the measure's edit form shows, for telling a person what changed."""
    return versioning.field_values(plan_measure, PLAN_MEASURE_FIELDS)


@audited_transaction
def plan_measure_update(
    *,
    plan_measure: PlanMeasure,
    actor: User,
    seen_version: int | None = None,
    seen_values: str = "",
    **fields,
) -> PlanMeasure:
    """Save the measure's owner, dates, budget and status.

    ``seen_version`` is the version the person opened (``seen_values`` the
    signed values they were shown): if someone saved the measure since,
    nothing is saved and ``versioning.StaleVersion`` says what changed.
    """
    # The audit chain's lock is held (audited_transaction); now the row.
    current = (
        PlanMeasure.objects.for_system(reason=LOCKED).select_for_update().get(pk=plan_measure.pk)
    )
    versioning.check_version(
        current,
        seen_version=seen_version,
        seen_values=seen_values,
        values=plan_measure_values,
        history=lambda version: saves_after(
            object_type="plans.planmeasure", object_id=plan_measure.pk, version=version
        ),
    )
    changed = []
    for name, value in fields.items():
        if name not in PLAN_MEASURE_FIELDS:
            raise TypeError(name)
        if getattr(plan_measure, name) != value:
            setattr(plan_measure, name, value)
            changed.append(name)
    if "due_on" in changed:
        plan_measure.reminded_at = None  # a new deadline deserves a new reminder
    else:
        # What ``vern tick`` claimed since the measure was read stays claimed.
        plan_measure.reminded_at = current.reminded_at
    plan_measure.full_clean()
    _check_people(plan_measure)
    # A save that changes nothing keeps the version, so it refuses nobody.
    plan_measure.version = versioning.next_version(current) if changed else current.version
    plan_measure.save()
    log_action(
        actor=actor,
        action="update",
        code="plans.planmeasure.update",
        target=plan_measure,
        detail={"fields": changed, "version": plan_measure.version},
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
    errors: dict[str, list[str]] = {}
    for item in items:
        problems = review_item_problems(**item)
        if problems:
            for name, message in problems.items():
                errors[review_item_error_key(item["plan_measure"], name)] = [message]
            continue
        review_item = ReviewItem(review=review, **item)
        review_item.full_clean()
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


# --- reviews: the rule for each measure's answer ---------------------------


def review_item_error_key(plan_measure: PlanMeasure, field: str) -> str:
    """How a review's ValidationError names one field of one measure's answer."""
    return f"{plan_measure.pk}:{field}"


def review_item_problems(
    *,
    plan_measure: PlanMeasure,
    started: bool,
    as_planned: bool,
    not_done: str,
    why: str,
    check_status: bool = True,
) -> dict[str, str]:
    """What is missing from one measure's answer in a review, by field.

    Not carried out as planned: say what was not done and why. An answer that
    contradicts the measure's recorded status needs a reason in "why": started
    while the status is "not started", not started while it is in progress or
    done, or carried out as planned while it is paused or dropped.
    ``check_status=False`` skips the second rule (an answer saved earlier,
    which the measure's later status changes may contradict).
    """
    problems: dict[str, str] = {}
    if not as_planned:
        if not not_done.strip():
            problems["not_done"] = _("Say what was not done.")
        if not why.strip():
            problems["why"] = _("Say why the measure was not carried out as planned.")
    if not check_status or why.strip() or "why" in problems:
        return problems
    status = plan_measure.status
    Status = PlanMeasure.Status
    if started and status == Status.NOT_STARTED:
        problems["why"] = _(
            "The measure's status is “not started”. Say why you report it as started, "
            "or untick “Started”."
        )
    elif not started and status in (Status.IN_PROGRESS, Status.DONE):
        problems["why"] = _(
            "The measure's status is “%(status)s”. Say why you report it as not started, "
            "or tick “Started”."
        ) % {"status": plan_measure.get_status_display().lower()}
    elif as_planned and status in PlanMeasure.NEEDS_REASON:
        problems["why"] = _(
            "The measure's status is “%(status)s”. Say why you report it as carried out "
            "as planned, or untick “Carried out as planned”."
        ) % {"status": plan_measure.get_status_display().lower()}
    return problems


def review_is_editable(review: Review) -> bool:
    """A review can be corrected until the next review of the same plan is recorded."""
    return (
        not Review.objects.for_system(reason="later reviews of the same plan as the one in hand")
        .filter(plan=review.plan_id, pk__gt=review.pk)
        .exists()
    )


REVIEW_ITEM_FIELDS = ("started", "as_planned", "not_done", "why")


@audited_transaction
def review_update(
    *,
    review: Review,
    actor: User,
    kind: str,
    held_on: date,
    summary: str,
    items: list[dict],
) -> Review:
    """Correct a saved review and its answers, while no later review exists.

    ``items`` hold one dict per answer to change (``plan_measure`` and the
    answer's fields); answers of measures not in the review are refused. An
    answer whose "started" and "as planned" are unchanged is not checked
    against the measure's status again, since the status may have moved on.
    """
    review = Review.objects.for_system(reason=LOCKED).select_for_update().get(pk=review.pk)
    if not review_is_editable(review):
        raise ValidationError(
            _("A later review of the plan has been recorded, so this one can no longer be changed.")
        )
    held_before = review.held_on
    changed = [
        name
        for name, value in (("kind", kind), ("held_on", held_on), ("summary", summary.strip()))
        if getattr(review, name) != value
    ]
    review.kind, review.held_on, review.summary = kind, held_on, summary.strip()
    review.full_clean()
    saved = {item.plan_measure_id: item for item in review.items.select_related("plan_measure")}
    errors: dict[str, list[str]] = {}
    changed_items = []
    for answer in items:
        plan_measure = answer["plan_measure"]
        item = saved.get(plan_measure.pk)
        if item is None:
            raise ValidationError(_("The measure is not part of this review."))
        values = {name: answer[name] for name in REVIEW_ITEM_FIELDS}
        values["not_done"] = values["not_done"].strip()
        values["why"] = values["why"].strip()
        same_answer = (item.started, item.as_planned) == (values["started"], values["as_planned"])
        problems = review_item_problems(
            plan_measure=item.plan_measure, check_status=not same_answer, **values
        )
        for name, message in problems.items():
            errors[review_item_error_key(plan_measure, name)] = [message]
        if problems or all(getattr(item, name) == values[name] for name in REVIEW_ITEM_FIELDS):
            continue
        for name, value in values.items():
            setattr(item, name, value)
        item.full_clean()
        changed_items.append(item)
    if errors:
        raise ValidationError(errors)
    review.save()
    for item in changed_items:
        item.save()
    plan = review.plan
    if "held_on" in changed and plan.next_review_on == add_months(
        held_before, REVIEW_INTERVAL_MONTHS
    ):
        # The next review date was set from this review's date: move it with the correction.
        plan.next_review_on = add_months(held_on, REVIEW_INTERVAL_MONTHS)
        plan.save(update_fields=["next_review_on"])
    log_action(
        actor=actor,
        action="update",
        code="plans.review.update",
        target=review,
        detail={
            "fields": changed,
            "measures": [str(item.plan_measure) for item in changed_items],
        },
    )
    return review


# --- corrections: milestones, indicators, measurements, notes, coverage -----


@dataclass(frozen=True)
class Correction:
    """A kind of record on a plan measure that staff may correct or delete.

    ``fields`` are the ones a correction may change (text is stripped);
    ``rows`` gives the queryset its row is locked through; ``measure`` the
    plan measure it belongs to, which is the audit entry's target; ``ids``
    the detail naming the record, ``gone`` what a deletion's entry keeps of it.
    The codes are written out in full (tests/audit/test_codes.py).
    """

    fields: tuple[str, ...]
    update_code: str
    delete_code: str
    rows: Callable[[], QuerySet]
    measure: Callable[[Any], PlanMeasure]
    ids: Callable[[Any], dict]
    gone: Callable[[Any], dict]


MILESTONE = Correction(
    fields=("title", "due_on", "done_on"),
    update_code="plans.milestone.update",
    delete_code="plans.milestone.delete",
    rows=lambda: Milestone.objects.all(),
    measure=attrgetter("plan_measure"),
    ids=lambda milestone: {"milestone": milestone.pk},
    gone=lambda milestone: {"title": milestone.title},
)
INDICATOR = Correction(
    fields=("name", "unit", "baseline", "target"),
    update_code="plans.indicator.update",
    delete_code="plans.indicator.delete",
    rows=lambda: Indicator.objects.all(),
    measure=attrgetter("plan_measure"),
    ids=lambda indicator: {"indicator": indicator.pk},
    # Its measurements go with it.
    gone=lambda indicator: {
        "name": indicator.name,
        "measurements": indicator.measurements.count(),
    },
)
MEASUREMENT = Correction(
    fields=("measured_on", "value", "note"),
    update_code="plans.measurement.update",
    delete_code="plans.measurement.delete",
    rows=lambda: Measurement.objects.select_related("indicator__plan_measure"),
    measure=attrgetter("indicator.plan_measure"),
    ids=lambda measurement: {
        "indicator": measurement.indicator_id,
        "measurement": measurement.pk,
    },
    gone=lambda measurement: {
        "measured_on": measurement.measured_on.isoformat(),
        "value": str(measurement.value),
    },
)
NOTE = Correction(
    fields=("text",),
    update_code="plans.note.update",
    delete_code="plans.note.delete",
    rows=lambda: ProgressNote.objects.for_system(reason=LOCKED),
    measure=attrgetter("plan_measure"),
    ids=lambda note: {"note": note.pk},
    gone=lambda note: {"author": note.author_id},
)


@audited_transaction
def correction_update(*, kind: Correction, record, actor: User, **values):
    """Save a correction of one record of ``kind``; the entry names the fields changed."""
    if unknown := values.keys() - set(kind.fields):
        raise TypeError(f"not a field of this correction: {sorted(unknown)}")
    record = kind.rows().select_for_update(of=("self",)).get(pk=record.pk)
    changed = []
    for name, value in values.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed.append(name)
    record.full_clean()
    record.save()
    update_code = kind.update_code
    log_action(
        actor=actor,
        action="update",
        code=update_code,
        target=kind.measure(record),
        detail={**kind.ids(record), "fields": changed},
    )
    return record


@audited_transaction
def correction_delete(*, kind: Correction, record, actor: User) -> None:
    """Delete one record of ``kind``; the entry keeps what identifies it."""
    delete_code = kind.delete_code
    log_action(
        actor=actor,
        action="delete",
        code=delete_code,
        target=kind.measure(record),
        detail={**kind.ids(record), **kind.gone(record)},
    )
    record.delete()


@audited_transaction
def coverage_clear(*, note: CoverageNote, actor: User) -> None:
    """Forget a recorded coverage: the measure counts again by whether the plan uses it."""
    log_action(
        actor=actor,
        action="delete",
        code="plans.coverage.delete",
        target=note.plan,
        detail={"measure": note.measure.code, "coverage": note.coverage},
    )
    note.delete()
