"""Writes in the core app: units, memberships and invitations.

Each service runs in one transaction, validates with ``full_clean`` and writes
its audit entry inside that transaction; mail goes out only after commit.
"""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vern.audit.services import audited_transaction, log_action
from vern.core.models import Invitation, Membership, Municipality, Role, Unit, User


@audited_transaction
def unit_create(*, municipality: Municipality, actor: User, kind: str, name: str) -> Unit:
    unit = Unit(municipality=municipality, kind=kind, name=name.strip())
    unit.full_clean()
    unit.save()
    log_action(actor=actor, action="create", code="core.unit.create", target=unit)
    return unit


@audited_transaction
def unit_update(*, unit: Unit, actor: User, kind: str, name: str) -> Unit:
    unit.kind = kind
    unit.name = name.strip()
    unit.full_clean()
    unit.save(update_fields=["kind", "name"])
    log_action(actor=actor, action="update", code="core.unit.update", target=unit)
    return unit


# The roles and invitations tied to a unit being deleted, of its own municipality.
TIED = "the roles tied to the unit being deleted"


@audited_transaction
def unit_delete(*, unit: Unit, actor: User) -> None:
    """Delete a unit that no role or invitation is tied to.

    A role held for a unit grants it for that unit's records only; left
    without its unit it would grant it for the whole municipality. So the
    people's roles must be changed or removed first.
    """
    tied = (
        Membership.objects.for_system(reason=TIED).filter(unit=unit).count()
        + Invitation.objects.for_system(reason=TIED).filter(unit=unit).count()
    )
    if tied:
        raise ValidationError(
            ngettext(
                "%(count)d role or invitation is tied to this unit. Change or remove it "
                "first, so nobody gets the role for the whole municipality.",
                "%(count)d roles or invitations are tied to this unit. Change or remove "
                "them first, so nobody gets the role for the whole municipality.",
                tied,
            )
            % {"count": tied}
        )
    log_action(
        actor=actor,
        action="delete",
        code="core.unit.delete",
        target=unit,
        detail={"name": unit.name},
    )
    unit.delete()


def _invite_mail(user: User, *, base_url: str, municipality: Municipality) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = base_url + reverse("account:password_reset_confirm", args=[uid, token])
    body = render_to_string(
        "core/mail/invite.txt", {"user": user, "link": link, "municipality": municipality}
    )
    send_mail(_("You have been given access to Vern"), body, None, [user.email])


def _invitation_mail(invitation: Invitation, *, base_url: str) -> None:
    """Ask a person who already has an account to accept a role: no password link."""
    link = base_url + reverse("account:invitations")
    body = render_to_string(
        "core/mail/invitation.txt",
        {
            "link": link,
            "municipality": invitation.municipality,
            "role": invitation.get_role_display(),
            "reset_link": base_url + reverse("account:password_reset"),
        },
    )
    send_mail(_("You have been invited to Vern"), body, None, [invitation.user.email])


@audited_transaction
def member_invite(
    *,
    municipality: Municipality,
    actor: User,
    email: str,
    full_name: str,
    role: str,
    unit: Unit | None,
    base_url: str,
) -> Membership | Invitation:
    """Give a person a role in the municipality, creating their account if new.

    A new account has no usable password and gets the role at once; the mail
    carries a link to choose a password. A person who already has an account
    (made by this or any other municipality) only gets an ``Invitation``: their
    account is not touched, the inviting municipality does not see its stored
    name, and the mail asks them to log in and accept. The role is theirs only
    once they do (``invitation_accept``).
    """
    if role == Role.NATIONAL:
        raise ValidationError({"role": _("The national role cannot be given by a municipality.")})
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return _invite_existing(
            user=user,
            municipality=municipality,
            actor=actor,
            role=role,
            unit=unit,
            base_url=base_url,
        )
    user = User(email=email, full_name=full_name.strip())
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    membership = Membership(user=user, municipality=municipality, role=role, unit=unit)
    membership.full_clean()
    membership.save()
    log_action(
        actor=actor,
        action="create",
        code="core.membership.create",
        target=membership,
        detail={"role": role, "new_account": True},
    )
    transaction.on_commit(lambda: _invite_mail(user, base_url=base_url, municipality=municipality))
    return membership


def _invite_existing(
    *,
    user: User,
    municipality: Municipality,
    actor: User,
    role: str,
    unit: Unit | None,
    base_url: str,
) -> Invitation:
    # The admin's view has checked their role; these look across the whole table.
    memberships = Membership.objects.for_system(reason="an admin's invitation: is it new?")
    invitations = Invitation.objects.for_system(reason="an admin's invitation: is it new?")
    if memberships.filter(user=user, municipality=municipality, role=role).exists():
        raise ValidationError({"role": _("This person already has that role here.")})
    if invitations.filter(user=user, municipality=municipality, role=role).exists():
        raise ValidationError(
            {"role": _("This person has already been invited to that role and has not answered.")}
        )
    invitation = Invitation(
        user=user, municipality=municipality, role=role, unit=unit, invited_by=actor
    )
    invitation.full_clean()
    invitation.save()
    log_action(
        actor=actor,
        action="create",
        code="core.invitation.create",
        target=invitation,
        detail={"role": role, "user": user.pk},
    )
    transaction.on_commit(lambda: _invitation_mail(invitation, base_url=base_url))
    return invitation


@audited_transaction
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """The invited person takes the role; only they may, and only logged in."""
    if invitation.user_id != user.pk:
        raise ValidationError(_("This invitation is for someone else."))
    membership = (
        Membership.objects.for_self(user)
        .filter(municipality=invitation.municipality_id, role=invitation.role)
        .first()
    )
    if membership is None:
        membership = Membership(
            user=user,
            municipality=invitation.municipality,
            role=invitation.role,
            unit=invitation.unit,
        )
        membership.full_clean()
        membership.save()
    log_action(
        actor=user,
        action="create",
        code="core.invitation.accept",
        target=membership,
        detail={"role": invitation.role, "invited_by": invitation.invited_by_id},
    )
    invitation.delete()
    return membership


@audited_transaction
def invitation_decline(*, invitation: Invitation, user: User) -> None:
    if invitation.user_id != user.pk:
        raise ValidationError(_("This invitation is for someone else."))
    log_action(
        actor=user,
        action="delete",
        code="core.invitation.decline",
        target=invitation,
        detail={"role": invitation.role},
    )
    invitation.delete()


@audited_transaction
def invitation_withdraw(*, invitation: Invitation, actor: User) -> None:
    """The municipality takes back an invitation that has not been answered."""
    log_action(
        actor=actor,
        action="delete",
        code="core.invitation.withdraw",
        target=invitation,
        detail={"role": invitation.role, "user": invitation.user_id},
    )
    invitation.delete()


def awaits_first_password(user: User) -> bool:
    """An invited person who has never chosen a password (nor logged in)."""
    return user.is_active and user.last_login is None and not user.has_usable_password()


@audited_transaction
def member_reinvite(*, membership: Membership, actor: User, base_url: str) -> None:
    """Send the invitation mail again, with a fresh link for choosing a password.

    Only for a person who has not chosen one yet: the first link lasts an hour.
    """
    user = membership.user
    if not awaits_first_password(user):
        raise ValidationError(
            _("This person has already chosen a password, so there is no invitation to send again.")
        )
    log_action(
        actor=actor,
        action="update",
        code="core.membership.reinvite",
        target=membership,
        detail={"user": user.pk},
    )
    municipality = membership.municipality
    transaction.on_commit(lambda: _invite_mail(user, base_url=base_url, municipality=municipality))


@audited_transaction
def membership_update(
    *, membership: Membership, actor: User, role: str, unit: Unit | None
) -> Membership:
    if role == Role.NATIONAL:
        raise ValidationError({"role": _("The national role cannot be given by a municipality.")})
    if membership.role == Role.ADMIN and role != Role.ADMIN and _last_admin(membership):
        raise ValidationError({"role": _("The municipality must keep at least one administrator.")})
    before = {"role": membership.role, "unit": membership.unit_id}
    membership.role = role
    membership.unit = unit
    membership.full_clean()
    membership.save(update_fields=["role", "unit"])
    log_action(
        actor=actor,
        action="update",
        code="core.membership.update",
        target=membership,
        detail={"before": before, "after": {"role": role, "unit": membership.unit_id}},
    )
    return membership


@audited_transaction
def membership_remove(*, membership: Membership, actor: User) -> None:
    if membership.role == Role.ADMIN and _last_admin(membership):
        raise ValidationError(_("The municipality must keep at least one administrator."))
    log_action(
        actor=actor,
        action="delete",
        code="core.membership.delete",
        target=membership,
        detail={"role": membership.role, "user": membership.user_id},
    )
    membership.delete()


def _last_admin(membership: Membership) -> bool:
    return not (
        Membership.objects.for_system(reason="is this the municipality's last administrator?")
        .filter(municipality=membership.municipality_id, role=Role.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )


def notification_mark_read(*, user: User, municipality: Municipality | None, pk: int) -> bool:
    """Mark one of ``user``'s own notifications (in ``municipality``) as read.

    False if there is no such unread notification: another person's, another
    municipality's, or already read. Not audited: it changes nothing but the
    reader's own list.
    """
    from django.utils import timezone

    from vern.core.selectors import notifications_for

    return bool(
        notifications_for(user, municipality, unread_only=True)
        .filter(pk=pk)
        .update(read_at=timezone.now())
    )
