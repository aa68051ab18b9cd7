"""Writes in the core app: units and memberships.

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

from vern.audit.services import log_action
from vern.core.models import Membership, Municipality, Role, Unit, User


@transaction.atomic
def unit_create(*, municipality: Municipality, actor: User, kind: str, name: str) -> Unit:
    unit = Unit(municipality=municipality, kind=kind, name=name.strip())
    unit.full_clean()
    unit.save()
    log_action(actor=actor, action="create", code="core.unit.create", target=unit)
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, actor: User, kind: str, name: str) -> Unit:
    unit.kind = kind
    unit.name = name.strip()
    unit.full_clean()
    unit.save(update_fields=["kind", "name"])
    log_action(actor=actor, action="update", code="core.unit.update", target=unit)
    return unit


@transaction.atomic
def unit_delete(*, unit: Unit, actor: User) -> None:
    """Delete a unit; memberships tied to it keep their role without the unit."""
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


@transaction.atomic
def member_invite(
    *,
    municipality: Municipality,
    actor: User,
    email: str,
    full_name: str,
    role: str,
    unit: Unit | None,
    base_url: str,
) -> Membership:
    """Give a person a role in the municipality, creating their account if new.

    A new account has no usable password; the invitation mail carries a link to
    choose one. An existing account only gains the membership.
    """
    if role == Role.NATIONAL:
        raise ValidationError({"role": _("The national role cannot be given by a municipality.")})
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User(email=email, full_name=full_name.strip())
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
    if Membership.objects.filter(user=user, municipality=municipality, role=role).exists():
        raise ValidationError({"role": _("This person already has that role here.")})
    membership = Membership(user=user, municipality=municipality, role=role, unit=unit)
    membership.full_clean()
    membership.save()
    log_action(
        actor=actor,
        action="create",
        code="core.membership.create",
        target=membership,
        detail={"role": role, "new_account": created},
    )
    transaction.on_commit(lambda: _invite_mail(user, base_url=base_url, municipality=municipality))
    return membership


@transaction.atomic
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


@transaction.atomic
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
        Membership.objects.filter(municipality=membership.municipality_id, role=Role.ADMIN)
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
