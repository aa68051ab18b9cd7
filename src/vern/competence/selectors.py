"""Reads of the competence app."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from django.db.models import Count, Max

from vern.competence import csv_import, duty_guide
from vern.competence.models import (
    Completion,
    CompletionImport,
    ConversationCount,
    Course,
    DutyGuideVersion,
    Employee,
    QuestionGuide,
)
from vern.core.models import Municipality, Unit

# The duty guide is public: any municipality's current version may be shown to anyone.
PUBLIC_GUIDE = "the duty guide is public: show a municipality's current version"
TICK = "vern tick: course expiry reminders"


@dataclass(frozen=True)
class Guide:
    content: dict
    version: int
    reviewed_on: date
    municipality: Municipality | None  # None: Vern's shipped default

    @property
    def is_default(self) -> bool:
        return self.municipality is None


def current_guide(municipality: Municipality | None) -> Guide:
    """The guide a municipality shows: its newest saved version, else the shipped one."""
    if municipality is not None:
        latest = (
            DutyGuideVersion.objects.for_system(reason=PUBLIC_GUIDE)
            .filter(municipality=municipality)
            .order_by("-number")
            .first()
        )
        if latest is not None:
            content = duty_guide.with_shipped_translations(latest.content)
            return Guide(content, latest.number, latest.reviewed_on, municipality)
    content = duty_guide.shipped()
    return Guide(content, content["version"], date.fromisoformat(content["reviewed_on"]), None)


# --- Training records ------------------------------------------------------------

# How many days before expiry a completion counts as "expiring soon".
EXPIRING_DAYS = 60
IMPORT_CHECK = "an import is checked against the municipality's employees and courses"


def is_valid_on(completion, today: date) -> bool:
    return completion.completed_on <= today and (
        completion.expires_on is None or completion.expires_on >= today
    )


@dataclass(frozen=True)
class Cell:
    valid: int
    total: int
    expiring: int

    @property
    def share(self) -> float | None:
        return self.valid / self.total if self.total else None

    @property
    def percent(self) -> int | None:
        return None if self.total == 0 else round(100 * self.valid / self.total)


@dataclass
class Coverage:
    courses: list[Course]
    units: list[Unit]
    cells: dict[tuple[int, int], Cell | None]  # (unit id, course id); None: not a target
    totals: dict[int, Cell]  # per course


def coverage(*, user, municipality: Municipality, today: date) -> Coverage:
    """Share of active front-line staff with valid training, per unit and course.

    Only units of the kinds a course is meant for count towards it (every unit when
    the course names none). An employee counts once per course however many valid
    completions they have. Four queries, whatever the number of staff.
    """
    courses = list(
        Course.objects.for_user(user, municipality=municipality)
        .filter(active=True)
        .order_by("title")
    )
    staff = (
        Employee.objects.for_user(user, municipality=municipality)
        .filter(active=True, front_line=True)
        .values("unit")
        .annotate(n=Count("pk"))
    )
    per_unit = {row["unit"]: row["n"] for row in staff}
    units = [
        unit
        for unit in Unit.objects.for_user(user, municipality=municipality).order_by("name")
        if unit.pk in per_unit
    ]
    latest = (
        Completion.objects.for_user(user, municipality=municipality)
        .filter(completed_on__lte=today, employee__active=True, employee__front_line=True)
        .values("employee", "employee__unit", "course")
        .annotate(last=Max("expires_on"))
    )
    horizon = today + timedelta(days=EXPIRING_DAYS)
    valid: dict[tuple[int, int], int] = {}
    soon: dict[tuple[int, int], int] = {}
    for row in latest:
        key = (row["employee__unit"], row["course"])
        last = row["last"]  # None: a course that never has to be repeated
        if last is None or last >= today:
            valid[key] = valid.get(key, 0) + 1
            if last is not None and last <= horizon:
                soon[key] = soon.get(key, 0) + 1
    cells: dict[tuple[int, int], Cell | None] = {}
    totals: dict[int, Cell] = {}
    for course in courses:
        sums = [0, 0, 0]
        for unit in units:
            if not course.targets(unit.kind):
                cells[unit.pk, course.pk] = None
                continue
            cell = Cell(
                valid=valid.get((unit.pk, course.pk), 0),
                total=per_unit[unit.pk],
                expiring=soon.get((unit.pk, course.pk), 0),
            )
            cells[unit.pk, course.pk] = cell
            sums = [sums[0] + cell.valid, sums[1] + cell.total, sums[2] + cell.expiring]
        totals[course.pk] = Cell(*sums)
    return Coverage(courses=courses, units=units, cells=cells, totals=totals)


def employee_status(employee: Employee, courses: list[Course], today: date) -> list[dict]:
    """Per course: the employee's latest completion and whether it is valid today."""
    latest: dict[int, Completion] = {}
    for completion in employee.completions.select_related("course").order_by("completed_on"):
        latest[completion.course_id] = completion
    rows = []
    for course in courses:
        if not course.targets(employee.unit.kind):
            continue
        completion = latest.get(course.pk)
        if completion is None:
            state = "missing"
        elif not is_valid_on(completion, today):
            state = "expired"
        elif completion.expires_on and completion.expires_on <= today + timedelta(
            days=EXPIRING_DAYS
        ):
            state = "expiring"
        else:
            state = "valid"
        rows.append({"course": course, "completion": completion, "state": state})
    return rows


def import_check(*, upload: CompletionImport, today: date) -> csv_import.Checked:
    """The rows of an uploaded file, matched against the municipality's people and courses."""
    header, rows = csv_import.read(upload.text)
    employees: dict[str, Employee] = {}
    for employee in Employee.objects.for_system(reason=IMPORT_CHECK).filter(
        municipality_id=upload.municipality_id
    ):
        employees[employee.employee_number.lower()] = employee
        if employee.email:
            employees.setdefault(employee.email.lower(), employee)
    courses: dict[str, Course] = {}
    for course in Course.objects.for_system(reason=IMPORT_CHECK).filter(
        municipality_id=upload.municipality_id
    ):
        courses[course.code.lower()] = course
        courses.setdefault(course.title.lower(), course)
    recorded = set(
        Completion.objects.for_system(reason=IMPORT_CHECK)
        .filter(employee__municipality_id=upload.municipality_id)
        .values_list("employee_id", "course_id", "completed_on")
    )
    return csv_import.check(
        rows,
        width=len(header),
        mapping=upload.mapping,
        employees=employees,
        courses=courses,
        recorded=recorded,
        today=today,
    )


def expiring_for_reminders(*, today: date) -> list[tuple[Course, int]]:
    """Courses with front-line staff whose training runs out within 30 days, and how
    many (by each person's latest completion), for vern tick."""
    horizon = today + timedelta(days=30)
    result = []
    courses = Course.objects.for_system(reason=TICK).filter(
        active=True, validity_months__isnull=False
    )
    for course in courses:
        latest = (
            Completion.objects.for_system(reason=TICK)
            .filter(course=course, employee__active=True, employee__front_line=True)
            .values("employee")
            .annotate(last=Max("expires_on"))
        )
        expiring = sum(1 for row in latest if today <= row["last"] <= horizon)
        if expiring:
            result.append((course, expiring))
    return result


def course_states(*, course: Course, employees, completions, today: date):
    """(employee, latest completion or None, state) for the active employees of the units
    the course is meant for; state is valid, expiring, expired or missing. Two queries."""
    latest: dict[int, Completion] = {}
    for completion in completions.filter(course=course, completed_on__lte=today).order_by(
        "completed_on"
    ):
        latest[completion.employee_id] = completion
    rows = []
    for employee in (
        employees.filter(active=True).select_related("unit").order_by("unit__name", "full_name")
    ):
        if not course.targets(employee.unit.kind):
            continue
        completion = latest.get(employee.pk)
        if completion is None:
            state = "missing"
        elif not is_valid_on(completion, today):
            state = "expired"
        elif completion.expires_on and (completion.expires_on - today).days <= EXPIRING_DAYS:
            state = "expiring"
        else:
            state = "valid"
        rows.append((employee, completion, state))
    return rows


# --- Asking about violence (F9) --------------------------------------------------

QUESTION_GUIDES = Path(__file__).parent / "data" / "question_guides.json"


@cache
def shipped_question_guides() -> dict:
    with QUESTION_GUIDES.open(encoding="utf-8") as handle:
        return json.load(handle)


def question_guide(*, user, municipality: Municipality, setting: str) -> dict:
    """The guide a municipality uses for a setting: its own, else Vern's default."""
    own = (
        QuestionGuide.objects.for_user(user, municipality=municipality)
        .filter(setting=setting)
        .first()
    )
    if own is not None:
        return {
            "introduction": own.introduction,
            "questions": [q for q in own.questions.splitlines() if q.strip()],
            "follow_up": own.follow_up,
            "reviewed_on": own.reviewed_on,
            "own": True,
        }
    shipped = shipped_question_guides()
    guide = shipped["guides"][setting]
    return {**guide, "reviewed_on": date.fromisoformat(shipped["reviewed_on"]), "own": False}


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def last_quarters(today: date, count: int = 4) -> list[tuple[int, int]]:
    """The current quarter and the ones before it, oldest first."""
    year, quarter = quarter_of(today)
    found = []
    for _ in range(count):
        found.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return list(reversed(found))


def conversation_table(*, user, municipality: Municipality, setting: str, quarters):
    """Rows of (unit, [held per quarter or None], total) for units with any figure."""
    counts = ConversationCount.objects.for_user(user, municipality=municipality).filter(
        setting=setting
    )
    wanted = set(quarters)
    by_unit: dict[int, dict[tuple[int, int], int]] = {}
    for row in counts.values("unit", "year", "quarter", "held"):
        key = (row["year"], row["quarter"])
        if key in wanted:
            by_unit.setdefault(row["unit"], {})[key] = row["held"]
    units = Unit.objects.for_user(user, municipality=municipality).filter(pk__in=list(by_unit))
    rows = []
    for unit in units.order_by("name"):
        cells = [by_unit[unit.pk].get(q) for q in quarters]
        rows.append({"unit": unit, "cells": cells, "total": sum(c or 0 for c in cells)})
    totals = [sum((row["cells"][i] or 0) for row in rows) for i in range(len(quarters))]
    return rows, totals
