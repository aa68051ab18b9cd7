"""Staff pages for meetings (the agenda), the team's actions and the statistics, and the
public calendar feed (private token, no personal data)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from vern.consultations import ical, selectors, services, tick
from vern.consultations.forms import ActionForm, CancelForm, MoveForm
from vern.consultations.views.teams import TEAM_VIEWERS
from vern.core.access import staff_view
from vern.core.forms import add_errors


def _action_form(request, meeting):
    return ActionForm(
        request.POST or None, concerns=selectors.team_concerns(meeting.team).order_by("-pk")
    )


@staff_view(personal_data="consultations.concern", roles=TEAM_VIEWERS)
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_member_or_404(request.user, request.municipality, pk)
    return render(
        request,
        "consultations/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": selectors.agenda(meeting),
            "form": _action_form(request, meeting),
        },
    )


def _told(request: HttpRequest, meeting) -> None:
    """Tell the members at once; if no mail can go now, ``vern tick`` tries again."""
    told = tick.notify_meeting_change(meeting)
    if told:
        messages.info(request, _("The team's members have been told."))
    elif told is False:
        messages.warning(
            request, _("The members could not be told just now; they will be told shortly.")
        )


@staff_view(personal_data=None, roles=TEAM_VIEWERS)
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """The host's coordinator or the team's chair cancels a coming meeting (a confirmation
    page, then POST)."""
    meeting = selectors.changeable_meeting_or_404(
        request.user, request.municipality, request.roles, pk
    )
    if meeting.is_cancelled:
        messages.info(request, _("The meeting is already cancelled."))
        return redirect("consultations:team_detail", pk=meeting.team_id)
    others = selectors.coming_meetings(meeting.team).exclude(pk=meeting.pk)
    form = CancelForm(request.POST if request.method == "POST" else None, meetings=others)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_cancel(
                meeting=meeting, actor=request.user, move_to=form.cleaned_data["move_to"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The meeting was cancelled."))
            _told(request, meeting)
            return redirect("consultations:team_detail", pk=meeting.team_id)
    return render(
        request,
        "consultations/meeting_cancel.html",
        {"meeting": meeting, "form": form, "concerns": selectors.agenda_size(meeting)},
    )


@staff_view(personal_data=None, roles=TEAM_VIEWERS)
def meeting_move(request: HttpRequest, pk: int) -> HttpResponse:
    """The host's coordinator or the team's chair gives a coming meeting a new date, time
    or place."""
    meeting = selectors.changeable_meeting_or_404(
        request.user, request.municipality, request.roles, pk
    )
    starts = timezone.localtime(meeting.starts_at)
    form = MoveForm(
        request.POST or None,
        initial={
            "starts_on": starts.date(),
            "starts_time": starts.time(),
            "duration_minutes": int((meeting.ends_at - meeting.starts_at).total_seconds() // 60),
            "location": meeting.location,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            moved = services.meeting_move(
                meeting=meeting,
                actor=request.user,
                starts_at=timezone.make_aware(
                    datetime.datetime.combine(data["starts_on"], data["starts_time"])
                ),
                duration_minutes=data["duration_minutes"],
                location=data["location"] or "",
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The meeting was moved."))
            if moved.sequence > moved.notified_sequence:  # not when nothing changed
                _told(request, moved)
            return redirect("consultations:team_detail", pk=meeting.team_id)
    return render(request, "consultations/meeting_move.html", {"meeting": meeting, "form": form})


@staff_view(personal_data=None, roles=TEAM_VIEWERS)
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for_member_or_404(request.user, request.municipality, pk)
    form = _action_form(request, meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_add(meeting=meeting, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The action was added to the meeting."))
            return redirect("consultations:meeting_detail", pk=meeting.pk)
    return render(request, "consultations/action_form.html", {"form": form, "meeting": meeting})


@staff_view(personal_data=None, roles=TEAM_VIEWERS)
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_for_member_or_404(request.user, request.municipality, pk)
    if request.method == "POST":
        if services.action_done(action=action, actor=request.user):
            messages.success(request, _("The action was marked as done."))
        next_meeting = selectors.next_meeting(action.team)
        target = next_meeting or action.meeting
        return redirect("consultations:meeting_detail", pk=target.pk)
    return render(request, "consultations/action_done.html", {"action": action})


@staff_view(personal_data=None, roles=TEAM_VIEWERS)
def statistics(request: HttpRequest) -> HttpResponse:
    """Anonymous figures per team and year: sources, settings, outcomes, time to advice."""
    teams = list(selectors.teams_visible(request.municipality))
    today = timezone.localdate()
    try:
        year = int(request.GET.get("ar", today.year))
    except ValueError:
        year = today.year
    if not 2000 <= year <= today.year + 1:
        year = today.year
    chosen = next((t for t in teams if str(t.pk) == request.GET.get("team")), None)
    if chosen is None and teams:
        chosen = teams[0]
    return render(
        request,
        "consultations/statistics.html",
        {
            "teams": teams,
            "team": chosen,
            "year": year,
            "years": range(today.year, today.year - 5, -1),
            "stats": selectors.team_statistics(chosen, year=year) if chosen else None,
        },
    )


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A member's meetings as iCalendar, found by the private token only.

    Holds the team's name, the times and the meeting place: no concern, no
    person. A revoked or unknown token, or a member who has left, is 404.
    """
    found = selectors.feed_meetings(services.token_hash(token))
    if found is None:
        raise Http404
    member, meetings = found
    response = HttpResponse(
        ical.calendar(member.team, meetings), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="konsultasjonsteam.ics"'
    return response
