import factory

from vern.directory.models import Organization, Phone, Service, TaxonomyTerm


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisasjon {n}")
    description = "En organisasjon som gir hjelp."


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory, owner=factory.SelfAttribute("..owner"))
    owner = None
    name = factory.Sequence(lambda n: f"Tjeneste {n}")
    description = "Hjelp og samtaler."

    @factory.post_generation
    def index(self, create, extracted, **kwargs):
        if create:
            from vern.directory.search import index_service

            index_service(self)


class PhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phone

    service = factory.SubFactory(ServiceFactory)
    number = "22 00 00 00"


def term(taxonomy: str, code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(taxonomy__code=taxonomy, code=code)
