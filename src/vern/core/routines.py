"""The routine engine: due dates, notices claimed once, and the escalation ladder.

Two layers, both used by ``vern tick``:

* **Notices.** ``run_notices(items, build, job=...)`` is the one skeleton of
  every reminder job: for each due row ``build`` returns a ``Notice`` (who gets
  it, what it says, the conditional UPDATE that claims it and the one that
  releases it) or ``None``. The claim commits first; then each person is
  mailed on their own, so a failing address does not stop the others. If no
  mail could be sent the claim is released (the next run tries again) and the
  item counts as failed; otherwise the in-app notifications and the audit
  entry are written in one transaction. An item that fails is logged, the
  rest go on, and the job then raises ``JobFailed`` (``core/jobs.py``), so
  ``vern tick`` runs its other jobs and exits 1. Two runs at once cannot both
  claim a notice: the second UPDATE waits for the first to commit and then
  matches no row. Every write transaction here takes the audit chain lock
  first (``lock_chain``), like every other write service.
* **Steps.** An app describes a routine as a ``Routine`` of ``StepSpec``s
  (what, due how many working days after the start, which role answers) and
  starts it for one of its records with ``routine_start``. ``send_step_notices``
  walks the ladder for every open step: the responsible person or unit is
  reminded before the due date, the leader is told when it is overdue, the
  coordinators after that. The timing is per municipality
  (``RoutineSettings``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from vern.core import calendar
from vern.core.audit_port import audited_transaction, is_registered, lock_chain, log_action
from vern.core.dates import long_date
from vern.core.jobs import ItemFailures
from vern.core.mail import subject_line
from vern.core.models import (
    Membership,
    Municipality,
    Notification,
    Role,
    RoutineSettings,
    Step,
    Unit,
    User,
)
from vern.core.models.scoping import tenant_of

logger = logging.getLogger(__name__)

# ``vern tick`` walks every municipality's open steps and claims them.
TICK = "vern tick: routine steps and their notices"


# --- Due dates -----------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """A due date, and the date it would have had but for a holiday or weekend.

    ``counted_from`` is the start, for a date counted in working days (only
    the holidays since then explain the move).
    """

    on: date
    moved_from: date | None = None
    counted_from: date | None = None

    @property
    def note(self) -> str:
        if not self.moved_from:
            return ""
        return moved_note(self.moved_from, self.on, counted_from=self.counted_from)


def due_in_working_days(start: date, days: int) -> Due:
    """``days`` working days after ``start``.

    Weekends are part of what "working days" means and are not remarked on;
    when public holidays push the date later than counting weekdays would,
    the weekday date is kept as ``moved_from`` so the note can say why.
    """
    if days < 0:
        raise ValueError("A step cannot fall due before its routine starts.")
    if days == 0:
        return due_on_working_day(start)
    on = calendar.add_working_days(start, days)
    plain = calendar.add_weekdays(start, days)
    return Due(on=on, moved_from=plain if plain != on else None, counted_from=start)


def due_on_working_day(day: date) -> Due:
    """``day`` itself if it is a working day, else the next one, saying so."""
    on = calendar.add_working_days(day, 0)
    return Due(on=on, moved_from=day if on != day else None)


def moved_note(moved_from: date, on: date, *, counted_from: date | None = None) -> str:
    """ "Moved from 17.05.2026 because of Grunnlovsdag (17.05.2026)." in the active language.

    The reasons are the public holidays that cost a working day (those on
    weekdays, and the original day itself), and the weekend when the
    original day was on one.
    """
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    since = counted_from + timedelta(days=1) if counted_from else moved_from
    reasons = []
    if moved_from.weekday() >= 5 and not calendar.is_public_holiday(moved_from):
        reasons.append(_("the weekend"))
    for day in calendar.days_off_between(since, on):
        name = calendar.holiday_name(day, language)
        if name and (day.weekday() < 5 or day == moved_from):
            reasons.append(_("%(holiday)s (%(date)s)") % {"holiday": name, "date": long_date(day)})
    return _("Moved from %(date)s because of %(reasons)s.") % {
        "date": long_date(moved_from),
        "reasons": ", ".join(reasons),
    }


# --- Who answers ---------------------------------------------------------------


def members(
    municipality_id: int | None, roles: Iterable[str], *, unit: Unit | None = None
) -> list[User]:
    """Active people holding one of ``roles`` in the municipality (or in ``unit``).

    ``municipality_id=None`` means the national role's holders. Each person
    once, whatever number of matching roles they hold.
    """
    memberships = Membership.objects.for_system(
        reason="who answers for a notice: the roles of the record's own municipality"
    ).filter(role__in=list(roles))
    if municipality_id is None:
        memberships = memberships.filter(municipality__isnull=True)
    else:
        memberships = memberships.filter(municipality_id=municipality_id)
    if unit is not None:
        memberships = memberships.filter(unit=unit)
    return list(
        User.objects.filter(is_active=True, pk__in=memberships.values("user_id")).order_by("pk")
    )


def routine_settings(municipality_id: int) -> RoutineSettings:
    """The municipality's timing, or the defaults when it has set none."""
    found = RoutineSettings.objects.filter(municipality_id=municipality_id).first()
    return found or RoutineSettings(municipality_id=municipality_id)


# --- Notices -------------------------------------------------------------------


@dataclass
class Notice:
    """One message about one record, for ``run_notices`` to claim once and send.

    ``claim`` is the conditional UPDATE that marks the record as notified and
    returns the rows it changed (none: another run got there first);
    ``release`` undoes it when no mail could be sent, so the next run tries
    again.
    """

    target: models.Model
    code: str  # the audit code, e.g. "plans.planmeasure.reminded"
    recipients: Sequence[User]
    subject: str
    body: str
    claim: Callable[[], int]
    release: Callable[[], int]
    # Read from the target's tenant column, as log_action does; give it only
    # for a target without one.
    municipality_id: int | None = None
    link: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # The code reaches log_action only after the mail has gone out: refuse an
        # unregistered one before anything is claimed (tests and development).
        if getattr(settings, "VERN_AUDIT_STRICT_CODES", False) and not is_registered(self.code):
            raise ValueError(f"unregistered audit code {self.code!r} (see audit/codes.py)")
        has_tenant, tenant_id = tenant_of(self.target)
        if has_tenant:
            if self.municipality_id is not None and self.municipality_id != tenant_id:
                raise ValueError(
                    f"Notice: municipality {self.municipality_id} given for a "
                    f"{self.target._meta.label} of municipality {tenant_id}; leave it out."
                )
            self.municipality_id = tenant_id


class NotSent(Exception):
    """No recipient of a notice could be mailed; its claim has been released."""


def compose(template: str, context: dict[str, Any], subject: str, **params: Any) -> tuple[str, str]:
    """Subject and body in the installation's language (mail has no request).

    ``subject`` is a (lazy) msgid, filled in with ``params`` in that language
    (a callable param is called there, for values that follow the language).
    """
    with translation.override(settings.LANGUAGE_CODE):
        values = {key: value() if callable(value) else value for key, value in params.items()}
        text = str(subject) % values if values else str(subject)
        return subject_line(text), render_to_string(template, context)


def deliver(notice: Notice) -> bool:
    """Claim the notice and, if this run won it, send and record it.

    Returns whether it was sent. Nothing is sent to nobody: with no active
    recipients the notice is left unclaimed for a later run. Each recipient is
    mailed on their own, after the claim has committed (no lock is held while
    the mail server answers); a failing address is logged and the others are
    still mailed. If no mail at all could be sent the claim is released and
    ``NotSent`` is raised, so the item counts as failed and the next run tries
    again. Once some mail went out, the in-app notifications (for every
    recipient, the one whose mail failed too) and the audit entry are written
    in one transaction.
    """
    recipients = [user for user in notice.recipients if user.is_active]
    if not recipients:
        return False
    with transaction.atomic():
        lock_chain()
        if not notice.claim():
            return False
    subject = subject_line(notice.subject)
    mailed, first_error = 0, None
    for user in recipients:
        try:
            send_mail(subject, notice.body, None, [user.email])
        except Exception as error:
            logger.exception("Notice %s to user %s could not be mailed", notice.code, user.pk)
            first_error = first_error or error
        else:
            mailed += 1
    if not mailed:
        with transaction.atomic():
            lock_chain()
            notice.release()
        raise NotSent(f"{notice.code}: no recipient could be mailed") from first_error
    with transaction.atomic():
        lock_chain()
        Notification.objects.bulk_create(
            Notification(
                recipient=user,
                municipality_id=notice.municipality_id,
                code=notice.code,
                text=subject[: Notification._meta.get_field("text").max_length],
                link=notice.link,
            )
            for user in recipients
        )
        log_action(
            actor=None,
            action="update",
            code=notice.code,
            target=notice.target,
            detail={**notice.detail, "recipients": len(recipients), "mailed": mailed},
        )
    return True


def _describe(item: object) -> str:
    if isinstance(item, models.Model):
        return f"{item._meta.label_lower} {item.pk}"
    return repr(item)


def run_notices[T](items: Iterable[T], build: Callable[[T], Notice | None], *, job: str) -> int:
    """The skeleton of every reminder job; returns how many notices were sent.

    An item whose ``build`` or delivery raises is logged with its traceback and
    the job goes on with the next; at the end the job raises ``JobFailed``
    (``core/jobs.py``), so ``vern tick`` runs the other jobs and exits 1.
    """
    sent = 0
    failures = ItemFailures(job)
    for item in items:
        with failures.item(_describe(item)):
            notice = build(item)
            if notice is not None and deliver(notice):
                sent += 1
    return failures.result(sent)


# --- Routines and their steps --------------------------------------------------


@dataclass(frozen=True)
class StepSpec:
    """One step of a routine.

    ``days`` is the due date in working days after the routine starts;
    ``role`` is who answers when no person is named: holders of that role in
    the routine's unit (or, without a unit, in the municipality).
    """

    code: str
    title: str
    days: int
    role: str = ""


@dataclass(frozen=True)
class Routine:
    code: str  # "<app>.<routine>", e.g. "schools.no_show"
    steps: tuple[StepSpec, ...]

    def step(self, code: str) -> StepSpec:
        return next(spec for spec in self.steps if spec.code == code)


@audited_transaction
def routine_start(
    *,
    routine: Routine,
    municipality: Municipality,
    subject: models.Model,
    start_on: date,
    actor: User | None,
    link: str = "",
    unit: Unit | None = None,
    people: dict[str, User] | None = None,
    leader: User | None = None,
) -> list[Step]:
    """Create the routine's steps for ``subject``, each with its due date.

    ``people`` names a responsible person per step code; the others go to
    their role in ``unit``. ``leader`` is whom an overdue step goes to first
    (else the unit's administrators, else the municipality's).
    """
    people = people or {}
    unknown = set(people) - {spec.code for spec in routine.steps}
    if unknown:
        raise ValueError(f"No such steps in {routine.code}: {sorted(unknown)}")
    if unit is not None and unit.municipality_id != municipality.pk:
        raise ValidationError(_("The unit belongs to another municipality."))
    return [
        step_add(
            routine_code=routine.code,
            spec=spec,
            due=due_in_working_days(start_on, spec.days),
            municipality=municipality,
            subject=subject,
            start_on=start_on,
            actor=actor,
            link=link,
            unit=unit,
            person=people.get(spec.code),
            leader=leader,
        )
        for spec in routine.steps
    ]


@audited_transaction
def step_add(
    *,
    routine_code: str,
    spec: StepSpec,
    due: Due,
    municipality: Municipality,
    subject: models.Model,
    start_on: date,
    actor: User | None,
    link: str = "",
    unit: Unit | None = None,
    person: User | None = None,
    leader: User | None = None,
) -> Step:
    """One step with a due date of its own, for steps a person plans as they go
    (a date chosen on a form: ``due_on_working_day(chosen)``), beside a routine's
    fixed ones. ``spec.days`` is not used; the ladder treats it like any step."""
    if unit is not None and unit.municipality_id != municipality.pk:
        raise ValidationError(_("The unit belongs to another municipality."))
    step = Step(
        municipality=municipality,
        routine=routine_code,
        code=spec.code,
        title=str(spec.title),
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        link=link,
        responsible_user=person,
        responsible_unit=unit,
        responsible_role=spec.role,
        leader=leader,
        start_on=start_on,
        due_on=due.on,
        due_moved_from=due.moved_from,
    )
    step.full_clean()
    step.save()
    log_action(
        actor=actor,
        action="create",
        code="core.step.create",
        target=step,
        detail={"routine": routine_code, "step": spec.code, "due": due.on.isoformat()},
    )
    return step


@audited_transaction
def step_complete(*, step: Step, actor: User) -> bool:
    """Mark a step done; no further notices go out for it. False if it already was."""
    done = (
        Step.objects.for_system(reason="the step the caller holds, once")
        .filter(pk=step.pk, done_at__isnull=True)
        .update(done_at=timezone.now(), done_by=actor)
    )
    if done:
        log_action(actor=actor, action="update", code="core.step.complete", target=step)
        step.refresh_from_db()
    return bool(done)


def steps_for(subject: models.Model) -> models.QuerySet[Step]:
    """The steps of every routine started for ``subject``, by due date."""
    return (
        Step.objects.for_system(reason="the steps of a record the caller holds")
        .filter(subject_type=subject._meta.label_lower, subject_id=str(subject.pk))
        .order_by("due_on", "pk")
    )


def rung_dates(step: Step, timing: RoutineSettings) -> dict[int, date]:
    """The day each rung of the ladder falls due for ``step``."""
    leader_on = calendar.add_working_days(step.due_on, timing.leader_after_days)
    return {
        Step.Rung.REMINDED: calendar.add_working_days(step.due_on, -timing.remind_days_before)
        if timing.remind_days_before
        else step.due_on,
        Step.Rung.LEADER: leader_on,
        Step.Rung.COORDINATOR: calendar.add_working_days(leader_on, timing.coordinator_after_days),
    }


def rung_due(step: Step, timing: RoutineSettings, today: date) -> int:
    """The highest rung due today (0 if none)."""
    due = [rung for rung, on in rung_dates(step, timing).items() if on <= today]
    return max(due, default=Step.Rung.NONE)


def _responsible(step: Step) -> list[User]:
    person = step.responsible_user
    if person is not None and person.is_active:
        return [person]
    if step.responsible_role:
        return members(step.municipality_id, [step.responsible_role], unit=step.responsible_unit)
    return []


def _leaders(step: Step) -> list[User]:
    if step.leader is not None and step.leader.is_active:
        return [step.leader]
    if step.responsible_unit is not None:
        found = members(step.municipality_id, [Role.ADMIN], unit=step.responsible_unit)
        if found:
            return found
    return members(step.municipality_id, [Role.ADMIN])


def _coordinators(step: Step) -> list[User]:
    return members(step.municipality_id, [Role.COORDINATOR]) or members(
        step.municipality_id, [Role.ADMIN]
    )


LADDER: dict[int, Callable[[Step], list[User]]] = {
    Step.Rung.REMINDED: _responsible,
    Step.Rung.LEADER: _leaders,
    Step.Rung.COORDINATOR: _coordinators,
}


def step_recipients(step: Step, rung: int) -> list[User]:
    """Who a rung goes to; with nobody there, the next rung up answers."""
    for level in range(rung, Step.Rung.COORDINATOR + 1):
        found = LADDER[level](step)
        if found:
            return found
    return []


def _step_notice(step: Step, rung: int, today: date) -> Notice:
    link = settings.VERN_BASE_URL.rstrip("/") + step.link if step.link else ""
    with translation.override(settings.LANGUAGE_CODE):
        due = long_date(step.due_on)
        if rung == Step.Rung.REMINDED:
            subject = _("Step due %(date)s: %(step)s") % {"date": due, "step": step.title}
        else:
            late = calendar.working_days_between(step.due_on, today)
            subject = ngettext(
                "Step overdue by %(days)d working day: %(step)s",
                "Step overdue by %(days)d working days: %(step)s",
                late,
            ) % {"days": late, "step": step.title}
        responsible = step.responsible_user or step.responsible_unit
        subject, body = compose(
            "core/mail/step_notice.txt",
            {
                "step": step,
                "rung": rung,
                "overdue": rung > Step.Rung.REMINDED,
                "responsible": responsible,
                "link": link,
            },
            subject,
        )
    return Notice(
        target=step,
        code={
            Step.Rung.REMINDED: "core.step.reminded",
            Step.Rung.LEADER: "core.step.escalated_leader",
            Step.Rung.COORDINATOR: "core.step.escalated_coordinator",
        }[rung],
        recipients=step_recipients(step, rung),
        subject=subject,
        body=body,
        link=link,
        claim=lambda: (
            Step.objects.for_system(reason=TICK)
            .filter(pk=step.pk, rung__lt=rung, done_at__isnull=True)
            .update(rung=rung, rung_at=timezone.now())
        ),
        release=lambda: (
            Step.objects.for_system(reason=TICK)
            .filter(pk=step.pk, rung=rung)
            .update(rung=step.rung, rung_at=step.rung_at)
        ),
        detail={"routine": step.routine, "step": step.code, "due": step.due_on.isoformat()},
    )


def send_step_notices(*, today: date) -> int:
    """The ``vern tick`` job for every routine: remind, then escalate.

    A step whose rungs have all fallen due since the last run gets only the
    highest (a reminder of a date long past helps nobody).
    """
    from vern.core.models.routines import MAX_REMIND_DAYS

    horizon = calendar.add_working_days(today, MAX_REMIND_DAYS)
    steps = (
        Step.objects.for_system(reason=TICK)
        .filter(done_at__isnull=True, rung__lt=Step.Rung.COORDINATOR, due_on__lte=horizon)
        .select_related("responsible_user", "responsible_unit", "leader")
        .order_by("due_on", "pk")
    )
    timings: dict[int, RoutineSettings] = {}

    def build(step: Step) -> Notice | None:
        if step.municipality_id not in timings:
            timings[step.municipality_id] = routine_settings(step.municipality_id)
        rung = rung_due(step, timings[step.municipality_id], today)
        if rung <= step.rung:
            return None
        return _step_notice(step, rung, today)

    return run_notices(steps, build, job="send_step_notices")


# --- In the staff shell --------------------------------------------------------


def step_needs(user, municipality, roles, today: date) -> list[Any]:
    """The "what needs me" provider (``core/shell.py``) for routine steps.

    The person's open steps that are overdue or due within a week, and those
    the escalation ladder has brought to them (``selectors.steps_needing_attention``).
    """
    from vern.core import shell
    from vern.core.selectors import steps_needing_attention

    if municipality is None:
        return []
    app = _("Routines")
    return [
        shell.NeedsItem(
            label=step.title,
            url=step.link,
            state=shell.OVERDUE if step.due_on < today else shell.DUE_SOON,
            app=app,
            due_on=step.due_on,
        )
        for step in steps_needing_attention(user, municipality=municipality, today=today)
    ]
