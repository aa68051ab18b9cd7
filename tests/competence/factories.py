from __future__ import annotations

import factory

from tests.factories import MunicipalityFactory, UnitFactory
from vern.competence.models import Completion, Course, Employee, ProfessionalDay
from vern.competence.services import expiry_for


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Kurs {n}")
    code = factory.Sequence(lambda n: f"K{n:03d}")
    topic = Course.Topic.DUTY_TO_AVERT
    validity_months = 12


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    municipality = factory.SubFactory(MunicipalityFactory)
    unit = factory.LazyAttribute(lambda o: UnitFactory(municipality=o.municipality))
    full_name = factory.Sequence(lambda n: f"Ansatt Nummer{n}")
    employee_number = factory.Sequence(lambda n: f"A{n:04d}")
    email = factory.Sequence(lambda n: f"ansatt{n}@example.test")


class CompletionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Completion

    employee = factory.SubFactory(EmployeeFactory)
    course = factory.LazyAttribute(lambda o: CourseFactory(municipality=o.employee.municipality))
    source = Completion.Source.MANUAL
    expires_on = factory.LazyAttribute(lambda o: expiry_for(o.course, o.completed_on))


class ProfessionalDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfessionalDay

    municipality = factory.SubFactory(MunicipalityFactory)
    title = "Voldsuka"
    held_on = factory.Faker("past_date")
    programme = "09.00 Velkommen"
