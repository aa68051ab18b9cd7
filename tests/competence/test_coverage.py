"""Expiry and coverage arithmetic."""

from __future__ import annotations

from datetime import date

import pytest

from tests.competence.factories import CompletionFactory, CourseFactory, EmployeeFactory
from tests.factories import UnitFactory
from vern.competence import selectors
from vern.competence.services import add_months, expiry_for
from vern.core.models import Unit

TODAY = date(2026, 6, 15)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 15), 12, date(2027, 1, 15)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 1), 1, date(2027, 1, 1)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_a_course_holds_to_the_day_before_the_anniversary(home):
    course = CourseFactory(municipality=home, validity_months=12)
    assert expiry_for(course, date(2026, 1, 15)) == date(2027, 1, 14)
    course.validity_months = None
    assert expiry_for(course, date(2026, 1, 15)) is None


def _coverage(user, municipality):
    return selectors.coverage(user=user, municipality=municipality, today=TODAY)


def test_coverage_counts_valid_front_line_staff_once(home, coordinator):
    school = UnitFactory(municipality=home, kind=Unit.Kind.SCHOOL, name="Skolen")
    course = CourseFactory(municipality=home, validity_months=12)
    valid, expired, never, twice = (
        EmployeeFactory(municipality=home, unit=school) for _ in range(4)
    )
    CompletionFactory(employee=valid, course=course, completed_on=date(2026, 1, 10))
    CompletionFactory(employee=expired, course=course, completed_on=date(2025, 6, 14))
    CompletionFactory(employee=twice, course=course, completed_on=date(2025, 9, 1))
    CompletionFactory(employee=twice, course=course, completed_on=date(2026, 3, 1))
    # Not counted: staff who are not front-line or no longer employed.
    office = EmployeeFactory(municipality=home, unit=school, front_line=False)
    gone = EmployeeFactory(municipality=home, unit=school, active=False)
    CompletionFactory(employee=office, course=course, completed_on=date(2026, 1, 10))
    CompletionFactory(employee=gone, course=course, completed_on=date(2026, 1, 10))
    result = _coverage(coordinator, home)
    cell = result.cells[school.pk, course.pk]
    assert (cell.valid, cell.total, cell.percent) == (2, 4, 50)
    assert result.totals[course.pk].valid == 2
    assert never.pk  # counted in the total, without a completion


def test_a_completion_expiring_today_is_still_valid_and_running_out(home, coordinator):
    school = UnitFactory(municipality=home, name="Skolen")
    course = CourseFactory(municipality=home, validity_months=12)
    employee = EmployeeFactory(municipality=home, unit=school)
    CompletionFactory(employee=employee, course=course, completed_on=date(2025, 6, 16))
    cell = _coverage(coordinator, home).cells[school.pk, course.pk]
    assert (cell.valid, cell.expiring) == (1, 1)
    cell = selectors.coverage(user=coordinator, municipality=home, today=date(2026, 6, 16)).cells[
        school.pk, course.pk
    ]
    assert cell.valid == 0


def test_a_course_counts_only_in_the_units_it_targets(home, coordinator):
    school = UnitFactory(municipality=home, kind=Unit.Kind.SCHOOL, name="Skolen")
    nav = UnitFactory(municipality=home, kind=Unit.Kind.NAV, name="NAV")
    course = CourseFactory(municipality=home, target_kinds=["school"])
    EmployeeFactory(municipality=home, unit=school)
    EmployeeFactory(municipality=home, unit=nav)
    result = _coverage(coordinator, home)
    assert result.cells[nav.pk, course.pk] is None
    assert result.cells[school.pk, course.pk].total == 1
    assert result.totals[course.pk].total == 1


def test_a_course_without_expiry_stays_valid(home, coordinator):
    school = UnitFactory(municipality=home, name="Skolen")
    course = CourseFactory(municipality=home, validity_months=None)
    employee = EmployeeFactory(municipality=home, unit=school)
    CompletionFactory(employee=employee, course=course, completed_on=date(2010, 1, 1))
    assert _coverage(coordinator, home).cells[school.pk, course.pk].valid == 1


def test_coverage_sees_only_the_municipality(home, other, coordinator):
    course = CourseFactory(municipality=other)
    EmployeeFactory(municipality=other)
    result = _coverage(coordinator, home)
    assert result.courses == [] and result.units == []
    assert course.pk


def test_changing_a_course_validity_moves_the_expiry(home, coordinator):
    from vern.competence import services

    course = CourseFactory(municipality=home, validity_months=12)
    completion = CompletionFactory(
        employee=EmployeeFactory(municipality=home), course=course, completed_on=date(2026, 1, 15)
    )
    services.course_save(
        municipality=home, actor=coordinator, course=course, data={"validity_months": 24}
    )
    completion.refresh_from_db()
    assert completion.expires_on == date(2028, 1, 14)


def test_the_overview_page_shows_the_table_and_an_accessible_chart(home, coordinator, login):
    school = UnitFactory(municipality=home, name="Skolen")
    course = CourseFactory(municipality=home, title="Avvergingsplikten")
    employee = EmployeeFactory(municipality=home, unit=school)
    CompletionFactory(employee=employee, course=course, completed_on=date.today())
    html = login(coordinator).get("/ansatt/kompetanse/").content.decode()
    assert "100 % (1 av 1)" in html
    assert 'role="img"' in html and '<title id="cov-title">' in html
    assert "Skolen: 100 %" in html
