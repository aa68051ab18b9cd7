"""services.location_save: the one path for a location."""

import pytest
from django.core.exceptions import ValidationError

from tests.directory.factories import OrganizationFactory
from vern.audit.models import AuditEntry
from vern.directory.models import Location
from vern.directory.services import location_save


@pytest.fixture
def organization(home):
    return OrganizationFactory(owner=home)


def test_a_saved_location_comes_back_with_its_town_and_an_audit_entry(organization, admin):
    location = Location(organization=organization, name="Kontoret", postal_code="0150")

    saved = location_save(location=location, actor=admin)

    assert saved.pk is not None
    assert Location.objects.for_system("test").get(pk=saved.pk).city == "Oslo"
    entry = AuditEntry.objects.for_system("test").get(code="directory.location.create")
    assert entry.object_id == str(saved.pk)


def test_a_confidential_location_without_a_public_contact_point_is_refused(organization, admin):
    location = Location(organization=organization, name="Krisesenteret", address="Hemmelig vei 1")
    location.is_confidential = True

    with pytest.raises(ValidationError) as error:
        location_save(location=location, actor=admin)

    assert "public_contact_point" in error.value.message_dict
    assert not Location.objects.for_system("test").exists()
