"""Staff pages for concerns: the overview, submitting, a concern, the team's advice and shared information."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from vern.consultations import selectors, services
from vern.consultations.forms import (
    AdviceForm,
    ConcernForm,
    PlaceForm,
    SharedForm,
    default_follow_up,
)
from vern.consultations.models import Concern, Recommendation
from vern.consultations.retention import DRAFT_DAYS
from vern.consultations.views.teams import TEAM_VIEWERS
from vern.core.access import staff_view
from vern.core.forms import add_errors
from vern.core.models import STAFF_ROLES, Role

PAGE_SIZE = 50


@staff_view(personal_data="consultations.concern", roles=STAFF_ROLES)
def overview(request: HttpRequest) -> HttpResponse:
    """The person's own concerns and drafts, and the teams they sit on."""
    today = timezone.localdate()
    # A school contact brings concerns for years: all of them, a page at a time.
    page = Paginator(
        selectors.my_concerns(request.user).order_by("-submitted_at", "-created_at", "-pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("side"))
    teams = [
        {"team": team, "waiting": count, "next": selectors.next_meeting(team)}
        for team, count in selectors.waiting_counts(request.user, request.municipality, today=today)
    ]
    return render(
        request,
        "consultations/overview.html",
        {
            "concerns": page,
            "page": page,
            "teams": teams,
            "can_submit": selectors.teams_visible(request.municipality).exists(),
            "team_viewer": bool(request.roles & TEAM_VIEWERS),
        },
    )


def _concern_form(request, *, initial=None):
    teams = selectors.teams_visible(request.municipality).order_by("name")
    return ConcernForm(
        request.POST or None,
        initial=initial,
        teams=teams,
        units=selectors.units_for(request.municipality),
        meetings=selectors.future_meetings_for(teams),
    )


def _submit_values(form: ConcernForm) -> dict:
    data = form.cleaned_data
    return {
        "team": data["team"],
        "meeting": data["meeting"],
        "source_unit": data["source_unit"],
        "age_band": data["age_band"],
        "setting": data["setting"],
        "worry": data["worry"],
        "tried": data["tried"],
    }


@staff_view(personal_data=None, roles=STAFF_ROLES)
def concern_create(request: HttpRequest) -> HttpResponse:
    form = _concern_form(request, initial={"submission_key": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        try:
            concern, created = services.concern_submit(
                municipality=request.municipality,
                submitted_by=request.user,
                submission_key=form.cleaned_data["submission_key"],
                **_submit_values(form),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if created:
                messages.success(
                    request,
                    _("Your concern %(ref)s was sent to the team.") % {"ref": concern.reference},
                )
            else:
                messages.info(
                    request, _("This concern had already been sent; it was not sent twice.")
                )
            return redirect("consultations:concern_detail", pk=concern.pk)
    return render(
        request,
        "consultations/concern_form.html",
        {"form": form, "draft": None, "no_team": not form.fields["team"].queryset},
    )


@staff_view(personal_data="consultations.concern", roles=STAFF_ROLES)
def concern_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """The submitter completes and sends a draft made for them (from a school's signal)."""
    concern = _own_draft(request, pk)
    if concern is None:
        return redirect("consultations:concern_detail", pk=pk)
    form = _concern_form(
        request,
        initial={
            "submission_key": concern.submission_key,
            "age_band": concern.age_band,
            "setting": concern.setting,
            "worry": concern.worry,
            "tried": concern.tried,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            concern, created = services.concern_draft_submit(
                concern=concern, actor=request.user, **_submit_values(form)
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if created:
                messages.success(
                    request,
                    _("Your concern %(ref)s was sent to the team.") % {"ref": concern.reference},
                )
            return redirect("consultations:concern_detail", pk=concern.pk)
    return render(
        request,
        "consultations/concern_form.html",
        {"form": form, "draft": concern, "no_team": not form.fields["team"].queryset},
    )


def _own_draft(request: HttpRequest, pk: int) -> Concern | None:
    """The person's own concern (404 for anyone else's); None once it is no draft."""
    concern = selectors.concern_for_viewer(request.user, request.municipality, pk).concern
    if concern.submitted_by_id != request.user.pk:
        raise Http404
    return concern if concern.status == Concern.Status.DRAFT else None


@staff_view(personal_data="consultations.concern", roles=STAFF_ROLES)
def concern_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """The submitter deletes their own draft, after a confirmation page."""
    concern = _own_draft(request, pk)
    if concern is None:
        return redirect("consultations:concern_detail", pk=pk)
    if request.method == "POST":
        if services.concern_draft_delete(concern=concern, actor=request.user):
            messages.success(
                request, _("The draft %(ref)s was deleted.") % {"ref": concern.reference}
            )
        return redirect("consultations:overview")
    return render(
        request,
        "consultations/concern_delete.html",
        {"concern": concern, "draft_days": DRAFT_DAYS},
    )


@staff_view(personal_data="consultations.concern", roles=TEAM_VIEWERS)
def concern_place(request: HttpRequest, pk: int) -> HttpResponse:
    """A team member puts a concern on the agenda of one of the team's coming meetings."""
    concern = _member_concern(request, pk)
    form = PlaceForm(
        request.POST if request.method == "POST" else None,
        initial={"meeting": concern.meeting_id},
        meetings=selectors.future_meetings_for([concern.team]),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_place(
                concern=concern, actor=request.user, meeting=form.cleaned_data["meeting"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The concern's meeting was saved."))
            return redirect("consultations:concern_detail", pk=concern.pk)
    return render(request, "consultations/concern_place.html", {"form": form, "concern": concern})


@staff_view(personal_data="consultations.concern", roles=STAFF_ROLES)
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = selectors.concern_for_viewer(request.user, request.municipality, pk)
    concern = access.concern
    return render(
        request,
        "consultations/concern_detail.html",
        {
            "concern": concern,
            "access": access,
            "advice": concern.advice.select_related("meeting", "recorded_by"),
            "shared": concern.shared.all() if access.is_member else [],
            "actions": concern.actions.select_related("meeting") if access.is_member else [],
            "can_advise": access.is_member
            and Role.TEAM_MEMBER in request.roles
            and concern.status != Concern.Status.DRAFT,
            "placed_on": selectors.placed_meeting(concern),
        },
    )


def _member_concern(request: HttpRequest, pk: int) -> Concern:
    access = selectors.concern_for_viewer(request.user, request.municipality, pk)
    if not access.is_member or access.concern.status == Concern.Status.DRAFT:
        raise Http404
    return access.concern


@staff_view(personal_data="consultations.concern", roles=TEAM_VIEWERS)
def advice_create(request: HttpRequest, pk: int) -> HttpResponse:
    concern = _member_concern(request, pk)
    today = timezone.localdate()
    meetings = selectors.meeting_choices(concern.team, today=today)
    nearest = selectors.next_meeting(concern.team)
    form = AdviceForm(
        request.POST or None,
        meetings=meetings,
        initial={
            "form_key": uuid.uuid4(),
            "meeting": nearest.pk if nearest else None,
            "follow_up_on": default_follow_up(today),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _advice, created = services.advice_record(
                concern=concern,
                actor=request.user,
                meeting=data["meeting"],
                text=data["text"],
                concern_level=data["concern_level"],
                risk_factors=data["risk_factors"],
                protective_factors=data["protective_factors"],
                factors_note=data["factors_note"],
                recommendations=data["recommendations"],
                follow_up_on=data["follow_up_on"],
                form_key=data["form_key"],
                today=today,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if created:
                messages.success(request, _("The team's advice was recorded."))
            return redirect("consultations:concern_detail", pk=concern.pk)
    return render(
        request,
        "consultations/advice_form.html",
        {"form": form, "concern": concern, "consult_again": Recommendation.CONSULT_AGAIN},
    )


@staff_view(personal_data="consultations.concern", roles=TEAM_VIEWERS)
def shared_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Information the police or another agency shares with the team, and on what legal basis."""
    concern = _member_concern(request, pk)
    form = SharedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.shared_record(concern=concern, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("The shared information and its legal basis were recorded.")
            )
            return redirect("consultations:concern_detail", pk=concern.pk)
    return render(request, "consultations/shared_form.html", {"form": form, "concern": concern})
