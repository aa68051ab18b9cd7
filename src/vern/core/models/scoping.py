"""The one scoping mechanism for municipal records.

Every model that belongs to a municipality inherits ``MunicipalRecord`` and so
gets ``Model.objects.for_user(user)``. Views never filter by municipality
themselves; they call ``vern.core.access.scoped`` which starts here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from vern.core.models.municipality import Municipality


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user, *, municipality: Municipality | None = None) -> ScopedQuerySet:
        """Rows of the municipalities where ``user`` holds a membership.

        With ``municipality`` the result narrows to that one (the active
        municipality of the request), and is empty if the user is not a member.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        from vern.core.models.users import Membership

        memberships = Membership.objects.filter(user=user, municipality__isnull=False)
        if municipality is not None:
            memberships = memberships.filter(municipality=municipality)
        return self.filter(municipality__in=memberships.values("municipality"))


class MunicipalRecord(models.Model):
    municipality = models.ForeignKey(
        "core.Municipality", on_delete=models.PROTECT, related_name="+", db_index=True
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True
