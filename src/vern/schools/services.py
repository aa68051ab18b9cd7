"""Writes of the schools app.

Every function runs in one transaction that takes the audit chain lock first
(``audited_transaction``), validates, and writes its audit entry inside it, so
nothing is half saved. A form sent twice finds what the first one made.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vern.audit.services import audited_transaction, log_action
from vern.core.dates import long_date
from vern.core.identifiers import find_personal_identifiers
from vern.core.models import Municipality, Step, Unit, User
from vern.core.routines import routine_start, step_complete, steps_for
from vern.schools import routine
from vern.schools.models import (
    NoShowCase,
    NoShowStatistic,
    RoutineStepTemplate,
    SchoolYear,
    Signal,
    StepRecord,
)

# A write service re-reads, under its row lock, the record its caller loaded
# through the request's scope.
LOCKED = "the caller's own record, read again under its row lock"
SUBMITTED = "a form sent twice: the record the first submission made"


class AlreadyDone(ValidationError):
    """The same thing was sent again: nothing new was saved."""


def _day(value: date) -> str:
    return long_date(value)


def school_year_for(municipality: Municipality, day: date) -> SchoolYear | None:
    """The school year ``day`` falls in: the latest one started on or before it."""
    return (
        SchoolYear.objects.filter(municipality=municipality, starts_on__lte=day)
        .order_by("-starts_on")
        .first()
    )


def _no_earlier_than_school_start(municipality: Municipality, day: date, field: str) -> SchoolYear:
    year = school_year_for(municipality, day)
    if year is not None:
        return year
    upcoming = SchoolYear.objects.filter(municipality=municipality).order_by("starts_on").first()
    if upcoming is None:
        raise ValidationError(
            {
                field: _(
                    "No school start is registered for the municipality yet. The coordinator "
                    "registers it under School routines, Settings."
                )
            }
        )
    raise ValidationError(
        {
            field: _("%(day)s is before the school start (%(start)s).")
            % {"day": _day(day), "start": _day(upcoming.starts_on)}
        }
    )


def _not_in_future(day: date, today: date, field: str) -> None:
    if day > today:
        raise ValidationError({field: _("The date cannot be in the future.")})


def _refused_identifier(kind: str, found: str) -> str:
    messages = {
        "fodselsnummer": _(
            "The text holds what looks like a national identity number (%(found)s). Remove it: "
            "this text must not hold fødselsnummer."
        ),
        "d_number": _(
            "The text holds what looks like a D-number (%(found)s). Remove it: this text must not "
            "hold D-numbers."
        ),
        "phone": _(
            "The text holds what looks like a phone number (%(found)s). Remove it: this text must "
            "not hold phone numbers."
        ),
        "email": _(
            "The text holds an e-mail address (%(found)s). Remove it: this text must not hold "
            "e-mail addresses."
        ),
    }
    return messages[kind] % {"found": found}


def _without_identifiers(value: str, field: str) -> str:
    """Refuse a note holding a national identity number, D-number, phone number or
    e-mail address (``core.identifiers``): notes are kept apart from the contact
    details and must not identify anyone further."""
    findings = find_personal_identifiers(value or "")
    if findings:
        raise ValidationError(
            {field: [_refused_identifier(finding.kind, finding.text) for finding in findings]}
        )
    return value


def _required_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


# --- Settings: the school year and the routine template --------------------------


@audited_transaction
def school_year_save(
    *, municipality: Municipality, year: int, starts_on: date, actor: User
) -> SchoolYear:
    """Set (or move) the first school day of ``year``'s school year."""
    if starts_on.year != year:
        raise ValidationError(
            {"starts_on": _("The first school day must be in %(year)s.") % {"year": year}}
        )
    found = (
        SchoolYear.objects.select_for_update().filter(municipality=municipality, year=year).first()
    )
    if found is not None and found.starts_on != starts_on:
        started = (
            NoShowCase.objects.for_system(reason="cases counted from this school start")
            .filter(school_year=found, first_day__lt=starts_on)
            .exists()
        )
        if started:
            raise ValidationError(
                {
                    "starts_on": _(
                        "Cases of this school year are registered before that date, so the "
                        "school start cannot be moved past them."
                    )
                }
            )
    school_year = found or SchoolYear(municipality=municipality, year=year)
    school_year.starts_on = starts_on
    school_year.full_clean()
    school_year.save()
    log_action(
        actor=actor,
        action="update" if found else "create",
        code="schools.schoolyear.save",
        target=school_year,
        detail={"starts_on": starts_on.isoformat()},
    )
    return school_year


def template_problems(steps: Sequence[dict]) -> list[str]:
    """What is wrong with a routine template (a list of title/role/days)."""
    problems = []
    if not steps:
        problems.append(_("The routine needs at least one step."))
    for before, after in itertools.pairwise(steps):
        if after["days"] < before["days"]:
            problems.append(
                _("“%(step)s” cannot be due before the step above it.") % {"step": after["title"]}
            )
    return problems


@audited_transaction
def template_save(*, municipality: Municipality, steps: Sequence[dict], actor: User) -> None:
    """Replace the municipality's routine with ``steps`` (title, role, days), in order.

    Cases already opened keep the steps they were opened with.
    """
    problems = template_problems(steps)
    if problems:
        raise ValidationError(problems)
    RoutineStepTemplate.objects.filter(municipality=municipality).delete()
    for position, step in enumerate(steps, start=1):
        row = RoutineStepTemplate(
            municipality=municipality,
            position=position,
            title=step["title"].strip(),
            role=step["role"],
            days=step["days"],
        )
        row.full_clean()
        row.save()
    log_action(
        actor=actor,
        action="update",
        code="schools.template.save",
        object_type="schools.routinesteptemplate",
        municipality=municipality,
        detail={"steps": len(steps)},
    )


# --- No-show cases ----------------------------------------------------------------


@audited_transaction
def case_create(
    *,
    school: Unit,
    actor: User,
    pupil_name: str,
    pupil_class: str,
    guardians_contact: str,
    first_day: date,
    submission: uuid.UUID,
    today: date,
) -> tuple[NoShowCase, bool]:
    """Open a case and start the municipality's routine for it.

    Returns the case and whether it is new: a second submission of the same
    form (the same ``submission`` token) returns the case the first made.
    """
    municipality = school.municipality
    existing = (
        NoShowCase.objects.for_system(reason=SUBMITTED)
        .filter(municipality=municipality, submission=submission)
        .first()
    )
    if existing is not None:
        return existing, False
    if school.kind != Unit.Kind.SCHOOL:
        raise ValidationError({"school": _("Choose a school.")})
    _not_in_future(first_day, today, "first_day")
    school_year = _no_earlier_than_school_start(municipality, first_day, "first_day")
    case = NoShowCase(
        municipality=municipality,
        unit=school,
        school_year=school_year,
        pupil_name=_required_text(pupil_name, "pupil_name", _("Write the pupil's name.")),
        pupil_class=_required_text(pupil_class, "pupil_class", _("Write the pupil's class.")),
        guardians_contact=_required_text(
            guardians_contact,
            "guardians_contact",
            _("Write how the guardians can be reached, or that no contact details are known."),
        ),
        first_day=first_day,
        created_by=actor,
        submission=submission,
    )
    case.full_clean()
    case.save()
    log_action(
        actor=actor,
        action="create",
        code="schools.noshowcase.create",
        target=case,
        detail={"school": school.pk, "first_day": first_day.isoformat()},
    )
    routine_start(
        routine=routine.routine_for(municipality),
        municipality=municipality,
        subject=case,
        start_on=first_day,
        actor=actor,
        link=reverse("schools:case_detail", args=[case.pk]),
        unit=school,
    )
    return case, True


def case_steps(case: NoShowCase) -> list[Step]:
    """The case's routine steps in the routine's order."""
    return sorted(steps_for(case), key=lambda step: step.pk)


def _locked(case: NoShowCase) -> NoShowCase:
    return NoShowCase.objects.for_system(reason=LOCKED).select_for_update().get(pk=case.pk)


@audited_transaction
def step_record(
    *, case: NoShowCase, step_code: str, done_on: date, outcome: str, actor: User, today: date
) -> StepRecord:
    """Record what was done at one step; the steps are done in their order."""
    case = _locked(case)
    if case.is_closed:
        raise ValidationError(_("The case is closed; nothing more can be recorded."))
    steps = case_steps(case)
    step = next((s for s in steps if s.code == step_code), None)
    if step is None:
        raise ValidationError(_("This case has no such step."))
    if step.done_at is not None or case.records.filter(step_code=step_code).exists():
        raise AlreadyDone(_("This step has already been recorded. Nothing new was saved."))
    earlier = steps[: steps.index(step)]
    waiting = next((s for s in earlier if s.done_at is None), None)
    if waiting is not None:
        raise ValidationError(
            _("Record “%(step)s” first: the steps are done in order.") % {"step": waiting.title}
        )
    _not_in_future(done_on, today, "done_on")
    if done_on < case.first_day:
        raise ValidationError(
            {
                "done_on": _("The date cannot be before the first day absent (%(day)s).")
                % {"day": _day(case.first_day)}
            }
        )
    previous = case.records.order_by("-done_on").first()
    if previous is not None and done_on < previous.done_on:
        raise ValidationError(
            {
                "done_on": _("The date cannot be before the step before it (%(day)s).")
                % {"day": _day(previous.done_on)}
            }
        )
    record = StepRecord(
        case=case,
        step_code=step_code,
        done_on=done_on,
        outcome=_without_identifiers(
            _required_text(outcome, "outcome", _("Write what was done and the result.")),
            "outcome",
        ),
        recorded_by=actor,
    )
    record.full_clean()
    record.save()
    step_complete(step=step, actor=actor)
    log_action(
        actor=actor,
        action="update",
        code="schools.noshowcase.step_recorded",
        target=case,
        detail={"step": step_code, "done_on": done_on.isoformat()},
    )
    return record


@audited_transaction
def case_close(
    *,
    case: NoShowCase,
    reason: str,
    actor: User,
    today: date,
    new_school: str = "",
    new_school_confirmed_on: date | None = None,
    child_welfare_reported_on: date | None = None,
    police_reported_on: date | None = None,
    note: str = "",
) -> NoShowCase:
    """Close a case with its outcome, under the rules of each outcome.

    Moved: only with the new school named and its confirmation dated.
    Unresolved: only after every step of the routine, with the date of the
    report to child welfare, to the police, or both. The remaining steps stop
    (no more reminders), and the outcome is counted in the year's anonymous
    statistics.
    """
    case = _locked(case)
    if case.is_closed:
        raise AlreadyDone(_("The case is already closed. Nothing new was saved."))
    if reason not in NoShowCase.Reason.values:
        raise ValidationError({"reason": _("Choose the outcome.")})
    dates = {
        "new_school_confirmed_on": new_school_confirmed_on,
        "child_welfare_reported_on": child_welfare_reported_on,
        "police_reported_on": police_reported_on,
    }
    for field, value in dates.items():
        if value is None:
            continue
        _not_in_future(value, today, field)
        if value < case.school_year.starts_on:
            raise ValidationError(
                {
                    field: _("%(day)s is before the school start (%(start)s).")
                    % {"day": _day(value), "start": _day(case.school_year.starts_on)}
                }
            )
    if reason == NoShowCase.Reason.MOVED:
        problems = {}
        if not new_school.strip():
            problems["new_school"] = _("Write the name of the new school.")
        if new_school_confirmed_on is None:
            problems["new_school_confirmed_on"] = _(
                "A case can be closed as moved only when the new school has confirmed that the "
                "pupil is enrolled there. Write the date it confirmed."
            )
        if problems:
            raise ValidationError(problems)
    else:
        new_school, new_school_confirmed_on = "", None
    if reason == NoShowCase.Reason.REPORTED:
        open_steps = [s for s in case_steps(case) if s.done_at is None]
        if open_steps:
            raise ValidationError(
                _("Record every step of the routine first; “%(step)s” is not recorded yet.")
                % {"step": open_steps[0].title}
            )
        if child_welfare_reported_on is None and police_reported_on is None:
            raise ValidationError(
                {
                    "police_reported_on": _(
                        "Write the date of the report to child welfare, to the police, or both."
                    )
                }
            )
    else:
        child_welfare_reported_on = police_reported_on = None
    case.closing_reason = reason
    case.new_school = new_school.strip()
    case.new_school_confirmed_on = new_school_confirmed_on
    case.child_welfare_reported_on = child_welfare_reported_on
    case.police_reported_on = police_reported_on
    case.closing_note = _without_identifiers(note.strip(), "note")
    case.closed_at = timezone.now()
    case.closed_by = actor
    case.full_clean()
    case.save()
    for step in case_steps(case):
        if step.done_at is None:
            step_complete(step=step, actor=actor)
    statistic, _created = NoShowStatistic.objects.get_or_create(
        municipality=case.municipality, year=case.school_year.year, outcome=reason
    )
    NoShowStatistic.objects.filter(pk=statistic.pk).update(count=F("count") + 1)
    log_action(
        actor=actor,
        action="update",
        code="schools.noshowcase.close",
        target=case,
        detail={"outcome": reason},
    )
    return case


# --- Signals of negative social control --------------------------------------------


@audited_transaction
def signal_create(
    *,
    school: Unit,
    actor: User,
    pupil_name: str,
    pupil_class: str,
    activity: str,
    observed_on: date,
    description: str,
    submission: uuid.UUID,
    today: date,
) -> tuple[Signal, bool]:
    """Register that a pupil was kept from an activity; returns it and whether it is new."""
    municipality = school.municipality
    existing = (
        Signal.objects.for_system(reason=SUBMITTED)
        .filter(municipality=municipality, submission=submission)
        .first()
    )
    if existing is not None:
        return existing, False
    if school.kind != Unit.Kind.SCHOOL:
        raise ValidationError({"school": _("Choose a school.")})
    _not_in_future(observed_on, today, "observed_on")
    signal = Signal(
        municipality=municipality,
        unit=school,
        pupil_name=_required_text(pupil_name, "pupil_name", _("Write the pupil's name.")),
        pupil_class=_required_text(pupil_class, "pupil_class", _("Write the pupil's class.")),
        activity=activity,
        observed_on=observed_on,
        description=_without_identifiers(
            _required_text(
                description, "description", _("Write what happened and how you learnt of it.")
            ),
            "description",
        ),
        registered_by=actor,
        submission=submission,
    )
    signal.full_clean()
    signal.save()
    log_action(
        actor=actor,
        action="create",
        code="schools.signal.create",
        target=signal,
        detail={"school": school.pk, "activity": activity},
    )
    return signal, True


TALKS = ("pupil", "parents")


@audited_transaction
def signal_talk(
    *, signal: Signal, talk: str, held_on: date, note: str, actor: User, today: date
) -> Signal:
    """Document the conversation with the pupil or with the parents.

    Each is held separately and documented once; when both are, the signal is
    closed (and its retention period starts).
    """
    if talk not in TALKS:
        raise ValueError(talk)
    signal = Signal.objects.for_system(reason=LOCKED).select_for_update().get(pk=signal.pk)
    if getattr(signal, f"{talk}_talk_on") is not None:
        raise AlreadyDone(_("This conversation is already documented. Nothing new was saved."))
    _not_in_future(held_on, today, "held_on")
    if held_on < signal.observed_on:
        raise ValidationError(
            {
                "held_on": _("The conversation cannot be before what it is about (%(day)s).")
                % {"day": _day(signal.observed_on)}
            }
        )
    setattr(signal, f"{talk}_talk_on", held_on)
    setattr(signal, f"{talk}_talk_by", actor)
    setattr(
        signal,
        f"{talk}_talk_note",
        _without_identifiers(
            _required_text(note, "note", _("Write what came out of the conversation.")), "note"
        ),
    )
    if signal.pupil_talk_on and signal.parents_talk_on:
        signal.closed_at = timezone.now()
    signal.full_clean()
    signal.save()
    log_action(
        actor=actor,
        action="update",
        code="schools.signal.talk",
        target=signal,
        detail={"talk": talk, "held_on": held_on.isoformat()},
    )
    return signal


@audited_transaction
def signal_to_team(
    *, signal: Signal, actor: User, age_band: str, text: str, tried: str = ""
) -> int:
    """Bring a signal to the consultation team anonymously (F9 → F8).

    Makes an anonymised draft concern for ``actor`` to complete and send from
    their front page: only the age band, the setting (school) and the texts the
    person wrote for the team go over, with identifiers masked by the
    consultation app. No name, class or school is passed, and the audit entry
    on the signal does not name the draft, so the two cannot be linked in Vern.
    Returns the draft's id, for the redirect.
    """
    from vern.consultations.services import concern_draft_from

    text = _required_text(text, "text", _("Describe the worry without names."))
    concern = concern_draft_from(
        municipality=signal.municipality,
        submitted_by=actor,
        age_band=age_band,
        setting="school",
        text=text,
        tried=tried,
    )
    log_action(actor=actor, action="update", code="schools.signal.to_team", target=signal)
    return concern.pk
