"""The search snapshot: rebuilt when the directory changes, checked at most once
per VERN_SNAPSHOT_SECONDS."""

from tests.directory.factories import ServiceFactory
from vern.directory.models import Synonym
from vern.guide.selectors import Filters, guide_search, offered_languages
from vern.guide.snapshot import snapshot


def _names(municipality, query):
    result = guide_search(municipality=municipality, query=query, filters=Filters())
    return [service.name for service in result.services]


def test_a_new_synonym_is_used_by_the_next_search(home):
    ServiceFactory(owner=home, name="Voldsmottaket", description="For deg som er utsatt for vold.")
    assert "Voldsmottaket" not in _names(home, "xyzzy")

    Synonym.objects.create(term="xyzzy", expands_to="vold")

    assert _names(home, "xyzzy")[0] == "Voldsmottaket"


def test_a_deleted_synonym_stops_working(home):
    ServiceFactory(owner=home, name="Voldsmottaket", description="For deg som er utsatt for vold.")
    synonym = Synonym.objects.create(term="xyzzy", expands_to="vold")
    assert _names(home, "xyzzy")[0] == "Voldsmottaket"

    synonym.delete()

    assert "Voldsmottaket" not in _names(home, "xyzzy")


def test_between_checks_the_snapshot_asks_the_database_nothing(
    home, settings, django_assert_num_queries
):
    settings.VERN_SNAPSHOT_SECONDS = 60
    service = ServiceFactory(owner=home, name="Tolketjenesten")
    service.languages.create(code="so")
    snapshot.check()
    assert "so" in offered_languages()

    service.languages.create(code="ti")
    with django_assert_num_queries(0):
        snapshot.check()
        assert "ti" not in offered_languages()  # not yet: checked less than a minute ago

    settings.VERN_SNAPSHOT_SECONDS = 0
    service.save()  # a change to the entry moves the directory's newest updated_at
    snapshot.check()
    assert "ti" in offered_languages()
