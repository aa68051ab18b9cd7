"""A service page's entry read in plain SQL (guide/service_pages.py): the same
objects the ORM's select_related and prefetch_related made, nothing more to ask."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.directory.factories import PhoneFactory, ServiceFactory
from tests.factories import MunicipalityFactory
from vern.directory.models import Location, Service, ServiceAtLocation, ServiceLanguage
from vern.guide import service_pages
from vern.guide.index import guide_index
from vern.guide.selectors import term_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def service():
    owner = MunicipalityFactory(number="9801", name="Heimby")
    service = ServiceFactory(owner=owner, name="Krisesenteret i Heimby")
    second = PhoneFactory(service=service, number="22 22 22 22")
    first = PhoneFactory(service=service, number="11 11 11 11")
    assert sorted([first.pk, second.pk]) == [p.pk for p in service.phones.order_by("pk")]
    for code, note in (("pl", "tolk etter avtale"), ("en", "")):
        ServiceLanguage.objects.create(service=service, code=code, note=note)
    for name, confidential in (("Østre hus", True), ("Amfi", False)):
        place = Location.objects.create(
            organization=service.organization,
            name=name,
            address="Hemmelig vei 1" if confidential else "Torget 2",
            is_confidential=confidential,
            public_contact_point="Ring oss, så møtes vi." if confidential else "",
        )
        ServiceAtLocation.objects.create(service=service, location=place)
    return service


def test_the_entry_holds_what_the_orm_gave_and_asks_nothing_more(service):
    expected = (
        Service.objects.filter(pk=service.pk)
        .select_related("organization", "owner")
        .prefetch_related("phones", "languages", "service_at_locations__location")
        .get()
    )
    saved = service_pages.saved_at(service.pk)
    guide_index()  # built: its terms and hours are the entry's
    term_table()
    with CaptureQueriesContext(connection) as asked:
        loaded = service_pages.load(service.pk, saved)
    with CaptureQueriesContext(connection) as more:
        phones = [(p.pk, p.number) for p in loaded.phones.all()]
        languages = [(lang.code, lang.note) for lang in loaded.languages.all()]
        places = [
            (sal.location.name, sal.location.address, sal.location.is_confidential)
            for sal in loaded.service_at_locations.all()
        ]
        organisation, owner = loaded.organization.name, loaded.owner.number

    assert len(more) == 0  # everything the page shows was read with the entry
    # The service, its organisation, owner, places with their locations, phones, languages
    # (besides the snapshot's check for changes, which tests make on every read).
    entry = [q["sql"] for q in asked if "guide_change" not in q["sql"]]
    assert len(entry) == 7, "\n".join(sql[:90] for sql in entry)
    assert phones == [(p.pk, p.number) for p in expected.phones.order_by("pk")]
    assert languages == [("en", ""), ("pl", "tolk etter avtale")]
    assert [name for name, _address, _secret in places] == ["Amfi", "Østre hus"]
    assert ("Østre hus", "Hemmelig vei 1", True) in places  # the page decides what to show
    assert (organisation, owner) == (expected.organization.name, "9801")
    for field in Service._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(expected, field.attname), field.name


def test_an_entry_that_is_not_public_is_not_read(service):
    Service.objects.filter(pk=service.pk).update(status=Service.Status.INACTIVE)
    assert service_pages.load(service.pk) is None


def test_an_entry_without_owner_phones_or_places_is_read_too():
    national = ServiceFactory(owner=None, is_national=True, name="Nasjonal linje")
    loaded = service_pages.load(national.pk)
    assert loaded.owner is None
    assert list(loaded.phones.all()) == list(loaded.service_at_locations.all()) == []
