"""Deadlines of a pathway on the routine engine, in working days, per municipality."""

from datetime import date

import pytest
from django.core import mail

from vern.core import routines
from vern.core.management.commands.tick import Command as Tick  # noqa: F401
from vern.core.models import Notification, Step
from vern.pathways import services
from vern.pathways.models import PathwaySettings


def _due(pathway) -> dict[str, date]:
    return {step.code: step.due_on for step in routines.steps_for(pathway)}


def test_default_deadlines_count_working_days(open_pathway):
    # Monday 2 March 2026.
    due = _due(open_pathway(today=date(2026, 3, 2)))
    assert due["first_contact"] == date(2026, 3, 3)
    assert due["assess_health"] == date(2026, 3, 5)
    assert due["assess_protection"] == date(2026, 3, 5)
    assert due["delivery_start"] == date(2026, 3, 16)
    assert len(due) == 8  # first contact, six areas, delivery started


def test_high_priority_is_tighter(open_pathway):
    due = _due(open_pathway(today=date(2026, 3, 2), priority="high"))
    assert due["first_contact"] == date(2026, 3, 2)  # the same working day
    assert due["assess_housing"] == date(2026, 3, 3)


def test_deadlines_across_easter_skip_the_holidays_and_say_so(open_pathway):
    # Opened Wednesday 1 April 2026. Maundy Thursday 2 April, Good Friday 3 April and
    # Easter Monday 6 April are public holidays.
    pathway = open_pathway(today=date(2026, 4, 1))
    steps = {step.code: step for step in routines.steps_for(pathway)}
    assert steps["first_contact"].due_on == date(2026, 4, 7)
    assert steps["assess_health"].due_on == date(2026, 4, 9)
    assert steps["delivery_start"].due_on == date(2026, 4, 20)
    note = steps["first_contact"].due_note
    assert "2. april 2026" in note and "Skjærtorsdag" in note


def test_a_municipality_sets_its_own_deadlines(home, open_pathway):
    PathwaySettings.objects.create(municipality=home, first_contact_days=2, assessment_days=5)
    due = _due(open_pathway(today=date(2026, 3, 2)))
    assert due["first_contact"] == date(2026, 3, 4)
    assert due["assess_legal"] == date(2026, 3, 9)


def test_a_chosen_due_date_on_a_holiday_moves_and_says_why(open_pathway, case_worker):
    pathway = open_pathway(today=date(2026, 3, 2))
    services.need_assess(
        pathway=pathway,
        actor=case_worker,
        area="housing",
        assessment="needed",
        note="",
        today=date(2026, 3, 2),
    )
    delivery = services.delivery_add(
        pathway=pathway,
        actor=case_worker,
        area="housing",
        task="Søke kommunal bolig",
        person=case_worker,
        due=date(2026, 5, 1),
        today=date(2026, 3, 2),
    )
    assert delivery.step.due_on == date(2026, 5, 4)  # 1 May is a holiday, then a weekend
    from vern.pathways.selectors import step_note

    note = step_note(delivery.step)
    assert "1. mai 2026" in note and "Arbeidernes dag" in note


@pytest.mark.django_db(transaction=False)
def test_an_overdue_step_escalates_to_the_responsible_then_the_coordinator(
    open_pathway, case_worker, coordinator, clock
):
    from django.core.management import call_command

    clock(date(2026, 3, 2))
    pathway = open_pathway(today=date(2026, 3, 2))
    first = Step.objects.for_system(reason="test").get(
        subject_id=str(pathway.pk), code="first_contact"
    )
    # Reminder a working day before: on the day of opening itself.
    call_command("tick")
    first.refresh_from_db()
    assert first.rung == Step.Rung.REMINDED
    assert case_worker.email in [m.to[0] for m in mail.outbox]
    # Due Tuesday 3 March; the leader (the pathway's coordinator) a working day after.
    clock(date(2026, 3, 4))
    mail.outbox.clear()
    call_command("tick")
    first.refresh_from_db()
    assert first.rung == Step.Rung.LEADER
    assert coordinator.email in {m.to[0] for m in mail.outbox}
    # And the municipality's coordinators two working days later.
    clock(date(2026, 3, 6))
    call_command("tick")
    first.refresh_from_db()
    assert first.rung == Step.Rung.COORDINATOR
    assert (
        Notification.objects.for_self(coordinator)
        .filter(code="core.step.escalated_coordinator")
        .exists()
    )
    # Safe to run twice: nothing new.
    sent = len(mail.outbox)
    call_command("tick")
    assert len(mail.outbox) == sent


def test_doing_the_step_stops_the_escalation(open_pathway, case_worker, clock):
    from django.core.management import call_command

    clock(date(2026, 3, 2))
    pathway = open_pathway(today=date(2026, 3, 2))
    services.first_contact_record(
        pathway=pathway, actor=case_worker, on=date(2026, 3, 2), today=date(2026, 3, 2)
    )
    clock(date(2026, 3, 10))
    call_command("tick")
    first = Step.objects.for_system(reason="test").get(
        subject_id=str(pathway.pk), code="first_contact"
    )
    assert first.done_at is not None and first.rung == Step.Rung.NONE
