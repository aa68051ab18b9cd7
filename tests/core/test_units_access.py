"""Roles held for one unit: its records only (404 for another unit's), whole-municipality
roles see all, and the existing pages keep admitting people whose role has a unit."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.kernel_app.models import Case
from tests.security.checks import unit_problems
from vern.core.models import Membership, Role


@pytest.fixture(autouse=True)
def kernel_urls(settings):
    settings.ROOT_URLCONF = "tests.kernel_app.urls"


@pytest.fixture
def schools(home):
    return UnitFactory(municipality=home, name="Bakken skole"), UnitFactory(
        municipality=home, name="Haugen skole"
    )


@pytest.fixture
def cases(home, schools):
    bakken, haugen = schools
    return (
        Case.objects.create(municipality=home, unit=bakken, title="Sak ved Bakken"),
        Case.objects.create(municipality=home, unit=haugen, title="Sak ved Haugen"),
    )


def _person(home, role, unit=None, email=None):
    user = UserFactory(email=email or f"{role}-{unit.pk if unit else 'all'}@example.test")
    MembershipFactory(user=user, municipality=home, role=role, unit=unit)
    return user


def test_a_unit_role_sees_its_units_records_and_not_another_units(home, schools, cases, login):
    bakken, _haugen = schools
    ours, theirs = cases
    client = login(_person(home, Role.SCHOOL_CONTACT, bakken))

    listing = client.get(reverse("kernel:case_list")).content.decode()
    assert "Sak ved Bakken" in listing and "Sak ved Haugen" not in listing
    assert client.get(reverse("kernel:case_summary", args=[ours.pk])).status_code == 200
    assert client.get(reverse("kernel:case_summary", args=[theirs.pk])).status_code == 404


def test_a_whole_municipality_role_sees_every_units_records(home, cases, login):
    client = login(_person(home, Role.SCHOOL_CONTACT))
    listing = client.get(reverse("kernel:case_list")).content.decode()
    assert "Sak ved Bakken" in listing and "Sak ved Haugen" in listing
    for case in cases:
        assert client.get(reverse("kernel:case_summary", args=[case.pk])).status_code == 200


def test_only_the_roles_the_view_allows_widen_the_units(home, schools, cases, login):
    """A reader of the whole municipality who is a school contact at one school
    sees that school only: the reader role does not open these pages."""
    bakken, _haugen = schools
    user = _person(home, Role.SCHOOL_CONTACT, bakken)
    MembershipFactory(user=user, municipality=home, role=Role.READER)
    client = login(user)
    assert client.get(reverse("kernel:case_summary", args=[cases[1].pk])).status_code == 404


def test_another_municipality_gets_404_for_unit_records(other, cases, login):
    client = login(_person(other, Role.SCHOOL_CONTACT))
    assert client.get(reverse("kernel:case_summary", args=[cases[0].pk])).status_code == 404
    assert "Sak ved" not in client.get(reverse("kernel:case_list")).content.decode()


def test_a_view_of_unit_records_without_unit_scoped_shuts_unit_roles_out(
    home, schools, cases, login
):
    bakken, _haugen = schools
    unit_bound = login(_person(home, Role.CASE_WORKER, bakken))
    whole = login(_person(home, Role.CASE_WORKER))
    path = reverse("kernel_mistakes:forgot_unit_scope", args=[cases[0].pk])
    assert unit_bound.get(path).status_code == 403
    assert whole.get(path).status_code == 200


def test_narrowing_outside_a_unit_scoped_view_is_an_error(rf, home):
    from vern.core.access import scoped_to_units

    request = rf.get("/")
    with pytest.raises(ImproperlyConfigured):
        scoped_to_units(request, Case)


def test_existing_pages_still_admit_roles_held_for_a_unit(home, schools, login):
    """Plans, units and the front page show nothing that belongs to a unit, so
    a role with a unit counts there as before (the demo's people have units)."""
    bakken, _haugen = schools
    admin = _person(home, Role.ADMIN, bakken)
    client = login(admin)
    for name in ("core:dashboard", "core:unit_list", "plans:plan_list"):
        assert client.get(reverse(name)).status_code == 200, name
    reader = login(_person(home, Role.READER, bakken))
    assert reader.get(reverse("core:member_list")).status_code == 403


def test_the_shared_unit_check_passes_for_the_test_app(home, login):
    assert unit_problems(owner=home, login=login) == []


def test_a_unit_with_roles_tied_to_it_is_not_deleted(home, schools, admin, login):
    """Deleting it would leave the role without a unit: the whole municipality."""
    bakken, _haugen = schools
    contact = _person(home, Role.SCHOOL_CONTACT, bakken)
    client = login(admin)
    response = client.post(reverse("core:unit_delete", args=[bakken.pk]))
    assert response.status_code == 200
    assert "1 rolle eller invitasjon er knyttet til denne enheten" in response.content.decode()
    assert Membership.objects.for_system("test").get(user=contact).unit == bakken
    Membership.objects.for_system("test").filter(user=contact).delete()
    assert client.post(reverse("core:unit_delete", args=[bakken.pk])).status_code == 302
    assert not bakken.__class__.objects.filter(pk=bakken.pk).exists()


def test_an_administrator_held_for_one_unit_cannot_administer_the_municipality(
    home, schools, login
):
    """A principal is an administrator for the school only: the municipality's users,
    roles, invitations, units and audit log are for whole-municipality administrators."""
    bakken, _haugen = schools
    principal = login(_person(home, Role.ADMIN, bakken, email="rektor@example.test"))
    whole = login(_person(home, Role.ADMIN, email="admin@example.test"))

    for name in ("core:member_list", "core:member_invite", "core:unit_create", "audit:entry_list"):
        url = reverse(name)
        assert principal.get(url).status_code == 403, name
        assert whole.get(url).status_code == 200, name
    menu = principal.get(reverse("core:dashboard")).content.decode()
    assert reverse("core:member_list") not in menu
    assert reverse("audit:entry_list") not in menu
    assert reverse("audit:entry_list") in whole.get(reverse("core:dashboard")).content.decode()
