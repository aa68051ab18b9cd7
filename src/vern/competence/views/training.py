"""Staff pages for courses, the training register, coverage and professional days."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from vern.competence import charts, selectors, services
from vern.competence.forms import (
    AttendanceForm,
    CompletionForm,
    CourseForm,
    EmployeeForm,
    ProfessionalDayForm,
)
from vern.competence.models import Attendance, Completion, Course, Employee, ProfessionalDay
from vern.core.access import (
    get_in_units_or_404,
    get_scoped_or_404,
    scoped,
    scoped_to_units,
    staff_view,
)
from vern.core.forms import add_errors
from vern.core.models import STAFF_ROLES, Role, Unit

EDITORS = frozenset({Role.ADMIN, Role.COORDINATOR})
# Who may read named people's training records (a reader held for one unit: that unit).
READERS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.READER})
PAGE_SIZE = 50
STATUS_CHOICES = [
    ("valid", _lazy("Valid")),
    ("expiring", _lazy("Running out")),
    ("expired", _lazy("Expired")),
    ("missing", _lazy("Never taken")),
]


def _save(form, request, save, done: str, target) -> HttpResponse | None:
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(target(obj))
    return None


# --- Coverage --------------------------------------------------------------------


@staff_view(personal_data=None, roles=STAFF_ROLES)
def overview(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    result = selectors.coverage(user=request.user, municipality=request.municipality, today=today)
    rows = [
        {"unit": unit, "cells": [result.cells[unit.pk, course.pk] for course in result.courses]}
        for unit in result.units
    ]
    totals = [result.totals[course.pk] for course in result.courses]
    chosen = request.GET.get("kurs", "")
    course = next((c for c in result.courses if str(c.pk) == chosen), None) or (
        result.courses[0] if result.courses else None
    )
    chart = charts.coverage_chart(result, course) if course else None
    return render(
        request,
        "competence/overview.html",
        {
            "coverage": result,
            "rows": rows,
            "totals": totals,
            "chart": chart,
            "chart_course": course,
            "can_edit": bool(request.roles & EDITORS),
            "today": today,
            "expiring_days": selectors.EXPIRING_DAYS,
        },
    )


# --- Courses ---------------------------------------------------------------------


@staff_view(personal_data=None, roles=STAFF_ROLES)
def course_list(request: HttpRequest) -> HttpResponse:
    courses = scoped(request, Course).order_by("-active", "title")
    return render(
        request,
        "competence/course_list.html",
        {"courses": courses, "can_edit": bool(request.roles & EDITORS)},
    )


def _course_form(request: HttpRequest, course: Course | None) -> HttpResponse:
    # A new course starts at a year's validity; an existing one shows its own.
    initial = {} if course else {"validity_months": 12}
    form = CourseForm(request.POST or None, instance=course, initial=initial)
    done = _save(
        form,
        request,
        lambda data: services.course_save(
            municipality=request.municipality, actor=request.user, course=course, data=data
        ),
        _("The course is saved.") if course else _("The course is created."),
        lambda saved: reverse("competence:course_detail", args=[saved.pk]),
    )
    return done or render(request, "competence/course_form.html", {"form": form, "course": course})


@staff_view(personal_data=None, roles=EDITORS)
def course_create(request: HttpRequest) -> HttpResponse:
    return _course_form(request, None)


@staff_view(personal_data=None, roles=EDITORS)
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _course_form(request, get_scoped_or_404(request, Course, pk=pk))


@staff_view(personal_data=None, roles=STAFF_ROLES)
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """How many hold a course, by each person's latest completion: numbers only. The
    names are on the training register's page, filtered by course and status, which
    shows a person only the units they may see."""
    course = get_scoped_or_404(request, Course, pk=pk)
    states = selectors.course_states(
        course=course,
        employees=scoped(request, Employee),
        completions=scoped(request, Completion),
        today=timezone.localdate(),
    )
    counts = {"valid": 0, "expiring": 0, "expired": 0, "missing": 0}
    for _employee, _completion, state in states:
        counts[state] += 1
    return render(
        request,
        "competence/course_detail.html",
        {
            "course": course,
            "counts": counts,
            "can_edit": bool(request.roles & EDITORS),
            "can_read": bool(request.roles & READERS),
        },
    )


# --- The training register ---------------------------------------------------------


@staff_view(personal_data="competence.employee", roles=READERS, unit_scoped=True)
def employee_list(request: HttpRequest) -> HttpResponse:
    employees = scoped_to_units(request, scoped(request, Employee)).select_related("unit")
    search = request.GET.get("q", "").strip()[:100]
    unit = request.GET.get("enhet", "")
    if search:
        employees = employees.filter(
            Q(full_name__icontains=search) | Q(employee_number__iexact=search)
        )
    if unit.isdigit():
        employees = employees.filter(unit_id=int(unit))
    units = scoped_to_units(request, scoped(request, Unit), unit_field="pk").order_by("name")
    courses = scoped(request, Course).order_by("title")
    chosen = request.GET.get("kurs", "")
    course = next((c for c in courses if str(c.pk) == chosen), None)
    state = request.GET.get("status", "") if course else ""
    if course is not None:
        rows = [
            {"employee": employee, "completion": completion, "state": row_state}
            for employee, completion, row_state in selectors.course_states(
                course=course,
                employees=employees,
                completions=scoped_to_units(request, scoped(request, Completion)),
                today=timezone.localdate(),
            )
            if not state or state == row_state
        ]
    else:
        rows = [{"employee": employee} for employee in employees.order_by("full_name", "pk")]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("side"))
    query = urlencode(
        {
            k: v
            for k, v in {
                "q": search,
                "enhet": unit,
                "kurs": chosen if course else "",
                "status": state,
            }.items()
            if v
        }
    )
    return render(
        request,
        "competence/employee_list.html",
        {
            "page": page,
            "units": units,
            "search": search,
            "unit": unit,
            "query": query,
            "courses": courses,
            "course": course,
            "state": state,
            "status_choices": STATUS_CHOICES,
            "can_edit": bool(request.roles & EDITORS),
        },
    )


def _units(request: HttpRequest):
    return scoped_to_units(request, scoped(request, Unit), unit_field="pk").order_by("name")


@staff_view(personal_data=None, roles=EDITORS, unit_scoped=True)
def employee_create(request: HttpRequest) -> HttpResponse:
    form = EmployeeForm(request.POST or None, units=_units(request))
    done = _save(
        form,
        request,
        lambda data: services.employee_save(
            municipality=request.municipality, actor=request.user, employee=None, data=data
        ),
        _("The employee is added."),
        lambda employee: reverse("competence:employee_detail", args=[employee.pk]),
    )
    if done is not None:
        return done
    return render(request, "competence/employee_form.html", {"form": form})


@staff_view(personal_data="competence.employee", roles=EDITORS, unit_scoped=True)
def employee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    employee = get_in_units_or_404(request, Employee, pk=pk)
    form = EmployeeForm(request.POST or None, instance=employee, units=_units(request))
    done = _save(
        form,
        request,
        lambda data: services.employee_save(
            municipality=request.municipality, actor=request.user, employee=employee, data=data
        ),
        _("The employee is saved."),
        lambda employee: reverse("competence:employee_detail", args=[employee.pk]),
    )
    if done is not None:
        return done
    return render(request, "competence/employee_form.html", {"form": form, "employee": employee})


@staff_view(personal_data="competence.employee", roles=READERS, unit_scoped=True)
def employee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employee = get_in_units_or_404(request, Employee.objects.select_related("unit"), pk=pk)
    courses = scoped(request, Course).filter(active=True)
    can_edit = bool(request.roles & EDITORS)
    form = CompletionForm(request.POST or None, courses=courses)
    if request.method == "POST":
        if not can_edit:
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                services.completion_add(
                    employee=employee,
                    course=form.cleaned_data["course"],
                    completed_on=form.cleaned_data["completed_on"],
                    actor=request.user,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The completion is recorded."))
                return redirect("competence:employee_detail", employee.pk)
    today = timezone.localdate()
    return render(
        request,
        "competence/employee_detail.html",
        {
            "employee": employee,
            "status": selectors.employee_status(employee, list(courses), today),
            "completions": employee.completions.select_related("course").order_by("-completed_on"),
            "form": form,
            "can_edit": can_edit,
        },
    )


@staff_view(personal_data="competence.completion", roles=EDITORS, unit_scoped=True)
def completion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    completion = get_in_units_or_404(
        request, Completion.objects.select_related("employee", "course"), pk=pk
    )
    form = CompletionForm(
        request.POST or None,
        courses=scoped(request, Course),
        initial={"course": completion.course_id, "completed_on": completion.completed_on},
    )
    done = _save(
        form,
        request,
        lambda data: services.completion_update(
            completion=completion,
            course=data["course"],
            completed_on=data["completed_on"],
            actor=request.user,
        ),
        _("The completion is saved."),
        lambda saved: reverse("competence:employee_detail", args=[saved.employee_id]),
    )
    return done or render(
        request, "competence/completion_form.html", {"form": form, "completion": completion}
    )


@staff_view(personal_data="competence.completion", roles=EDITORS, unit_scoped=True)
def completion_delete(request: HttpRequest, pk: int) -> HttpResponse:
    completion = get_in_units_or_404(
        request, Completion.objects.select_related("employee", "course"), pk=pk
    )
    if request.method == "POST":
        employee_id = completion.employee_id
        services.completion_delete(completion=completion, actor=request.user)
        messages.success(request, _("The completion is deleted."))
        return redirect("competence:employee_detail", employee_id)
    return render(request, "competence/completion_delete.html", {"completion": completion})


# --- Professional days -------------------------------------------------------------


@staff_view(personal_data=None, roles=STAFF_ROLES)
def day_list(request: HttpRequest) -> HttpResponse:
    days = scoped(request, ProfessionalDay).select_related("course")
    return render(
        request,
        "competence/day_list.html",
        {"days": days, "can_edit": bool(request.roles & EDITORS)},
    )


def _day_form(request: HttpRequest, day: ProfessionalDay | None) -> HttpResponse:
    form = ProfessionalDayForm(request.POST or None, instance=day, courses=scoped(request, Course))
    done = _save(
        form,
        request,
        lambda data: services.professional_day_save(
            municipality=request.municipality, actor=request.user, day=day, data=data
        ),
        _("The professional day is saved.") if day else _("The professional day is created."),
        lambda saved: reverse("competence:day_detail", args=[saved.pk]),
    )
    return done or render(request, "competence/day_form.html", {"form": form, "day": day})


@staff_view(personal_data=None, roles=EDITORS)
def day_create(request: HttpRequest) -> HttpResponse:
    return _day_form(request, None)


@staff_view(personal_data=None, roles=EDITORS)
def day_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _day_form(request, get_scoped_or_404(request, ProfessionalDay, pk=pk))


@staff_view(personal_data=None, roles=STAFF_ROLES)
def day_detail(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_scoped_or_404(request, ProfessionalDay.objects.select_related("course"), pk=pk)
    by_unit = (
        scoped(request, Attendance)
        .filter(day=day)
        .values_list("employee__unit__name")
        .annotate(n=Count("pk"))
        .order_by("employee__unit__name")
    )
    return render(
        request,
        "competence/day_detail.html",
        {
            "day": day,
            "attended": sum(n for _name, n in by_unit),
            "by_unit": list(by_unit),
            "can_edit": bool(request.roles & EDITORS),
        },
    )


@staff_view(personal_data="competence.attendance", roles=EDITORS)
def day_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_scoped_or_404(request, ProfessionalDay, pk=pk)
    employees = scoped(request, Employee).filter(active=True).select_related("unit")
    present = list(
        scoped(request, Attendance).filter(day=day).values_list("employee_id", flat=True)
    )
    form = AttendanceForm(
        request.POST or None,
        employees=employees.order_by("unit__name", "full_name"),
        initial={"employees": present},
    )
    if request.method == "POST" and form.is_valid():
        added, removed = services.attendance_set(
            day=day, actor=request.user, employees=list(form.cleaned_data["employees"])
        )
        messages.success(
            request,
            _("Attendance saved: %(added)s added, %(removed)s removed.")
            % {"added": added, "removed": removed},
        )
        return redirect("competence:day_detail", day.pk)
    return render(request, "competence/day_attendance.html", {"day": day, "form": form})
