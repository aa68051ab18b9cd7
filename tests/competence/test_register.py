"""The training register: units, audit, hand-entered completions, professional days,
reminders and the demo."""

from __future__ import annotations

from datetime import date, timedelta

from django.core import mail
from django.utils import timezone

from tests.competence.factories import (
    CompletionFactory,
    CourseFactory,
    EmployeeFactory,
    ProfessionalDayFactory,
)
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from vern.audit.models import AuditEntry
from vern.competence import tick
from vern.competence.models import Completion
from vern.core.models import Role


def _completions(home):
    return Completion.objects.for_system(reason="test").filter(employee__municipality=home)


def test_a_reader_of_one_unit_sees_only_that_units_staff(home, login):
    ours, theirs = UnitFactory(municipality=home), UnitFactory(municipality=home)
    mine = EmployeeFactory(municipality=home, unit=ours, full_name="Synlig Person")
    other = EmployeeFactory(municipality=home, unit=theirs, full_name="Skjult Person")
    reader = UserFactory()
    MembershipFactory(user=reader, municipality=home, role=Role.READER, unit=ours)
    client = login(reader)
    page = client.get("/ansatt/kompetanse/ansatte/").content.decode()
    assert "Synlig Person" in page and "Skjult Person" not in page
    assert client.get(f"/ansatt/kompetanse/ansatte/{mine.pk}/").status_code == 200
    assert client.get(f"/ansatt/kompetanse/ansatte/{other.pk}/").status_code == 404


def test_reading_an_employee_leaves_an_audit_entry(home, reader, login):
    employee = EmployeeFactory(municipality=home)
    login(reader).get(f"/ansatt/kompetanse/ansatte/{employee.pk}/")
    assert (
        AuditEntry.objects.for_system(reason="test")
        .filter(code="competence.employee.read", object_id=str(employee.pk), municipality=home)
        .exists()
    )


def test_a_coordinator_records_a_completion_once(home, coordinator, login):
    employee = EmployeeFactory(municipality=home)
    course = CourseFactory(municipality=home, validity_months=12)
    client = login(coordinator)
    data = {"course": course.pk, "completed_on": "2026-01-15"}
    assert client.post(f"/ansatt/kompetanse/ansatte/{employee.pk}/", data).status_code == 302
    again = client.post(f"/ansatt/kompetanse/ansatte/{employee.pk}/", data)
    assert again.status_code == 200
    assert "allerede registrert" in again.content.decode()
    completion = _completions(home).get()
    assert completion.expires_on == date(2027, 1, 14)


def test_a_reader_cannot_record_a_completion(home, reader, login):
    employee = EmployeeFactory(municipality=home)
    course = CourseFactory(municipality=home)
    response = login(reader).post(
        f"/ansatt/kompetanse/ansatte/{employee.pk}/",
        {"course": course.pk, "completed_on": "2026-01-15"},
    )
    assert response.status_code == 403
    assert not _completions(home).exists()


def test_deleting_a_completion_asks_first(home, coordinator, login):
    completion = CompletionFactory(
        employee=EmployeeFactory(municipality=home), completed_on=date(2026, 1, 15)
    )
    client = login(coordinator)
    url = f"/ansatt/kompetanse/fullfort/{completion.pk}/slett/"
    assert client.get(url).status_code == 200
    assert _completions(home).exists()
    assert client.post(url).status_code == 302
    assert not _completions(home).exists()


def test_attending_a_professional_day_counts_as_the_course(home, coordinator, login):
    course = CourseFactory(municipality=home)
    day = ProfessionalDayFactory(
        municipality=home, course=course, held_on=timezone.localdate() - timedelta(days=3)
    )
    first, second = EmployeeFactory(municipality=home), EmployeeFactory(municipality=home)
    client = login(coordinator)
    url = f"/ansatt/kompetanse/fagdager/{day.pk}/oppmote/"
    client.post(url, {"employees": [first.pk, second.pk]})
    assert _completions(home).filter(source=Completion.Source.PROFESSIONAL_DAY).count() == 2
    client.post(url, {"employees": [first.pk]})
    assert list(_completions(home).values_list("employee", flat=True)) == [first.pk]
    page = client.get(f"/ansatt/kompetanse/fagdager/{day.pk}/").content.decode()
    assert "Oppmøte: 1 person" in page


def test_expiry_reminders_go_once_a_week_to_the_coordinators(home, coordinator):
    today = date(2026, 6, 15)
    course = CourseFactory(municipality=home, validity_months=12, title="Avvergingsplikten")
    employee = EmployeeFactory(municipality=home)
    CompletionFactory(employee=employee, course=course, completed_on=date(2025, 7, 1))
    assert tick.send_expiry_reminders(today=today) == 1
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "Avvergingsplikten" in mail.outbox[0].subject
    assert tick.send_expiry_reminders(today=today) == 0  # same week: claimed
    assert tick.send_expiry_reminders(today=today + timedelta(days=7)) == 1


def test_a_renewed_course_is_not_reminded(home, coordinator):
    today = date(2026, 6, 15)
    course = CourseFactory(municipality=home, validity_months=12)
    employee = EmployeeFactory(municipality=home)
    CompletionFactory(employee=employee, course=course, completed_on=date(2025, 7, 1))
    CompletionFactory(employee=employee, course=course, completed_on=date(2026, 6, 1))
    assert tick.send_expiry_reminders(today=today) == 0


def test_the_front_page_lists_training_running_out(home, coordinator, login):
    course = CourseFactory(municipality=home, validity_months=12, title="Avvergingsplikten")
    completed = timezone.localdate() - timedelta(days=350)
    CompletionFactory(
        employee=EmployeeFactory(municipality=home), course=course, completed_on=completed
    )
    page = login(coordinator).get("/ansatt/").content.decode()
    assert "Avvergingsplikten: opplæringen går ut for 1" in page


def test_the_demo_has_200_staff_some_expired_and_a_professional_day(db):
    from vern.competence import demo
    from vern.competence.models import Employee, ProfessionalDay
    from vern.core.demo import demo_municipality
    from vern.core.models import Unit

    municipality = demo_municipality()
    for kind, name in [
        ("school", "Bakken skole"),
        ("kindergarten", "Solsikken barnehage"),
        ("health_station", "Helsestasjonen"),
        ("nav", "NAV"),
        ("child_welfare", "Barnevernet"),
        ("administration", "Stab"),
    ]:
        Unit.objects.create(municipality=municipality, kind=kind, name=name)
    demo.load(municipality)
    demo.load(municipality)  # safe twice
    staff = Employee.objects.for_system(reason="test").filter(municipality=municipality)
    assert staff.count() == 200
    completions = Completion.objects.for_system(reason="test").filter(
        employee__municipality=municipality
    )
    today = timezone.localdate()
    assert completions.filter(expires_on__lt=today).exists()
    assert completions.filter(expires_on__gte=today).exists()
    assert (
        ProfessionalDay.objects.for_system(reason="test").filter(municipality=municipality).count()
        == 1
    )


def test_a_coordinator_corrects_a_completion(home, coordinator, login):
    first = CourseFactory(municipality=home, validity_months=12)
    second = CourseFactory(municipality=home, validity_months=24)
    employee = EmployeeFactory(municipality=home)
    completion = CompletionFactory(employee=employee, course=first, completed_on=date(2026, 1, 5))
    CompletionFactory(employee=employee, course=second, completed_on=date(2026, 3, 1))
    client = login(coordinator)
    url = f"/ansatt/kompetanse/fullfort/{completion.pk}/endre/"
    assert client.get(url).status_code == 200
    # The same completion twice is refused, with nothing changed.
    clash = client.post(url, {"course": second.pk, "completed_on": "2026-03-01"})
    assert clash.status_code == 200 and "allerede registrert" in clash.content.decode()
    completion.refresh_from_db()
    assert completion.course == first
    saved = client.post(url, {"course": second.pk, "completed_on": "2026-02-01"})
    assert saved.url == f"/ansatt/kompetanse/ansatte/{employee.pk}/"
    completion.refresh_from_db()
    assert (completion.course, completion.completed_on) == (second, date(2026, 2, 1))
    assert completion.expires_on == date(2028, 1, 31)
    codes = set(AuditEntry.objects.for_system(reason="test").values_list("code", flat=True))
    assert {"competence.completion.read", "competence.completion.update"} <= codes
