"""Who sees a school's cases: its school contacts, its principal, the coordinator.

The views are ``staff_view(unit_scoped=True)`` with ``CASE_ROLES`` and read
through ``scoped`` and ``scoped_to_units``. One rule is narrower than the
kernel's: the administrator role counts only when held for the school (that is
the school's principal). The municipality's own administrators run accounts
and units, not pupils' cases: the menu does not offer them the pages
(``UNIT_ONLY``, the staff shell's rule), and the pages refuse them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from vern.core.access import scoped, scoped_to_units
from vern.core.models import Role, Unit

CASE_ROLES = frozenset({Role.SCHOOL_CONTACT, Role.ADMIN, Role.COORDINATOR})
# Roles that count here only when held for a school (the staff shell's ``unit_only``,
# so the menu and the front page show the schools' entries to the same people).
UNIT_ONLY = frozenset({Role.ADMIN})
# Those who lead the conversations about a signal: the principal, the coordinator.
LEADERSHIP = frozenset({Role.ADMIN, Role.COORDINATOR})


def _scopes(request: HttpRequest, roles) -> list[frozenset[int] | None]:
    """The units of each of ``roles`` that counts here (``None``: the whole municipality)."""
    return [
        units
        for role, units in request.vern_counted_roles.items()
        if role in roles and not (role in UNIT_ONLY and units is None)
    ]


def school_scope(request: HttpRequest, roles=CASE_ROLES) -> frozenset[int] | None:
    """The schools whose cases the person may see here (``None``: all of them)."""
    scopes = _scopes(request, roles)
    if any(units is None for units in scopes):
        return None
    return frozenset().union(*scopes)


def require_role(request: HttpRequest, roles=CASE_ROLES) -> None:
    """Refuse the lists and forms to those whose roles do not count here, as the staff
    menu hides them their entry (``UNIT_ONLY``), rather than show an empty page. A
    single record of another municipality stays a 404 (``get_in_schools_or_404``)."""
    if not _scopes(request, roles):
        raise PermissionDenied


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
    require_role(request, roles)
    schools = scoped(request, Unit).filter(kind=Unit.Kind.SCHOOL).order_by("name")
    schools = scoped_to_units(request, schools, unit_field="pk")
    scope = school_scope(request, roles)
    if scope is not None:
        schools = schools.filter(pk__in=scope)
    return schools
