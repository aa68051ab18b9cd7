"""Organisations and their locations, with confidential addresses."""

from django.urls import reverse

from tests.directory.factories import OrganizationFactory, ServiceFactory
from tests.factories import MunicipalityFactory
from vern.audit.models import AuditEntry
from vern.directory.models import Location, Organization


def test_coordinator_creates_and_edits_an_organisation(home, coordinator, login):
    client = login(coordinator)
    response = client.post(
        reverse("directory:organization_create"),
        {"name": "Heimby krisesenter", "description": "Krisesenteret for Heimby og omegn."},
    )
    organization = Organization.objects.get(name="Heimby krisesenter")
    assert response.status_code == 302 and organization.owner == home
    response = client.post(
        reverse("directory:organization_edit", args=[organization.pk]),
        {"name": "Heimby krisesenter IKS", "description": "Interkommunalt."},
    )
    organization.refresh_from_db()
    assert organization.name == "Heimby krisesenter IKS"
    assert AuditEntry.objects.for_system("test").filter(code="directory.organization.update")


def test_a_confidential_location_needs_a_public_contact_point(home, coordinator, login):
    organization = OrganizationFactory(owner=home)
    url = reverse("directory:location_create", args=[organization.pk])
    response = login(coordinator).post(
        url, {"name": "Krisesenteret", "address": "Hemmeligveien 1", "is_confidential": "on"}
    )
    assert response.status_code == 200
    assert "public_contact_point" in response.context["form"].errors
    assert not Location.objects.for_system("test").exists()


def test_postal_code_fills_in_town_and_municipality(home, coordinator, login):
    oslo = MunicipalityFactory(number="0301", name="Oslo")
    organization = OrganizationFactory(owner=home)
    response = login(coordinator).post(
        reverse("directory:location_create", args=[organization.pk]),
        {
            "name": "Krisesenteret",
            "address": "Hemmeligveien 1",
            "postal_code": "0010",
            "is_confidential": "on",
            "public_contact_point": "Ring 22 00 00 00, så møter vi deg.",
        },
    )
    assert response.status_code == 302
    location = Location.objects.for_system("test").get()
    assert (location.city, location.municipality) == ("Oslo", oslo)
    assert location.is_confidential


def test_an_unknown_postal_code_is_refused(home, coordinator, login):
    organization = OrganizationFactory(owner=home)
    response = login(coordinator).post(
        reverse("directory:location_create", args=[organization.pk]),
        {"name": "Kontoret", "postal_code": "0000"},
    )
    assert "postal_code" in response.context["form"].errors


def test_reading_a_location_is_audited_and_readers_cannot_edit(home, coordinator, reader, login):
    organization = OrganizationFactory(owner=home)
    location = Location.objects.create(
        organization=organization,
        name="Krisesenteret",
        address="Hemmeligveien 1",
        is_confidential=True,
        public_contact_point="Ring oss.",
    )
    url = reverse("directory:location_edit", args=[location.pk])
    assert login(coordinator).get(url).status_code == 200
    assert AuditEntry.objects.for_system("test").filter(
        code="directory.location.read", actor=coordinator
    )
    assert login(reader).get(url).status_code == 403


def test_a_service_can_be_offered_at_its_organisations_locations(home, coordinator, login):
    from tests.directory.test_staff_services import service_data

    organization = OrganizationFactory(owner=home)
    location = Location.objects.create(organization=organization, name="Hovedkontoret")
    elsewhere = Location.objects.create(organization=OrganizationFactory(owner=home), name="Annet")
    client = login(coordinator)
    bad = client.post(
        reverse("directory:service_create"),
        service_data(organization, locations=[str(elsewhere.pk)]),
    )
    assert "locations" in bad.context["form"].errors
    good = client.post(
        reverse("directory:service_create"),
        service_data(organization, locations=[str(location.pk)]),
    )
    assert good.status_code == 302
    service = organization.services.get()
    assert [sal.location for sal in service.service_at_locations.all()] == [location]


def test_organisation_page_lists_services_and_locations(home, coordinator, login):
    organization = OrganizationFactory(owner=home, name="Heimby familievern")
    ServiceFactory(owner=home, organization=organization, name="Parsamtaler")
    Location.objects.create(organization=organization, name="Storgata 1")
    page = (
        login(coordinator)
        .get(reverse("directory:organization_detail", args=[organization.pk]))
        .content.decode()
    )
    assert "Parsamtaler" in page and "Storgata 1" in page


def test_an_outside_organisation_editor_cannot_open_plans_or_units(home, login):
    from django.urls import reverse

    from tests.factories import MembershipFactory, UserFactory
    from tests.plans.factories import PlanFactory
    from vern.core.models import Role

    outside = UserFactory(email="krisesenter@example.test")
    MembershipFactory(user=outside, municipality=home, role=Role.ORG_EDITOR)
    client = login(outside)
    plan = PlanFactory(municipality=home)
    assert client.get(reverse("plans:plan_list")).status_code == 403
    assert client.get(reverse("plans:plan_detail", args=[plan.pk])).status_code == 403
    assert client.get(reverse("core:unit_list")).status_code == 403
    dashboard = client.get(reverse("core:dashboard"))
    assert dashboard.status_code == 200
    assert reverse("plans:plan_list") not in dashboard.content.decode()
