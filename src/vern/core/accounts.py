"""What an administrator sees about staff accounts: invitation, two-factor, last login."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from vern.core.models import User
from vern.core.tokens import invitation_seconds


class InvitationState:
    WAITING = "waiting"  # invited, has not chosen a password; the link still works
    EXPIRED = "expired"  # invited, has not chosen a password; the link has expired
    ACCEPTED = "accepted"  # has chosen a password (or logged in)


@dataclass(frozen=True)
class AccountState:
    invitation: str
    link_valid_until: datetime | None
    two_factor: bool
    last_login: datetime | None

    @property
    def waiting(self) -> bool:
        return self.invitation == InvitationState.WAITING

    @property
    def expired(self) -> bool:
        return self.invitation == InvitationState.EXPIRED


def awaits_first_password(user: User) -> bool:
    """An invited person who has never chosen a password (nor logged in)."""
    return user.is_active and user.last_login is None and not user.has_usable_password()


def account_states(users: Iterable[User]) -> dict[int, AccountState]:
    """The state of each user's account, in one query for the second factors."""
    users = list(users)
    enrolled = set(
        TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True)
    )
    now = timezone.now()
    states = {}
    for user in users:
        until = None
        invitation = InvitationState.ACCEPTED
        if awaits_first_password(user):
            # Accounts invited before invited_at was kept were made by the invitation.
            sent = user.invited_at or user.date_joined
            until = sent + timedelta(seconds=invitation_seconds())
            invitation = InvitationState.WAITING if until > now else InvitationState.EXPIRED
        states[user.pk] = AccountState(
            invitation=invitation,
            link_valid_until=until,
            two_factor=user.pk in enrolled,
            last_login=user.last_login,
        )
    return states
