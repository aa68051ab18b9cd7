from tests.directory.factories import ServiceFactory
from vern.directory.models import Synonym
from vern.directory.search import index_service
from vern.guide.selectors import Filters, Tier, guide_search


def _search(municipality, query, **filters):
    return guide_search(municipality=municipality, query=query, filters=Filters(**filters))


def _first_local(result):
    """The first of the municipality's own services (a national one that fits the
    situation better may come before it as the best match)."""
    return next(s for s in result.services if s.tier == Tier.LOCAL)


def test_stemming_finds_other_forms_of_a_word(home):
    ServiceFactory(
        owner=home, name="Krisesenteret", description="Trygt sted å bo for kvinner og barn."
    )
    result = _search(home, "krisesentre")
    # National lines that mention crisis centres follow the local entry.
    assert _first_local(result).name == "Krisesenteret"


def test_synonyms_expand_the_query(home):
    Synonym.objects.update_or_create(term="juling", defaults={"expands_to": "vold"})
    ServiceFactory(owner=home, name="Voldsmottaket", description="For deg som er utsatt for vold.")
    assert _first_local(_search(home, "juling")).name == "Voldsmottaket"


def test_a_typo_is_corrected(home):
    ServiceFactory(owner=home, name="Sinnemestring", description="Kurs i sinnemestring for voksne.")
    result = _search(home, "sinnemestrign")
    assert _first_local(result).name == "Sinnemestring"
    assert result.corrected == {"sinnemestrign": "sinnemestring"}


def test_local_before_shared_before_national(home, other):
    national = ServiceFactory(
        name="Nasjonal linje", is_national=True, description="Samtale om vold."
    )
    shared = ServiceFactory(owner=other, name="Felles tilbud", description="Samtale om vold.")
    shared.areas.add(home, other)
    local = ServiceFactory(owner=home, name="Vårt tilbud", description="Samtale om vold.")
    result = _search(home, "vold")
    ours = [s for s in result.services if s.pk in {local.pk, shared.pk, national.pk}]
    assert [s.pk for s in ours] == [local.pk, shared.pk, national.pk]
    assert [s.tier for s in ours] == [Tier.LOCAL, Tier.SHARED, Tier.NATIONAL]
    tiers = [s.tier for s in result.services]
    assert tiers == sorted(tiers)


def test_another_municipalitys_own_service_is_not_shown(home, other):
    ServiceFactory(owner=other, name="Deres tilbud", description="Samtale om vold.")
    assert "Deres tilbud" not in [s.name for s in _search(home, "vold").services]


def test_nothing_found_is_an_empty_result_not_an_error(home):
    assert _search(home, "<script>alert(1)</script> ' OR 1=1 --").total == 0
    assert _search(home, "x" * 10_000).total == 0
    assert _search(home, "qqqzzzxxx").total == 0


def test_index_reflects_changes(home):
    service = ServiceFactory(owner=home, name="Tilbud", description="Samtaler.")
    service.description = "Familievern og parterapi."
    service.save()
    index_service(service)
    assert [s.name for s in _search(home, "parterapi").services] == ["Tilbud"]


def test_typo_correction_never_suggests_a_word_only_a_hidden_entry_has(home):
    """Issue 13, item 7: a suggestion would show a hidden entry's words on the public page."""
    from django.test import Client

    from vern.directory.models import Service

    ServiceFactory(owner=home, name="Krisesenteret", description="Trygt sted å bo.")
    ServiceFactory(
        owner=home,
        name="Snekkerverkstedet",
        description="Snekkerverkstedet er et skjult tilbud.",
        status=Service.Status.INACTIVE,
    )
    result = _search(home, "snekkerverkstde")
    assert "snekkerverkstedet" not in result.corrected.values()
    html = Client().get("/sok/", {"kommune": home.number, "q": "snekkerverkstde"}).content.decode()
    assert "snekkerverkstedet" not in html.casefold()


def test_an_entry_made_inactive_stops_being_suggested(home, admin):
    from vern.directory.models import Service
    from vern.directory.services import service_save

    service = ServiceFactory(owner=home, name="Snekkerverkstedet", description="Et tilbud.")
    assert _search(home, "snekkerverkstde").corrected == {"snekkerverkstde": "snekkerverkstedet"}
    service.status = Service.Status.INACTIVE
    service_save(service=service, actor=admin)
    assert _search(home, "snekkerverkstde").corrected == {}
