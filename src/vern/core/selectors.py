"""Reads of core that need scoping: the signed-in person's notifications and
the routine steps that are theirs to do."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import models
from django.db.models import Q

from vern.core.models import Membership, Municipality, Notification, Role, Step, User


def notifications_for(
    user, municipality: Municipality | None, *, unread_only: bool = False
) -> models.QuerySet[Notification]:
    """``user``'s own notifications about ``municipality``, newest first.

    Only while the user is still a member there: someone who has left a
    municipality no longer sees its notices. ``municipality=None`` gives the
    notices about national records (the national role works without one).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Notification.objects.none()
    found = Notification.objects.for_self(user)
    if municipality is None:
        found = found.filter(municipality__isnull=True)
    elif Membership.objects.for_self(user).filter(municipality=municipality).exists():
        found = found.filter(municipality=municipality)
    else:
        return Notification.objects.none()
    if unread_only:
        found = found.filter(read_at__isnull=True)
    return found.order_by("-created_at", "-pk")


def people_with_roles(municipality: Municipality | int, roles) -> models.QuerySet[User]:
    """Active people holding one of ``roles`` in the municipality, by name: whom a form
    lets you choose (a case worker, a team member). Each person once."""
    holders = Membership.objects.for_system(
        reason="choosing people of the municipality for a form"
    ).filter(municipality=municipality, role__in=list(roles))
    return User.objects.filter(is_active=True, pk__in=holders.values("user_id")).order_by(
        "full_name", "email"
    )


def unread_count(user, municipality: Municipality | None) -> int:
    """How many of ``user``'s notifications about ``municipality`` are unread."""
    return notifications_for(user, municipality, unread_only=True).count()


# Open steps due within this many days are listed as due soon.
STEP_ATTENTION_DAYS = 7


def steps_needing_attention(
    user, *, municipality: Municipality, today: date
) -> models.QuerySet[Step]:
    """Open routine steps that are ``user``'s, overdue or due within a week.

    A step is the person's when it names them, or, naming nobody who is still
    active, asks for a role they hold there (in the step's unit, or anywhere
    in the municipality for a step without one); and it is theirs once the
    ladder has reached them: the step's leader (the administrators when it
    names no active leader) from the leader's rung on, the coordinators at
    the last rung. Two queries, whatever the number of steps.
    """
    memberships = list(
        Membership.objects.for_self(user)
        .filter(municipality=municipality)
        .values_list("role", "unit_id")
    )
    nobody_named = Q(responsible_user__isnull=True) | Q(responsible_user__is_active=False)
    theirs = Q(responsible_user=user)
    for role, unit_id in memberships:
        where = Q(responsible_unit__isnull=True)
        if unit_id is not None:
            where |= Q(responsible_unit_id=unit_id)
        theirs |= nobody_named & Q(responsible_role=role) & where
    roles = {role for role, _unit in memberships}
    theirs |= Q(rung__gte=Step.Rung.LEADER, leader=user)
    if Role.ADMIN in roles:
        theirs |= Q(rung__gte=Step.Rung.LEADER) & (
            Q(leader__isnull=True) | Q(leader__is_active=False)
        )
    if Role.COORDINATOR in roles:
        theirs |= Q(rung=Step.Rung.COORDINATOR)
    return (
        Step.objects.for_user(user, municipality=municipality)
        .filter(done_at__isnull=True, due_on__lte=today + timedelta(days=STEP_ATTENTION_DAYS))
        .filter(theirs)
        .order_by("due_on", "pk")
    )
