"""Issue 15: an edit refreshes only what it touched, in every process.

The directory announces its changes after the commit; the guide writes them to
its change log, which every process reads on its next search (this one too:
the hook only makes it look at once). Counted, not timed: ``GuideIndex.builds``
and ``snapshot.stats``."""

import pytest

from tests.directory.factories import ServiceFactory
from vern.directory.models import Service, Synonym
from vern.directory.search import build_document
from vern.directory.services import service_save
from vern.guide.index import GuideIndex
from vern.guide.models import GuideChange
from vern.guide.query import vocabulary
from vern.guide.selectors import Filters, guide_search, offered_languages
from vern.guide.snapshot import snapshot


@pytest.fixture(autouse=True)
def _look_every_time(settings):
    settings.VERN_SNAPSHOT_SECONDS = 0  # every search looks for changes


def _names(municipality, query):
    result = guide_search(municipality=municipality, query=query, filters=Filters())
    return [service.name for service in result.services]


def _warm(municipality):
    """Every value the results page reads, built once."""
    _names(municipality, "samtale")
    offered_languages()
    return GuideIndex.builds, snapshot.stats.copy()


def test_an_edit_reaches_the_next_search_without_building_the_index_again(
    home, django_capture_on_commit_callbacks
):
    edited = ServiceFactory(owner=home, name="Samtaletilbudet", description="Samtaler.")
    ServiceFactory(owner=home, name="Krisetelefonen", description="Samtale om natta.")
    builds, before = _warm(home)
    assert "Samtaletilbudet" not in _names(home, "sjøormvakt")

    edited = Service.objects.get(pk=edited.pk)
    edited.description = "Samtaler med sjøormvakt."
    with django_capture_on_commit_callbacks(execute=True):
        service_save(service=edited, actor=None)

    # (The factories' services too: in a test everything is one transaction.)
    assert edited.pk in set(GuideChange.objects.values_list("service_id", flat=True))
    assert _names(home, "sjøormvakt") == ["Samtaletilbudet"]
    assert "sjøormvakt" in vocabulary()  # the word it added, for typo correction
    assert _names(home, "sjøormvak") == ["Samtaletilbudet"]  # corrected to it
    after = snapshot.stats
    assert GuideIndex.builds == builds  # the whole index was not read again
    assert after["updated", "guide_index"] == before["updated", "guide_index"] + 1
    assert after["updated", "vocabulary"] == before["updated", "vocabulary"] + 1
    for name in ("guide_index", "vocabulary", "synonyms", "lexicon", "terms", "municipalities"):
        assert after["built", name] == before["built", name], name
    assert _names(home, "krisetelefonen")[0] == "Krisetelefonen"  # the other one is as it was


def test_a_change_logged_by_another_process_is_read_from_the_log(home):
    """Another worker saved: this process knows only the log entry it wrote."""
    service = ServiceFactory(owner=home, name="Samtaletilbudet", description="Samtaler.")
    builds, before = _warm(home)
    # Its row changed without a new updated_at, so only the log tells.
    Service.objects.filter(pk=service.pk).update(description="Hjelp ved sjøormvakt.")
    Service.objects.filter(pk=service.pk).update(
        search_document=build_document(Service.objects.get(pk=service.pk))
    )
    assert _names(home, "sjøormvakt") == []
    GuideChange.objects.create(service_id=service.pk)

    assert _names(home, "sjøormvakt") == ["Samtaletilbudet"]
    assert GuideIndex.builds == builds
    assert snapshot.stats["updated", "guide_index"] == before["updated", "guide_index"] + 1


def test_a_change_the_log_missed_is_found_by_its_timestamp_without_a_build(home):
    service = ServiceFactory(owner=home, name="Samtaletilbudet", description="Samtaler.")
    builds, before = _warm(home)
    service = Service.objects.get(pk=service.pk)
    service.description = "Hjelp ved sjøormvakt."
    service.search_document = build_document(service)
    service.save()  # a new updated_at, and no hook ran (the test never commits)

    assert _names(home, "sjøormvakt") == ["Samtaletilbudet"]
    assert GuideIndex.builds == builds
    # Not knowing what changed, every value is dropped; the index is refreshed.
    assert snapshot.stats["refreshed", "guide_index"] == before["refreshed", "guide_index"] + 1
    assert not GuideChange.objects.exists()


def test_a_log_entry_that_names_no_service_builds_everything_again(home):
    ServiceFactory(owner=home, name="Samtaletilbudet", description="Samtaler.")
    builds, _before = _warm(home)
    GuideChange.objects.create(service_id=None)  # an import or a reindex

    assert _names(home, "samtale")[0] == "Samtaletilbudet"
    assert GuideIndex.builds == builds + 1


def test_a_synonym_drops_the_vocabulary_and_refreshes_the_index(home):
    ServiceFactory(owner=home, name="Voldsmottaket", description="For deg som er utsatt for vold.")
    builds, before = _warm(home)
    Synonym.objects.create(term="xyzzy", expands_to="vold")

    assert _names(home, "xyzzy")[0] == "Voldsmottaket"
    assert GuideIndex.builds == builds
    assert snapshot.stats["built", "synonyms"] == before["built", "synonyms"] + 1


def test_the_directory_announces_each_transactions_services_once(
    home, django_capture_on_commit_callbacks
):
    first = ServiceFactory(owner=home, name="Samtaletilbudet")
    second = ServiceFactory(owner=home, name="Krisetelefonen")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        service_save(service=Service.objects.get(pk=first.pk), actor=None)
        service_save(service=Service.objects.get(pk=second.pk), actor=None)

    logged = set(GuideChange.objects.values_list("service_id", flat=True))
    assert {first.pk, second.pk} <= logged
    assert len(callbacks) <= 2  # one per savepoint, not one per announcement
