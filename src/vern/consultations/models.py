"""The interdisciplinary consultation team (measure F8) and information shared with it (F13).

A ``Team`` belongs to one municipality (its host) and may be shared with
others (``partners``); staff of all of them bring concerns to it. A
``Concern`` is anonymous: age band, setting and free text checked for
personal identifiers (``vern.core.identifiers``). Its tenant is the
municipality of the person who submitted it; the team's members reach it
through the team (``selectors``), the submitter through ``for_self``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vern.core.fields import EncryptedTextField
from vern.core.models import MunicipalRecord, PersonalData, TenantQuerySet


class Agency(models.TextChoices):
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    SCHOOL = "school", _("School")
    PPT = "ppt", _("Educational and psychological counselling service (PPT)")
    HEALTH_STATION = "health_station", _("Health station and school health service")
    CHILD_WELFARE = "child_welfare", _("Child welfare service")
    CRISIS_CENTRE = "crisis_centre", _("Crisis centre")
    POLICE = "police", _("Police")
    DIVERSITY_ADVISER = "diversity_adviser", _("Diversity adviser")
    OTHER = "other", _("Other service")


class AgeBand(models.TextChoices):
    INFANT = "0-2", _("0–2 years")
    PRESCHOOL = "3-5", _("3–5 years")
    YOUNG = "6-9", _("6–9 years")
    MIDDLE = "10-12", _("10–12 years")
    LOWER_SECONDARY = "13-15", _("13–15 years")
    UPPER_SECONDARY = "16-17", _("16–17 years")


class Setting(models.TextChoices):
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    SCHOOL = "school", _("School")
    AFTER_SCHOOL = "after_school", _("After-school programme")
    HEALTH_STATION = "health_station", _("Health station or school nurse")
    LEISURE = "leisure", _("Leisure activity")
    HOME_VISIT = "home_visit", _("Home visit")
    OTHER = "other", _("Other")


class ConcernLevel(models.TextChoices):
    LOW = "low", _("Low: keep an eye on it")
    MODERATE = "moderate", _("Moderate: follow up")
    HIGH = "high", _("High: act now")
    ACUTE = "acute", _("Acute: the child may be in danger")


class RiskFactor(models.TextChoices):
    VIOLENCE_SUFFERED = "violence_suffered", _("Signs of violence against the child")
    VIOLENCE_WITNESSED = "violence_witnessed", _("The child may witness violence at home")
    NEGLECT = "neglect", _("Signs of neglect")
    SOCIAL_CONTROL = "social_control", _("Negative social control or honour-related pressure")
    SUBSTANCE = "substance", _("Substance abuse in the family")
    MENTAL_HEALTH = "mental_health", _("Serious mental illness in the family")
    CONFLICT = "conflict", _("High-conflict separation")
    ISOLATION = "isolation", _("Isolation from friends or activities")
    ABSENCE = "absence", _("Much absence from school or kindergarten")
    SELF_HARM = "self_harm", _("Self-harm or talk of it")


class ProtectiveFactor(models.TextChoices):
    SAFE_ADULT = "safe_adult", _("A safe adult the child confides in")
    CARING_PARENT = "caring_parent", _("At least one caring parent")
    STABLE_SCHOOL = "stable_school", _("Stable attendance at school or kindergarten")
    FRIENDS = "friends", _("Friends")
    ACTIVITIES = "activities", _("Leisure activities")
    HELP_ACCEPTED = "help_accepted", _("The family accepts help")


class Recommendation(models.TextChoices):
    NOTIFY_CHILD_WELFARE = (
        "notify_child_welfare",
        _("The duty to inform child welfare applies: notify now"),
    )
    TALK_TO_PARENTS = "talk_to_parents", _("Talk to the parents")
    TALK_TO_CHILD = "talk_to_child", _("Talk to the child")
    HEALTH_SERVICE = "health_service", _("Involve the health station or school nurse")
    PPT = "ppt", _("Involve PPT")
    POLICE = "police", _("Contact the police")
    CONSULT_AGAIN = "consult_again", _("Consult the team again")
    NO_FURTHER_ACTION = "no_further_action", _("No further action")


def _choices_only(values, choices, message) -> None:
    if not isinstance(values, list) or any(v not in choices.values for v in values):
        raise ValidationError(message)


class Team(MunicipalRecord):
    """A consultation team of its municipality, possibly shared with others.

    Meetings recur every ``interval_weeks`` from ``first_meeting_on`` on its
    weekday at ``meeting_time``; ``services.meetings_schedule`` creates them
    ahead of time.
    """

    name = models.CharField(_("name"), max_length=200)
    partners = models.ManyToManyField(
        "core.Municipality",
        blank=True,
        related_name="shared_consultation_teams",
        verbose_name=_("shared with"),
    )
    first_meeting_on = models.DateField(_("first meeting"))
    meeting_time = models.TimeField(_("meeting time"))
    duration_minutes = models.PositiveSmallIntegerField(_("length in minutes"), default=90)
    interval_weeks = models.PositiveSmallIntegerField(_("weeks between meetings"), default=4)
    location = models.CharField(_("meeting place"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_weeks__gte=1, interval_weeks__lte=12),
                name="consultations_team_interval_1_12",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15, duration_minutes__lte=480),
                name="consultations_team_duration",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TeamMemberQuerySet(TenantQuerySet):
    # The municipality through which the person sits on the team.
    tenant_field = "municipality"
    self_field = "user"


class TeamMember(PersonalData):
    """A person on a team, with their agency and role there."""

    class TeamRole(models.TextChoices):
        CHAIR = "chair", _("Chair")
        SECRETARY = "secretary", _("Secretary")
        MEMBER = "member", _("Member")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultation_seats"
    )
    municipality = models.ForeignKey(
        "core.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    agency = models.CharField(_("agency"), max_length=30, choices=Agency.choices)
    team_role = models.CharField(
        _("role on the team"), max_length=20, choices=TeamRole.choices, default=TeamRole.MEMBER
    )
    # SHA-256 of the private calendar address's token; empty: no feed.
    calendar_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    added_at = models.DateTimeField(auto_now_add=True)

    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        ordering = ["team_role", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="consultations_member_once"),
            models.UniqueConstraint(
                fields=["calendar_token_hash"],
                condition=~Q(calendar_token_hash=""),
                name="consultations_member_token_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_agency_display()})"


class MeetingQuerySet(TenantQuerySet):
    tenant_field = "team__municipality"


class Meeting(models.Model):
    """One meeting of a team. Its agenda is worked out (``selectors.agenda``) from the
    concerns waiting and those placed on it (``Concern.meeting``).

    A meeting may be moved or cancelled; each change counts up ``sequence``, which
    the calendar feed sends (RFC 5545 SEQUENCE), so calendar programs replace their
    copy of the event. ``notified_sequence`` is the change the members were last
    told of (the claim of ``tick.send_meeting_notices``).
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("meeting place"), max_length=200, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    # The time in the team's rhythm the meeting was made for, once it is moved:
    # scheduling skips that slot instead of making the meeting again.
    moved_from = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    notified_sequence = models.PositiveIntegerField(default=0, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "starts_at"], name="consultations_meeting_once"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="consultations_meeting_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class ConcernQuerySet(TenantQuerySet):
    # The municipality of the person who submitted it.
    tenant_field = "municipality"
    self_field = "submitted_by"


class Concern(PersonalData, MunicipalRecord):
    """An anonymous concern about a child, brought to a team."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for advice")
        # Advice given and a follow-up date set: the concern comes back to the team.
        ADVISED = "advised", _("Advised, follow-up planned")
        # Advice given and nothing more planned; kept until retention deletes it.
        CLOSED = "closed", _("Advised, closed")

    class Origin(models.TextChoices):
        FORM = "form", _("Concern form")
        SCHOOL_SIGNAL = "school_signal", _("Sign of negative social control at school")

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="concerns"
    )
    # The meeting whose agenda it was put on; empty (or a meeting that is over or
    # cancelled): it awaits a meeting and is on the team's next agenda.
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placed_concerns",
        verbose_name=_("meeting"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultation_concerns"
    )
    source_unit = models.ForeignKey(
        "core.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("your unit"),
    )
    age_band = models.CharField(_("age"), max_length=10, choices=AgeBand.choices)
    setting = models.CharField(_("where you met the child"), max_length=30, choices=Setting.choices)
    worry = EncryptedTextField(_("what worries you"))
    tried = EncryptedTextField(_("what has been tried"), blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.FORM)
    submission_key = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    first_advised_at = models.DateTimeField(null=True, blank=True)
    # Set while the concern is closed; retention deletes it a set time after.
    closed_at = models.DateTimeField(null=True, blank=True)
    follow_up_on = models.DateField(null=True, blank=True)
    # The follow-up date the submitter was last reminded of (the tick's claim).
    follow_up_reminded_for = models.DateField(null=True, blank=True)

    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_by", "submission_key"], name="consultations_concern_once"
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (Q(team__isnull=False) & Q(submitted_at__isnull=False)),
                name="consultations_concern_submitted_to_team",
            ),
        ]
        indexes = [
            models.Index(
                fields=["follow_up_on"],
                condition=Q(follow_up_on__isnull=False),
                name="consultations_concern_followup",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_setting_display()}, {self.get_age_band_display()}"

    @property
    def reference(self) -> str:
        """How people refer to a concern without naming anyone: K-<id>."""
        return f"K-{self.pk}"


class AdviceQuerySet(TenantQuerySet):
    tenant_field = "concern__municipality"


class Advice(PersonalData):
    """The team's advice on a concern, with its structured risk assessment."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="advice")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="advice"
    )
    text = EncryptedTextField(_("advice"))
    concern_level = models.CharField(
        _("concern level"), max_length=20, choices=ConcernLevel.choices
    )
    risk_factors = models.JSONField(_("risk factors"), default=list, blank=True)
    protective_factors = models.JSONField(_("protective factors"), default=list, blank=True)
    factors_note = EncryptedTextField(_("more about the factors"), blank=True)
    recommendations = models.JSONField(_("recommended actions"), default=list)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    form_key = models.UUIDField(unique=True)

    objects = AdviceQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at"]

    def clean(self) -> None:
        _choices_only(self.risk_factors, RiskFactor, _("Unknown risk factor."))
        _choices_only(self.protective_factors, ProtectiveFactor, _("Unknown protective factor."))
        _choices_only(self.recommendations, Recommendation, _("Unknown recommendation."))
        if not self.recommendations:
            raise ValidationError({"recommendations": _("Choose at least one recommended action.")})

    def risk_factor_labels(self) -> list[str]:
        return [RiskFactor(v).label for v in self.risk_factors]

    def protective_factor_labels(self) -> list[str]:
        return [ProtectiveFactor(v).label for v in self.protective_factors]

    def recommendation_labels(self) -> list[str]:
        return [Recommendation(v).label for v in self.recommendations]


class SharedInformationQuerySet(TenantQuerySet):
    tenant_field = "concern__municipality"


class SharedInformation(PersonalData):
    """Information the police or another agency shared with the team (F13), with its legal basis."""

    class Basis(models.TextChoices):
        CONSENT = "consent", _("Consent from the person the information is about")
        DUTY = "duty", _("A statutory duty to share")
        PERMISSION = "permission", _("A statutory permission to share")
        NECESSITY = "necessity", _("Necessity to avert serious harm")

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="shared")
    agency = models.CharField(_("shared by"), max_length=30, choices=Agency.choices)
    summary = EncryptedTextField(_("what was shared"))
    basis = models.CharField(_("legal basis"), max_length=20, choices=Basis.choices)
    provision = models.CharField(_("provision or consent record"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = SharedInformationQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at"]


class TeamActionQuerySet(TenantQuerySet):
    tenant_field = "team__municipality"


class TeamAction(PersonalData):
    """An action agreed at a meeting; it stays on later agendas until it is done."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    # An action outlives the concern it came from: the team's own follow-up.
    concern = models.ForeignKey(
        Concern, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    description = models.CharField(_("action"), max_length=300)
    agency = models.CharField(_("responsible agency"), max_length=30, choices=Agency.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = TeamActionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
