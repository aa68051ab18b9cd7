"""Demo data: the fictional municipality Eksempelby, its units and one user per role.

Everything is created with get_or_create on natural keys, so loading twice
changes nothing. Other apps add their demo data through VERN_DEMO_LOADERS.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from vern.core.models import Membership, Municipality, Role, Unit, User

DEMO_NUMBER = "9999"  # County 99 does not exist, so no real municipality has this number.
DEMO_DOMAIN = "eksempelby.example"

DEMO_UNITS = [
    (Unit.Kind.ADMINISTRATION, "Kommunedirektørens stab"),
    (Unit.Kind.SCHOOL, "Bakken skole"),
    (Unit.Kind.SCHOOL, "Eksempelby ungdomsskole"),
    (Unit.Kind.KINDERGARTEN, "Solsikken barnehage"),
    (Unit.Kind.KINDERGARTEN, "Fjellstua barnehage"),
    (Unit.Kind.HEALTH_STATION, "Helsestasjonen i Eksempelby"),
    (Unit.Kind.NAV, "NAV Eksempelby"),
    (Unit.Kind.CHILD_WELFARE, "Barnevernstjenesten"),
]

# role, local part of the e-mail, full name, unit name (or None)
DEMO_USERS = [
    # The administrator answers for the whole municipality: users, roles and the audit
    # log are for administrators held for all of it, not for one unit.
    (Role.ADMIN, "admin", "Ada Admin", None),
    # The coordinator answers for the whole municipality (school routines included).
    (Role.COORDINATOR, "koordinator", "Kari Koordinator", None),
    (Role.EDITOR, "redaktor", "Rune Redaktør", None),
    (Role.CASE_WORKER, "saksbehandler", "Siri Saksbehandler", "NAV Eksempelby"),
    (Role.TEAM_MEMBER, "team", "Tor Teammedlem", "Barnevernstjenesten"),
    (Role.SCHOOL_CONTACT, "skole", "Sara Skolekontakt", "Bakken skole"),
    # A school's principal: the administrator role held for the school.
    (Role.ADMIN, "rektor", "Rolf Rektor", "Bakken skole"),
    (Role.READER, "leser", "Lars Leser", None),
    # Edits the family counselling office's entries from outside the municipality.
    (Role.ORG_EDITOR, "familievern", "Frida Familievern", None),
    (Role.NATIONAL, "nasjonal", "Nina Nasjonal", None),
]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str


def demo_municipality() -> Municipality:
    municipality, _ = Municipality.objects.get_or_create(
        number=DEMO_NUMBER,
        defaults={
            "name": "Eksempelby",
            "county_number": "99",
            "county_name": "Eksempelfylke (fiktivt)",
            "latitude": None,
            "longitude": None,
            "is_demo": True,
        },
    )
    return municipality


@transaction.atomic
def load_demo(*, password: str) -> list[DemoLogin]:
    """Create the demo if missing; returns the logins to print.

    Every demo user gets ``password``; a user whose password already matches is
    left untouched, so a second run with the same password changes nothing.
    """
    municipality = demo_municipality()
    units = {}
    for kind, name in DEMO_UNITS:
        units[name], _ = Unit.objects.get_or_create(
            municipality=municipality, name=name, defaults={"kind": kind}
        )
    logins = []
    for role, local, full_name, unit_name in DEMO_USERS:
        email = f"{local}@{DEMO_DOMAIN}"
        user, _ = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
        if not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        Membership.objects.for_system(reason="the demo loader").get_or_create(
            user=user,
            municipality=None if role == Role.NATIONAL else municipality,
            role=role,
            defaults={"unit": units.get(unit_name) if unit_name else None},
        )
        logins.append(DemoLogin(role=role.label, email=email, password=password))
    # Other apps' demo data, named in settings so core imports no other app.
    for path in settings.VERN_DEMO_LOADERS:
        import_string(path)(municipality)
    return logins
