"""`vern tick` reminds about and escalates a no-show case's steps, on a moved clock:
the school contact, then the principal, then the coordinator."""

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from tests.schools.factories import START, case
from vern.audit.models import AuditEntry
from vern.core.models import Step
from vern.schools import services


def tick() -> str:
    out = StringIO()
    call_command("tick", stdout=out)
    return out.getvalue()


def _recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


@pytest.fixture
def opened(home, bakken, contact, principal, coordinator, clock):
    clock(START)
    return case(home, bakken, actor=contact, today=START)


def test_an_overdue_step_climbs_from_the_contact_to_the_principal_to_the_coordinator(
    opened, contact, principal, coordinator, clock
):
    steps = services.case_steps(opened)
    # Monday 18 August: step 1 is due today, step 2 tomorrow: the contact is
    # reminded of both, in one mail.
    tick()
    assert _recipients() == [contact.email]
    assert len([line for line in mail.outbox[0].body.splitlines() if line.startswith("* ")]) == 2
    assert f"/ansatt/skoler/{opened.pk}/" in mail.outbox[0].body
    mail.outbox.clear()

    # Nothing new the same day, however often tick runs.
    tick()
    assert mail.outbox == []

    # Tuesday: step 1 is a working day late: the principal (the school's administrator).
    clock(date(2025, 8, 19))
    tick()
    step_one = Step.objects.for_system("test").get(pk=steps[0].pk)
    assert step_one.rung == Step.Rung.LEADER
    assert principal.email in _recipients()
    assert coordinator.email not in _recipients()
    mail.outbox.clear()

    # Two working days later (Thursday): the coordinator.
    clock(date(2025, 8, 21))
    tick()
    step_one.refresh_from_db()
    assert step_one.rung == Step.Rung.COORDINATOR
    assert coordinator.email in _recipients()
    assert (
        AuditEntry.objects.for_system("test")
        .filter(code="core.step.escalated_coordinator", object_id=str(step_one.pk))
        .exists()
    )


def test_a_step_done_in_time_is_never_escalated(opened, contact, principal, clock):
    services.step_record(
        case=opened,
        step_code="step-1",
        done_on=START,
        outcome="Mor svarte: eleven er syk.",
        actor=contact,
        today=START,
    )
    services.case_close(case=opened, reason="illness", actor=contact, today=START)
    clock(date(2025, 9, 15))
    tick()
    assert mail.outbox == []
    assert not Step.objects.for_system("test").filter(rung__gt=0).exists()


def test_a_school_without_a_principal_falls_back_to_the_administrators(
    home, bakken, contact, admin, clock
):
    clock(START)
    opened = case(home, bakken, actor=contact, today=START)
    clock(date(2025, 8, 19))
    tick()
    step_one = services.case_steps(opened)[0]
    assert step_one.rung == Step.Rung.LEADER
    assert admin.email in _recipients()
