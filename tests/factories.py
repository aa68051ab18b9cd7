"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from vern.core.models import Membership, Municipality, Role, Unit, User


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("number",)

    # 98xx: no real municipality uses county 98.
    number = factory.Sequence(lambda n: f"98{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Testkommune {n}")
    county_number = "98"
    county_name = "Testfylke"
    is_demo = True


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = Unit.Kind.SCHOOL
    name = factory.Sequence(lambda n: f"Testskolen {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Sequence(lambda n: f"Person Nummer{n}")
    password = factory.django.Password("riktig-passord-123")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    role = Role.READER


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Vern"
    confirmed = True
