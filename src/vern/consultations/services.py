"""Every write of the consultation team.

Each service runs in one ``audited_transaction`` (the audit chain's lock
first) and writes its audit entry inside it, so nothing is half-saved. Free
text that must stay anonymous goes through ``check_anonymous``, which uses
the one identifier check, ``vern.core.identifiers.find_personal_identifiers``.

``concern_draft_from`` is the entry point other apps call (the schools app's
negative-social-control signal): it makes an anonymised draft the person then
completes and submits.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from vern.audit.services import audited_transaction, lock_chain, log_action
from vern.consultations import selectors
from vern.consultations.models import (
    Advice,
    Concern,
    Meeting,
    Recommendation,
    SharedInformation,
    Team,
    TeamAction,
    TeamMember,
)
from vern.core.identifiers import Finding, find_personal_identifiers
from vern.core.models import Membership, Municipality, Role, Unit, User

SYSTEM = "consultations: a service working on rows the caller has already authorised"
# How far ahead meetings are made.
SCHEDULE_WEEKS = 12
REDACTED = "[…]"


# --- Anonymity -------------------------------------------------------------------


def _kind_label(finding: Finding) -> str:
    return {
        "fodselsnummer": _("a national identity number (fødselsnummer)"),
        "d_number": _("a D-number"),
        "phone": _("a phone number"),
        "email": _("an e-mail address"),
    }[finding.kind]


def _masked(text: str) -> str:
    if len(text) <= 4:
        return "…"
    return f"{text[:2]}…{text[-2:]}"


def anonymity_problems(text: str) -> list[str]:
    """One sentence per identifier found in ``text``, saying what and why."""
    return [
        _(
            "The text seems to contain %(kind)s (%(masked)s). The team must not be able to "
            "tell who the child or family is: remove it and describe the situation instead."
        )
        % {"kind": _kind_label(f), "masked": _masked(f.text)}
        for f in find_personal_identifiers(text)
    ]


def check_anonymous(**texts: str) -> None:
    """Raise a ``ValidationError`` keyed by field for each text holding an identifier."""
    errors = {
        name: problems
        for name, text in texts.items()
        if (problems := anonymity_problems(text or ""))
    }
    if errors:
        raise ValidationError(errors)


def redact(text: str) -> str:
    """``text`` with every identifier found replaced by ``REDACTED``."""
    for finding in reversed(find_personal_identifiers(text)):
        text = text[: finding.start] + REDACTED + text[finding.end :]
    return text


# --- Teams and meetings -------------------------------------------------------------


def _meeting_days(team: Team, *, after: datetime.date, until: datetime.date) -> list[datetime.date]:
    step = datetime.timedelta(weeks=team.interval_weeks)
    day = team.first_meeting_on
    if day < after:
        periods = (after - day).days // step.days
        day += step * periods
        if day < after:
            day += step
    days = []
    while day <= until:
        days.append(day)
        day += step
    return days


def _schedule(team: Team, *, today: datetime.date) -> int:
    until = today + datetime.timedelta(weeks=SCHEDULE_WEEKS)
    # A moved meeting holds its slot in the rhythm, so it is not made again there.
    existing = {
        when
        for pair in team.meetings.values_list("starts_at", "moved_from")
        for when in pair
        if when is not None
    }
    tz = timezone.get_current_timezone()
    created = 0
    for day in _meeting_days(team, after=today, until=until):
        starts = datetime.datetime.combine(day, team.meeting_time, tzinfo=tz)
        if starts in existing:
            continue
        Meeting.objects.create(
            team=team,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(minutes=team.duration_minutes),
            location=team.location,
        )
        created += 1
    return created


def _clean_team(team: Team, partners: Iterable[Municipality]) -> None:
    team.full_clean()
    if any(p.pk == team.municipality_id for p in partners):
        raise ValidationError({"partners": _("The team's own municipality is not a partner.")})


@audited_transaction
def team_create(
    *,
    municipality: Municipality,
    actor: User,
    name: str,
    first_meeting_on: datetime.date,
    meeting_time: datetime.time,
    duration_minutes: int = 90,
    interval_weeks: int = 4,
    location: str = "",
    partners: Iterable[Municipality] = (),
    today: datetime.date | None = None,
) -> Team:
    """A team of ``municipality`` (shared with ``partners``), with its meetings made ahead."""
    partners = list(partners)
    team = Team(
        municipality=municipality,
        name=name,
        first_meeting_on=first_meeting_on,
        meeting_time=meeting_time,
        duration_minutes=duration_minutes,
        interval_weeks=interval_weeks,
        location=location,
    )
    _clean_team(team, partners)
    team.save()
    team.partners.set(partners)
    meetings = _schedule(team, today=today or timezone.localdate())
    log_action(
        actor=actor,
        action="create",
        code="consultations.team.create",
        target=team,
        detail={"team": team.name, "meetings": meetings},
    )
    return team


def _follow_rhythm(team: Team, *, actor: User, today: datetime.date) -> None:
    """Bring the coming meetings made by the rhythm in line with the team's new one.

    A meeting still in the rhythm takes the new length and place; one no longer in it
    is cancelled, not deleted, so calendars that hold it drop it (same UID, higher
    SEQUENCE) and the concerns on its agenda go back to awaiting a meeting. Meetings
    moved or cancelled by hand, and those with advice or actions, stay as they were.
    """
    now = timezone.now()
    rhythm = team.meetings.filter(
        starts_at__gt=now,
        advice__isnull=True,
        actions__isnull=True,
        moved_from__isnull=True,
        cancelled_at__isnull=True,
    ).distinct()
    rhythm = list(rhythm.order_by("starts_at"))
    if not rhythm:
        return
    tz = timezone.get_current_timezone()
    until = max(
        today + datetime.timedelta(weeks=SCHEDULE_WEEKS),
        timezone.localtime(rhythm[-1].starts_at).date(),
    )
    slots = {
        datetime.datetime.combine(day, team.meeting_time, tzinfo=tz)
        for day in _meeting_days(team, after=today, until=until)
    }
    length = datetime.timedelta(minutes=team.duration_minutes)
    for meeting in rhythm:
        if meeting.starts_at not in slots:
            meeting_cancel(meeting=meeting, actor=actor)
        elif (meeting.ends_at, meeting.location) != (meeting.starts_at + length, team.location):
            meeting.ends_at, meeting.location = meeting.starts_at + length, team.location
            meeting.sequence += 1
            meeting.save(update_fields=["ends_at", "location", "sequence"])


@audited_transaction
def team_update(
    *,
    team: Team,
    actor: User,
    name: str,
    first_meeting_on: datetime.date,
    meeting_time: datetime.time,
    duration_minutes: int,
    interval_weeks: int,
    location: str,
    partners: Iterable[Municipality],
    today: datetime.date | None = None,
) -> Team:
    """Change a team. Future meetings with nothing recorded at them follow the new rhythm
    (``_follow_rhythm``); meetings that have advice or actions are kept as they were."""
    partners = list(partners)
    team = Team.objects.select_for_update().get(pk=team.pk)
    team.name, team.first_meeting_on, team.meeting_time = name, first_meeting_on, meeting_time
    team.duration_minutes, team.interval_weeks, team.location = (
        duration_minutes,
        interval_weeks,
        location,
    )
    _clean_team(team, partners)
    team.save()
    team.partners.set(partners)
    today = today or timezone.localdate()
    _follow_rhythm(team, actor=actor, today=today)
    meetings = _schedule(team, today=today)
    log_action(
        actor=actor,
        action="update",
        code="consultations.team.update",
        target=team,
        detail={"team": team.name, "meetings": meetings},
    )
    return team


def schedule_meetings(*, today: datetime.date) -> int:
    """``vern tick``: keep every team's meetings made ``SCHEDULE_WEEKS`` ahead."""
    total = 0
    for team in Team.objects.for_system(reason="vern tick: consultation meetings").order_by("pk"):
        with transaction.atomic():
            lock_chain()
            created = _schedule(team, today=today)
            if created:
                log_action(
                    actor=None,
                    action="create",
                    code="consultations.meeting.scheduled",
                    target=team,
                    detail={"team": team.name, "meetings": created},
                )
        total += created
    return total


def _upcoming(team: Team, *, now: datetime.datetime) -> models.QuerySet[Meeting]:
    return team.meetings.filter(ends_at__gte=now, cancelled_at__isnull=True)


@audited_transaction
def meeting_cancel(
    *, meeting: Meeting, actor: User, move_to: Meeting | None = None
) -> tuple[Meeting, int]:
    """Cancel a coming meeting. The concerns put on its agenda go to ``move_to`` (another
    coming meeting of the team) or back to awaiting a meeting. Returns the meeting and
    how many concerns were moved. Cancelling twice changes nothing."""
    meeting = Meeting.objects.select_for_update().select_related("team").get(pk=meeting.pk)
    now = timezone.now()
    if meeting.is_cancelled:
        return meeting, 0
    if meeting.ends_at < now:
        raise ValidationError(_("A meeting that is over cannot be cancelled."))
    if move_to is not None and (
        move_to.pk == meeting.pk
        or not _upcoming(meeting.team, now=now).filter(pk=move_to.pk).exists()
    ):
        raise ValidationError({"move_to": [_("Choose another coming meeting of the team.")]})
    # Its agenda: the concerns put on it and those awaiting a meeting that it would take.
    on_agenda = [concern.pk for concern in selectors.agenda(meeting, now=now).waiting]
    moved = (
        Concern.objects.for_system(reason=SYSTEM)
        .filter(Q(meeting=meeting) | Q(pk__in=on_agenda))
        .update(meeting=move_to)
    )
    meeting.cancelled_at = now
    meeting.sequence += 1
    meeting.save(update_fields=["cancelled_at", "sequence"])
    log_action(
        actor=actor,
        action="update",
        code="consultations.meeting.cancel",
        target=meeting.team,
        detail={
            "meeting": meeting.pk,
            "starts_at": meeting.starts_at.isoformat(),
            "concerns_moved": moved,
            "moved_to": move_to.pk if move_to else None,
        },
    )
    return meeting, moved


@audited_transaction
def meeting_move(
    *,
    meeting: Meeting,
    actor: User,
    starts_at: datetime.datetime,
    duration_minutes: int,
    location: str,
) -> Meeting:
    """Give a coming meeting a new time (and place); its agenda goes with it."""
    meeting = Meeting.objects.select_for_update().select_related("team").get(pk=meeting.pk)
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if meeting.is_cancelled:
        errors["__all__"] = [_("The meeting is cancelled and cannot be moved.")]
    elif meeting.ends_at < now:
        errors["__all__"] = [_("A meeting that is over cannot be moved.")]
    if starts_at < now:
        errors["starts_on"] = [_("Choose a time that has not passed.")]
    clash = meeting.team.meetings.filter(starts_at=starts_at).exclude(pk=meeting.pk)
    if clash.exists():
        errors["starts_on"] = [_("The team already has a meeting at that time.")]
    if errors:
        raise ValidationError(errors)
    before = meeting.starts_at
    ends_at = starts_at + datetime.timedelta(minutes=duration_minutes)
    if (starts_at, ends_at, location) == (meeting.starts_at, meeting.ends_at, meeting.location):
        return meeting
    meeting.moved_from = meeting.moved_from or before
    meeting.starts_at, meeting.ends_at, meeting.location = starts_at, ends_at, location
    meeting.sequence += 1
    meeting.full_clean(exclude=["team"])
    meeting.save(update_fields=["moved_from", "starts_at", "ends_at", "location", "sequence"])
    log_action(
        actor=actor,
        action="update",
        code="consultations.meeting.move",
        target=meeting.team,
        detail={
            "meeting": meeting.pk,
            "from": before.isoformat(),
            "to": starts_at.isoformat(),
        },
    )
    return meeting


def _check_meeting(team: Team | None, meeting: Meeting | None) -> None:
    if meeting is None:
        return
    if team is None or not _upcoming(team, now=timezone.now()).filter(pk=meeting.pk).exists():
        raise ValidationError({"meeting": [_("Choose one of the team's coming meetings.")]})


@audited_transaction
def concern_place(*, concern: Concern, actor: User, meeting: Meeting | None) -> Concern:
    """Put a concern on a coming meeting's agenda (``None``: back to awaiting a meeting)."""
    concern = Concern.objects.for_system(reason=SYSTEM).select_for_update().get(pk=concern.pk)
    _check_meeting(concern.team, meeting)
    if concern.meeting_id == (meeting.pk if meeting else None):
        return concern
    concern.meeting = meeting
    concern.save(update_fields=["meeting"])
    log_action(
        actor=actor,
        action="update",
        code="consultations.concern.place",
        target=concern,
        detail={"meeting": meeting.pk if meeting else None},
    )
    return concern


def _member_municipalities(team: Team) -> set[int]:
    return {team.municipality_id, *team.partners.values_list("pk", flat=True)}


@audited_transaction
def member_add(
    *,
    team: Team,
    actor: User,
    municipality: Municipality,
    user: User,
    agency: str,
    team_role: str = TeamMember.TeamRole.MEMBER,
) -> TeamMember:
    """Seat ``user`` on ``team`` for ``municipality``, where they must hold the team-member role."""
    if municipality.pk not in _member_municipalities(team):
        raise ValidationError(_("This municipality does not take part in the team."))
    holds = (
        Membership.objects.for_system(reason="is the new member a team member of the municipality?")
        .filter(user=user, municipality=municipality, role=Role.TEAM_MEMBER)
        .exists()
    )
    if not holds:
        raise ValidationError(
            {"user": _("Only people with the role “consultation team member” can sit on a team.")}
        )
    if team.members.filter(user=user).exists():
        raise ValidationError({"user": _("This person is already on the team.")})
    member = TeamMember(
        team=team, user=user, municipality=municipality, agency=agency, team_role=team_role
    )
    member.full_clean()
    member.save()
    log_action(
        actor=actor,
        action="create",
        code="consultations.member.add",
        target=member,
        detail={"team": team.name, "member": user.pk, "agency": agency, "team_role": team_role},
    )
    return member


@audited_transaction
def member_remove(*, member: TeamMember, actor: User) -> None:
    """Take a person off the team; their private calendar address stops working with it."""
    log_action(
        actor=actor,
        action="delete",
        code="consultations.member.remove",
        target=member,
        detail={"team": member.team.name, "member": member.user_id},
    )
    member.delete()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@audited_transaction
def calendar_token_create(*, member: TeamMember, actor: User) -> str:
    """A new private calendar token for ``member`` (any earlier one stops working).

    Only its hash is stored, so the address is shown once, when it is made.
    """
    token = secrets.token_urlsafe(32)
    TeamMember.objects.for_system(reason=SYSTEM).filter(pk=member.pk).update(
        calendar_token_hash=token_hash(token)
    )
    log_action(
        actor=actor,
        action="create",
        code="consultations.calendar.create",
        target=member,
        detail={"team": member.team.name},
    )
    return token


@audited_transaction
def calendar_token_revoke(*, member: TeamMember, actor: User) -> None:
    TeamMember.objects.for_system(reason=SYSTEM).filter(pk=member.pk).update(calendar_token_hash="")
    log_action(
        actor=actor,
        action="delete",
        code="consultations.calendar.revoke",
        target=member,
        detail={"team": member.team.name},
    )


# --- Concerns ----------------------------------------------------------------------


def _check_concern(
    *,
    municipality: Municipality,
    team: Team | None,
    source_unit: Unit | None,
    worry: str,
    tried: str,
    meeting: Meeting | None = None,
) -> None:
    errors: dict[str, list[str]] = {}
    if not (worry or "").strip():
        errors["worry"] = [_("Describe what worries you.")]
    if team is not None and municipality.pk not in _member_municipalities(team):
        errors["team"] = [_("This team does not take concerns from your municipality.")]
    if source_unit is not None and source_unit.municipality_id != municipality.pk:
        errors["source_unit"] = [_("Choose a unit of your own municipality.")]
    if "team" not in errors:
        try:
            _check_meeting(team, meeting)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    try:
        check_anonymous(worry=worry, tried=tried)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@audited_transaction
def concern_submit(
    *,
    municipality: Municipality,
    submitted_by: User,
    team: Team,
    age_band: str,
    setting: str,
    worry: str,
    tried: str = "",
    source_unit: Unit | None = None,
    submission_key: uuid.UUID | None = None,
    meeting: Meeting | None = None,
) -> tuple[Concern, bool]:
    """Submit an anonymous concern to ``team``; refused if the text holds an identifier.

    The same ``submission_key`` sent twice (a double click, a resent form)
    returns the concern made the first time and ``False``.
    """
    if submission_key is not None:
        earlier = (
            Concern.objects.for_self(submitted_by).filter(submission_key=submission_key).first()
        )
        if earlier is not None:
            return earlier, False
    _check_concern(
        municipality=municipality,
        team=team,
        source_unit=source_unit,
        worry=worry,
        tried=tried,
        meeting=meeting,
    )
    concern = Concern(
        municipality=municipality,
        team=team,
        meeting=meeting,
        submitted_by=submitted_by,
        source_unit=source_unit,
        age_band=age_band,
        setting=setting,
        worry=worry.strip(),
        tried=(tried or "").strip(),
        status=Concern.Status.SUBMITTED,
        submitted_at=timezone.now(),
        submission_key=submission_key or uuid.uuid4(),
    )
    concern.full_clean()
    concern.save()
    log_action(
        actor=submitted_by,
        action="create",
        code="consultations.concern.create",
        target=concern,
        detail={"team": team.name, "origin": concern.origin},
    )
    return concern, True


@audited_transaction
def concern_draft_from(
    *,
    municipality: Municipality,
    submitted_by: User,
    age_band: str,
    setting: str,
    text: str,
    tried: str = "",
) -> Concern:
    """An anonymised draft concern for ``submitted_by`` to complete and submit.

    For other apps (the schools app's sign of negative social control): it
    carries over only the age band, the setting and the texts given, with any
    fødselsnummer, D-number, phone number or e-mail address in them replaced
    by ``[…]``. Callers pass no names. The draft has no team yet; the person
    chooses one when they submit it (``concern_draft_submit``).
    """
    concern = Concern(
        municipality=municipality,
        submitted_by=submitted_by,
        age_band=age_band,
        setting=setting,
        worry=redact(text).strip(),
        tried=redact(tried or "").strip(),
        status=Concern.Status.DRAFT,
        origin=Concern.Origin.SCHOOL_SIGNAL,
    )
    concern.full_clean()
    concern.save()
    log_action(
        actor=submitted_by,
        action="create",
        code="consultations.concern.draft",
        target=concern,
        detail={"origin": concern.origin},
    )
    return concern


@audited_transaction
def concern_draft_submit(
    *,
    concern: Concern,
    actor: User,
    team: Team,
    age_band: str,
    setting: str,
    worry: str,
    tried: str = "",
    source_unit: Unit | None = None,
    meeting: Meeting | None = None,
) -> tuple[Concern, bool]:
    """Submit the person's own draft; a draft already submitted is left as it is."""
    concern = Concern.objects.for_self(actor).select_for_update().get(pk=concern.pk)
    if concern.status != Concern.Status.DRAFT:
        return concern, False
    _check_concern(
        municipality=concern.municipality,
        team=team,
        source_unit=source_unit,
        worry=worry,
        tried=tried,
        meeting=meeting,
    )
    concern.team, concern.source_unit, concern.meeting = team, source_unit, meeting
    concern.age_band, concern.setting = age_band, setting
    concern.worry, concern.tried = worry.strip(), (tried or "").strip()
    concern.status = Concern.Status.SUBMITTED
    concern.submitted_at = timezone.now()
    concern.full_clean()
    concern.save()
    log_action(
        actor=actor,
        action="create",
        code="consultations.concern.create",
        target=concern,
        detail={"team": team.name, "origin": concern.origin},
    )
    return concern, True


@audited_transaction
def concern_draft_delete(*, concern: Concern, actor: User) -> bool:
    """Delete the person's own draft; a concern already sent is not a draft and stays."""
    draft = (
        Concern.objects.for_self(actor)
        .select_for_update()
        .filter(pk=concern.pk, status=Concern.Status.DRAFT)
        .first()
    )
    if draft is None:
        return False
    log_action(
        actor=actor,
        action="delete",
        code="consultations.concern.draft_delete",
        target=draft,
        detail={"origin": draft.origin},
    )
    draft.delete()
    return True


@audited_transaction
def advice_record(
    *,
    concern: Concern,
    actor: User,
    meeting: Meeting | None,
    text: str,
    concern_level: str,
    risk_factors: list[str],
    protective_factors: list[str],
    recommendations: list[str],
    factors_note: str = "",
    follow_up_on: datetime.date | None = None,
    form_key: uuid.UUID,
    today: datetime.date | None = None,
) -> tuple[Advice, bool]:
    """Record the team's advice. The same ``form_key`` twice returns the first advice.

    "Consult again" needs a follow-up date; a follow-up date is on or after
    today. With a follow-up date the concern is advised, comes back on the
    agenda on that date, and the submitter is reminded (``tick``); without one
    nothing more is planned and it is closed (``closed_at``, which retention
    counts from). New advice on a closed concern opens it again.
    """
    earlier = Advice.objects.for_system(reason="the same advice form sent twice?").filter(
        form_key=form_key
    )
    if (found := earlier.first()) is not None:
        return found, False
    concern = Concern.objects.for_system(reason=SYSTEM).select_for_update().get(pk=concern.pk)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if concern.status == Concern.Status.DRAFT:
        errors["__all__"] = [_("A draft has not been submitted to the team.")]
    if meeting is not None and meeting.team_id != concern.team_id:
        errors["meeting"] = [_("Choose one of the team's own meetings.")]
    if Recommendation.CONSULT_AGAIN in recommendations and follow_up_on is None:
        errors["follow_up_on"] = [_("Set a follow-up date when the team is to be consulted again.")]
    if follow_up_on is not None and follow_up_on < today:
        errors["follow_up_on"] = [_("The follow-up date cannot be in the past.")]
    if Recommendation.NO_FURTHER_ACTION in recommendations and len(recommendations) > 1:
        errors["recommendations"] = [
            _("“No further action” cannot be combined with other recommended actions.")
        ]
    try:
        check_anonymous(text=text, factors_note=factors_note)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    advice = Advice(
        concern=concern,
        meeting=meeting,
        text=text.strip(),
        concern_level=concern_level,
        risk_factors=list(risk_factors),
        protective_factors=list(protective_factors),
        factors_note=(factors_note or "").strip(),
        recommendations=list(recommendations),
        follow_up_on=follow_up_on,
        recorded_by=actor,
        form_key=form_key,
    )
    advice.full_clean()
    try:
        with transaction.atomic():
            advice.save()
    except IntegrityError:  # the same form, sent at the same moment
        return Advice.objects.for_system(reason=SYSTEM).get(form_key=form_key), False
    now = timezone.now()
    closes = follow_up_on is None
    concern.status = Concern.Status.CLOSED if closes else Concern.Status.ADVISED
    concern.closed_at = now if closes else None
    concern.first_advised_at = concern.first_advised_at or now
    concern.follow_up_on = follow_up_on
    concern.save(update_fields=["status", "closed_at", "first_advised_at", "follow_up_on"])
    log_action(
        actor=actor,
        action="create",
        code="consultations.advice.create",
        target=concern,
        detail={
            "concern_level": concern_level,
            "recommendations": list(recommendations),
            "follow_up_on": follow_up_on.isoformat() if follow_up_on else None,
        },
    )
    return advice, True


@audited_transaction
def shared_record(
    *,
    concern: Concern,
    actor: User,
    agency: str,
    summary: str,
    basis: str,
    provision: str,
) -> SharedInformation:
    """Record information shared with the team (F13) with the legal basis it was shared on."""
    check_anonymous(summary=summary)
    shared = SharedInformation(
        concern=concern,
        agency=agency,
        summary=summary.strip(),
        basis=basis,
        provision=provision.strip(),
        recorded_by=actor,
    )
    shared.full_clean()
    shared.save()
    log_action(
        actor=actor,
        action="create",
        code="consultations.shared.create",
        target=concern,
        detail={"agency": agency, "basis": basis},
    )
    return shared


@audited_transaction
def action_add(
    *,
    meeting: Meeting,
    actor: User,
    description: str,
    agency: str,
    concern: Concern | None = None,
) -> TeamAction:
    """An action agreed at ``meeting``; it is carried to later agendas until done."""
    check_anonymous(description=description)
    if concern is not None and concern.team_id != meeting.team_id:
        raise ValidationError({"concern": _("Choose a concern on this team's agenda.")})
    action = TeamAction(
        team=meeting.team,
        meeting=meeting,
        concern=concern,
        description=description.strip(),
        agency=agency,
        created_by=actor,
    )
    action.full_clean()
    action.save()
    log_action(
        actor=actor,
        action="create",
        code="consultations.action.create",
        target=action,
        detail={"agency": agency},
    )
    return action


@audited_transaction
def action_done(*, action: TeamAction, actor: User) -> bool:
    """Mark an action done; marking it twice changes nothing."""
    changed = (
        TeamAction.objects.for_system(reason=SYSTEM)
        .filter(pk=action.pk, done_at__isnull=True)
        .update(done_at=timezone.now(), done_by=actor)
    )
    if changed:
        log_action(
            actor=actor,
            action="update",
            code="consultations.action.done",
            target=action,
            detail={"agency": action.agency},
        )
    return bool(changed)
