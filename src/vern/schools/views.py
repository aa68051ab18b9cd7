"""Staff pages of the schools app, under ``/ansatt/skoler/``.

Cases and signals belong to a school; every page that shows them is
``unit_scoped`` and reads through ``vern.schools.access`` (the municipality's
scope, the person's units, and the principal rule), so another
municipality's or another school's record answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from vern.core.access import scoped, staff_view
from vern.core.forms import add_errors
from vern.core.models import STAFF_ROLES, Role, Step
from vern.schools import routine, selectors, services
from vern.schools.access import (
    CASE_ROLES,
    LEADERSHIP,
    get_in_schools_or_404,
    in_schools,
    require_role,
    school_scope,
    schools_for,
)
from vern.schools.forms import (
    CaseForm,
    CloseForm,
    SchoolYearForm,
    SignalForm,
    SignalToTeamForm,
    StepForm,
    TalkForm,
    TemplateFormSet,
)
from vern.schools.models import NoShowCase, SchoolYear, Signal

PAGE_SIZE = 25
# The municipality's settings: the school start and the routine.
SETTINGS_ROLES = frozenset({Role.COORDINATOR, Role.ADMIN})
# Anyone of the school's staff may register a signal (a teacher).
SIGNAL_REGISTER_ROLES = STAFF_ROLES


def _can_configure(request: HttpRequest) -> bool:
    """Whether the settings link leads somewhere: a coordinator or administrator
    of the whole municipality."""
    held = getattr(request, "role_units", None) or {}
    return any(role in SETTINGS_ROLES and units is None for role, units in held.items())


def _page(request: HttpRequest, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("side"))


def _school_filter(request: HttpRequest, schools):
    """The school chosen with ``?skole=`` among the person's, or None."""
    chosen = request.GET.get("skole", "")
    if not chosen.isdigit():
        return None
    return schools.filter(pk=int(chosen)).first()


# --- No-show cases -----------------------------------------------------------------


@staff_view(personal_data="schools.noshowcase", roles=CASE_ROLES, unit_scoped=True)
def case_list(request: HttpRequest) -> HttpResponse:
    """The dashboard: per school open cases, overdue steps and this year's outcomes,
    the municipality's yearly figures, and the open cases."""
    today = timezone.localdate()
    schools = schools_for(request)
    school = _school_filter(request, schools)
    cases = in_schools(request, NoShowCase)
    steps = Step.objects.for_user(request.user, municipality=request.municipality)
    scope = school_scope(request)
    if scope is not None:
        steps = steps.filter(responsible_unit__in=scope)
    shown_schools = schools.filter(pk=school.pk) if school else schools
    board = selectors.dashboard(
        municipality=request.municipality,
        schools=shown_schools,
        cases=cases,
        steps=steps,
        today=today,
    )
    open_cases = cases.filter(closed_at__isnull=True).select_related("unit")
    if school:
        open_cases = open_cases.filter(unit=school)
    page = _page(request, open_cases.order_by("-first_day", "pk"))
    overdue = {
        subject_id
        for subject_id in steps.filter(
            routine=routine.CODE,
            done_at__isnull=True,
            due_on__lt=today,
            subject_id__in=[str(case.pk) for case in page],
        ).values_list("subject_id", flat=True)
    }
    years = selectors.yearly_statistics(request.municipality)
    current = next(
        (y for y in years if board.school_year and y.year == board.school_year.year), None
    )
    return render(
        request,
        "schools/case_list.html",
        {
            "board": board,
            "page": page,
            "overdue": overdue,
            "schools": schools,
            "school": school,
            "query": f"skole={school.pk}" if school else "",
            "years": years,
            "outcome_labels": board.outcome_labels,
            "chart": selectors.outcome_chart(current),
            "can_register": schools.exists(),
            "can_configure": _can_configure(request),
        },
    )


def _register(request: HttpRequest, *, form_class, roles, create, saved, repeated, template, done):
    """A school's new record from its form (a case, a signal): the person's schools to
    choose from, the service ``create(actor, today, **form data)`` returning
    ``(record, new)``, and a note whether it was new or a form sent twice."""
    schools = schools_for(request, roles=roles)
    if not schools.exists():
        return render(request, "schools/no_school.html")
    form = form_class(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        try:
            record, new = create(
                actor=request.user, today=timezone.localdate(), **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if new:
                messages.success(request, saved)
            else:
                messages.info(request, repeated)
            return done(record)
    return render(request, template, {"form": form})


@staff_view(personal_data=None, roles=CASE_ROLES, unit_scoped=True)
def case_create(request: HttpRequest) -> HttpResponse:
    return _register(
        request,
        form_class=CaseForm,
        roles=CASE_ROLES,
        create=services.case_create,
        saved=_("The case was opened and the routine started."),
        repeated=_("This case was already registered; it was not opened twice."),
        template="schools/case_form.html",
        done=lambda case: redirect("schools:case_detail", pk=case.pk),
    )


def _steps_with_records(case: NoShowCase) -> list[dict]:
    records = {record.step_code: record for record in case.records.select_related("recorded_by")}
    steps = services.case_steps(case)
    rows, waiting = [], False
    today = timezone.localdate()
    for step in steps:
        record = records.get(step.code)
        rows.append(
            {
                "step": step,
                "record": record,
                "next": not waiting and step.done_at is None and not case.is_closed,
                "overdue": step.done_at is None and step.due_on < today and not case.is_closed,
            }
        )
        waiting = waiting or step.done_at is None
    return rows


@staff_view(personal_data="schools.noshowcase", roles=CASE_ROLES, unit_scoped=True)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_in_schools_or_404(request, NoShowCase, pk=pk)
    return render(
        request,
        "schools/case_detail.html",
        {"case": case, "steps": _steps_with_records(case)},
    )


@staff_view(personal_data="schools.noshowcase", roles=CASE_ROLES, unit_scoped=True)
def case_step(request: HttpRequest, pk: int, step_code: str) -> HttpResponse:
    """Record one step: who did it (the person signed in), when, and the outcome."""
    case = get_in_schools_or_404(request, NoShowCase, pk=pk)
    step = next((s for s in services.case_steps(case) if s.code == step_code), None)
    if step is None:
        raise Http404
    form = StepForm(request.POST or None, initial={"done_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.step_record(
                case=case,
                step_code=step_code,
                done_on=form.cleaned_data["done_on"],
                outcome=form.cleaned_data["outcome"],
                actor=request.user,
                today=timezone.localdate(),
            )
        except services.AlreadyDone as exc:
            messages.info(request, " ".join(exc.messages))
            return redirect("schools:case_detail", pk=case.pk)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The step was recorded."))
            return redirect("schools:case_detail", pk=case.pk)
    return render(request, "schools/case_step.html", {"case": case, "step": step, "form": form})


@staff_view(personal_data="schools.noshowcase", roles=CASE_ROLES, unit_scoped=True)
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_in_schools_or_404(request, NoShowCase, pk=pk)
    if case.is_closed and request.method == "GET":
        messages.info(request, _("The case is already closed."))
        return redirect("schools:case_detail", pk=case.pk)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_close(
                case=case, actor=request.user, today=timezone.localdate(), **form.cleaned_data
            )
        except services.AlreadyDone as exc:
            messages.info(request, " ".join(exc.messages))
            return redirect("schools:case_detail", pk=case.pk)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The case was closed."))
            return redirect("schools:case_detail", pk=case.pk)
    return render(request, "schools/case_close.html", {"case": case, "form": form})


# --- Settings -------------------------------------------------------------------------


@staff_view(personal_data=None, roles=SETTINGS_ROLES, unit_roles=False)
def settings(request: HttpRequest) -> HttpResponse:
    """The municipality's school starts and its no-show routine."""
    today = timezone.localdate()
    form = SchoolYearForm(
        request.POST or None,
        initial={"year": today.year if today.month >= 6 else today.year - 1},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.school_year_save(
                municipality=request.municipality, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The school start was saved."))
            return redirect("schools:settings")
    return render(
        request,
        "schools/settings.html",
        {
            "form": form,
            "years": scoped(request, SchoolYear).order_by("-year"),
            "steps": routine.template_steps(request.municipality),
        },
    )


@staff_view(personal_data=None, roles=SETTINGS_ROLES, unit_roles=False)
def template_edit(request: HttpRequest) -> HttpResponse:
    initial = [
        {"title": step.title, "role": step.role, "days": step.days}
        for step in routine.template_steps(request.municipality)
    ]
    formset = TemplateFormSet(request.POST or None, initial=initial, prefix="steg")
    if request.method == "POST" and formset.is_valid():
        steps = [
            form.cleaned_data
            for form in formset.forms
            if form.cleaned_data and form.cleaned_data.get("title", "").strip()
        ]
        try:
            services.template_save(
                municipality=request.municipality, steps=steps, actor=request.user
            )
        except ValidationError as exc:
            formset._non_form_errors = formset.error_class(exc.messages)
        else:
            messages.success(
                request,
                _("The routine was saved. Cases opened from now on follow it."),
            )
            return redirect("schools:settings")
    return render(request, "schools/template_form.html", {"formset": formset})


# --- Signals of negative social control ------------------------------------------------


@staff_view(personal_data="schools.signal", roles=CASE_ROLES, unit_scoped=True)
def signal_list(request: HttpRequest) -> HttpResponse:
    require_role(request)
    signals = (
        in_schools(request, Signal)
        .select_related("unit")
        .order_by("closed_at", "-observed_on", "pk")
    )
    return render(
        request,
        "schools/signal_list.html",
        {"page": _page(request, signals), "query": "", "can_configure": _can_configure(request)},
    )


@staff_view(personal_data=None, roles=SIGNAL_REGISTER_ROLES, unit_scoped=True)
def signal_create(request: HttpRequest) -> HttpResponse:
    """A teacher (any of the school's staff) registers a pupil kept from an activity."""

    def done(signal: Signal) -> HttpResponse:
        sees = school_scope(request, CASE_ROLES)
        if sees is None or signal.unit_id in sees:
            return redirect("schools:signal_detail", pk=signal.pk)
        return redirect("core:dashboard")

    return _register(
        request,
        form_class=SignalForm,
        roles=SIGNAL_REGISTER_ROLES,
        create=services.signal_create,
        saved=_(
            "Thank you. The school's leadership has been given the signal and will "
            "talk with the pupil and the parents."
        ),
        repeated=_("This signal was already registered; it was not saved twice."),
        template="schools/signal_form.html",
        done=done,
    )


@staff_view(personal_data="schools.signal", roles=CASE_ROLES, unit_scoped=True)
def signal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    signal = get_in_schools_or_404(request, Signal, pk=pk)
    leads = school_scope(request, LEADERSHIP)
    return render(
        request,
        "schools/signal_detail.html",
        {"signal": signal, "can_lead": leads is None or signal.unit_id in leads},
    )


@staff_view(personal_data="schools.signal", roles=CASE_ROLES, unit_scoped=True)
def signal_to_team(request: HttpRequest, pk: int) -> HttpResponse:
    """Bring the signal to the consultation team as an anonymous draft concern."""
    signal = get_in_schools_or_404(request, Signal, pk=pk)
    activity = signal.get_activity_display().lower()
    form = SignalToTeamForm(
        request.POST or None,
        initial={"text": _("A pupil is being kept from %(activity)s.") % {"activity": activity}},
    )
    if request.method == "POST" and form.is_valid():
        try:
            concern_id = services.signal_to_team(
                signal=signal, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "A draft concern without names was made for you. Choose the team, read it "
                    "through and send it."
                ),
            )
            return redirect("consultations:concern_draft", pk=concern_id)
    return render(request, "schools/signal_to_team.html", {"signal": signal, "form": form})


@staff_view(personal_data="schools.signal", roles=LEADERSHIP, unit_scoped=True)
def signal_talk(request: HttpRequest, pk: int, talk: str) -> HttpResponse:
    """Document the conversation with the pupil or with the parents (school leadership)."""
    if talk not in services.TALKS:
        raise Http404
    signal = get_in_schools_or_404(request, Signal, roles=LEADERSHIP, pk=pk)
    form = TalkForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.signal_talk(
                signal=signal,
                talk=talk,
                actor=request.user,
                today=timezone.localdate(),
                **form.cleaned_data,
            )
        except services.AlreadyDone as exc:
            messages.info(request, " ".join(exc.messages))
            return redirect("schools:signal_detail", pk=signal.pk)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The conversation was documented."))
            return redirect("schools:signal_detail", pk=signal.pk)
    return render(
        request, "schools/signal_talk.html", {"signal": signal, "talk": talk, "form": form}
    )
