"""What the schools app puts in the staff shell (registered in ``apps.py``).

The routine steps of no-show cases reach "what needs me" through the routine
engine's own provider (``core.routines.step_needs``); this module adds the
signals whose conversations the school's leadership has yet to document.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vern.core import shell
from vern.core.models import STAFF_ROLES, Membership, Role
from vern.schools.access import CASE_ROLES, UNIT_ONLY
from vern.schools.models import NoShowCase, Signal


def _school_units(user, municipality, roles) -> tuple[bool, set[int]]:
    """(sees every school, the schools it sees) for the case roles; one query."""
    everything, units = False, set()
    for role, unit_id in (
        Membership.objects.for_self(user)
        .filter(municipality=municipality, role__in=list(roles))
        .values_list("role", "unit_id")
    ):
        if unit_id is None:
            everything = everything or role not in UNIT_ONLY
        else:
            units.add(unit_id)
    return everything, units


def _in_schools(queryset, user, municipality, roles):
    everything, units = _school_units(user, municipality, roles)
    if everything:
        return queryset
    return queryset.filter(unit__in=units)


def open_cases(user, municipality, roles, today: date) -> shell.CardCount | None:
    if municipality is None:
        return None
    cases = _in_schools(
        NoShowCase.objects.for_user(user, municipality=municipality), user, municipality, CASE_ROLES
    )
    number = cases.filter(closed_at__isnull=True).count()
    return shell.CardCount(
        number,
        ngettext("%(count)d open case", "%(count)d open cases", number) % {"count": number},
    )


def needs(user, municipality, roles, today: date) -> list[shell.NeedsItem]:
    """Signals whose conversations are not yet documented, for the principal and the
    coordinator. Two queries."""
    if municipality is None or not (roles & {Role.ADMIN, Role.COORDINATOR}):
        return []
    signals = _in_schools(
        Signal.objects.for_user(user, municipality=municipality),
        user,
        municipality,
        {Role.ADMIN, Role.COORDINATOR},
    ).filter(Q(pupil_talk_on__isnull=True) | Q(parents_talk_on__isnull=True))
    app = _("School routines")
    return [
        shell.NeedsItem(
            label=_("Conversations about a signal from %(school)s") % {"school": signal.unit.name},
            url=reverse("schools:signal_detail", args=[signal.pk]),
            state=shell.WAITING,
            app=app,
        )
        for signal in signals.select_related("unit").order_by("observed_on", "pk")[:20]
    ]


def register() -> None:
    shell.register_nav(
        label=gettext_lazy("School routines"),
        url_name="schools:case_list",
        roles=CASE_ROLES,
        unit_only=UNIT_ONLY,
        order=45,
        active_prefix="schools:case_list",
    )
    shell.register_card(
        title=gettext_lazy("School routines"),
        description=gettext_lazy(
            "Pupils who did not turn up when school started, and signs of negative social control."
        ),
        url_name="schools:case_list",
        roles=CASE_ROLES,
        unit_only=UNIT_ONLY,
        order=45,
        count=open_cases,
    )
    shell.register_card(
        title=gettext_lazy("Pupil kept from an activity?"),
        description=gettext_lazy(
            "Tell the school's leadership when a pupil is kept from swimming, sports, camp or "
            "similar."
        ),
        url_name="schools:signal_create",
        roles=STAFF_ROLES,
        unit_only=UNIT_ONLY,
        order=46,
    )
    shell.register_needs(needs)
