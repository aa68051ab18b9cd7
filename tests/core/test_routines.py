"""The routine engine: working-day due dates, the ladder, notices claimed once, notifications."""

from __future__ import annotations

import threading
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import translation

from tests.factories import MembershipFactory, UnitFactory, UserFactory
from vern.audit.models import AuditEntry
from vern.core import routines, services, shell
from vern.core.jobs import JobFailed
from vern.core.models import Notification, Role, RoutineSettings, Step
from vern.core.routines import (
    Routine,
    StepSpec,
    due_in_working_days,
    due_on_working_day,
    routine_start,
    send_step_notices,
    step_complete,
)
from vern.core.selectors import notifications_for

# What a school's routine for a pupil who has not come back could look like.
NO_SHOW = Routine(
    code="schools.no_show",
    steps=(
        StepSpec("contact_guardians", "Kontakt foresatte", days=1, role=Role.SCHOOL_CONTACT),
        StepSpec("check_moved", "Sjekk om eleven har flyttet", days=2, role=Role.READER),
        StepSpec("decide", "Rektor avgjør videre oppfølging", days=3),
    ),
)


# --- Due dates -------------------------------------------------------------------


def test_working_days_over_easter_move_the_date_and_say_why():
    # Wednesday 1 April 2026: the next working day is Tuesday 7 April.
    due = due_in_working_days(date(2026, 4, 1), 1)
    assert due.on == date(2026, 4, 7)
    assert due.moved_from == date(2026, 4, 2)
    with translation.override("nb"):
        assert due.note == (
            "Flyttet fra 2. april 2026 på grunn av Skjærtorsdag (2. april 2026), "
            "Langfredag (3. april 2026), Andre påskedag (6. april 2026)."
        )
    with translation.override("en"):
        assert "Good Friday" in due.note and "Easter Monday" in due.note
        assert due.note.startswith("Moved from")


def test_a_date_on_17_may_moves_to_the_next_working_day():
    due = due_on_working_day(date(2026, 5, 17))  # a Sunday and Constitution Day
    assert due.on == date(2026, 5, 18)
    assert due.moved_from == date(2026, 5, 17)
    with translation.override("nb"):
        assert due.note == "Flyttet fra 17. mai 2026 på grunn av Grunnlovsdag (17. mai 2026)."


def test_a_date_on_a_saturday_moves_to_monday_because_of_the_weekend():
    due = due_on_working_day(date(2026, 5, 16))
    assert due.on == date(2026, 5, 18)
    with translation.override("nb"):
        assert due.note == "Flyttet fra 16. mai 2026 på grunn av helgen."


def test_a_working_day_is_not_moved_and_has_no_note():
    due = due_on_working_day(date(2026, 5, 15))
    assert (due.on, due.moved_from, due.note) == (date(2026, 5, 15), None, "")


def test_a_step_due_the_day_it_starts_on_a_holiday_moves_and_says_why():
    due = due_in_working_days(date(2026, 5, 14), 0)  # Ascension Day
    assert (due.on, due.moved_from) == (date(2026, 5, 15), date(2026, 5, 14))
    with translation.override("nb"):
        assert "Kristi himmelfartsdag" in due.note


def test_a_weekend_inside_a_count_of_working_days_is_not_remarked_on():
    # Friday 8 May 2026 + 1 working day = Monday 11 May: no holiday moved it.
    due = due_in_working_days(date(2026, 5, 8), 1)
    assert due.on == date(2026, 5, 11)
    assert due.moved_from is None and due.note == ""


# --- Starting a routine ----------------------------------------------------------


@pytest.fixture
def school(home):
    return UnitFactory(municipality=home, name="Heimby skole")


@pytest.fixture
def contact(home, school):
    user = UserFactory(email="kontakt@heimby.test", full_name="Kari Kontakt")
    MembershipFactory(user=user, municipality=home, role=Role.SCHOOL_CONTACT, unit=school)
    return user


@pytest.fixture
def office(home, school):
    user = UserFactory(email="kontor@heimby.test", full_name="Kontor Kontorsen")
    MembershipFactory(user=user, municipality=home, role=Role.READER, unit=school)
    return user


@pytest.fixture
def principal(home, school):
    user = UserFactory(email="rektor@heimby.test", full_name="Rita Rektor")
    MembershipFactory(user=user, municipality=home, role=Role.ADMIN, unit=school)
    return user


def start(home, school, subject, *, on=date(2026, 5, 12), **kwargs):
    return routine_start(
        routine=NO_SHOW,
        municipality=home,
        subject=subject,
        start_on=on,
        actor=None,
        unit=school,
        link=f"/ansatt/skole/{subject.pk}/",
        **kwargs,
    )


def test_a_routine_gets_its_steps_with_due_dates_in_working_days(home, school, principal):
    # Tuesday 12 May 2026; Thursday 14 May is Ascension Day.
    steps = start(home, school, school, people={"decide": principal})
    assert [(s.code, s.due_on) for s in steps] == [
        ("contact_guardians", date(2026, 5, 13)),
        ("check_moved", date(2026, 5, 15)),
        ("decide", date(2026, 5, 18)),
    ]
    assert steps[0].due_moved_from is None and steps[0].due_note == ""
    with translation.override("nb"):
        assert steps[1].due_note == (
            "Flyttet fra 14. mai 2026 på grunn av Kristi himmelfartsdag (14. mai 2026)."
        )
    assert steps[2].responsible_user == principal
    assert (
        AuditEntry.objects.for_system("test")
        .filter(code="core.step.create", municipality=home)
        .count()
        == 3
    )


def test_a_unit_of_another_municipality_is_refused(home, other):
    from django.core.exceptions import ValidationError

    foreign = UnitFactory(municipality=other)
    with pytest.raises(ValidationError):
        start(home, foreign, foreign)
    assert not Step.objects.for_system("test").exists()


# --- The ladder --------------------------------------------------------------------


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_the_ladder_reminds_then_tells_the_leader_then_the_coordinator(
    home, school, contact, office, principal, coordinator, admin
):
    start(home, school, school)
    contact_step = Step.objects.for_system("test").get(
        code="contact_guardians"
    )  # due Wednesday 13 May

    # One working day before: the school contact is reminded, once.
    assert send_step_notices(today=date(2026, 5, 11)) == 0
    assert send_step_notices(today=date(2026, 5, 12)) == 1
    assert recipients() == [contact.email]
    assert "Kontakt foresatte" in mail.outbox[0].subject
    assert f"/ansatt/skole/{school.pk}/" in mail.outbox[0].body
    assert send_step_notices(today=date(2026, 5, 12)) == 0

    # The day after it fell due (Ascension Day is no working day): the leader,
    # the school's administrator, not the municipality's.
    mail.outbox.clear()
    send_step_notices(today=date(2026, 5, 14))
    assert contact.email not in recipients()
    send_step_notices(today=date(2026, 5, 15))
    assert principal.email in recipients() and admin.email not in recipients()
    assert Step.objects.for_system("test").get(pk=contact_step.pk).rung == Step.Rung.LEADER

    # Two working days later (over the weekend and 17 May): the coordinators.
    mail.outbox.clear()
    send_step_notices(today=date(2026, 5, 18))
    assert coordinator.email not in recipients()
    send_step_notices(today=date(2026, 5, 19))
    assert coordinator.email in recipients()
    assert Step.objects.for_system("test").get(pk=contact_step.pk).rung == Step.Rung.COORDINATOR

    codes = list(
        AuditEntry.objects.for_system("test")
        .filter(object_id=str(contact_step.pk), object_type="core.step")
        .exclude(code="core.step.create")
        .order_by("id")
        .values_list("code", flat=True)
    )
    assert codes == [
        "core.step.reminded",
        "core.step.escalated_leader",
        "core.step.escalated_coordinator",
    ]
    # The in-app notices went to the same people.
    assert notifications_for(contact, home).filter(code="core.step.reminded").count() == 1
    assert (
        notifications_for(coordinator, home).filter(code="core.step.escalated_coordinator").exists()
    )


def test_the_time_between_rungs_is_set_per_municipality(home, other, school, contact, principal):
    RoutineSettings.objects.create(
        municipality=home, remind_days_before=3, leader_after_days=2, coordinator_after_days=4
    )
    step = start(home, school, school, on=date(2026, 6, 1))[0]  # due Tuesday 2 June
    Step.objects.for_system("test").exclude(pk=step.pk).delete()
    assert step.due_on == date(2026, 6, 2)
    timing = routines.routine_settings(home.pk)
    assert routines.rung_dates(step, timing) == {
        Step.Rung.REMINDED: date(2026, 5, 28),
        Step.Rung.LEADER: date(2026, 6, 4),
        Step.Rung.COORDINATOR: date(2026, 6, 10),
    }
    # Another municipality keeps the defaults: 1 before, 1 after, 2 after that.
    defaults = routines.routine_settings(other.pk)
    assert routines.rung_dates(step, defaults) == {
        Step.Rung.REMINDED: date(2026, 6, 1),
        Step.Rung.LEADER: date(2026, 6, 3),
        Step.Rung.COORDINATOR: date(2026, 6, 5),
    }
    assert send_step_notices(today=date(2026, 5, 27)) == 0
    assert send_step_notices(today=date(2026, 5, 28)) == 1
    assert recipients() == [contact.email]
    mail.outbox.clear()
    assert send_step_notices(today=date(2026, 6, 3)) == 0
    send_step_notices(today=date(2026, 6, 4))
    assert recipients() == [principal.email]


def test_a_step_far_past_its_rungs_gets_only_the_highest(home, school, contact, coordinator):
    step = start(home, school, school)[0]
    send_step_notices(today=date(2026, 6, 30))
    assert set(recipients()) == {coordinator.email}
    assert Step.objects.for_system("test").get(pk=step.pk).rung == Step.Rung.COORDINATOR


def test_a_done_step_sends_nothing(home, school, contact, principal, coordinator):
    step = start(home, school, school)[0]
    assert step_complete(step=step, actor=contact)
    assert not step_complete(step=step, actor=contact)
    send_step_notices(today=date(2026, 6, 30))
    assert step.title not in " ".join(m.subject for m in mail.outbox)
    assert (
        AuditEntry.objects.for_system("test")
        .filter(code="core.step.complete", object_id=str(step.pk))
        .exists()
    )


def test_with_nobody_in_the_role_the_next_rung_answers(home, school, principal):
    start(home, school, school)
    send_step_notices(today=date(2026, 5, 12))
    # No school contact: the reminder goes to the school's administrator instead.
    assert recipients() == [principal.email]


def test_with_nobody_at_all_the_notice_waits(home, school):
    step = start(home, school, school)[0]
    assert send_step_notices(today=date(2026, 5, 12)) == 0
    assert Step.objects.for_system("test").get(pk=step.pk).rung == Step.Rung.NONE
    person = MembershipFactory(municipality=home, role=Role.COORDINATOR).user
    assert send_step_notices(today=date(2026, 5, 12)) == 1
    assert recipients() == [person.email]


def test_a_line_break_in_the_data_cannot_reach_the_mail_header(home, school, contact):
    step = start(home, school, school)[0]
    Step.objects.for_system("test").filter(pk=step.pk).update(
        title="Ring\r\nBcc: alle@example.test\nhjem"
    )
    send_step_notices(today=date(2026, 5, 12))
    [message] = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.bcc == []
    assert "Ring Bcc: alle@example.test hjem" in message.subject
    assert "\n" not in Notification.objects.for_system("test").get().text


def test_a_failing_recipient_stops_neither_the_others_nor_the_next_notice(
    home, school, contact, coordinator, flaky_mail, caplog
):
    broken = UserFactory(email="feil@heimby.test")
    MembershipFactory(user=broken, municipality=home, role=Role.COORDINATOR)
    start(home, school, school)
    flaky_mail.refused = {broken.email}
    # Far past every rung: each of the three steps goes to both coordinators,
    # one of whom cannot be mailed. The other gets one mail listing all three.
    assert send_step_notices(today=date(2026, 6, 30)) == 3
    [message] = mail.outbox
    assert message.to == [coordinator.email]
    for title in ("Kontakt foresatte", "Sjekk om eleven har flyttet", "Rektor avgjør"):
        assert title in message.body
    assert "mailbox unavailable" in caplog.text
    # The notices count as sent and stay claimed; each in-app notice is there.
    assert set(Step.objects.for_system("test").values_list("rung", flat=True)) == {
        Step.Rung.COORDINATOR
    }
    assert Notification.objects.for_system("test").filter(recipient=coordinator).count() == 3
    assert Notification.objects.for_system("test").filter(recipient=broken).count() == 3


def test_a_notice_no_one_could_be_mailed_is_released_and_sent_next_run(
    home, school, contact, flaky_mail, caplog
):
    step = start(home, school, school)[0]
    flaky_mail.down = True
    with pytest.raises(JobFailed) as failed:
        send_step_notices(today=date(2026, 5, 12))
    assert (failed.value.done, failed.value.failed) == (0, 1)
    assert f"core.step {step.pk}" in caplog.text and "the mail server is down" in caplog.text
    # Not sent: the rung is back, and nothing says it was.
    assert Step.objects.for_system("test").get(pk=step.pk).rung == Step.Rung.NONE
    assert not Notification.objects.for_system("test").exists()
    assert not AuditEntry.objects.for_system("test").filter(code="core.step.reminded").exists()

    flaky_mail.down = False
    assert send_step_notices(today=date(2026, 5, 12)) == 1
    assert [m.to for m in mail.outbox] == [[contact.email]]
    assert Step.objects.for_system("test").get(pk=step.pk).rung == Step.Rung.REMINDED
    assert AuditEntry.objects.for_system("test").filter(code="core.step.reminded").count() == 1
    assert Notification.objects.for_system("test").filter(recipient=contact).count() == 1


def test_a_notice_that_fails_to_build_does_not_stop_the_next(home, school, contact, monkeypatch):
    start(home, school, school)
    start(home, school, contact)  # a second subject, same routine
    real = routines._step_notice
    calls = []

    def broken_first(step, rung, today):
        calls.append(step.pk)
        if len(calls) == 1:
            raise RuntimeError("template missing")
        return real(step, rung, today)

    monkeypatch.setattr(routines, "_step_notice", broken_first)
    # The job goes on past the broken one, then reports the failure, so that
    # `vern tick` exits 1 once its other jobs have run.
    with pytest.raises(JobFailed) as failed:
        send_step_notices(today=date(2026, 5, 12))
    assert (failed.value.done, failed.value.failed) == (1, 1)
    assert len(mail.outbox) == 1
    # The broken step was not claimed: the next run sends it.
    assert send_step_notices(today=date(2026, 5, 12)) == 1
    assert len(mail.outbox) == 2


# --- Notifications ---------------------------------------------------------------


def test_notifications_are_scoped_to_the_person_and_municipality(
    home, other, school, contact, outsider
):
    start(home, school, school)
    send_step_notices(today=date(2026, 5, 12))
    [notice] = notifications_for(contact, home)
    assert "Kontakt foresatte" in notice.text
    assert notice.link.endswith(f"/ansatt/skole/{school.pk}/")

    # Another municipality's user sees none, in either municipality.
    assert not notifications_for(outsider, other).exists()
    assert not notifications_for(outsider, home).exists()
    # The same person, seen from another municipality they also work in: none.
    MembershipFactory(user=contact, municipality=other, role=Role.READER)
    assert not notifications_for(contact, other).exists()
    # Someone who has left the municipality no longer sees its notices.
    contact.memberships.filter(municipality=home).delete()
    assert not notifications_for(contact, home).exists()


def test_the_notifications_page_lists_and_marks_as_read(home, school, contact, login, outsider):
    start(home, school, school)
    send_step_notices(today=date(2026, 5, 12))
    notice = Notification.objects.for_system("test").get()
    client = login(contact)
    page = client.get(reverse("core:notification_list"))
    assert page.status_code == 200
    assert "Kontakt foresatte" in page.text

    # Someone else cannot mark it: 404, and it stays unread.
    assert (
        login(outsider)
        .post(reverse("core:notification_read"), {"notification": notice.pk})
        .status_code
        == 404
    )
    assert Notification.objects.for_system("test").get().read_at is None

    assert client.post(reverse("core:notification_read"), {"notification": "x"}).status_code == 404
    response = client.post(reverse("core:notification_read"), {"notification": notice.pk})
    assert response.status_code == 302
    assert Notification.objects.for_system("test").get().read_at is not None
    assert not notifications_for(contact, home, unread_only=True).exists()
    assert not services.notification_mark_read(user=contact, municipality=home, pk=notice.pk)


# --- In the staff shell -----------------------------------------------------------


@pytest.fixture
def on_day(time_machine):
    def move(day: date) -> None:
        time_machine.move_to(
            datetime.combine(day, time(12), tzinfo=ZoneInfo("Europe/Oslo")), tick=False
        )

    return move


def step_needs_on_front_page(client) -> list[tuple[str, str]]:
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    titles = {spec.title for spec in NO_SHOW.steps}
    return [(i.label, i.state) for i in response.context["needs"] if i.label in titles]


def test_the_front_page_lists_the_persons_open_and_overdue_steps(
    home, school, contact, office, principal, coordinator, outsider, login, on_day
):
    other_school = UnitFactory(municipality=home, name="Bortby skole")
    elsewhere = UserFactory(email="annen-kontakt@heimby.test")
    MembershipFactory(
        user=elsewhere, municipality=home, role=Role.SCHOOL_CONTACT, unit=other_school
    )
    start(home, school, school, people={"decide": principal})
    on_day(date(2026, 5, 12))
    # Each their own step, by name or by role in the school; the coordinator
    # has none until the ladder reaches them, nor has the same role elsewhere.
    assert step_needs_on_front_page(login(contact)) == [("Kontakt foresatte", shell.DUE_SOON)]
    assert step_needs_on_front_page(login(office)) == [
        ("Sjekk om eleven har flyttet", shell.DUE_SOON)
    ]
    assert step_needs_on_front_page(login(principal)) == [
        ("Rektor avgjør videre oppfølging", shell.DUE_SOON)
    ]
    assert step_needs_on_front_page(login(coordinator)) == []
    assert step_needs_on_front_page(login(elsewhere)) == []
    assert step_needs_on_front_page(login(outsider)) == []

    # Overdue: first in the list, marked, with the step's link.
    on_day(date(2026, 5, 15))
    client = login(contact)
    assert step_needs_on_front_page(client)[0] == ("Kontakt foresatte", shell.OVERDUE)
    with translation.override("en"):
        page = client.get(reverse("core:dashboard")).content.decode()
    assert f'href="/ansatt/skole/{school.pk}/">Kontakt foresatte</a>' in page
    assert '<span class="ds-tag" data-color="danger">Overdue</span>' in page

    # Escalated to the leader (the school's administrator), then the coordinators.
    send_step_notices(today=date(2026, 5, 15))
    assert ("Kontakt foresatte", shell.OVERDUE) in step_needs_on_front_page(login(principal))
    assert step_needs_on_front_page(login(coordinator)) == []
    on_day(date(2026, 5, 19))
    send_step_notices(today=date(2026, 5, 19))
    assert ("Kontakt foresatte", shell.OVERDUE) in step_needs_on_front_page(login(coordinator))

    # Done: gone from everyone's list.
    step_complete(step=Step.objects.for_system("test").get(code="contact_guardians"), actor=contact)
    for person in (contact, principal, coordinator):
        assert "Kontakt foresatte" not in dict(step_needs_on_front_page(login(person)))


def test_the_front_page_shows_unread_notifications_and_the_menu_counts_them(
    home, school, contact, office, login, on_day
):
    start(home, school, school)
    send_step_notices(today=date(2026, 5, 12))
    on_day(date(2026, 5, 12))
    client = login(contact)
    notifications_url = reverse("core:notification_list")
    with translation.override("en"):
        page = client.get(reverse("core:dashboard")).content.decode()
        nav = page[page.index('<nav class="vern-container vern-staff-nav"') :]
        nav = nav[: nav.index("</nav>")]
        assert f'href="{reverse("core:notification_list")}">Notifications <span' in nav
        assert '<span class="ds-sr-only">1 unread</span>' in nav
        section = page[page.index('id="notifications-heading"') :]
        assert "1 unread notification" in section
        assert f'/ansatt/skole/{school.pk}/">' in section and "Kontakt foresatte</a>" in section
    # Someone else's notices are not on their front page.
    with translation.override("en"):
        theirs = login(office).get(reverse("core:dashboard")).content.decode()
    assert "Kontakt foresatte" not in theirs[theirs.index('id="notifications-heading"') :]
    assert "No unread notifications." in theirs

    # Marked as read from the front page: back there, and the count is gone.
    notice = Notification.objects.for_system("test").get(recipient=contact)
    response = client.post(
        reverse("core:notification_read"), {"notification": notice.pk, "back": "dashboard"}
    )
    assert response.status_code == 302 and response.url == reverse("core:dashboard")
    with translation.override("en"):
        page = client.get(reverse("core:dashboard")).content.decode()
    assert "No unread notifications." in page
    assert "unread</span>" not in page
    # Any other "back" leads to the list, never elsewhere.
    assert (
        client.post(
            reverse("core:notification_read"),
            {"notification": notice.pk, "back": "https://example.test/"},
        ).url
        == notifications_url
    )


def test_the_front_page_takes_the_same_number_of_queries_however_many_steps(
    home, school, contact, coordinator, login, on_day, django_assert_max_num_queries
):
    from django.test.utils import CaptureQueriesContext

    start(home, school, school)
    send_step_notices(today=date(2026, 5, 12))
    on_day(date(2026, 5, 12))
    client = login(contact)
    client.get(reverse("core:dashboard"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("core:dashboard"))
    for n in range(8):
        start(home, school, UnitFactory(municipality=home, name=f"Skole {n}"))
    send_step_notices(today=date(2026, 5, 12))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("core:dashboard"))
    assert len(step_needs_on_front_page(client)) == 9
    assert response.context["notifications_unread"] == 9


# --- Lock order --------------------------------------------------------------------


def writes_before_the_chain_lock(queries) -> list[str]:
    """Writes (other than the audit log's own) made in a transaction before it took
    the audit chain's lock. Savepoints are the engine's transactions here (the test
    runs inside one); a nested one inherits its parent's lock."""
    held: list[bool] = []
    early = []
    for query in queries:
        sql = query["sql"].strip()
        head = sql.split(None, 1)[0].upper()
        if head == "SAVEPOINT":
            held.append(held[-1] if held else False)
        elif head == "RELEASE":
            held.pop()
        elif "pg_advisory_xact_lock" in sql:
            if held:
                held[-1] = True
        elif (
            head in {"INSERT", "UPDATE", "DELETE"}
            and '"audit_' not in sql
            and not (held and held[-1])
        ):
            early.append(sql[:100])
    return early


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the chain lock is PostgreSQL's advisory lock; SQLite serialises all writers",
)
def test_every_write_of_the_engine_takes_the_audit_lock_first(
    home, school, contact, principal, coordinator, flaky_mail, settings
):
    from django.test.utils import CaptureQueriesContext

    from tests.directory.factories import ServiceFactory
    from vern.core.retention import apply_retention
    from vern.directory.models import ErrorReport
    from vern.directory.tick import send_overdue_notices

    settings.VERN_RETENTION_TYPES = ["vern.directory.retention.ERROR_REPORTS"]
    service = ServiceFactory(owner=home, verification_due=date(2026, 5, 1))
    report = ErrorReport.objects.create(service=service, message="Feil nummer.")
    ErrorReport.objects.for_system("test").filter(pk=report.pk).update(
        handled_at=datetime.combine(date(2025, 1, 6), time(10), tzinfo=ZoneInfo("Europe/Oslo"))
    )
    with CaptureQueriesContext(connection) as queries:
        [step, *_] = start(home, school, school)
        flaky_mail.refused = {contact.email}
        with pytest.raises(JobFailed):  # claimed, not sent, released
            send_step_notices(today=date(2026, 5, 12))
        flaky_mail.refused = set()
        assert send_step_notices(today=date(2026, 5, 12)) == 1  # claimed and recorded
        assert step_complete(step=step, actor=contact)
        assert send_overdue_notices(today=date(2026, 5, 12)) == 1
        assert apply_retention(today=date(2026, 5, 12)) == 1
    assert writes_before_the_chain_lock(queries.captured_queries) == []
    # The check sees what it looks for.
    writes = [q["sql"] for q in queries.captured_queries]
    assert any(w.startswith('UPDATE "core_step"') for w in writes)
    assert any(w.startswith('INSERT INTO "core_notification"') for w in writes)
    assert any(w.startswith('DELETE FROM "directory_errorreport"') for w in writes)


# --- Two ticks at once -----------------------------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises all writers; the race needs PostgreSQL's row locks",
)
@pytest.mark.django_db(transaction=True)
def test_two_ticks_at_once_send_each_notice_once(time_machine):
    from datetime import datetime, time
    from io import StringIO
    from zoneinfo import ZoneInfo

    from django.core.management import call_command
    from django.db import connections

    from tests.directory.factories import ServiceFactory
    from tests.factories import MunicipalityFactory

    time_machine.move_to(
        datetime.combine(date(2026, 5, 12), time(12), tzinfo=ZoneInfo("Europe/Oslo")), tick=False
    )
    home = MunicipalityFactory(number="9801", name="Heimby")
    school = UnitFactory(municipality=home)
    contacts = []
    for n in range(3):
        contacts.append(UserFactory(email=f"kontakt{n}@heimby.test"))
        MembershipFactory(
            user=contacts[-1], municipality=home, role=Role.SCHOOL_CONTACT, unit=school
        )
    owner = MembershipFactory(municipality=home, role=Role.COORDINATOR).user
    for _ in range(15):
        start(home, school, UnitFactory(municipality=home))
        ServiceFactory(owner=home, verification_due=date(2026, 5, 11))

    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            call_command("tick", stdout=StringIO())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    # 15 step reminders to each of three school contacts, 15 overdue notices
    # to the coordinator: each exactly once, whichever run won it, in one
    # digest per person from each run that won some.
    for person in [*contacts, owner]:
        theirs = [m for m in mail.outbox if m.to == [person.email]]
        assert 1 <= len(theirs) <= 2
        items = [line for m in theirs for line in m.body.splitlines() if line.startswith("* ")]
        links = [line for m in theirs for line in m.body.splitlines() if "/ansatt/" in line]
        assert len(items) == 15
        assert len(set(links)) == 15
    assert AuditEntry.objects.for_system("test").filter(code="core.step.reminded").count() == 15
    assert (
        AuditEntry.objects.for_system("test")
        .filter(code="directory.service.overdue_notified")
        .count()
        == 15
    )
    assert Notification.objects.for_system("test").count() == 15 * 3 + 15


# --- The tenant of a notice ------------------------------------------------------


def _notice(target, **kwargs):
    return routines.Notice(
        target=target,
        code="core.step.reminded",
        recipients=[],
        subject="s",
        body="b",
        claim=lambda: 1,
        release=lambda: 1,
        **kwargs,
    )


def test_a_notice_reads_its_municipality_from_the_target(home, other, school, contact):
    [step, *_] = start(home, school, school)
    assert _notice(step).municipality_id == home.pk
    with pytest.raises(ValueError, match="leave it out"):
        _notice(step, municipality_id=other.pk)


def test_the_reminder_entry_and_notifications_carry_the_steps_municipality(home, school, contact):
    start(home, school, school)
    assert send_step_notices(today=date(2026, 5, 12)) >= 1
    entry = AuditEntry.objects.for_system("test").filter(code="core.step.reminded").first()
    assert entry.municipality_id == home.pk
    assert set(
        Notification.objects.for_system("test").values_list("municipality_id", flat=True)
    ) == {home.pk}


# --- The digest: one mail per person and run ----------------------------------------


def test_a_tick_sends_each_person_one_mail_with_all_their_notices_over_one_connection(
    home, school, contact, principal, coordinator, flaky_mail, time_machine
):
    from io import StringIO

    from django.core.management import call_command

    from tests.directory.factories import ServiceFactory

    time_machine.move_to(
        datetime.combine(date(2026, 6, 30), time(12), tzinfo=ZoneInfo("Europe/Oslo")), tick=False
    )
    subjects = [UnitFactory(municipality=home) for _ in range(3)]
    for subject in subjects:
        start(home, school, subject)
    service = ServiceFactory(owner=home, verification_due=date(2026, 6, 1))

    out = StringIO()
    call_command("tick", stdout=out)
    # Far past every rung, the nine steps go to the coordinator; the overdue
    # entry in the guide to the coordinator and the administrator. Two people,
    # two mails, over one connection, whatever number of jobs had notices.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([coordinator.email, principal.email])
    assert flaky_mail.opened == 1
    assert "digest: 2 mails" in out.getvalue()
    [theirs] = [m for m in mail.outbox if m.to == [coordinator.email]]
    assert theirs.subject == "Vern: 10 varsler til deg"
    items = [line for line in theirs.body.splitlines() if line.startswith("* ")]
    assert len(items) == 10
    for subject in subjects:
        assert f"/ansatt/skole/{subject.pk}/" in theirs.body
    assert service.name in theirs.body
    # Grouped: each kind under its heading, once.
    assert theirs.body.count("== Steg over fristen, til deg som koordinator ==") == 1
    assert theirs.body.count("== ") == 2
    [principals] = [m for m in mail.outbox if m.to == [principal.email]]
    assert service.name in principals.subject
    # Each notice still has its own in-app notification and audit entry.
    assert Notification.objects.for_system("test").filter(recipient=coordinator).count() == 10
    assert (
        AuditEntry.objects.for_system("test").filter(code="core.step.escalated_coordinator").count()
        == 9
    )

    # A second run right after finds nothing to send, and opens no connection.
    mail.outbox.clear()
    call_command("tick", stdout=StringIO())
    assert mail.outbox == []
    assert flaky_mail.opened == 1


def test_the_digest_is_in_each_recipients_language(home, school, contact):
    english = UserFactory(email="english@heimby.test", language="en")
    MembershipFactory(user=english, municipality=home, role=Role.SCHOOL_CONTACT, unit=school)
    nynorsk = UserFactory(email="nynorsk@heimby.test", language="nn")
    MembershipFactory(user=nynorsk, municipality=home, role=Role.SCHOOL_CONTACT, unit=school)
    start(home, school, school)
    assert send_step_notices(today=date(2026, 5, 12)) == 1
    by_person = {m.to[0]: m for m in mail.outbox}
    assert by_person[english.email].subject == "Step due 13 May 2026: Kontakt foresatte"
    assert "== Steps falling due ==" in by_person[english.email].body
    assert by_person[contact.email].subject == "Frist 13. mai 2026: Kontakt foresatte"
    assert "== Steg med frist snart ==" in by_person[contact.email].body
    assert "Vern har 1 varsel til deg." in by_person[contact.email].body
    assert "== Steg som snart har frist ==" in by_person[nynorsk.email].body
    # The in-app notification is in the person's language too.
    assert (
        Notification.objects.for_system("test").get(recipient=english).text.startswith("Step due")
    )


def test_every_notification_is_listed_fifty_to_a_page(home, coordinator, login):
    for n in range(60):
        Notification.objects.create(
            recipient=coordinator, municipality=home, code="test", text=f"Varsel nummer {n:02}."
        )
    client = login(coordinator)
    first = client.get(reverse("core:notification_list")).text
    second = client.get(reverse("core:notification_list"), {"side": "2"}).text
    assert "Side 1 av 2" in first and "?side=2" in first
    assert "Side 2 av 2" in second and "?side=1" in second
    for n in range(60):
        text = f"Varsel nummer {n:02}."
        assert (text in first) != (text in second)
    assert "Varsel nummer 59." in first  # newest first
