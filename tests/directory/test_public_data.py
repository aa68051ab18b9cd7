"""A small, fictional directory for the public guide's tests (views and browser).

Builders only, no tests: named test_public_* so it sits with the guide's tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from tests.directory.factories import OrganizationFactory, PhoneFactory, ServiceFactory, term
from tests.factories import MunicipalityFactory, UserFactory
from vern.core.models import Municipality
from vern.directory.models import (
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    ServiceTranslation,
)
from vern.directory.search import index_service

SECRET_ADDRESS = "Hemmelighetsveien 4417 Q"
SECRET_POSTAL_CODE = "9917"
SECRET_CITY = "Skjultvik"
CONTACT_POINT = "Ring oss på 00 00 00 01, så møter vi deg utenfor rådhuset."


@dataclass
class Guide:
    town: Municipality
    neighbour: Municipality
    crisis_centre: Service
    family: Service
    atv: Service
    shared: Service


def _terms(service: Service, groups=(), violence=()) -> None:
    service.terms.add(
        *[term("target_group", code) for code in groups],
        *[term("violence", code) for code in violence],
    )
    index_service(service)


def build_guide() -> Guide:
    """Eksempelby-like: a crisis centre with a confidential address, family
    counselling, ATV-type treatment and a service shared with a neighbour."""
    town = MunicipalityFactory(number="9999", name="Prøveby")
    neighbour = MunicipalityFactory(number="9998", name="Nabobygd")
    editor = UserFactory(email="redaktor@proveby.example.test")

    centre_org = OrganizationFactory(owner=town, name="Prøveby krisesenter")
    crisis_centre = ServiceFactory(
        owner=town,
        organization=centre_org,
        name="Krisesenteret i Prøveby",
        description="Et trygt sted å bo og noen å snakke med når du blir utsatt for vold.",
        eligibility_description="Kvinner, menn og barn som er utsatt for vold i nære relasjoner.",
        how_it_works="Du kan ringe hele døgnet. Du trenger ikke henvisning.",
        how_to_contact="Ring oss, så avtaler vi hvor vi møtes.",
        application_process="Ring eller kom innom etter avtale.",
        url="https://krisesenter.example.test/",
        email="post@krisesenter.example.test",
        acute=True,
        open_24_7=True,
        accommodation_women=True,
        accommodation_children=True,
        pets_allowed=True,
        wheelchair_access=True,
        assured_date=date(2026, 3, 2),
    )
    crisis_centre.editors.add(editor)
    PhoneFactory(service=crisis_centre, number="00 00 00 01", description="Døgnåpen telefon")
    ServiceLanguage.objects.create(service=crisis_centre, code="ar", note="med tolk")
    ServiceTranslation.objects.create(
        service=crisis_centre,
        language="en",
        name="Prøveby crisis centre",
        description="A safe place to stay and someone to talk to.",
    )
    secret = Location.objects.create(
        organization=centre_org,
        name="Krisesenterets bolig",
        address=SECRET_ADDRESS,
        postal_code=SECRET_POSTAL_CODE,
        city=SECRET_CITY,
        municipality=town,
        directions=f"Gå forbi butikken til {SECRET_ADDRESS}.",
        is_confidential=True,
        public_contact_point=CONTACT_POINT,
    )
    ServiceAtLocation.objects.create(service=crisis_centre, location=secret)
    _terms(crisis_centre, groups=["exposed", "children"], violence=["physical", "psychological"])

    family = ServiceFactory(
        owner=town,
        organization=OrganizationFactory(owner=town, name="Familievernkontoret i Prøveby"),
        name="Familievernkontoret",
        description="Samtaler for par og familier, også når det er vold i familien.",
        eligibility_description="Familier, par og pårørende.",
        assured_date=date(2026, 1, 15),
    )
    PhoneFactory(service=family, number="00 00 00 02")
    for day in (1, 2, 3, 4, 5):
        Schedule.objects.create(
            service=family, weekday=day, opens_at=time(8, 0), closes_at=time(15, 30)
        )
    office = Location.objects.create(
        organization=family.organization,
        name="Familievernkontoret",
        address="Storgata 1",
        postal_code="9999",
        city="Prøveby",
        directions="Inngang fra bakgården, andre etasje.",
    )
    ServiceAtLocation.objects.create(service=family, location=office)
    _terms(family, groups=["relatives", "exposed"], violence=["psychological"])

    atv = ServiceFactory(
        owner=town,
        name="Sinnemestring Prøveby (ATV)",
        description="Behandling for deg som utøver vold og vil slutte. Sinnemestring i grupper.",
        referral=Service.Referral.REQUIRED,
        referral_from="fastlegen",
        referral_how="Fastlegen sender henvisningen.",
        is_free=False,
        fees_description="Egenandel 375 kroner",
    )
    PhoneFactory(service=atv, number="00 00 00 03")
    _terms(atv, groups=["perpetrators"], violence=["physical"])

    shared = ServiceFactory(
        owner=neighbour,
        name="Overgrepsmottaket for Nabobygd og Prøveby",
        description="Hjelp etter voldtekt og andre seksuelle overgrep.",
        acute=True,
    )
    shared.areas.add(town, neighbour)
    PhoneFactory(service=shared, number="00 00 00 04")
    _terms(shared, groups=["exposed"], violence=["sexual"])

    return Guide(town, neighbour, crisis_centre, family, atv, shared)
