"""Writes in the core app: units, memberships and invitations.

Each service runs in one transaction, validates with ``full_clean`` and writes
its audit entry inside that transaction; mail goes out only after commit.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from vern.core.accounts import awaits_first_password
from vern.core.audit_port import audited_transaction, log_action
from vern.core.models import Invitation, Membership, Municipality, Role, Unit, User
from vern.core.tokens import invitation_token_generator

# The admin's view has checked their role in the municipality before these run.
ADMIN_CHECKED = "an administrator's change to a person's roles"


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
    """The new person's link for choosing a password (valid VERN_INVITATION_HOURS)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_token_generator.make_token(user)
    link = base_url + reverse("account:invitation_password", args=[uid, token])
    body = render_to_string(
        "core/mail/invite.txt",
        {
            "user": user,
            "link": link,
            "municipality": municipality,
            "hours": settings.VERN_INVITATION_HOURS,
        },
    )
    send_mail(_("You have been given access to Vern"), body, None, [user.email])


def _invitation_mail(invitations: list[Invitation], *, base_url: str) -> None:
    """Ask a person who already has an account to accept roles: no password link."""
    first = invitations[0]
    link = base_url + reverse("account:invitations")
    body = render_to_string(
        "core/mail/invitation.txt",
        {
            "link": link,
            "municipality": first.municipality,
            "role": ", ".join(str(i.get_role_display()) for i in invitations),
            "reset_link": base_url + reverse("account:password_reset"),
        },
    )
    send_mail(_("You have been invited to Vern"), body, None, [first.user.email])


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
    """Give a person one role (see ``member_invite_roles``)."""
    return member_invite_roles(
        municipality=municipality,
        actor=actor,
        email=email,
        full_name=full_name,
        roles={role: unit},
        base_url=base_url,
    )[0]


@audited_transaction
def member_invite_roles(
    *,
    municipality: Municipality,
    actor: User,
    email: str,
    full_name: str,
    roles: Mapping[str, Unit | None],
    base_url: str,
) -> list[Membership] | list[Invitation]:
    """Give a person one or more roles in the municipality, creating their account if new.

    ``roles`` maps each role to its unit (or ``None``). A new account has no
    usable password and gets the roles at once; one mail carries a link to
    choose a password, valid ``VERN_INVITATION_HOURS``. A person who already
    has an account (made by this or any other municipality) only gets an
    ``Invitation`` per role: their account is not touched, the inviting
    municipality does not see its stored name, and the mail asks them to log
    in and accept. The roles are theirs only once they do
    (``invitation_accept``). Nothing is saved unless every role can be given.
    """
    _check_roles(roles)
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        invitations = [
            _invite_existing(user=user, municipality=municipality, actor=actor, role=r, unit=u)
            for r, u in roles.items()
        ]
        transaction.on_commit(lambda: _invitation_mail(invitations, base_url=base_url))
        return invitations
    user = User(email=email, full_name=full_name.strip(), invited_at=timezone.now())
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    memberships = []
    for role, unit in roles.items():
        membership = Membership(user=user, municipality=municipality, role=role, unit=unit)
        membership.full_clean()
        membership.save()
        log_action(
            actor=actor,
            action="create",
            code="core.membership.create",
            target=membership,
            detail={"role": role, "unit": membership.unit_id, "user": user.pk, "new_account": True},
        )
        memberships.append(membership)
    transaction.on_commit(lambda: _invite_mail(user, base_url=base_url, municipality=municipality))
    return memberships


def _check_roles(roles: Mapping[str, Unit | None]) -> None:
    if not roles:
        raise ValidationError({"roles": _("Choose at least one role.")})
    if Role.NATIONAL in roles:
        raise ValidationError({"roles": _("The national role cannot be given by a municipality.")})
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValidationError({"roles": _("Choose roles from the list.")})


def _invite_existing(
    *,
    user: User,
    municipality: Municipality,
    actor: User,
    role: str,
    unit: Unit | None,
) -> Invitation:
    # The admin's view has checked their role; these look across the whole table.
    memberships = Membership.objects.for_system(reason="an admin's invitation: is it new?")
    invitations = Invitation.objects.for_system(reason="an admin's invitation: is it new?")
    if memberships.filter(user=user, municipality=municipality, role=role).exists():
        raise ValidationError(
            {"roles": _("This person already has the role %(role)s here.") % _role_name(role)}
        )
    if invitations.filter(user=user, municipality=municipality, role=role).exists():
        raise ValidationError(
            {
                "roles": _(
                    "This person has already been invited to the role %(role)s and has not "
                    "answered."
                )
                % _role_name(role)
            }
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
        detail={"role": role, "unit": invitation.unit_id, "user": user.pk},
    )
    return invitation


def _role_name(role: str) -> dict[str, str]:
    return {"role": str(Role(role).label).lower() if role in Role.values else role}


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


@audited_transaction
def member_reinvite(*, membership: Membership, actor: User, base_url: str) -> None:
    """Send the invitation mail again, with a fresh link for choosing a password.

    Only for a person who has not chosen one yet, for instance because the
    first link expired (it lasts ``VERN_INVITATION_HOURS``).
    """
    user = membership.user
    if not awaits_first_password(user):
        raise ValidationError(
            _("This person has already chosen a password, so there is no invitation to send again.")
        )
    user.invited_at = timezone.now()
    user.save(update_fields=["invited_at"])
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
def member_roles_set(
    *,
    municipality: Municipality,
    user: User,
    actor: User,
    roles: Mapping[str, Unit | None],
) -> list[Membership]:
    """Make ``roles`` (role → unit) the person's roles in the municipality, in one go.

    Roles not in ``roles`` are removed, new ones given, and a changed unit
    saved; each change is its own audit entry, and all of them or none are
    saved. The municipality must keep at least one administrator.
    """
    _check_roles(roles)
    current = {
        m.role: m
        for m in Membership.objects.for_system(reason=ADMIN_CHECKED)
        .select_for_update()
        .filter(user=user, municipality=municipality)
    }
    if not current:
        raise ValidationError(_("This person has no role in the municipality."))
    if Role.ADMIN in current and Role.ADMIN not in roles and _last_admin(current[Role.ADMIN]):
        raise ValidationError(
            {"roles": _("The municipality must keep at least one administrator.")}
        )
    for role, membership in current.items():
        if role not in roles:
            log_action(
                actor=actor,
                action="delete",
                code="core.membership.delete",
                target=membership,
                detail={"role": role, "unit": membership.unit_id, "user": user.pk},
            )
            membership.delete()
    kept = []
    for role, unit in roles.items():
        membership = current.get(role)
        if membership is None:
            membership = Membership(user=user, municipality=municipality, role=role, unit=unit)
            membership.full_clean()
            membership.save()
            log_action(
                actor=actor,
                action="create",
                code="core.membership.create",
                target=membership,
                detail={"role": role, "unit": membership.unit_id, "user": user.pk},
            )
        elif membership.unit_id != (unit.pk if unit else None):
            before = membership.unit_id
            membership.unit = unit
            membership.full_clean()
            membership.save(update_fields=["unit"])
            log_action(
                actor=actor,
                action="update",
                code="core.membership.update",
                target=membership,
                detail={
                    "user": user.pk,
                    "before": {"role": role, "unit": before},
                    "after": {"role": role, "unit": membership.unit_id},
                },
            )
        kept.append(membership)
    return kept


@audited_transaction
def member_remove_all(*, municipality: Municipality, user: User, actor: User) -> None:
    """Take every role the person has in the municipality away (their account stays)."""
    memberships = list(
        Membership.objects.for_system(reason=ADMIN_CHECKED)
        .select_for_update()
        .filter(user=user, municipality=municipality)
    )
    for membership in memberships:
        if membership.role == Role.ADMIN and _last_admin(membership):
            raise ValidationError(_("The municipality must keep at least one administrator."))
    for membership in memberships:
        log_action(
            actor=actor,
            action="delete",
            code="core.membership.delete",
            target=membership,
            detail={"role": membership.role, "unit": membership.unit_id, "user": user.pk},
        )
        membership.delete()


@audited_transaction
def member_otp_reset(*, membership: Membership, actor: User) -> int:
    """Remove a person's authenticator devices: they set up a new one at their next login.

    For someone who has lost their phone. An administrator cannot reset their
    own this way (another administrator must): whoever holds an administrator's
    session could otherwise swap that administrator's second factor for their
    own. A session the person still has loses its verified state at once,
    since the device it was verified with is gone.
    """
    user = membership.user
    if user.pk == actor.pk:
        raise ValidationError(
            _("You cannot reset your own two-factor login. Ask another administrator.")
        )
    devices = TOTPDevice.objects.filter(user=user)
    count = devices.count()
    if not count:
        raise ValidationError(
            _("This person has not set up two-factor login, so there is nothing to reset.")
        )
    devices.delete()
    log_action(
        actor=actor,
        action="delete",
        code="core.user.otp_reset",
        target=membership,
        detail={"user": user.pk, "devices": count},
    )
    return count


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


@audited_transaction
def remember_language(*, user: User, language: str) -> None:
    """Keep the staff language a person logs in with as the language of their mail.

    ``vern tick``'s digest is written in ``User.language``; the language of the
    login page is the best guess of the one a person reads Vern in.
    """
    if language in settings.VERN_STAFF_LANGUAGES and user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language


def record_login(*, user: User, audit_code: str = "core.user.login", action: str = "login") -> None:
    """Log a login (or the first second factor) in each municipality the person belongs to.

    An entry has one municipality, and each municipality's administrators see
    only their own log; so a person with roles in two municipalities gets one
    entry in each, fixed at the moment of login. Someone who joins or leaves a
    municipality later changes nothing in its log. A person with no municipal
    role (the national role) gets one entry without a municipality.
    """
    municipality_ids = sorted(
        set(
            Membership.objects.for_self(user)
            .filter(municipality__isnull=False)
            .values_list("municipality_id", flat=True)
        )
    )
    for municipality_id in municipality_ids or [None]:
        log_action(actor=user, action=action, code=audit_code, municipality=municipality_id)
