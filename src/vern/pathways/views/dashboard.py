"""The coordinator's dashboard and the municipality's pathway deadlines."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from vern.core.access import staff_view
from vern.core.forms import add_errors
from vern.core.models import Role
from vern.pathways import selectors, services
from vern.pathways.forms import SettingsForm
from vern.pathways.models import PathwaySettings

COORDINATORS = {Role.COORDINATOR}


LIST_TITLES = {
    "forfalt": _lazy("Overdue steps"),
    "uke": _lazy("Steps due this week"),
    "forbud": _lazy("Protective orders ending soon"),
    "loslatelser": _lazy("Releases ahead"),
}


def _step_rows(steps: list) -> list[dict]:
    """Each step with its pathway (two queries for the whole list)."""
    pathways = selectors.subjects_of(steps)
    return [
        {"step": step, "pathway": pathways.get((step.subject_type, step.subject_id))}
        for step in steps
    ]


@staff_view(personal_data="pathways.pathway", roles=COORDINATORS)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Open pathways by stage, overdue steps, due this week, the median time to
    every need assessed, orders ending soon, releases ahead and the anonymous
    figures on protective orders."""
    today = timezone.localdate()
    timing = services.settings_for(request.municipality.pk)
    board = selectors.dashboard(
        request.municipality, today=today, warning_days=timing.order_warning_days
    )
    rows = _step_rows(board.overdue + board.due_week)
    return render(
        request,
        "pathways/dashboard.html",
        {
            "board": board,
            "today": today,
            "week_end": selectors.week_end(today),
            "overdue": rows[: len(board.overdue)],
            "due_week": rows[len(board.overdue) :],
            "timing": timing,
        },
    )


@staff_view(personal_data="pathways.pathway", roles=COORDINATORS)
def dashboard_list(request: HttpRequest) -> HttpResponse:
    """One of the dashboard's lists in full, a page at a time."""
    kind = request.GET.get("liste", "forfalt")
    if kind not in LIST_TITLES:
        raise Http404
    today = timezone.localdate()
    timing = services.settings_for(request.municipality.pk)
    rows = selectors.dashboard_list(
        request.municipality, kind, today=today, warning_days=timing.order_warning_days
    )
    page = Paginator(rows, selectors.PAGE_SIZE).get_page(request.GET.get("side"))
    return render(
        request,
        "pathways/dashboard_list.html",
        {
            "kind": kind,
            "title": LIST_TITLES[kind],
            "page": page,
            "rows": _step_rows(list(page)) if kind in ("forfalt", "uke") else page,
            "query": urlencode({"liste": kind}),
            "week_end": selectors.week_end(today),
            "timing": timing,
        },
    )


@staff_view(personal_data=None, roles=COORDINATORS)
def pathway_settings(request: HttpRequest) -> HttpResponse:
    current = PathwaySettings.objects.filter(
        municipality=request.municipality
    ).first() or PathwaySettings(municipality=request.municipality)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_save(
                municipality=request.municipality,
                actor=request.user,
                **{name: form.cleaned_data[name] for name in SettingsForm.Meta.fields},
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("The deadlines were saved. They apply to pathways opened from now on.")
            )
            return redirect("pathways:dashboard")
    return render(request, "pathways/settings.html", {"form": form})
