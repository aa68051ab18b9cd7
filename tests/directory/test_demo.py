"""The directory's demo data for Eksempelby and the acceptance searches."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from vern.core.demo import DEMO_NUMBER, load_demo
from vern.core.models import Municipality
from vern.directory.demo import NEIGHBOUR_NUMBER
from vern.directory.models import Location, Organization, Phone, Service
from vern.guide.selectors import Filters, Tier, guide_search

TODAY = date(2026, 11, 26)


@pytest.fixture
def eksempelby(db, time_machine):
    time_machine.move_to(
        datetime.combine(TODAY, time(12), tzinfo=ZoneInfo("Europe/Oslo")), tick=False
    )
    load_demo(password="demo-passord-1")
    return Municipality.objects.get(number=DEMO_NUMBER)


def _snapshot():
    return (
        sorted(Service.objects.values_list("pk", "name", "updated_at")),
        sorted(Organization.objects.values_list("pk", "name")),
        sorted(Location.objects.for_system("test").values_list("pk", "name")),
        sorted(Phone.objects.values_list("pk", "number")),
        list(Municipality.objects.filter(is_demo=True).order_by("number").values_list("pk")),
    )


def _first_page(municipality, query):
    return guide_search(municipality=municipality, query=query, filters=Filters()).services


def test_loading_twice_changes_nothing(eksempelby):
    first = _snapshot()
    load_demo(password="demo-passord-1")
    assert _snapshot() == first


def test_the_neighbour_is_a_demo_municipality(eksempelby):
    neighbour = Municipality.objects.get(number=NEIGHBOUR_NUMBER)
    assert neighbour.is_demo


def test_eksempelby_has_the_local_services_the_guide_needs(eksempelby):
    local = Service.objects.filter(owner=eksempelby)
    crisis = local.get(accommodation_women=True)
    assert crisis.accommodation_men and crisis.accommodation_children
    assert crisis.day_services and crisis.wheelchair_access and crisis.pets_allowed
    assert crisis.open_24_7 and crisis.acute
    location = crisis.service_at_locations.get().location
    assert location.is_confidential and location.public_contact_point
    assert location.address not in crisis.search_document
    names = " ".join(local.values_list("name", flat=True))
    for expected in ("Familievernkontoret", "Sinnemestring", "Helsestasjonen", "Barnevern", "NAV"):
        assert expected in names
    assert not local.exclude(referral=Service.Referral.NONE).exists()
    assert all(s.editors.exists() for s in local)
    assert all(s.schedules.exists() or s.open_24_7 or s.schedule_note for s in local)


def test_every_demo_phone_is_fictional_or_national(eksempelby):
    demo = Service.objects.filter(owner__is_demo=True)
    for phone in Phone.objects.filter(service__in=demo):
        assert phone.number.startswith("00 00 00 0") or phone.number == "116 117"
    assert all("(demo)" in o.name for o in Organization.objects.filter(owner__is_demo=True))


def test_a_shared_service_with_the_neighbour(eksempelby):
    neighbour = Municipality.objects.get(number=NEIGHBOUR_NUMBER)
    shared = Service.objects.filter(owner=neighbour, areas=eksempelby)
    assert shared.exists()
    results = guide_search(municipality=eksempelby, query="legevakt", filters=Filters())
    tiers = {s.name: s.tier for s in results.services}
    assert Tier.SHARED in tiers.values()
    own = Service.objects.get(owner=neighbour, name="Helsestasjonen i Nabobygd")
    everything = guide_search(municipality=eksempelby, query="", filters=Filters())
    assert own.pk not in {s.pk for s in everything.services}


def test_verification_shows_due_and_overdue_entries(eksempelby):
    local = Service.objects.filter(owner=eksempelby)
    assert local.filter(verification_due__lt=TODAY).count() >= 1
    assert local.filter(verification_due__gte=TODAY, verification_due__lte=date(2026, 12, 26))


def test_searching_slatt_av_mannen_min_finds_the_crisis_centre(eksempelby):
    crisis = Service.objects.get(owner=eksempelby, accommodation_women=True)
    assert crisis.pk in [s.pk for s in _first_page(eksempelby, "slått av mannen min")]


def test_searching_tvangsekteskap_finds_help_for_forced_marriage(eksempelby):
    found = _first_page(eksempelby, "tvangsekteskap")
    tagged = [s for s in found if any(t.code == "forced_marriage" for t in s.terms.all())]
    assert tagged
    assert any(s.is_national and s.name.startswith("Kompetanseteamet") for s in found)


def test_searching_sinnemestring_finds_the_atv_type_treatment(eksempelby):
    found = _first_page(eksempelby, "sinnemestring")
    assert found[0].name.startswith("Sinnemestring")
    assert found[0].owner == eksempelby


def test_searching_familievern_finds_family_counselling(eksempelby):
    found = _first_page(eksempelby, "parterapi")
    assert found[0].name.startswith("Familievernkontoret")


def test_loading_again_after_a_person_renamed_entries_adds_no_copies(eksempelby):
    from vern.core.models import User
    from vern.directory.services import service_save
    from vern.directory.services.entries import organization_save

    person = User.objects.get(email="koordinator@eksempelby.example")
    service = Service.objects.filter(owner=eksempelby).order_by("name").first()
    service.name = service.name + " (ny)"
    service_save(service=service, actor=person, summary="Nytt navn")
    organization = Organization.objects.filter(owner=eksempelby).order_by("name").first()
    organization.name = organization.name + " (ny)"
    organization_save(organization=organization, actor=person)
    before = _snapshot()
    load_demo(password="demo-passord-1")
    assert _snapshot() == before
