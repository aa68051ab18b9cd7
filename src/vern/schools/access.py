"""Who sees a school's cases: its school contacts, its principal, the coordinator.

The views are ``staff_view(unit_scoped=True)`` with ``CASE_ROLES`` and read
through ``scoped`` and ``scoped_to_units``. One rule is narrower than the
kernel's: the administrator role counts only when held for the school (that is
the school's principal). The municipality's own administrators run accounts
and units, not pupils' cases, so they see no case.
"""

from __future__ import annotations

from django.db import models
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from vern.core.access import scoped, scoped_to_units
from vern.core.models import Role, Unit

CASE_ROLES = frozenset({Role.SCHOOL_CONTACT, Role.ADMIN, Role.COORDINATOR})
# Those who lead the conversations about a signal: the principal, the coordinator.
LEADERSHIP = frozenset({Role.ADMIN, Role.COORDINATOR})


def school_scope(request: HttpRequest, roles=CASE_ROLES) -> frozenset[int] | None:
    """The schools whose cases the person may see here (``None``: all of them)."""
    scopes = []
    for role, units in request.vern_counted_roles.items():
        if role not in roles:
            continue
        if role == Role.ADMIN and units is None:
            continue
        scopes.append(units)
    if any(units is None for units in scopes):
        return None
    return frozenset().union(*scopes)


def in_schools[M: models.Model](request: HttpRequest, model: type[M], roles=CASE_ROLES):
    """The model's rows of the active municipality that the person's schools hold."""
    queryset = scoped_to_units(request, scoped(request, model))
    scope = school_scope(request, roles)
    if scope is not None:
        queryset = queryset.filter(unit__in=scope)
    return queryset


def get_in_schools_or_404[M: models.Model](
    request: HttpRequest, model: type[M], roles=CASE_ROLES, **lookup
) -> M:
    return get_object_or_404(in_schools(request, model, roles), **lookup)


def schools_for(request: HttpRequest, roles=CASE_ROLES) -> models.QuerySet[Unit]:
    """The schools of the active municipality the person may act for."""
    schools = scoped(request, Unit).filter(kind=Unit.Kind.SCHOOL).order_by("name")
    schools = scoped_to_units(request, schools, unit_field="pk")
    scope = school_scope(request, roles)
    if scope is not None:
        schools = schools.filter(pk__in=scope)
    return schools
