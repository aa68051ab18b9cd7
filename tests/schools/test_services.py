"""The no-show routine's rules, through the services."""

import uuid
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tests.schools.factories import START, case, school_year, signal
from vern.audit.models import AuditEntry
from vern.core.models import Role, Step, Unit
from vern.core.routines import steps_for
from vern.schools import services
from vern.schools.models import NoShowCase, NoShowStatistic, RoutineStepTemplate, StepRecord

TODAY = date(2025, 8, 28)


def _create(bakken, contact, **changes):
    values = {
        "school": bakken,
        "actor": contact,
        "pupil_name": "Amira Eksempel",
        "pupil_class": "7B",
        "guardians_contact": "Mor: Leila",
        "first_day": START,
        "submission": uuid.uuid4(),
        "today": TODAY,
    } | changes
    return services.case_create(**values)


def _record(case_, code, actor, done_on=START, outcome="Ringte mor, ingen svar."):
    return services.step_record(
        case=case_, step_code=code, done_on=done_on, outcome=outcome, actor=actor, today=TODAY
    )


def _all_steps(case_, actor):
    for step in services.case_steps(case_):
        _record(case_, step.code, actor)


def test_opening_a_case_starts_the_default_routine_in_working_days(home, bakken, contact):
    created, new = _create(bakken, contact)
    assert new
    steps = services.case_steps(created)
    # Monday 18 August: the same day, day 2 and day 3 of school.
    assert [(s.code, s.due_on, s.responsible_role) for s in steps] == [
        ("step-1", date(2025, 8, 18), Role.SCHOOL_CONTACT),
        ("step-2", date(2025, 8, 19), Role.SCHOOL_CONTACT),
        ("step-3", date(2025, 8, 20), Role.ADMIN),
    ]
    assert all(s.responsible_unit == bakken for s in steps)
    assert steps[0].title.startswith("Prøv å nå de foresatte")
    assert (
        AuditEntry.objects.for_system("test")
        .filter(code="schools.noshowcase.create", object_id=str(created.pk))
        .exists()
    )


def test_the_pupils_data_is_encrypted_at_rest(home, bakken, contact):
    from django.db import connection

    created, _new = _create(bakken, contact)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pupil_name, pupil_class, guardians_contact FROM schools_noshowcase WHERE id = %s",
            [created.pk],
        )
        stored = cursor.fetchone()
    assert "Amira" not in stored[0] and stored[1] != "7B" and "Leila" not in stored[2]
    assert NoShowCase.objects.for_system("test").get(pk=created.pk).pupil_name == "Amira Eksempel"


def test_a_form_sent_twice_opens_one_case(home, bakken, contact):
    token = uuid.uuid4()
    first, new_first = _create(bakken, contact, submission=token)
    second, new_second = _create(bakken, contact, submission=token)
    assert (new_first, new_second) == (True, False)
    assert first.pk == second.pk
    assert NoShowCase.objects.for_system("test").count() == 1
    assert len(steps_for(first)) == 3


def test_a_first_day_before_the_school_start_is_refused(home, bakken, contact):
    with pytest.raises(ValidationError) as refused:
        _create(bakken, contact, first_day=date(2025, 8, 15))
    assert "før skolestart (18. august 2025)" in str(refused.value.message_dict["first_day"])
    assert not NoShowCase.objects.for_system("test").exists()
    assert not Step.objects.for_system("test").exists()


def test_without_a_school_start_no_case_can_be_opened(other):
    from tests.schools.factories import member, school

    unit = school(other)
    person = member(other, Role.SCHOOL_CONTACT, unit)
    with pytest.raises(ValidationError) as refused:
        _create(unit, person)
    assert "ikke registrert skolestart" in str(refused.value)


def test_a_first_day_in_the_future_is_refused(home, bakken, contact):
    with pytest.raises(ValidationError):
        _create(bakken, contact, first_day=date(2025, 9, 1))


def test_only_a_school_can_hold_a_case(home, contact):
    office = Unit.objects.create(municipality=home, kind=Unit.Kind.NAV, name="NAV Heimby")
    with pytest.raises(ValidationError):
        _create(office, contact)


def test_steps_out_of_order_are_refused(home, bakken, contact):
    created, _new = _create(bakken, contact)
    with pytest.raises(ValidationError) as refused:
        _record(created, "step-2", contact)
    assert "stegene gjøres i rekkefølge" in str(refused.value)
    assert not StepRecord.objects.for_system("test").exists()
    _record(created, "step-1", contact)
    _record(created, "step-2", contact)
    assert [s.done_at is not None for s in services.case_steps(created)] == [True, True, False]


def test_a_step_recorded_twice_is_recorded_once(home, bakken, contact):
    created, _new = _create(bakken, contact)
    _record(created, "step-1", contact)
    with pytest.raises(services.AlreadyDone):
        _record(created, "step-1", contact, outcome="En gang til")
    assert StepRecord.objects.for_system("test").count() == 1


def test_step_dates_before_the_first_day_or_the_step_before_are_refused(home, bakken, contact):
    created, _new = _create(bakken, contact)
    with pytest.raises(ValidationError) as refused:
        _record(created, "step-1", contact, done_on=date(2025, 8, 15))
    assert "done_on" in refused.value.message_dict
    _record(created, "step-1", contact, done_on=date(2025, 8, 20))
    with pytest.raises(ValidationError):
        _record(created, "step-2", contact, done_on=date(2025, 8, 19))
    with pytest.raises(ValidationError):
        _record(created, "step-2", contact, done_on=date(2025, 9, 1))  # after today


def _national(first_nine: str) -> str:
    from vern.core.identifiers import control_digits

    return f"{first_nine[:6]} {first_nine[6:]}{control_digits(first_nine)}"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (f"Mor sa fødselsnummeret er {_national('150385432')}", "fødselsnummer"),
        (f"D-nummer {_national('550385434')} fra forrige skole", "D-nummer"),
        ("Ring far på 900 12 345", "telefonnummer"),
        ("Skrev til far@eksempel.example", "e-postadresse"),
    ],
)
def test_notes_with_personal_identifiers_are_refused(home, bakken, contact, text, kind):
    from vern.core.identifiers import find_personal_identifiers

    created, _new = _create(bakken, contact)
    assert find_personal_identifiers(text), "the example must hold an identifier"
    with pytest.raises(ValidationError) as refused:
        _record(created, "step-1", contact, outcome=text)
    assert kind in " ".join(refused.value.message_dict["outcome"])
    assert not StepRecord.objects.for_system("test").exists()
    assert services.case_steps(created)[0].done_at is None


# --- Closing --------------------------------------------------------------------------


def _close(case_, actor, **values):
    return services.case_close(case=case_, actor=actor, today=TODAY, **values)


def test_closing_needs_an_outcome(home, bakken, contact):
    created, _new = _create(bakken, contact)
    with pytest.raises(ValidationError):
        _close(created, contact, reason="")


def test_moved_needs_the_new_school_confirmed(home, bakken, contact):
    created, _new = _create(bakken, contact)
    with pytest.raises(ValidationError) as refused:
        _close(created, contact, reason="moved", new_school="Nordby skole")
    assert "new_school_confirmed_on" in refused.value.message_dict
    created.refresh_from_db()
    assert not created.is_closed
    closed = _close(
        created,
        contact,
        reason="moved",
        new_school="Nordby skole",
        new_school_confirmed_on=date(2025, 8, 21),
    )
    assert closed.is_closed and closed.new_school == "Nordby skole"


def test_unresolved_needs_the_whole_routine_and_a_report_date(home, bakken, contact, principal):
    created, _new = _create(bakken, contact)
    with pytest.raises(ValidationError) as refused:
        _close(created, principal, reason="reported", police_reported_on=date(2025, 8, 20))
    assert "Registrer alle stegene" in str(refused.value)
    _all_steps(created, contact)
    with pytest.raises(ValidationError) as refused:
        _close(created, principal, reason="reported")
    assert "police_reported_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _close(created, principal, reason="reported", police_reported_on=date(2025, 8, 1))
    assert "før skolestart" in str(refused.value)
    closed = _close(created, principal, reason="reported", police_reported_on=date(2025, 8, 20))
    assert closed.police_reported_on == date(2025, 8, 20)
    assert closed.child_welfare_reported_on is None


def test_a_report_date_does_not_stick_to_another_outcome(home, bakken, contact):
    created, _new = _create(bakken, contact)
    closed = _close(created, contact, reason="arrived", police_reported_on=date(2025, 8, 20))
    assert closed.police_reported_on is None


def test_closing_stops_the_routine_and_counts_the_outcome(home, bakken, contact):
    created, _new = _create(bakken, contact)
    _close(created, contact, reason="illness")
    assert all(step.done_at is not None for step in services.case_steps(created))
    with pytest.raises(services.AlreadyDone):
        _close(created, contact, reason="arrived")
    with pytest.raises(ValidationError):
        _record(created, "step-1", contact)
    assert list(
        NoShowStatistic.objects.filter(municipality=home).values_list("year", "outcome", "count")
    ) == [(2025, "illness", 1)]
    assert (
        AuditEntry.objects.for_system("test").filter(code="schools.noshowcase.close").count() == 1
    )


# --- Settings -------------------------------------------------------------------------------


def test_a_municipality_changes_its_routine_and_new_cases_follow_it(home, bakken, contact):
    services.template_save(
        municipality=home,
        steps=[
            {"title": "Ring hjem", "role": Role.SCHOOL_CONTACT, "days": 0},
            {"title": "Rektor avgjør", "role": Role.ADMIN, "days": 4},
        ],
        actor=contact,
    )
    created, _new = _create(bakken, contact)
    assert [(s.title, s.due_on) for s in services.case_steps(created)] == [
        ("Ring hjem", date(2025, 8, 18)),
        ("Rektor avgjør", date(2025, 8, 22)),
    ]
    with pytest.raises(ValidationError):
        services.template_save(
            municipality=home,
            steps=[
                {"title": "B", "role": Role.ADMIN, "days": 3},
                {"title": "A", "role": Role.SCHOOL_CONTACT, "days": 1},
            ],
            actor=contact,
        )
    assert RoutineStepTemplate.objects.filter(municipality=home).count() == 2


def test_the_school_start_must_lie_in_its_year_and_not_pass_its_cases(home, bakken, contact):
    with pytest.raises(ValidationError):
        services.school_year_save(
            municipality=home, year=2025, starts_on=date(2026, 8, 17), actor=contact
        )
    case(home, bakken, actor=contact)
    with pytest.raises(ValidationError):
        services.school_year_save(
            municipality=home, year=2025, starts_on=date(2025, 8, 19), actor=contact
        )
    school_year(home)


# --- Signals -------------------------------------------------------------------------------


def test_a_signal_is_closed_when_both_conversations_are_documented(home, bakken, principal):
    created = signal(home, bakken)
    services.signal_talk(
        signal=created,
        talk="pupil",
        held_on=START,
        note="Eleven vil delta.",
        actor=principal,
        today=TODAY,
    )
    with pytest.raises(services.AlreadyDone):
        services.signal_talk(
            signal=created, talk="pupil", held_on=START, note="Igjen", actor=principal, today=TODAY
        )
    with pytest.raises(ValidationError):
        services.signal_talk(
            signal=created,
            talk="parents",
            held_on=date(2025, 8, 1),
            note="For tidlig",
            actor=principal,
            today=TODAY,
        )
    created.refresh_from_db()
    assert created.closed_at is None
    services.signal_talk(
        signal=created,
        talk="parents",
        held_on=TODAY,
        note="Foreldrene kom.",
        actor=principal,
        today=TODAY,
    )
    created.refresh_from_db()
    assert created.closed_at is not None and created.parents_talk_by == principal
