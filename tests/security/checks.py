"""The two shared checks, as functions so the tests can also test them."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.security import builders  # noqa: F401  (registers the builders)
from tests.security.staff_urls import OBJECT_BUILDERS, UNIT_BUILDERS, staff_urls
from vern.audit.models import AuditEntry


def undeclared_views(urlconf: str | None = None) -> list[str]:
    """Staff URLs whose view is not wrapped in ``staff_view``."""
    return [
        f"{url.name} ({url.route})"
        for url in staff_urls(urlconf)
        if not getattr(url.callback, "vern_staff", False)
    ]


def _kwargs_for(url, municipality, problems: list[str]):
    if not url.params:
        return {}
    builder = OBJECT_BUILDERS.get(url.name)
    if builder is None:
        problems.append(
            f"{url.name} ({url.route}) takes {', '.join(url.params)} but has no builder in "
            "tests/security/builders.py"
        )
        return None
    return builder(municipality)


def tenancy_problems(
    *, owner, owner_client: Client, outsider_client: Client, urlconf=None
) -> list[str]:
    """Every staff URL with an object id: the owner sees it, an outsider gets 404."""
    problems: list[str] = []
    for url in staff_urls(urlconf):
        if not url.params:
            continue
        kwargs = _kwargs_for(url, owner, problems)
        if kwargs is None:
            continue
        path = reverse(url.name, kwargs=kwargs, urlconf=urlconf)
        theirs = outsider_client.get(path)
        if theirs.status_code != 404:
            problems.append(f"{url.name}: another municipality got {theirs.status_code}, not 404")
        ours = owner_client.get(path)
        if ours.status_code != 200:
            problems.append(f"{url.name}: its own municipality got {ours.status_code}, not 200")
    return problems


def audit_problems(*, owner, owner_client: Client, urlconf=None) -> list[str]:
    """Every staff view that declares personal data writes a read entry when shown."""
    problems: list[str] = []
    for url in staff_urls(urlconf):
        label = getattr(url.callback, "vern_personal_data", None)
        if not label:
            continue
        kwargs = _kwargs_for(url, owner, problems)
        if kwargs is None:
            continue
        path = reverse(url.name, kwargs=kwargs, urlconf=urlconf)
        before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = owner_client.get(path)
        if response.status_code != 200:
            problems.append(f"{url.name}: got {response.status_code}, not 200")
            continue
        # The view's read entry (staff_view's, or one the view wrote itself, such
        # as the audit log's search entry) names the kind of record read.
        written = AuditEntry.objects.filter(
            id__gt=before, action="read", object_type=label, municipality=owner
        )
        if not written.exists():
            problems.append(f"{url.name}: shows {label} but wrote no audit read entry")
    return problems


# Text put into every kind of municipal record ``seed_marked_data`` makes, so a
# page that shows any of them can be recognised.
MARKER = "Merketekst-7Q"


def seed_marked_data(municipality) -> None:
    """One record of each kind staff pages list, each carrying ``MARKER``."""
    from tests.directory.factories import OrganizationFactory
    from tests.factories import MembershipFactory, UnitFactory, UserFactory
    from tests.plans.factories import PlanFactory
    from vern.core.models import Role
    from vern.directory.models import ErrorReport, PendingChange, Service

    UnitFactory(municipality=municipality, name=f"{MARKER} skole")
    MembershipFactory(
        municipality=municipality,
        role=Role.READER,
        user=UserFactory(full_name=f"{MARKER} Person", email="merket@example.test"),
    )
    PlanFactory(municipality=municipality, title=f"{MARKER} plan")
    organization = OrganizationFactory(owner=municipality, name=f"{MARKER} organisasjon")
    # Not indexed (no card rendered), so it works under a test URLconf too.
    service = Service.objects.create(
        owner=municipality, organization=organization, name=f"{MARKER} tjeneste"
    )
    ErrorReport.objects.create(service=service, message=f"{MARKER} melding fra en innbygger")
    PendingChange.objects.create(
        service=service,
        municipality=municipality,
        proposed={"name": f"{MARKER} forslag"},
        author=UserFactory(),
    )


def shut_out_problems(*, owner, client: Client, urlconf=None) -> list[str]:
    """A person who must see nothing of ``owner`` (an organisation editor with
    no organisation) gets 403 or 404 for every staff URL with an object id, and
    no page without one shows any of the municipality's records."""
    problems: list[str] = []
    seed_marked_data(owner)
    for url in staff_urls(urlconf):
        kwargs = _kwargs_for(url, owner, problems)
        if kwargs is None:
            continue
        path = reverse(url.name, kwargs=kwargs, urlconf=urlconf)
        response = client.get(path)
        status = response.status_code
        if url.params:
            if status not in (403, 404):
                problems.append(f"{url.name}: got {status}, not 403 or 404")
        elif status == 200:
            if MARKER in response.content.decode():
                problems.append(f"{url.name}: shows the municipality's records")
        elif status not in (403, 404, 405):
            problems.append(f"{url.name}: got {status}")
    return problems


def cache_problems(*, owner, owner_client: Client, urlconf=None) -> list[str]:
    """Every staff URL answers with ``Cache-Control: no-store``, whatever its status."""
    problems: list[str] = []
    for url in staff_urls(urlconf):
        kwargs = _kwargs_for(url, owner, problems)
        if kwargs is None:
            continue
        path = reverse(url.name, kwargs=kwargs, urlconf=urlconf)
        response = owner_client.get(path)
        directives = {part.strip().lower() for part in response.get("Cache-Control", "").split(",")}
        if "no-store" not in directives:
            problems.append(
                f"{url.name}: Cache-Control is {response.get('Cache-Control')!r}, not no-store"
            )
    return problems


def unit_problems(*, owner, login, urlconf=None) -> list[str]:
    """Every ``unit_scoped`` staff URL with an id: a person holding the view's
    roles for the record's unit opens it; the same roles held for another unit
    of the municipality get 404.

    Both people are put on the record's access list (if it has one), so only
    the unit can keep the second out. A view that needs a stated reason gets
    one in both sessions first.
    """
    from tests.factories import MembershipFactory, UnitFactory, UserFactory
    from vern.core.models import MUNICIPAL_ROLES
    from vern.core.record_access import SESSION_REASONS

    problems: list[str] = []
    for url in staff_urls(urlconf):
        if not url.params or not getattr(url.callback, "vern_unit_scoped", False):
            continue
        builder = UNIT_BUILDERS.get(url.name)
        if builder is None:
            problems.append(
                f"{url.name} ({url.route}) is unit_scoped but has no unit builder "
                "(builds_in_unit) in tests/security/builders.py"
            )
            continue
        roles = url.callback.vern_roles & MUNICIPAL_ROLES
        ours_unit, theirs_unit = UnitFactory(municipality=owner), UnitFactory(municipality=owner)
        people = {}
        for name, unit in (("ours", ours_unit), ("theirs", theirs_unit)):
            user = UserFactory()
            for role in roles:
                MembershipFactory(user=user, municipality=owner, role=role, unit=unit)
            people[name] = user
        kwargs = builder(owner, ours_unit, users=list(people.values()))
        path = reverse(url.name, kwargs=kwargs, urlconf=urlconf)
        for name, user in people.items():
            client = login(user)
            if getattr(url.callback, "vern_reason_required", False):
                session = client.session
                session[SESSION_REASONS] = {
                    f"page:{path}": {
                        "reason": "Kontroll av enhetstilgang",
                        "until": "9999-12-31T00:00:00+00:00",
                    }
                }
                session.save()
            status = client.get(path).status_code
            expected = 200 if name == "ours" else 404
            if status != expected:
                whose = "its own unit" if name == "ours" else "another unit"
                problems.append(f"{url.name}: {whose} got {status}, not {expected}")
    return problems
