"""The coordinator's dashboard and the municipality's pathway deadlines."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from vern.core.access import staff_view
from vern.core.forms import add_errors
from vern.core.models import Role
from vern.pathways import selectors, services
from vern.pathways.forms import SettingsForm
from vern.pathways.models import PathwaySettings

COORDINATORS = {Role.COORDINATOR}


@staff_view(personal_data="pathways.pathway", roles=COORDINATORS)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Open pathways by stage, overdue steps, due this week, the median time to
    every need assessed, orders ending soon and releases ahead."""
    today = timezone.localdate()
    timing = services.settings_for(request.municipality.pk)
    board = selectors.dashboard(
        request.municipality, today=today, warning_days=timing.order_warning_days
    )
    pathways = selectors.subjects_of(board.overdue + board.due_week)

    def rows(steps):
        return [
            {"step": step, "pathway": pathways.get((step.subject_type, step.subject_id))}
            for step in steps
        ]

    return render(
        request,
        "pathways/dashboard.html",
        {
            "board": board,
            "today": today,
            "week_end": selectors.week_end(today),
            "overdue": rows(board.overdue),
            "due_week": rows(board.due_week),
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
