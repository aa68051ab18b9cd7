from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vern.core.models.scoping import PersonalData, TenantQuerySet


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of staff. Residents never have accounts."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # When the last e-mail with a link for choosing a first password was sent
    # (core/tokens.py: the link lasts VERN_INVITATION_HOURS).
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    # The language of the mail Vern sends the person (``vern tick``'s digest);
    # blank: the installation's (LANGUAGE_CODE).
    language = models.CharField(
        _("language for e-mail"),
        max_length=8,
        blank=True,
        choices=[("nb", "Norsk bokmål"), ("nn", "Norsk nynorsk"), ("en", "English")],
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    COORDINATOR = "coordinator", _("Coordinator")
    EDITOR = "editor", _("Editor")
    # A person outside the municipality's staff (a crisis centre, an NGO) who may
    # only propose changes to their own organisation's directory entries.
    ORG_EDITOR = "org_editor", _("Organisation editor")
    CASE_WORKER = "case_worker", _("Case worker")
    TEAM_MEMBER = "team_member", _("Consultation team member")
    SCHOOL_CONTACT = "school_contact", _("School contact")
    READER = "reader", _("Reader")
    NATIONAL = "national", _("National editor")


MUNICIPAL_ROLES = frozenset(Role) - {Role.NATIONAL}
# The municipality's own staff: everyone with a municipal role except outside
# organisation editors, who see nothing but their organisation's entries.
STAFF_ROLES = MUNICIPAL_ROLES - {Role.ORG_EDITOR}


class PersonQuerySet(TenantQuerySet):
    """Rows about one person in one municipality: ``for_self`` reads their own."""

    self_field = "user"


class Membership(PersonalData):
    """Gives a user one role in one municipality (optionally one unit of it).

    The national role has no municipality: it edits national services and sees
    anonymous aggregates only.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    municipality = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        "core.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality", "role"],
                condition=Q(municipality__isnull=False),
                name="core_membership_unique_role",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(role="national"),
                name="core_membership_unique_national",
            ),
            models.CheckConstraint(
                condition=(Q(role="national") & Q(municipality__isnull=True))
                | (~Q(role="national") & Q(municipality__isnull=False)),
                name="core_membership_national_has_no_municipality",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.unit_id and self.unit.municipality_id != self.municipality_id:
            raise ValidationError({"unit": _("The unit belongs to another municipality.")})


class Invitation(PersonalData):
    """A municipality's offer of a role to a person who already has an account.

    It gives nothing until that person accepts it, logged in, on their own
    invitations page (``/konto/invitasjoner/``); then it becomes a
    ``Membership``. Until then the inviting municipality sees only the address
    it typed, never the account's stored name, and the person gets no link for
    a password.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    municipality = models.ForeignKey(
        "core.Municipality", on_delete=models.PROTECT, related_name="invitations"
    )
    unit = models.ForeignKey(
        "core.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality", "role"], name="core_invitation_unique_role"
            ),
            models.CheckConstraint(
                condition=~Q(role="national"), name="core_invitation_not_national"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.email} – {self.get_role_display()}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.unit_id and self.unit.municipality_id != self.municipality_id:
            raise ValidationError({"unit": _("The unit belongs to another municipality.")})
