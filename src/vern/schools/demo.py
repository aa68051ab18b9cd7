"""Demo data for the school routines: Eksempelby's school start this August,
three no-show cases in different stages (one with an overdue step), one
signal of negative social control, and last year's anonymous figures.

Created once: if the demo municipality has any no-show case or signal,
nothing changes. Dates are relative to the day the demo is loaded.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from vern.core import calendar
from vern.core.models import Municipality, Unit, User
from vern.schools import services
from vern.schools.models import NoShowCase, NoShowStatistic, SchoolYear, Signal

DEMO = "the demo loader: Eksempelby's school routines"
DEMO_DOMAIN = "eksempelby.example"


def school_start(year: int) -> date:
    """A plausible first school day: the first working day from 17 August."""
    return calendar.add_working_days(date(year, 8, 17), 0)


def _user(local: str) -> User | None:
    return User.objects.filter(email=f"{local}@{DEMO_DOMAIN}").first()


@transaction.atomic
def load(municipality: Municipality) -> None:
    if (
        NoShowCase.objects.for_system(reason=DEMO).filter(municipality=municipality).exists()
        or Signal.objects.for_system(reason=DEMO).filter(municipality=municipality).exists()
    ):
        return
    contact, principal, coordinator = _user("skole"), _user("rektor"), _user("koordinator")
    bakken = Unit.objects.filter(
        municipality=municipality, name="Bakken skole", kind=Unit.Kind.SCHOOL
    ).first()
    lower = Unit.objects.filter(
        municipality=municipality, name="Eksempelby ungdomsskole", kind=Unit.Kind.SCHOOL
    ).first()
    if None in (contact, principal, coordinator, bakken, lower):
        return
    today = timezone.localdate()
    year = today.year
    # Before this year's school start, or so soon after it that no step can be
    # overdue yet: last August's school year.
    if calendar.add_working_days(school_start(year), 3) > today:
        year -= 1
    starts_on = school_start(year)
    if not SchoolYear.objects.filter(municipality=municipality, year=year).exists():
        services.school_year_save(
            municipality=municipality, year=year, starts_on=starts_on, actor=coordinator
        )
    first_steps = [s.code for s in services.routine.template_steps(municipality)]

    # 1. Reported to the police after the whole routine: closed.
    reported, _new = services.case_create(
        school=bakken,
        actor=contact,
        pupil_name="Amira Eksempel",
        pupil_class="7B",
        guardians_contact="Mor: Leila Eksempel, leila.eksempel@eksempelby.example",
        first_day=starts_on,
        submission=uuid.uuid4(),
        today=today,
    )
    outcomes = [
        "Ingen svarte på telefon eller SMS. Brev sendt hjem samme dag.",
        "Folkeregisteret viser ingen flytting. Forrige skole har ikke hørt noe. "
        "Helsesykepleier er orientert.",
        "Rektor og skolekontakt besluttet å melde til barnevernet og politiet, fordi eleven "
        "ikke er å finne og familien ikke svarer.",
    ]
    for code, outcome in zip(first_steps, outcomes, strict=False):
        services.step_record(
            case=reported,
            step_code=code,
            done_on=starts_on,
            outcome=outcome,
            actor=principal if code == first_steps[-1] else contact,
            today=today,
        )
    services.case_close(
        case=reported,
        reason=NoShowCase.Reason.REPORTED,
        actor=principal,
        today=today,
        child_welfare_reported_on=starts_on,
        police_reported_on=starts_on,
        note="Politiet har saken. Skolen holder plassen åpen.",
    )

    # 2. Open, guardians reached, the check of a move overdue.
    overdue, _new = services.case_create(
        school=bakken,
        actor=contact,
        pupil_name="Jonas Prøve",
        pupil_class="5A",
        guardians_contact="Far: Ola Prøve, e-post ola.prove@eksempelby.example",
        first_day=starts_on,
        submission=uuid.uuid4(),
        today=today,
    )
    services.step_record(
        case=overdue,
        step_code=first_steps[0],
        done_on=starts_on,
        outcome="Far svarte og sa at familien er på reise, men kunne ikke si når de kommer hjem.",
        actor=contact,
        today=today,
    )

    # 3. Registered on the latest working day at the lower secondary school: its
    # first step is due that day.
    latest = today
    while not calendar.is_working_day(latest) and latest > starts_on:
        latest -= timedelta(days=1)
    services.case_create(
        school=lower,
        actor=coordinator,
        pupil_name="Sofie Test",
        pupil_class="9C",
        guardians_contact="Mor: Nora Test, nora.test@eksempelby.example",
        first_day=latest,
        submission=uuid.uuid4(),
        today=today,
    )

    # A pupil kept from swimming: the conversation with the pupil is documented.
    signal, _new = services.signal_create(
        school=bakken,
        actor=contact,
        pupil_name="Maryam Eksempel",
        pupil_class="6A",
        activity="swimming",
        observed_on=starts_on,
        description="Eleven har ikke møtt til svømming siden skolestart og sier at hun ikke "
        "får lov. Faren har sendt melding om at hun ikke skal delta.",
        submission=uuid.uuid4(),
        today=today,
    )
    services.signal_talk(
        signal=signal,
        talk="pupil",
        held_on=starts_on,
        note="Samtale med eleven alene, ledet av rektor. Eleven vil gjerne delta.",
        actor=principal,
        today=today,
    )

    # Last school year's figures: the cases themselves are deleted, the counts stay.
    for outcome, number in (("arrived", 6), ("moved", 3), ("illness", 2), ("travel", 1)):
        NoShowStatistic.objects.get_or_create(
            municipality=municipality, year=year - 1, outcome=outcome, defaults={"count": number}
        )
