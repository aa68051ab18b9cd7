"""Staff pages for teams: the list, creating and changing a team, members, the calendar address."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vern.consultations import selectors, services
from vern.consultations.forms import MemberForm, TeamForm
from vern.consultations.models import TeamMember
from vern.core.access import staff_view
from vern.core.forms import add_errors
from vern.core.models import Role

TEAM_ADMINS = frozenset({Role.COORDINATOR, Role.ADMIN})
TEAM_VIEWERS = frozenset({Role.TEAM_MEMBER, Role.COORDINATOR, Role.ADMIN})


@staff_view(personal_data=None, roles=TEAM_VIEWERS)
def team_list(request: HttpRequest) -> HttpResponse:
    teams = selectors.teams_visible(request.municipality).select_related("municipality")
    return render(
        request,
        "consultations/team_list.html",
        {
            "teams": teams,
            "can_create": bool(request.roles & TEAM_ADMINS),
            "mine": set(
                selectors.my_teams(request.user, request.municipality).values_list("pk", flat=True)
            ),
        },
    )


def _team_values(form: TeamForm) -> dict:
    data = dict(form.cleaned_data)
    data["location"] = data.get("location") or ""
    return data


@staff_view(personal_data=None, roles=TEAM_ADMINS)
def team_create(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None, municipality=request.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(
                municipality=request.municipality, actor=request.user, **_team_values(form)
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The team was created. Add its members."))
            return redirect("consultations:team_detail", pk=team.pk)
    return render(request, "consultations/team_form.html", {"form": form, "team": None})


@staff_view(personal_data="consultations.teammember", roles=TEAM_VIEWERS)
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = selectors.team_or_404(request.municipality, pk)
    own_seat = selectors.seat_here(request.user, request.municipality, team)
    is_host = team.municipality_id == request.municipality.pk
    # The host's coordinators, who change the team, and its chair move and cancel meetings.
    can_change = selectors.may_change_meetings(
        request.user, request.municipality, request.roles, team
    )
    return render(
        request,
        "consultations/team_detail.html",
        {
            "team": team,
            "members": team.members.select_related("user", "municipality"),
            "partners": team.partners.order_by("name"),
            "meetings": selectors.upcoming_meetings(team) if own_seat or can_change else [],
            "seat": own_seat,
            "is_host": is_host,
            "can_manage": bool(request.roles & TEAM_ADMINS),
            "can_change_meetings": can_change,
        },
    )


@staff_view(personal_data=None, roles=TEAM_ADMINS)
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    team = selectors.hosted_team_or_404(request.municipality, pk)
    initial = {
        "name": team.name,
        "first_meeting_on": team.first_meeting_on,
        "meeting_time": team.meeting_time,
        "duration_minutes": team.duration_minutes,
        "interval_weeks": team.interval_weeks,
        "location": team.location,
        "partners": list(team.partners.all()),
    }
    form = TeamForm(request.POST or None, initial=initial, municipality=request.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_update(team=team, actor=request.user, **_team_values(form))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The team was saved."))
            return redirect("consultations:team_detail", pk=team.pk)
    return render(request, "consultations/team_form.html", {"form": form, "team": team})


@staff_view(personal_data=None, roles=TEAM_ADMINS)
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Coordinators of the host and of each partner municipality seat their own people."""
    team = selectors.team_or_404(request.municipality, pk)
    form = MemberForm(
        request.POST or None,
        candidates=selectors.team_member_candidates(request.municipality),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.member_add(
                team=team,
                actor=request.user,
                municipality=request.municipality,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The member was added."))
            return redirect("consultations:team_detail", pk=team.pk)
    return render(request, "consultations/member_form.html", {"form": form, "team": team})


@staff_view(personal_data="consultations.teammember", roles=TEAM_ADMINS)
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """The host's coordinators remove anyone; a partner's, only their own municipality's people."""
    member = (
        TeamMember.objects.for_system(reason="a coordinator removing a team member")
        .filter(pk=pk)
        .select_related("team", "user")
        .first()
    )
    if member is None:
        raise Http404
    team = selectors.team_or_404(request.municipality, member.team_id)
    if (
        team.municipality_id != request.municipality.pk
        and member.municipality_id != request.municipality.pk
    ):
        raise Http404
    if request.method == "POST":
        services.member_remove(member=member, actor=request.user)
        messages.success(request, _("The member was removed from the team."))
        return redirect("consultations:team_detail", pk=team.pk)
    return render(request, "consultations/member_remove.html", {"member": member, "team": team})


def feed_url(request: HttpRequest, token: str) -> str:
    path = reverse("consultations_feed:calendar_feed", kwargs={"token": token})
    return settings.VERN_BASE_URL.rstrip("/") + path


@staff_view(personal_data=None, roles=TEAM_VIEWERS)
def calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's private calendar address for the team's meetings: make, renew or revoke it.

    Only a hash of the token is kept, so the address is shown once, on the
    page that answers the request that made it.
    """
    team = selectors.member_team_or_404(request.user, request.municipality, pk)
    own_seat = selectors.seat(request.user, team)
    new_url = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_token_revoke(member=own_seat, actor=request.user)
            messages.success(request, _("The calendar address was revoked and no longer works."))
            return redirect("consultations:calendar", pk=team.pk)
        token = services.calendar_token_create(member=own_seat, actor=request.user)
        new_url = feed_url(request, token)
        own_seat.refresh_from_db()
    return render(
        request,
        "consultations/calendar.html",
        {"team": team, "seat": own_seat, "new_url": new_url, "now": timezone.now()},
    )
