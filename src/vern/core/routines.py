"""The routine engine: due dates, notices claimed once, and the escalation ladder.

Two layers, both used by ``vern tick``:

* **Notices.** ``run_notices(items, build, job=...)`` is the one skeleton of
  every reminder job: for each due row ``build`` returns a ``Notice`` (who gets
  it, what it says, the conditional UPDATE that claims it and the one that
  releases it) or ``None``. The notices are claimed in batches, one
  transaction each, and go into the run's ``Digest``: ``vern tick`` sends each
  person ONE mail listing all their notices, grouped, in their language, over
  one connection to the mail server. A notice none of whose recipients could
  be mailed is released (the next run tries again) and counts as failed;
  for the others the in-app notifications and audit entries are written in
  bulk. An item that fails is logged, the rest go on, and the job (or the
  digest) then raises ``JobFailed`` (``core/jobs.py``), so ``vern tick`` runs
  its other jobs and exits 1. Two runs at once cannot both claim a notice:
  the second waits for the first's transaction and then matches no row.
  Every write transaction here takes the audit chain lock first
  (``lock_chain``), like every other write service.
* **Steps.** An app describes a routine as a ``Routine`` of ``StepSpec``s
  (what, due how many working days after the start, which role answers) and
  starts it for one of its records with ``routine_start``. ``send_step_notices``
  walks the ladder for every open step with a rung due (found by the
  database, not by walking every open step): the responsible person or unit is
  reminded before the due date, the leader is told when it is overdue, the
  coordinators after that. The timing is per municipality
  (``RoutineSettings``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from vern.core import calendar
from vern.core.audit_port import (
    audited_transaction,
    is_registered,
    lock_chain,
    log_action,
    log_actions,
)
from vern.core.audit_port import label as audit_label
from vern.core.dates import long_date
from vern.core.jobs import ItemFailures
from vern.core.mail import send_each, subject_line
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
    once, whatever number of matching roles they hold. Inside ``run_notices``
    each answer is looked up once per job run.
    """
    memo = _members_memo.get()
    key = (municipality_id, tuple(sorted(roles)), unit.pk if unit is not None else None)
    if memo is not None and key in memo:
        return list(memo[key])
    memberships = Membership.objects.for_system(
        reason="who answers for a notice: the roles of the record's own municipality"
    ).filter(role__in=list(roles))
    if municipality_id is None:
        memberships = memberships.filter(municipality__isnull=True)
    else:
        memberships = memberships.filter(municipality_id=municipality_id)
    if unit is not None:
        memberships = memberships.filter(unit=unit)
    found = list(
        User.objects.filter(is_active=True, pk__in=memberships.values("user_id")).order_by("pk")
    )
    if memo is not None:
        memo[key] = found
    return list(found)


def routine_settings(municipality_id: int) -> RoutineSettings:
    """The municipality's timing, or the defaults when it has set none."""
    found = RoutineSettings.objects.filter(municipality_id=municipality_id).first()
    return found or RoutineSettings(municipality_id=municipality_id)


# --- Notices -------------------------------------------------------------------


class Localized:
    """Text made in whichever language asks for it, once per language.

    A notice is written for several people, each in their own language
    (``User.language``); ``compose`` hands back its subject and body as these.
    ``str()`` gives the installation's language.
    """

    def __init__(self, make: Callable[[], str]):
        self._make = make
        self._made: dict[str, str] = {}

    def in_language(self, language: str) -> str:
        if language not in self._made:
            with translation.override(language):
                self._made[language] = self._make()
        return self._made[language]

    def __str__(self) -> str:
        return self.in_language(settings.LANGUAGE_CODE)


def text_in(value: Any, language: str) -> str:
    """``value`` (a ``Localized``, a lazy msgid or plain text) in ``language``."""
    if isinstance(value, Localized):
        return value.in_language(language)
    with translation.override(language):
        return str(value)


@dataclass
class Notice:
    """One message about one record, for ``run_notices`` to claim once and send.

    ``claim`` is the conditional UPDATE that marks the record as notified and
    returns the rows it changed (none: another run got there first);
    ``release`` undoes it when no mail could be sent, so the next run tries
    again. ``group`` is the heading it is listed under in the digest (by
    default the label of its audit code).
    """

    target: models.Model
    code: str  # the audit code, e.g. "plans.planmeasure.reminded"
    recipients: Sequence[User]
    subject: str | Localized
    body: str | Localized
    claim: Callable[[], int]
    release: Callable[[], int]
    # Read from the target's tenant column, as log_action does; give it only
    # for a target without one.
    municipality_id: int | None = None
    link: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    group: Any = None

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

    @property
    def active_recipients(self) -> list[User]:
        return [user for user in self.recipients if user.is_active]


class NotSent(Exception):
    """No recipient of a notice could be mailed; its claim has been released."""


def compose(
    template: str, context: dict[str, Any], subject: Any, **params: Any
) -> tuple[Localized, Localized]:
    """Subject and body, made in each recipient's language when the digest is written.

    ``subject`` is a (lazy) msgid, filled in with ``params`` in that language
    (a callable param is called there, for values that follow the language),
    or a callable that returns the whole subject.
    """

    def subject_text() -> str:
        if callable(subject) and not isinstance(subject, Promise):
            return subject_line(subject())
        values = {key: value() if callable(value) else value for key, value in params.items()}
        return subject_line(str(subject) % values if values else str(subject))

    return Localized(subject_text), Localized(lambda: render_to_string(template, context))


def _language(user: User) -> str:
    return user.language or settings.LANGUAGE_CODE


# The digest being collected by this ``vern tick`` (``collect_digest``), if any.
_digest: ContextVar[Digest | None] = ContextVar("vern_digest", default=None)
# People by role, looked up once per job run (``members``), not once per notice.
_members_memo: ContextVar[dict | None] = ContextVar("vern_members_memo", default=None)

DIGEST = "digest"
# Notices claimed, and notifications and audit entries written, per transaction.
BATCH = 500


class Digest:
    """The notices claimed in one run, sent as ONE mail per person.

    ``send`` writes each recipient one mail listing all their notices, grouped
    by kind, in the person's language, and sends them all over one connection
    to the mail server (a refused address does not stop the others). A notice
    none of whose recipients could be mailed is released for the next run and
    counts as failed; for the others the in-app notifications (for every
    recipient, the one whose mail failed too) and the audit entries are
    written in bulk.
    """

    def __init__(self) -> None:
        self.notices: list[tuple[str, Notice]] = []

    def add(self, notices: Iterable[tuple[str, Notice]]) -> None:
        self.notices.extend(notices)

    def send(self) -> int:
        """Send and record everything collected; returns the number of mails.

        Raises ``JobFailed`` if some notices could not be sent (they were
        released), after the rest were sent and recorded.
        """
        failures = ItemFailures(DIGEST)
        mails, _unsent = self._send(failures)
        return failures.result(mails)

    def _send(self, failures: ItemFailures) -> tuple[int, int]:
        """Send, release and record; returns the mails sent and the notices not sent."""
        notices, self.notices = self.notices, []
        if not notices:
            return 0, 0
        people: dict[int, tuple[User, list[Notice]]] = {}
        for _what, notice in notices:
            for user in notice.active_recipients:
                people.setdefault(user.pk, (user, []))[1].append(notice)
        messages = [digest_message(user, theirs) for user, theirs in people.values()]
        errors = send_each(messages)
        mailed: set[int] = set()
        first_error: Exception | None = None
        for (user, _theirs), error in zip(people.values(), errors, strict=True):
            if error is None:
                mailed.add(user.pk)
            else:
                logger.error("The digest to user %s could not be mailed", user.pk, exc_info=error)
                first_error = first_error or error
        sent, unsent = [], []
        for what, notice in notices:
            count = sum(user.pk in mailed for user in notice.active_recipients)
            (sent if count else unsent).append((what, notice, count))
        for start in range(0, len(unsent), BATCH):
            with transaction.atomic():
                lock_chain()
                for _what, notice, _count in unsent[start : start + BATCH]:
                    notice.release()
        for what, notice, _count in unsent:
            with failures.item(what):
                raise NotSent(f"{notice.code}: no recipient could be mailed") from first_error
        for start in range(0, len(sent), BATCH):
            _record(sent[start : start + BATCH])
        return len(mailed), len(unsent)


def digest_message(user: User, notices: Sequence[Notice]) -> EmailMessage:
    """One person's mail: all their notices, grouped by kind, in their language.

    A single notice keeps its own subject; several get a subject that counts them.
    """
    language = _language(user)
    groups: dict[str, dict[str, Any]] = {}
    for notice in notices:
        heading = text_in(notice.group or audit_label(notice.code), language)
        groups.setdefault(heading, {"heading": heading, "items": []})["items"].append(
            {
                "subject": text_in(notice.subject, language),
                "body": text_in(notice.body, language).strip(),
            }
        )
    with translation.override(language):
        if len(notices) == 1:
            subject = text_in(notices[0].subject, language)
        else:
            subject = ngettext(
                "Vern: %(count)d notice for you", "Vern: %(count)d notices for you", len(notices)
            ) % {"count": len(notices)}
        body = render_to_string(
            "core/mail/digest.txt",
            {"groups": list(groups.values()), "count": len(notices), "person": user},
        )
    return EmailMessage(subject_line(subject), body, None, [user.email])


def _record(batch: list[tuple[str, Notice, int]]) -> None:
    """The in-app notifications and audit entries of notices that went out."""
    length = Notification._meta.get_field("text").max_length
    with transaction.atomic():
        lock_chain()
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=user.pk,
                    municipality_id=notice.municipality_id,
                    code=notice.code,
                    text=text_in(notice.subject, _language(user))[:length],
                    link=notice.link,
                )
                for _what, notice, _count in batch
                for user in notice.active_recipients
            ],
            batch_size=1000,
        )
        log_actions(
            [
                {
                    # The notice read the target's tenant already: no look-up per entry.
                    "actor": None,
                    "action": "update",
                    "code": notice.code,
                    "object_type": notice.target._meta.label_lower,
                    "object_id": notice.target.pk,
                    "municipality": notice.municipality_id,
                    "detail": {
                        **notice.detail,
                        "recipients": len(notice.active_recipients),
                        "mailed": mailed,
                    },
                }
                for _what, notice, mailed in batch
            ]
        )


@contextmanager
def collect_digest() -> Iterator[Digest]:
    """Collect the notices of every ``run_notices`` inside into one digest.

    ``vern tick`` runs all its jobs inside, then calls ``send``: a person gets
    one mail per run whatever number of jobs had something for them. Outside
    it, each ``run_notices`` sends its own digest.
    """
    digest = Digest()
    token = _digest.set(digest)
    try:
        yield digest
    finally:
        _digest.reset(token)


def _describe(item: object) -> str:
    if isinstance(item, models.Model):
        return f"{item._meta.label_lower} {item.pk}"
    return repr(item)


def run_notices[T](
    items: Iterable[T],
    build: Callable[[T], Notice | None],
    *,
    job: str,
    claim_batch: Callable[[list[Notice]], list[bool]] | None = None,
) -> int:
    """The skeleton of every reminder job; returns how many notices were sent.

    Builds every item's notice, then claims them in batches: one transaction
    per ``BATCH`` notices, each by its own ``claim`` or, with ``claim_batch``,
    all at once (it returns which were won). Nothing is sent to nobody: a
    notice without active recipients is left unclaimed for a later run. The
    claimed notices go into the run's digest (``collect_digest``), or, outside
    one, are sent right away as a digest of this job alone.

    An item whose ``build`` or claim raises is logged with its traceback and
    the job goes on with the next; at the end the job raises ``JobFailed``
    (``core/jobs.py``), so ``vern tick`` runs the other jobs and exits 1.
    """
    failures = ItemFailures(job)
    built: list[tuple[str, Notice]] = []
    memo = _members_memo.set({})
    try:
        for item in items:
            what = _describe(item)
            with failures.item(what):
                notice = build(item)
                if notice is not None and notice.active_recipients:
                    built.append((what, notice))
    finally:
        _members_memo.reset(memo)
    claimed: list[tuple[str, Notice]] = []
    for start in range(0, len(built), BATCH):
        batch = built[start : start + BATCH]
        with failures.item(f"{len(batch)} notices from {batch[0][0]} on", count=len(batch)):
            with transaction.atomic():
                lock_chain()
                if claim_batch is not None:
                    won = claim_batch([notice for _what, notice in batch])
                else:
                    won = [bool(notice.claim()) for _what, notice in batch]
            claimed.extend(entry for entry, ok in zip(batch, won, strict=True) if ok)
    digest = _digest.get()
    if digest is not None:
        digest.add(claimed)
        return failures.result(len(claimed))
    own = Digest()
    own.add(claimed)
    _mails, unsent = own._send(failures)
    return failures.result(len(claimed) - unsent)


def deliver(notice: Notice) -> bool:
    """Claim one notice and mail it now, outside ``vern tick`` (a page that just changed
    something people must hear of); returns whether this call sent it.

    The same claim, mail and records as a tick's digest, for this notice alone.
    Raises ``NotSent`` (the claim released) if no recipient could be mailed, so
    the tick's job tries again.
    """
    if not notice.active_recipients:
        return False
    with transaction.atomic():
        lock_chain()
        if not notice.claim():
            return False
    own = Digest()
    what = _describe(notice.target)
    own.add([(what, notice)])
    _mails, unsent = own._send(ItemFailures(what))
    if unsent:
        raise NotSent(f"{notice.code}: no recipient could be mailed")
    return True


# --- Routines and their steps --------------------------------------------------


@dataclass(frozen=True)
class StepSpec:
    """One step of a routine.

    ``days`` is the due date in working days after the routine starts;
    ``role`` is who answers when no person is named: holders of that role in
    the routine's unit (or, without a unit, in the municipality). ``params``
    (codes and numbers) are kept with the step for a routine whose titles are
    made again in each reader's language (``core.step_titles``).
    """

    code: str
    title: str
    days: int
    role: str = ""
    params: dict = field(default_factory=dict, compare=False)


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
        title_params=dict(spec.params),
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


STEP_CODES = {
    Step.Rung.REMINDED: "core.step.reminded",
    Step.Rung.LEADER: "core.step.escalated_leader",
    Step.Rung.COORDINATOR: "core.step.escalated_coordinator",
}
# The digest's headings, one per rung.
STEP_GROUPS = {
    Step.Rung.REMINDED: gettext_lazy("Steps falling due"),
    Step.Rung.LEADER: gettext_lazy("Overdue steps, to you as leader"),
    Step.Rung.COORDINATOR: gettext_lazy("Overdue steps, to you as coordinator"),
}


def _step_notice(step: Step, rung: int, today: date) -> Notice:
    link = settings.VERN_BASE_URL.rstrip("/") + step.link if step.link else ""
    late = calendar.working_days_between(step.due_on, today) if rung > Step.Rung.REMINDED else 0

    def subject() -> str:  # in the language the digest asks for
        if rung == Step.Rung.REMINDED:
            return _("Step due %(date)s: %(step)s") % {
                "date": long_date(step.due_on),
                "step": step.display_title,
            }
        return ngettext(
            "Step overdue by %(days)d working day: %(step)s",
            "Step overdue by %(days)d working days: %(step)s",
            late,
        ) % {"days": late, "step": step.display_title}

    subject_text, body = compose(
        "core/mail/step_notice.txt",
        {
            "step": step,
            "rung": rung,
            "overdue": rung > Step.Rung.REMINDED,
            "responsible": step.responsible_user or step.responsible_unit,
            "link": link,
        },
        subject,
    )
    return Notice(
        target=step,
        code=STEP_CODES[rung],
        recipients=step_recipients(step, rung),
        subject=subject_text,
        body=body,
        link=link,
        group=STEP_GROUPS[rung],
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


def _claim_steps(notices: list[Notice]) -> list[bool]:
    """Claim a batch of step notices: per rung one locked read and ONE conditional UPDATE.

    ``run_notices`` calls this inside a transaction that holds the audit lock,
    which every writer of steps takes first; the rows are locked as well
    (``select_for_update``, PostgreSQL), so a second tick waits and then finds
    them claimed: each notice is won by one run.
    """
    scope = Step.objects.for_system(reason=TICK)
    by_rung: dict[int, list[int]] = defaultdict(list)
    for notice in notices:
        by_rung[STEP_RUNGS[notice.code]].append(notice.target.pk)
    now = timezone.now()
    won: set[int] = set()
    for rung, pks in by_rung.items():
        free = scope.filter(pk__in=pks, rung__lt=rung, done_at__isnull=True)
        ids = list(free.select_for_update().values_list("pk", flat=True))
        if ids:
            scope.filter(pk__in=ids, rung__lt=rung).update(rung=rung, rung_at=now)
            won.update(ids)
    return [notice.target.pk in won for notice in notices]


STEP_RUNGS = {code: rung for rung, code in STEP_CODES.items()}


def _last_due_on(timing: RoutineSettings, rung: int, today: date) -> date | None:
    """The latest due date for which ``rung`` has fallen due by ``today``.

    A rung's date moves with the due date (never earlier for a later one), so
    every step due on or before this date has the rung due: a bisection over
    two years either side finds it without walking the steps.
    """

    def due(day: date) -> bool:
        return rung_dates(Step(due_on=day), timing)[rung] <= today

    low, high = today - timedelta(days=730), today + timedelta(days=730)
    if not due(low):
        return None
    while (high - low).days > 1:
        middle = low + timedelta(days=(high - low).days // 2)
        low, high = (middle, high) if due(middle) else (low, middle)
    return high if due(high) else low


def _due_now(timing: RoutineSettings, today: date) -> models.Q:
    """Open steps with a rung due today that they have not had yet."""
    due = models.Q(pk__in=[])
    for rung in (Step.Rung.REMINDED, Step.Rung.LEADER, Step.Rung.COORDINATOR):
        last = _last_due_on(timing, rung, today)
        if last is not None:
            due |= models.Q(rung__lt=rung, due_on__lte=last)
    return due


def _timing_key(timing: RoutineSettings) -> tuple[int, int, int]:
    return (timing.remind_days_before, timing.leader_after_days, timing.coordinator_after_days)


def send_step_notices(*, today: date) -> int:
    """The ``vern tick`` job for every routine: remind, then escalate.

    The database finds the steps with a rung due (per municipality's timing,
    turned into due-date limits), so the open steps with nothing due are never
    loaded. A step whose rungs have all fallen due since the last run gets
    only the highest (a reminder of a date long past helps nobody).
    """
    own = {timing.municipality_id: timing for timing in RoutineSettings.objects.all()}
    by_timing: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for municipality_id, timing in own.items():
        by_timing[_timing_key(timing)].append(municipality_id)
    due = ~models.Q(municipality_id__in=list(own)) & _due_now(RoutineSettings(), today)
    for municipality_ids in by_timing.values():
        timing = own[municipality_ids[0]]
        due |= models.Q(municipality_id__in=municipality_ids) & _due_now(timing, today)
    steps = (
        Step.objects.for_system(reason=TICK)
        .filter(due, done_at__isnull=True, rung__lt=Step.Rung.COORDINATOR)
        .select_related("responsible_user", "responsible_unit", "leader")
        .order_by("due_on", "pk")
    )

    def build(step: Step) -> Notice | None:
        timing = own.get(step.municipality_id) or RoutineSettings(
            municipality_id=step.municipality_id
        )
        rung = rung_due(step, timing, today)
        if rung <= step.rung:
            return None
        return _step_notice(step, rung, today)

    return run_notices(steps, build, job="send_step_notices", claim_batch=_claim_steps)


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
            label=step.display_title,
            url=step.link,
            state=shell.OVERDUE if step.due_on < today else shell.DUE_SOON,
            app=app,
            due_on=step.due_on,
        )
        for step in steps_needing_attention(user, municipality=municipality, today=today)
    ]
