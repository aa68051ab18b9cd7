from datetime import date

import factory

from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory
from vern.core.models import Role
from vern.plans.models import Measure, Plan, PlanMeasure, Review


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    class Params:
        # An adopted plan as the service would leave it (without its version).
        adopted = factory.Trait(
            status=Plan.Status.ADOPTED,
            adopted_on=date(2026, 2, 10),
            case_reference="2026/12",
        )

    municipality = factory.SubFactory(MunicipalityFactory)
    title = "Handlingsplan mot vold i nære relasjoner"
    start_year = 2026
    end_year = 2029


def catalogue(code: str) -> Measure:
    return Measure.objects.catalogue().get(code=code)


class PlanMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanMeasure

    plan = factory.SubFactory(PlanFactory)
    municipality = factory.SelfAttribute("plan.municipality")
    measure = factory.LazyFunction(lambda: catalogue("F7"))


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    plan = factory.SubFactory(PlanFactory)
    municipality = factory.SelfAttribute("plan.municipality")
    kind = Review.Kind.HALF_YEAR
    held_on = factory.Faker("date_between", start_date="-30d", end_date="today")
    created_by = factory.SubFactory(UserFactory)


def member(municipality, role=Role.READER, *, email: str, full_name: str):
    """A user with one role in ``municipality``."""
    user = UserFactory(email=email, full_name=full_name)
    MembershipFactory(user=user, municipality=municipality, role=role)
    return user
