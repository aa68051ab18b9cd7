"""Reads of core that need scoping: the signed-in person's notifications."""

from __future__ import annotations

from django.db import models

from vern.core.models import Membership, Municipality, Notification


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
    found = Notification.objects.filter(recipient=user)
    if municipality is None:
        found = found.filter(municipality__isnull=True)
    elif Membership.objects.filter(user=user, municipality=municipality).exists():
        found = found.filter(municipality=municipality)
    else:
        return Notification.objects.none()
    if unread_only:
        found = found.filter(read_at__isnull=True)
    return found.order_by("-created_at", "-pk")
