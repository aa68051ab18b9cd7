"""Every write to pathways.

Each service is one audited transaction (the audit chain's lock first), runs
``full_clean`` before saving, writes its audit entry and a timeline event, and
is called after the view has checked who may act on the pathway. Deadlines
are steps of the kernel's routine engine (``core.routines``); completing what a
step asks closes it, so ``vern tick`` stops escalating.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vern.audit.selectors import saves_after
from vern.audit.services import audited_transaction, log_action
from vern.core import calendar, record_access, routines, versioning
from vern.core.models import Membership, RecordAccess, Role, Step, Unit, User
from vern.pathways.models import (
    Consent,
    DeliveryStep,
    Event,
    Need,
    Pathway,
    PathwaySettings,
    ProtectiveOrder,
    Referral,
    ReleaseFollowUp,
)
from vern.pathways.models.pathway import Area

# Services act on a pathway the calling view has already checked.
HELD = "a pathway the caller has checked access to"
# Who may be put on a pathway.
PATHWAY_ROLES = frozenset({Role.CASE_WORKER, Role.COORDINATOR})
PATHWAY_FIELDS = (
    "journal_number",
    "initials",
    "birth_year",
    "priority",
    "responsible",
    "coordinator",
    "notes",
)


def settings_for(municipality_id: int) -> PathwaySettings:
    """The municipality's pathway deadlines, or the defaults."""
    found = PathwaySettings.objects.filter(municipality_id=municipality_id).first()
    return found or PathwaySettings(municipality_id=municipality_id)


def pathway_link(pathway: Pathway) -> str:
    return reverse("pathways:pathway_detail", args=[pathway.pk])


def _event(pathway: Pathway, code: str, actor: User | None, detail: str = "") -> None:
    Event.objects.for_system(reason=HELD).create(
        pathway=pathway,
        municipality_id=pathway.municipality_id,
        code=code,
        actor=actor,
        detail=detail[:200],
    )


def _may_work_on_pathways(user: User, municipality_id: int) -> bool:
    return (
        Membership.objects.for_self(user)
        .filter(municipality_id=municipality_id, role__in=PATHWAY_ROLES)
        .exists()
    )


def _check_people(pathway: Pathway) -> None:
    if not _may_work_on_pathways(pathway.responsible, pathway.municipality_id):
        raise ValidationError(
            {"responsible": _("The responsible person must be a case worker or coordinator here.")}
        )
    if pathway.coordinator is not None and not (
        Membership.objects.for_self(pathway.coordinator)
        .filter(municipality_id=pathway.municipality_id, role=Role.COORDINATOR)
        .exists()
    ):
        raise ValidationError({"coordinator": _("Choose a coordinator of this municipality.")})


def _next_number(municipality_id: int, year: int) -> str:
    """The next pathway number of the year, ``2026-0001``; the chain lock serialises it."""
    prefix = f"{year}-"
    latest = (
        Pathway.objects.for_system(reason="numbering the municipality's pathways")
        .filter(municipality_id=municipality_id, number__startswith=prefix)
        .aggregate(latest=Max("number"))["latest"]
    )
    following = int(latest.removeprefix(prefix)) + 1 if latest else 1
    return f"{prefix}{following:04d}"


def step_title(code: str, params: dict) -> str:
    """A pathway step's title in the active language, from its code and params
    (the pathway's number, and the area where the step is about one); "" for a
    step this does not know. Registered with ``routines.register_titles``, so
    that the deadline lists read in each reader's language."""
    number = params.get("number", "")
    area = params.get("area", "")
    area_name = str(Area(area).label).lower() if area in Area.values else ""
    if code == "first_contact":
        return _("First contact (%(number)s)") % {"number": number}
    if code == "delivery_start":
        return _("Start delivering help (%(number)s)") % {"number": number}
    if code == "risk_assessment":
        return _("Joint risk assessment before release (%(number)s)") % {"number": number}
    if code == "victim_contact":
        return _("Contact the victim before release (%(number)s)") % {"number": number}
    if code.startswith("assess_") and area_name:
        return _("Assess %(area)s (%(number)s)") % {"area": area_name, "number": number}
    if code.startswith("delivery_") and area_name:
        return _("Help with %(area)s (%(number)s)") % {"area": area_name, "number": number}
    return ""


def _spec(code: str, days: int, **params) -> routines.StepSpec:
    """A step titled in the default language (what mails and exports fall back
    to), with the params that title it again for each reader."""
    with translation.override(settings.LANGUAGE_CODE):
        title = step_title(code, params)
    return routines.StepSpec(code, title, days, params=params)


def _routine(pathway: Pathway) -> routines.Routine:
    """The pathway's fixed steps with the municipality's deadlines for its priority."""
    contact, assessment, delivery = settings_for(pathway.municipality_id).days(pathway.priority)
    number = pathway.number
    steps = [_spec("first_contact", contact, number=number)]
    for area in pathway.areas:
        steps.append(_spec(f"assess_{area}", assessment, number=number, area=area))
    steps.append(_spec("delivery_start", delivery, number=number))
    return routines.Routine(code=f"pathways.{pathway.kind}", steps=tuple(steps))


def _grant(pathway: Pathway, user: User, kind: str, actor: User | None) -> None:
    record_access.access_grant(record=pathway, user=user, kind=kind, actor=actor)


@audited_transaction
def pathway_open(
    *,
    municipality,
    actor: User,
    kind: str,
    journal_number: str,
    priority: str,
    responsible: User,
    today: date,
    initials: str = "",
    birth_year: int | None = None,
    coordinator: User | None = None,
    notes: str = "",
    form_key: uuid.UUID | None = None,
) -> Pathway:
    """Open a pathway, put its people on its access list and start its deadlines.

    The same form sent twice (``form_key``) returns the pathway opened the first time.
    """
    if form_key is not None:
        found = (
            Pathway.objects.for_system(reason="a form sent twice")
            .filter(form_key=form_key, municipality=municipality)
            .first()
        )
        if found is not None:
            return found
    if not _may_work_on_pathways(actor, municipality.pk):
        raise ValidationError(_("Only case workers and coordinators open pathways."))
    pathway = Pathway(
        municipality=municipality,
        kind=kind,
        number=_next_number(municipality.pk, today.year),
        journal_number=journal_number,
        initials=initials,
        birth_year=birth_year,
        priority=priority,
        responsible=responsible,
        coordinator=coordinator,
        notes=notes,
        opened_on=today,
        opened_by=actor,
        form_key=form_key,
    )
    pathway.full_clean()
    _check_people(pathway)
    pathway.save()
    Need.objects.for_system(reason=HELD).bulk_create(
        Need(pathway=pathway, municipality=municipality, area=area) for area in pathway.areas
    )
    _grant(pathway, responsible, RecordAccess.Kind.RESPONSIBLE, actor)
    if actor != responsible:
        _grant(pathway, actor, RecordAccess.Kind.MEMBER, actor)
    if coordinator is not None and coordinator not in (actor, responsible):
        _grant(pathway, coordinator, RecordAccess.Kind.MEMBER, actor)
    routines.routine_start(
        routine=_routine(pathway),
        municipality=municipality,
        subject=pathway,
        start_on=today,
        actor=actor,
        link=pathway_link(pathway),
        people={"first_contact": responsible}
        | {f"assess_{area}": responsible for area in pathway.areas}
        | {"delivery_start": responsible},
        leader=coordinator,
    )
    log_action(
        actor=actor,
        action="create",
        code="pathways.pathway.create",
        target=pathway,
        detail={"kind": kind, "priority": priority},
    )
    _event(pathway, Event.Code.OPENED, actor)
    return pathway


def pathway_values(pathway: Pathway) -> dict[str, versioning.Value]:
    return versioning.field_values(pathway, PATHWAY_FIELDS)


@audited_transaction
def pathway_update(
    *,
    pathway: Pathway,
    actor: User,
    seen_version: int | None = None,
    seen_values: str = "",
    **fields,
) -> Pathway:
    """Change the pathway's details; refused if someone saved since it was opened."""
    current = Pathway.objects.for_system(reason=HELD).select_for_update().get(pk=pathway.pk)
    versioning.check_version(
        current,
        seen_version=seen_version,
        seen_values=seen_values,
        values=pathway_values,
        history=lambda version: saves_after(
            object_type="pathways.pathway", object_id=pathway.pk, version=version
        ),
    )
    changed = []
    for name, value in fields.items():
        if name not in PATHWAY_FIELDS:
            raise TypeError(name)
        if getattr(current, name) != value:
            setattr(current, name, value)
            changed.append(name)
    current.full_clean()
    _check_people(current)
    current.version = versioning.next_version(current) if changed else current.version
    current.save()
    if "responsible" in changed:
        _grant(current, current.responsible, RecordAccess.Kind.RESPONSIBLE, actor)
        Step.objects.for_system(reason=HELD).filter(
            subject_type="pathways.pathway", subject_id=str(current.pk), done_at__isnull=True
        ).update(responsible_user=current.responsible)
    if "coordinator" in changed and current.coordinator is not None:
        if not record_access.is_on_list(current.coordinator, current):
            _grant(current, current.coordinator, RecordAccess.Kind.MEMBER, actor)
        Step.objects.for_system(reason=HELD).filter(
            subject_type="pathways.pathway", subject_id=str(current.pk), done_at__isnull=True
        ).update(leader=current.coordinator)
    log_action(
        actor=actor,
        action="update",
        code="pathways.pathway.update",
        target=current,
        detail={"fields": changed, "version": current.version},
    )
    if changed:
        _event(current, Event.Code.UPDATED, actor)
    return current


def _complete(pathway: Pathway, code: str, actor: User) -> None:
    step = routines.steps_for(pathway).filter(code=code, done_at__isnull=True).first()
    if step is not None:
        routines.step_complete(step=step, actor=actor)


def _refresh_stage(pathway: Pathway) -> None:
    if pathway.closed_at is not None:
        stage = Pathway.Stage.CLOSED
    elif pathway.first_contact_on is None:
        stage = Pathway.Stage.CONTACT
    elif pathway.assessed_on is None:
        stage = Pathway.Stage.ASSESSMENT
    else:
        stage = Pathway.Stage.DELIVERY
    if stage != pathway.stage:
        pathway.stage = stage
        pathway.save(update_fields=["stage"])


def _open_pathway(pathway: Pathway) -> Pathway:
    current = Pathway.objects.for_system(reason=HELD).select_for_update().get(pk=pathway.pk)
    if current.closed_at is not None:
        raise ValidationError(_("The pathway is closed. Reopen it first."))
    return current


@audited_transaction
def first_contact_record(*, pathway: Pathway, actor: User, on: date, today: date) -> Pathway:
    """Record the day of the first contact with the person."""
    pathway = _open_pathway(pathway)
    if on > today:
        raise ValidationError({"on": _("The first contact cannot be in the future.")})
    if on < pathway.opened_on:
        raise ValidationError({"on": _("The first contact cannot be before the pathway opened.")})
    if pathway.first_contact_on is not None:
        return pathway
    pathway.first_contact_on = on
    pathway.save(update_fields=["first_contact_on"])
    _complete(pathway, "first_contact", actor)
    _refresh_stage(pathway)
    log_action(actor=actor, action="update", code="pathways.pathway.contact", target=pathway)
    _event(pathway, Event.Code.CONTACT, actor)
    return pathway


@audited_transaction
def consent_record(
    *,
    pathway: Pathway,
    actor: User,
    given_on: date,
    today: date,
    areas: list[str],
    share_initials: bool,
    share_needs: bool,
    share_contact: bool,
    note: str = "",
    form_key: uuid.UUID | None = None,
) -> Consent:
    """Record what the person agreed to. A newer consent replaces the older one."""
    pathway = _open_pathway(pathway)
    scope = Consent.objects.for_system(reason=HELD)
    if form_key is not None and (found := scope.filter(form_key=form_key).first()):
        return found
    if given_on > today:
        raise ValidationError({"given_on": _("Consent cannot be given in the future.")})
    unknown = set(areas) - set(pathway.areas)
    if unknown:
        raise ValidationError({"areas": _("Choose among the pathway's need areas.")})
    if not areas:
        raise ValidationError({"areas": _("Choose at least one area the person agreed to.")})
    consent = Consent(
        pathway=pathway,
        municipality_id=pathway.municipality_id,
        given_on=given_on,
        areas=[area for area in pathway.areas if area in areas],
        share_initials=share_initials,
        share_needs=share_needs,
        share_contact=share_contact,
        note=note,
        recorded_by=actor,
        form_key=form_key,
    )
    consent.full_clean()
    scope.filter(pathway=pathway, withdrawn_on__isnull=True).update(
        withdrawn_on=today, withdrawn_by=actor
    )
    consent.save()
    log_action(
        actor=actor,
        action="create",
        code="pathways.consent.create",
        target=consent,
        detail={"areas": consent.areas},
    )
    _event(pathway, Event.Code.CONSENT, actor)
    return consent


@audited_transaction
def consent_withdraw(*, pathway: Pathway, actor: User, today: date) -> int:
    """The person withdraws their consent; referrals need a new one from now on."""
    withdrawn = (
        Consent.objects.for_system(reason=HELD)
        .filter(pathway=pathway, withdrawn_on__isnull=True)
        .update(withdrawn_on=today, withdrawn_by=actor)
    )
    if withdrawn:
        log_action(actor=actor, action="update", code="pathways.consent.withdraw", target=pathway)
        _event(pathway, Event.Code.CONSENT_WITHDRAWN, actor)
    return withdrawn


def active_consent(pathway: Pathway) -> Consent | None:
    return (
        Consent.objects.for_system(reason=HELD)
        .filter(pathway=pathway, withdrawn_on__isnull=True)
        .first()
    )


@audited_transaction
def need_assess(
    *, pathway: Pathway, actor: User, area: str, assessment: str, note: str, today: date
) -> Need:
    """Assess one need area; when the last is assessed the pathway moves to delivery."""
    pathway = _open_pathway(pathway)
    need = Need.objects.for_system(reason=HELD).select_for_update().get(pathway=pathway, area=area)
    if assessment == Need.Assessment.PENDING or assessment not in Need.Assessment.values:
        raise ValidationError({"assessment": _("Choose needed, not needed or declined.")})
    need.assessment = assessment
    need.note = note
    need.assessed_by = actor
    need.assessed_at = timezone.now()
    need.full_clean()
    need.save()
    _complete(pathway, f"assess_{area}", actor)
    log_action(
        actor=actor,
        action="update",
        code="pathways.need.assess",
        target=need,
        detail={"area": area, "assessment": assessment},
    )
    _event(
        pathway,
        Event.Code.ASSESSED,
        actor,
        f"{need.area}:{need.assessment}",
    )
    needs = list(Need.objects.for_system(reason=HELD).filter(pathway=pathway))
    if pathway.assessed_on is None and all(n.assessment != Need.Assessment.PENDING for n in needs):
        pathway.assessed_on = today
        pathway.assessed_working_days = max(
            calendar.working_days_between(pathway.opened_on, today), 0
        )
        pathway.save(update_fields=["assessed_on", "assessed_working_days"])
        if not any(n.assessment == Need.Assessment.NEEDED for n in needs):
            _complete(pathway, "delivery_start", actor)  # nothing to deliver
    _refresh_stage(pathway)
    return need


@audited_transaction
def delivery_add(
    *,
    pathway: Pathway,
    actor: User,
    area: str,
    task: str,
    person: User,
    due: date,
    today: date,
    unit: Unit | None = None,
    form_key: uuid.UUID | None = None,
) -> DeliveryStep:
    """Add a task that delivers help, with a deadline on the routine engine.

    A due date on a weekend or holiday moves to the next working day, and the
    step says so. The first delivery step counts as delivery started.
    """
    pathway = _open_pathway(pathway)
    scope = DeliveryStep.objects.for_system(reason=HELD)
    if form_key is not None and (found := scope.filter(form_key=form_key).first()):
        return found
    need = Need.objects.for_system(reason=HELD).get(pathway=pathway, area=area)
    if need.assessment != Need.Assessment.NEEDED:
        raise ValidationError({"area": _("Assess the area as needed before planning help.")})
    if due < today:
        raise ValidationError({"due": _("The due date cannot be in the past.")})
    if unit is not None and unit.municipality_id != pathway.municipality_id:
        raise ValidationError({"unit": _("Choose a unit of this municipality.")})
    if not _may_work_on_pathways(person, pathway.municipality_id):
        raise ValidationError({"person": _("Choose a case worker or coordinator here.")})
    delivery = DeliveryStep(
        pathway=pathway,
        municipality_id=pathway.municipality_id,
        need=need,
        task=task,
        unit=unit,
        person=person,
        chosen_due_on=due,
        created_by=actor,
        form_key=form_key,
    )
    delivery.full_clean()
    delivery.save()
    delivery.step = routines.step_add(
        routine_code="pathways.delivery",
        spec=_spec(f"delivery_{delivery.pk}", 0, number=pathway.number, area=area),
        due=routines.due_on_working_day(due),
        municipality=pathway.municipality,
        subject=pathway,
        start_on=today,
        actor=actor,
        link=pathway_link(pathway),
        unit=unit,
        person=person,
        leader=pathway.coordinator,
    )
    delivery.save(update_fields=["step"])
    if not record_access.is_on_list(person, pathway):
        _grant(pathway, person, RecordAccess.Kind.MEMBER, actor)
    _complete(pathway, "delivery_start", actor)
    log_action(
        actor=actor,
        action="create",
        code="pathways.delivery.create",
        target=delivery,
        detail={"area": area, "due": delivery.step.due_on.isoformat()},
    )
    _event(pathway, Event.Code.DELIVERY_ADDED, actor, need.area)
    return delivery


@audited_transaction
def delivery_done(*, delivery: DeliveryStep, actor: User) -> DeliveryStep:
    pathway = _open_pathway(delivery.pathway)
    done = (
        DeliveryStep.objects.for_system(reason=HELD)
        .filter(pk=delivery.pk, done_at__isnull=True)
        .update(done_at=timezone.now())
    )
    if done:
        if delivery.step is not None:
            routines.step_complete(step=delivery.step, actor=actor)
        log_action(actor=actor, action="update", code="pathways.delivery.done", target=delivery)
        _event(pathway, Event.Code.DELIVERY_DONE, actor, delivery.need.area)
    delivery.refresh_from_db()
    return delivery


def _open_steps(pathway: Pathway):
    release_ids = [
        str(pk)
        for pk in ReleaseFollowUp.objects.for_system(reason=HELD)
        .filter(pathway=pathway)
        .values_list("pk", flat=True)
    ]
    from django.db.models import Q

    return Step.objects.for_system(reason=HELD).filter(
        Q(subject_type="pathways.pathway", subject_id=str(pathway.pk))
        | Q(subject_type="pathways.releasefollowup", subject_id__in=release_ids),
        done_at__isnull=True,
    )


@audited_transaction
def pathway_close(*, pathway: Pathway, actor: User, outcome: str, note: str = "") -> Pathway:
    """Close with an outcome; open steps are closed, so nothing escalates any more."""
    pathway = _open_pathway(pathway)
    if outcome not in Pathway.Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    pathway.closed_at = timezone.now()
    pathway.outcome = outcome
    pathway.outcome_note = note
    pathway.stage = Pathway.Stage.CLOSED
    pathway.full_clean()
    pathway.save(update_fields=["closed_at", "outcome", "outcome_note", "stage"])
    for step in _open_steps(pathway):
        routines.step_complete(step=step, actor=actor)
    log_action(
        actor=actor,
        action="update",
        code="pathways.pathway.close",
        target=pathway,
        detail={"outcome": outcome},
    )
    _event(pathway, Event.Code.CLOSED, actor, pathway.outcome)
    return pathway


@audited_transaction
def pathway_reopen(*, pathway: Pathway, actor: User) -> Pathway:
    """Reopen a closed pathway; its stage follows from what is done."""
    current = Pathway.objects.for_system(reason=HELD).select_for_update().get(pk=pathway.pk)
    if current.closed_at is None:
        return current
    if current.anonymised_at is not None:
        raise ValidationError(_("The pathway has been anonymised and cannot be reopened."))
    current.closed_at = None
    current.outcome = ""
    current.save(update_fields=["closed_at", "outcome"])
    _refresh_stage(current)
    log_action(actor=actor, action="update", code="pathways.pathway.reopen", target=current)
    _event(current, Event.Code.REOPENED, actor)
    return current


@audited_transaction
def person_add(*, pathway: Pathway, actor: User, user: User) -> None:
    """Put a case worker or coordinator on the pathway's access list."""
    if not _may_work_on_pathways(user, pathway.municipality_id):
        raise ValidationError({"user": _("Choose a case worker or coordinator here.")})
    if record_access.is_on_list(user, pathway):
        return
    _grant(pathway, user, RecordAccess.Kind.MEMBER, actor)
    _event(pathway, Event.Code.ACCESS, actor)


@audited_transaction
def person_remove(*, pathway: Pathway, actor: User, user: User) -> None:
    if user == pathway.responsible:
        raise ValidationError(_("Choose another responsible person before removing this one."))
    record_access.access_revoke(record=pathway, user=user, actor=actor)
    _event(pathway, Event.Code.ACCESS, actor)


@audited_transaction
def pathway_link_set(*, pathway: Pathway, actor: User, other: Pathway | None) -> Pathway:
    """Link a perpetrator's pathway to a victim's (coordinators only, checked by the view)."""
    current = Pathway.objects.for_system(reason=HELD).select_for_update().get(pk=pathway.pk)
    if other is not None:
        if other.municipality_id != current.municipality_id or other.pk == current.pk:
            raise ValidationError({"other": _("Choose another pathway of this municipality.")})
        if {other.kind, current.kind} != {Pathway.Kind.VICTIM, Pathway.Kind.PERPETRATOR}:
            raise ValidationError(
                {"other": _("A link joins a victim's pathway and a perpetrator's.")}
            )
    current.linked = other
    current.save(update_fields=["linked"])
    log_action(
        actor=actor,
        action="update",
        code="pathways.pathway.link",
        target=current,
        detail={"linked": other.pk if other else None},
    )
    _event(current, Event.Code.LINKED, actor)
    return current


# --- referrals ---------------------------------------------------------------------


def referral_letter_text(
    *,
    pathway: Pathway,
    consent: Consent | None,
    service_name: str,
    area: str,
    author: User,
    today: date,
) -> str:
    """The referral letter, with only what the consent allows to be shared."""
    from django.template.loader import render_to_string

    needs = []
    if consent is None or consent.share_needs:
        needs = [
            need.get_area_display()
            for need in Need.objects.for_system(reason=HELD).filter(
                pathway=pathway, assessment=Need.Assessment.NEEDED
            )
        ]
    return render_to_string(
        "pathways/referral_letter.txt",
        {
            "pathway": pathway,
            "municipality": pathway.municipality,
            "service_name": service_name,
            "area": Area(area).label,
            "share_person": consent is not None and consent.share_initials,
            "share_contact": consent is not None and consent.share_contact,
            "needs": needs,
            "author": author,
            "today": today,
        },
    ).strip()


@audited_transaction
def referral_create(
    *,
    pathway: Pathway,
    actor: User,
    service,
    area: str,
    today: date,
    override_reason: str = "",
    actor_is_coordinator: bool = False,
    form_key: uuid.UUID | None = None,
) -> Referral:
    """Refer the person to a directory service, as the service's referral rule says.

    Without a consent covering the area the referral is refused, unless a
    coordinator gives a written reason (at least 10 characters), which is audited.
    A service that needs no referral gets a record that contact information
    was given; one that needs a referral gets a letter with what the consent allows.
    """
    pathway = _open_pathway(pathway)
    scope = Referral.objects.for_system(reason=HELD)
    if form_key is not None and (found := scope.filter(form_key=form_key).first()):
        return found
    if area not in pathway.areas:
        raise ValidationError({"area": _("Choose one of the pathway's need areas.")})
    consent = active_consent(pathway)
    covered = consent is not None and area in consent.areas
    override_reason = override_reason.strip()
    if not covered:
        if not override_reason:
            raise ValidationError(
                _(
                    "No consent covers contacting services about this area. Record the "
                    "person's consent first."
                )
            )
        if not actor_is_coordinator:
            raise ValidationError(_("Only a coordinator may refer without consent."))
        if len(override_reason) < record_access.REASON_MIN_LENGTH:
            raise ValidationError({"override_reason": _("Write why, in at least 10 characters.")})
    from vern.directory import selectors as directory

    needs_referral = directory.service_needs_referral(service)
    referral = Referral(
        pathway=pathway,
        municipality_id=pathway.municipality_id,
        area=area,
        service=service,
        service_name=service.name,
        needs_referral=needs_referral,
        status=Referral.Status.SENT if needs_referral else Referral.Status.CONTACT,
        consent=consent if covered else None,
        override_reason="" if covered else override_reason,
        created_by=actor,
        sent_on=today if needs_referral else None,
        form_key=form_key,
    )
    if needs_referral:
        referral.letter = referral_letter_text(
            pathway=pathway,
            consent=consent if covered else None,
            service_name=service.name,
            area=area,
            author=actor,
            today=today,
        )
    referral.full_clean()
    referral.save()
    if not covered:
        log_action(
            actor=actor,
            action="create",
            code="pathways.referral.override",
            target=referral,
            reason=override_reason,
            detail={"area": area},
        )
        _event(pathway, Event.Code.REFERRAL_OVERRIDE, actor, service.name)
    log_action(
        actor=actor,
        action="create",
        code="pathways.referral.create",
        target=referral,
        detail={"area": area, "needs_referral": needs_referral},
    )
    _event(pathway, Event.Code.REFERRAL, actor, service.name)
    return referral


REFERRAL_NEXT = {
    Referral.Status.SENT: (Referral.Status.ACCEPTED, Referral.Status.DECLINED),
    Referral.Status.CONTACT: (Referral.Status.STARTED,),
    Referral.Status.ACCEPTED: (Referral.Status.STARTED,),
}


@audited_transaction
def referral_status(*, referral: Referral, actor: User, status: str, today: date) -> Referral:
    """Track a referral: sent → accepted → started (or declined)."""
    _open_pathway(referral.pathway)
    current = Referral.objects.for_system(reason=HELD).select_for_update().get(pk=referral.pk)
    if status not in REFERRAL_NEXT.get(current.status, ()):
        raise ValidationError(_("The referral cannot move to that status from where it is."))
    current.status = status
    if status == Referral.Status.ACCEPTED:
        current.accepted_on = today
    if status == Referral.Status.STARTED:
        current.started_on = today
    current.save(update_fields=["status", "accepted_on", "started_on"])
    log_action(
        actor=actor,
        action="update",
        code="pathways.referral.status",
        target=current,
        detail={"status": status},
    )
    _event(
        current.pathway,
        Event.Code.REFERRAL_STATUS,
        actor,
        f"{current.status}:{current.service_name}",
    )
    return current


# --- protective orders and release follow-up -----------------------------------------


@audited_transaction
def order_add(
    *,
    pathway: Pathway,
    actor: User,
    type: str,
    imposed_by: str,
    starts_on: date,
    ends_on: date,
    form_key: uuid.UUID | None = None,
) -> ProtectiveOrder:
    pathway = _open_pathway(pathway)
    scope = ProtectiveOrder.objects.for_system(reason=HELD)
    if form_key is not None and (found := scope.filter(form_key=form_key).first()):
        return found
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The order cannot end before it starts.")})
    order = ProtectiveOrder(
        pathway=pathway,
        municipality_id=pathway.municipality_id,
        type=type,
        imposed_by=imposed_by,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
        form_key=form_key,
    )
    order.full_clean()
    order.save()
    log_action(
        actor=actor,
        action="create",
        code="pathways.order.create",
        target=order,
        detail={"type": type, "ends": ends_on.isoformat()},
    )
    _event(pathway, Event.Code.ORDER, actor, order.type)
    return order


RISK_DAYS = 10  # working days from the follow-up's start to the joint risk assessment
VICTIM_DAYS = 5  # working days from the start to contact with the victim


def release_routine(follow_up: ReleaseFollowUp) -> routines.Routine:
    number = follow_up.pathway.number
    return routines.Routine(
        code="pathways.release",
        steps=(
            _spec("risk_assessment", RISK_DAYS, number=number),
            _spec("victim_contact", VICTIM_DAYS, number=number),
        ),
    )


@audited_transaction
def release_open(
    *,
    pathway: Pathway,
    actor: User,
    type: str,
    expected_on: date,
    notice_on: date,
    responsible: User,
    today: date,
    form_key: uuid.UUID | None = None,
) -> ReleaseFollowUp:
    """Open a follow-up from the correctional service's notice.

    It starts ``release_weeks`` (default 8) before the expected date, or today
    if the notice came later than that; the checklist's deadlines count from there.
    """
    pathway = _open_pathway(pathway)
    scope = ReleaseFollowUp.objects.for_system(reason=HELD)
    if form_key is not None and (found := scope.filter(form_key=form_key).first()):
        return found
    if notice_on > today:
        raise ValidationError({"notice_on": _("The notice cannot be received in the future.")})
    if expected_on < notice_on:
        raise ValidationError(
            {"expected_on": _("The expected date cannot be before the notice was received.")}
        )
    if not _may_work_on_pathways(responsible, pathway.municipality_id):
        raise ValidationError({"responsible": _("Choose a case worker or coordinator here.")})
    weeks = settings_for(pathway.municipality_id).release_weeks
    opens_on = max(today, expected_on - timedelta(weeks=weeks))
    follow_up = ReleaseFollowUp(
        pathway=pathway,
        municipality_id=pathway.municipality_id,
        type=type,
        expected_on=expected_on,
        notice_on=notice_on,
        opens_on=opens_on,
        responsible=responsible,
        created_by=actor,
        form_key=form_key,
    )
    follow_up.full_clean()
    follow_up.save()
    if not record_access.is_on_list(responsible, pathway):
        _grant(pathway, responsible, RecordAccess.Kind.MEMBER, actor)
    routines.routine_start(
        routine=release_routine(follow_up),
        municipality=pathway.municipality,
        subject=follow_up,
        start_on=opens_on,
        actor=actor,
        link=pathway_link(pathway),
        people={"risk_assessment": responsible, "victim_contact": responsible},
        leader=pathway.coordinator,
    )
    log_action(
        actor=actor,
        action="create",
        code="pathways.release.create",
        target=follow_up,
        detail={"type": type, "expected": expected_on.isoformat()},
    )
    _event(pathway, Event.Code.RELEASE, actor, follow_up.type)
    return follow_up


@audited_transaction
def release_assess(
    *,
    follow_up: ReleaseFollowUp,
    actor: User,
    assessed_on: date,
    today: date,
    police_took_part: bool,
    correctional_took_part: bool,
    risk_factors: str,
    vulnerability: str,
    measures_considered: list[str],
    measures_decided: list[str],
    victim_contacted_on: date | None,
) -> ReleaseFollowUp:
    """Record the joint risk assessment and the contact with the victim."""
    _open_pathway(follow_up.pathway)
    current = (
        ReleaseFollowUp.objects.for_system(reason=HELD).select_for_update().get(pk=follow_up.pk)
    )
    if assessed_on > today:
        raise ValidationError({"assessed_on": _("The assessment cannot be in the future.")})
    if victim_contacted_on and victim_contacted_on > today:
        raise ValidationError({"victim_contacted_on": _("The contact cannot be in the future.")})
    if not set(measures_decided) <= set(measures_considered):
        raise ValidationError(
            {"measures_decided": _("A measure decided must also be among those considered.")}
        )
    current.assessed_on = assessed_on
    current.police_took_part = police_took_part
    current.correctional_took_part = correctional_took_part
    current.risk_factors = risk_factors
    current.vulnerability = vulnerability
    current.measures_considered = measures_considered
    current.measures_decided = measures_decided
    current.victim_contacted_on = victim_contacted_on
    current.full_clean()
    current.save()
    for step in routines.steps_for(current).filter(done_at__isnull=True):
        if step.code == "risk_assessment" or (
            step.code == "victim_contact" and victim_contacted_on
        ):
            routines.step_complete(step=step, actor=actor)
    log_action(
        actor=actor,
        action="update",
        code="pathways.release.assess",
        target=current,
        detail={"decided": measures_decided},
    )
    _event(current.pathway, Event.Code.RISK, actor)
    return current


@audited_transaction
def settings_save(*, municipality, actor: User, **values) -> PathwaySettings:
    found = PathwaySettings.objects.filter(municipality=municipality).first()
    row = found or PathwaySettings(municipality=municipality)
    for name, value in values.items():
        setattr(row, name, value)
    row.full_clean()
    row.save()
    log_action(
        actor=actor,
        action="update",
        code="pathways.settings.update",
        municipality=municipality,
        object_type="pathways.pathwaysettings",
        object_id=row.pk,
        detail={"fields": sorted(values)},
    )
    return row
