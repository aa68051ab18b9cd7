"""Reads of the consultation team: who may see what, agendas and statistics.

Access, in one place:

* a team is visible in a municipality that hosts it or shares it
  (``teams_visible``); anywhere else it does not exist (404);
* a team's concerns, meetings' agendas and actions are for the people sitting
  on the team (``TeamMember``), reached through the team after that check;
* a concern's submitter sees their own concern (``for_self``), whatever team.
"""

from __future__ import annotations

import datetime
import statistics as stats
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from vern.consultations.models import (
    Advice,
    Concern,
    ConcernLevel,
    Meeting,
    Recommendation,
    Team,
    TeamAction,
    TeamMember,
)
from vern.core.models import Membership, Municipality, Role, Unit, User
from vern.core.selectors import people_with_roles

TEAM_READ = "consultations: a team member reading their own team's records"


def teams_visible(municipality: Municipality | None) -> QuerySet[Team]:
    """Teams hosted by ``municipality`` or shared with it."""
    if municipality is None:
        return Team.objects.none()
    return Team.objects.filter(Q(municipality=municipality) | Q(partners=municipality)).distinct()


def teams_hosted(municipality: Municipality | None) -> QuerySet[Team]:
    if municipality is None:
        return Team.objects.none()
    return Team.objects.filter(municipality=municipality)


def seat(user: User, team: Team) -> TeamMember | None:
    """The person's seat on ``team``, or None."""
    return TeamMember.objects.for_self(user).filter(team=team).select_related("team").first()


def holds_member_role(user: User, municipality: Municipality | None) -> bool:
    """Does the person hold the team-member role here? A seat counts only with it."""
    if municipality is None:
        return False
    return (
        Membership.objects.for_self(user)
        .filter(municipality=municipality, role=Role.TEAM_MEMBER)
        .exists()
    )


def my_teams(user: User, municipality: Municipality | None) -> QuerySet[Team]:
    """Teams visible here on which the person sits, holding the team-member role here."""
    if not holds_member_role(user, municipality):
        return Team.objects.none()
    return teams_visible(municipality).filter(
        pk__in=TeamMember.objects.for_self(user).values("team_id")
    )


def seat_here(user: User, municipality: Municipality | None, team: Team) -> TeamMember | None:
    """The person's seat on ``team`` if it counts here (see ``my_teams``)."""
    if not my_teams(user, municipality).filter(pk=team.pk).exists():
        return None
    return seat(user, team)


def team_or_404(municipality: Municipality | None, pk: int) -> Team:
    team = teams_visible(municipality).filter(pk=pk).first()
    if team is None:
        raise Http404
    return team


def hosted_team_or_404(municipality: Municipality | None, pk: int) -> Team:
    team = teams_hosted(municipality).filter(pk=pk).first()
    if team is None:
        raise Http404
    return team


def member_team_or_404(user: User, municipality: Municipality | None, pk: int) -> Team:
    """A team visible here that the person sits on; otherwise 404."""
    team = my_teams(user, municipality).filter(pk=pk).first()
    if team is None:
        raise Http404
    return team


def meeting_for_member_or_404(user: User, municipality: Municipality | None, pk: int) -> Meeting:
    meeting = Meeting.objects.filter(pk=pk, team__in=my_teams(user, municipality)).first()
    if meeting is None:
        raise Http404
    return meeting


def action_for_member_or_404(user: User, municipality: Municipality | None, pk: int) -> TeamAction:
    action = (
        TeamAction.objects.for_system(reason=TEAM_READ)
        .filter(pk=pk, team__in=my_teams(user, municipality))
        .select_related("team", "meeting")
        .first()
    )
    if action is None:
        raise Http404
    return action


def team_concerns(team: Team) -> QuerySet[Concern]:
    """A team's submitted concerns (drafts are their writer's alone). Call only
    after checking the person sits on the team."""
    return (
        Concern.objects.for_system(reason=TEAM_READ)
        .filter(team=team)
        .exclude(status=Concern.Status.DRAFT)
        .select_related("source_unit", "municipality")
    )


@dataclass(frozen=True)
class ConcernAccess:
    concern: Concern
    is_submitter: bool
    is_member: bool


def concern_for_viewer(user: User, municipality: Municipality | None, pk: int) -> ConcernAccess:
    """The concern, for its submitter or for a member of its team here; otherwise 404."""
    own = Concern.objects.for_self(user).filter(pk=pk).select_related("team").first()
    if own is not None:
        is_member = (
            own.team is not None and my_teams(user, municipality).filter(pk=own.team_id).exists()
        )
        return ConcernAccess(own, True, is_member)
    for team in my_teams(user, municipality):
        concern = team_concerns(team).filter(pk=pk).select_related("team").first()
        if concern is not None:
            return ConcernAccess(concern, False, True)
    raise Http404


def my_concerns(user: User) -> QuerySet[Concern]:
    return Concern.objects.for_self(user).select_related("team")


def waiting(team: Team, *, on: datetime.date) -> QuerySet[Concern]:
    """Concerns waiting for the team on a day: not yet advised, or due for follow-up."""
    return team_concerns(team).filter(
        Q(status=Concern.Status.SUBMITTED) | Q(status=Concern.Status.ADVISED, follow_up_on__lte=on)
    )


@dataclass
class Agenda:
    meeting: Meeting
    upcoming: bool
    waiting: list[Concern] = field(default_factory=list)
    advised_here: list[Concern] = field(default_factory=list)
    carried: list[TeamAction] = field(default_factory=list)
    agreed_here: list[TeamAction] = field(default_factory=list)

    @property
    def concern_count(self) -> int:
        return len(self.waiting) + len(self.advised_here)


def coming_meetings(team: Team, *, now: datetime.datetime | None = None) -> QuerySet[Meeting]:
    """The team's meetings not yet over and not cancelled, soonest first."""
    now = now or timezone.now()
    return team.meetings.filter(ends_at__gte=now, cancelled_at__isnull=True).order_by("starts_at")


def _awaiting(team: Team, *, now: datetime.datetime) -> Q:
    """Concerns awaiting a meeting: none chosen, or the one chosen is over or cancelled."""
    return ~Q(meeting__in=coming_meetings(team, now=now))


def agenda(meeting: Meeting, *, now: datetime.datetime | None = None) -> Agenda:
    """What the team goes through at ``meeting``.

    An upcoming meeting lists the concerns waiting for advice or follow-up that
    were put on it, and, if it is the first coming meeting on or after the day
    they are due, those awaiting a meeting. Any meeting lists the concerns
    advised at it. A cancelled meeting lists no waiting concern. Actions agreed
    at earlier meetings are carried to it while they were still open when it
    began; those agreed at it are listed too.
    """
    now = now or timezone.now()
    team = meeting.team
    upcoming = meeting.ends_at >= now and not meeting.is_cancelled
    advised_ids = (
        Advice.objects.for_system(reason=TEAM_READ).filter(meeting=meeting).values("concern_id")
    )
    result = Agenda(meeting=meeting, upcoming=upcoming)
    result.advised_here = list(team_concerns(team).filter(pk__in=advised_ids))
    if upcoming:
        due = waiting(team, on=timezone.localdate(meeting.starts_at))
        awaiting = due.filter(_awaiting(team, now=now))
        earlier = coming_meetings(team, now=now).filter(starts_at__lt=meeting.starts_at).last()
        if earlier is not None:
            # Due by an earlier coming meeting: on that one's agenda.
            earlier_due = waiting(team, on=timezone.localdate(earlier.starts_at))
            awaiting = awaiting.exclude(pk__in=earlier_due.values("pk"))
        result.waiting = [
            c
            for c in due.filter(Q(meeting=meeting) | Q(pk__in=awaiting.values("pk"))).order_by(
                "submitted_at"
            )
            if c not in result.advised_here
        ]
    actions = TeamAction.objects.for_system(reason=TEAM_READ).filter(team=team)
    result.carried = list(
        actions.filter(meeting__starts_at__lt=meeting.starts_at)
        .filter(Q(done_at__isnull=True) | Q(done_at__gt=meeting.starts_at))
        .select_related("meeting", "concern")
    )
    result.agreed_here = list(actions.filter(meeting=meeting).select_related("concern"))
    return result


def upcoming_meetings(team: Team, *, now: datetime.datetime | None = None, limit: int = 6):
    """The team's meetings not yet over, cancelled ones too (shown as cancelled)."""
    now = now or timezone.now()
    return team.meetings.filter(ends_at__gte=now).order_by("starts_at")[:limit]


def next_meeting(team: Team, *, now: datetime.datetime | None = None) -> Meeting | None:
    return coming_meetings(team, now=now).first()


def placed_meeting(concern: Concern) -> Meeting | None:
    """The coming meeting the concern was put on, or None (awaiting a meeting)."""
    if concern.meeting_id is None or concern.team_id is None:
        return None
    return coming_meetings(concern.team).filter(pk=concern.meeting_id).first()


def agenda_size(meeting: Meeting) -> int:
    """How many concerns the meeting's agenda holds (a number only: for the cancel page)."""
    return len(agenda(meeting).waiting)


def future_meetings_for(teams) -> QuerySet[Meeting]:
    """The coming meetings of ``teams``, for choosing which agenda a concern goes on."""
    return (
        Meeting.objects.filter(
            team__in=teams, starts_at__gte=timezone.now(), cancelled_at__isnull=True
        )
        .select_related("team")
        .order_by("team__name", "starts_at")
    )


def chairs(user: User, municipality: Municipality | None, team: Team) -> bool:
    """Does the person chair ``team``, through a seat that counts here?"""
    seat_ = seat_here(user, municipality, team)
    return seat_ is not None and seat_.team_role == TeamMember.TeamRole.CHAIR


def may_change_meetings(
    user: User, municipality: Municipality | None, roles: frozenset, team: Team
) -> bool:
    """The host's coordinators and administrators, and the team's chair, move and cancel
    its meetings."""
    host_admin = bool(municipality) and team.municipality_id == municipality.pk
    if host_admin and roles & {Role.COORDINATOR, Role.ADMIN}:
        return True
    return chairs(user, municipality, team)


def changeable_meeting_or_404(
    user: User, municipality: Municipality | None, roles: frozenset, pk: int
) -> Meeting:
    """A meeting the person may move or cancel (``may_change_meetings``); otherwise 404."""
    meeting = (
        Meeting.objects.filter(pk=pk, team__in=teams_visible(municipality))
        .select_related("team")
        .first()
    )
    if meeting is None or not may_change_meetings(user, municipality, roles, meeting.team):
        raise Http404
    return meeting


def meetings_to_notify() -> QuerySet[Meeting]:
    """Meetings changed since the members were last told, not yet over."""
    return (
        Meeting.objects.filter(notified_sequence__lt=F("sequence"), ends_at__gte=timezone.now())
        .select_related("team")
        .order_by("pk")
    )


def meeting_choices(team: Team, *, today: datetime.date) -> QuerySet[Meeting]:
    """Meetings advice can be recorded at: the last eight weeks and the next four."""
    start = today - datetime.timedelta(weeks=8)
    end = today + datetime.timedelta(weeks=4)
    return team.meetings.filter(
        starts_at__date__gte=start, starts_at__date__lte=end, cancelled_at__isnull=True
    )


def team_member_candidates(municipality: Municipality) -> QuerySet[User]:
    """People of the active municipality who hold the team-member role."""
    return people_with_roles(municipality, {Role.TEAM_MEMBER})


def feed_meetings(token_hash: str) -> tuple[TeamMember, QuerySet[Meeting]] | None:
    """The member a calendar token belongs to and their team's meetings, or None."""
    if not token_hash:
        return None
    member = (
        TeamMember.objects.for_system(reason="calendar feed: the token names the member")
        .filter(calendar_token_hash=token_hash, user__is_active=True)
        .select_related("team")
        .first()
    )
    if member is None:
        return None
    since = timezone.now() - datetime.timedelta(weeks=26)
    return member, member.team.meetings.filter(starts_at__gte=since).order_by("starts_at")


# --- Statistics -----------------------------------------------------------------------


@dataclass
class Statistics:
    total: int
    by_unit: list[tuple[str, int]]
    by_setting: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    by_level: list[tuple[str, int]]
    by_recommendation: list[tuple[str, int]]
    advised: int
    median_days_to_advice: float | None
    longest_days_to_advice: int | None
    waiting: int


def team_statistics(team: Team, *, year: int) -> Statistics:
    """Anonymous figures for one team and year (concerns submitted that year)."""
    concerns = list(
        team_concerns(team).filter(submitted_at__year=year).select_related("source_unit")
    )
    units = Counter(
        c.source_unit.name if c.source_unit else f"– ({c.municipality.name})" for c in concerns
    )
    settings = Counter(c.get_setting_display() for c in concerns)
    statuses = Counter(c.get_status_display() for c in concerns)
    latest: dict[int, Advice] = {}
    for advice in (
        Advice.objects.for_system(reason=TEAM_READ)
        .filter(concern__in=[c.pk for c in concerns])
        .order_by("recorded_at")
    ):
        latest[advice.concern_id] = advice
    levels = Counter(ConcernLevel(a.concern_level).label for a in latest.values())
    recommendations = Counter(
        Recommendation(r).label for a in latest.values() for r in a.recommendations
    )
    days = [
        (c.first_advised_at - c.submitted_at).total_seconds() / 86400
        for c in concerns
        if c.first_advised_at
    ]

    def rows(counter: Counter) -> list[tuple[str, int]]:
        return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))

    return Statistics(
        total=len(concerns),
        by_unit=rows(units),
        by_setting=rows(settings),
        by_status=rows(statuses),
        by_level=rows(levels),
        by_recommendation=rows(recommendations),
        advised=len(days),
        median_days_to_advice=round(stats.median(days), 1) if days else None,
        longest_days_to_advice=round(max(days)) if days else None,
        waiting=sum(1 for c in concerns if c.status == Concern.Status.SUBMITTED),
    )


# --- Reminders and the staff shell -------------------------------------------------------


def follow_ups_due(*, today: datetime.date) -> QuerySet[Concern]:
    """Concerns whose follow-up date has come and whose submitter has not been reminded of it."""
    return (
        Concern.objects.for_system(reason="vern tick: follow-up reminders")
        .filter(status=Concern.Status.ADVISED, follow_up_on__lte=today)
        .exclude(follow_up_reminded_for=F("follow_up_on"))
        .select_related("team", "submitted_by")
        .order_by("pk")
    )


def waiting_counts(user: User, municipality: Municipality | None, *, today: datetime.date):
    """(team, number of concerns waiting) for each of the person's teams here. Two queries."""
    teams = list(my_teams(user, municipality))
    if not teams:
        return []
    counts = dict(
        Concern.objects.for_system(reason=TEAM_READ)
        .filter(team__in=teams)
        .filter(
            Q(status=Concern.Status.SUBMITTED)
            | Q(status=Concern.Status.ADVISED, follow_up_on__lte=today)
        )
        .values_list("team")
        .annotate(n=Count("pk"))
        .values_list("team", "n")
    )
    return [(team, counts.get(team.pk, 0)) for team in teams]


def my_drafts_and_follow_ups(user: User, *, today: datetime.date) -> QuerySet[Concern]:
    return Concern.objects.for_self(user).filter(
        Q(status=Concern.Status.DRAFT)
        | Q(status=Concern.Status.ADVISED, follow_up_on__lte=today + datetime.timedelta(days=7))
    )


def units_for(municipality: Municipality) -> QuerySet[Unit]:
    return Unit.objects.filter(municipality=municipality).order_by("name")


def age_band_choices() -> list[tuple[str, str]]:
    """The age bands a concern may give (for other apps' forms that start a draft)."""
    from vern.consultations.models import AgeBand

    return list(AgeBand.choices)
