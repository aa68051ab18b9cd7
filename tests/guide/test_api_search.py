"""The HSDS API's search, answered from the guide's in-memory index.

``GET /api/hsds/services?search=`` ranks with BM25 over the index's postings
(``vern.guide.index.Postings``), the same on both databases; only the page's
services are read from the database."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.directory.factories import OrganizationFactory, ServiceFactory, term
from tests.factories import UserFactory
from vern.directory.models import Service
from vern.directory.search import prefixes
from vern.directory.services.entries import service_update
from vern.guide import index as index_module
from vern.guide.index import GuideIndex, Postings, guide_index
from vern.guide.query import plan_query

API = "/api/hsds/services"


pytestmark = pytest.mark.usefixtures("api_unlimited")


def _search(**params) -> dict:
    response = Client().get(API, params)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def _ids(**params) -> list[str]:
    return [s["id"] for s in _search(per_page=100, **params)["contents"]]


def test_more_mentions_rank_first_and_the_tier_before_relevance(home, other):
    once = ServiceFactory(owner=home, name="Aaa samtale", description="Om sjøormvakt.")
    often = ServiceFactory(
        owner=other,
        name="Sjøormvakta",
        alternate_name="Sjøormvakt",
        description="Sjøormvakt: sjøormvakt om natta, sjøormvakt hver dag.",
    )
    national = ServiceFactory(
        name="Sjøormvakt i hele landet",
        is_national=True,
        description="Sjøormvakt for alle. Sjøormvakt.",
    )
    ServiceFactory(owner=home, name="Ingen treff", description="Samtaler.")
    found = _ids(search="sjøormvakt")
    assert found[0] == str(often.pk) and found[-1] == str(once.pk)
    assert set(found) == {str(once.pk), str(often.pk), str(national.pk)}
    # In Heimby its own service comes first, the national one after it; Annenby's
    # does not serve Heimby.
    assert _ids(search="sjøormvakt", municipality="9801") == [str(once.pk), str(national.pk)]


def test_total_and_pages_continue_without_overlap(home):
    for n in range(5):
        ServiceFactory(owner=home, name=f"Mottak {n}", description="Sinnemottak. " * (n + 1))
    ServiceFactory(owner=home, name="Annet", description="Samtaler.")
    everything = _ids(search="sinnemottak")
    assert len(everything) == 5
    paged = []
    for page in (1, 2, 3):
        body = _search(search="sinnemottak", per_page=2, page=page)
        assert body["total_items"] == 5 and body["total_pages"] == 3
        paged += [s["id"] for s in body["contents"]]
    assert paged == everything and len(set(paged)) == 5
    beyond = _search(search="sinnemottak", per_page=2, page=4)
    assert beyond["total_items"] == 5 and beyond["contents"] == []


def test_filters_still_apply_with_a_search(home):
    org = OrganizationFactory(owner=home, name="Mottakene")
    in_org = ServiceFactory(owner=home, organization=org, name="Mottak A", description="Sinne.")
    other = ServiceFactory(owner=home, name="Mottak B", description="Sinne.")
    physical = term("violence", "physical")
    other.terms.add(physical)
    assert _ids(search="sinne", organization_id=str(org.pk)) == [str(in_org.pk)]
    assert _ids(search="sinne", taxonomy_term_id=str(physical.pk)) == [str(other.pk)]
    assert _ids(search="sinne", taxonomy_id=str(physical.taxonomy_id)) == [str(other.pk)]
    assert _ids(search="sinne", taxonomy_id=str(term("target_group", "exposed").taxonomy_id)) == []
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert len(_ids(search="sinne", modified_after=since)) == 2
    Service.objects.exclude(pk=in_org.pk).update(updated_at=timezone.now() - timedelta(days=400))
    assert _ids(search="sinne", modified_after=since) == [str(in_org.pk)]
    assert _ids(search="sinne", modified_after="2000-01-01T00:00:00+01:00") == _ids(search="sinne")
    bad = Client().get(API, {"search": "sinne", "organization_id": "nope"})
    assert bad.status_code == 400


def test_a_hidden_service_never_appears(home):
    ServiceFactory(owner=home, name="Nedlagt sjøormvakt", status=Service.Status.DEFUNCT)
    ServiceFactory(owner=home, name="Inaktiv sjøormvakt", status=Service.Status.INACTIVE)
    shown = ServiceFactory(owner=home, name="Sjøormvakt", description="Sjøormvakt.")
    assert _ids(search="sjøormvakt") == [str(shown.pk)]
    assert _ids(search="sjøormvakt", municipality="9801") == [str(shown.pk)]
    # A write past the hook: the snapshot sees its new updated_at.
    Service.objects.filter(pk=shown.pk).update(
        status=Service.Status.INACTIVE, updated_at=timezone.now()
    )
    assert _search(search="sjøormvakt")["total_items"] == 0


def test_an_edit_shows_in_the_next_search_without_building_again(
    home, django_capture_on_commit_callbacks
):
    edited = ServiceFactory(owner=home, name="Samtaletilbudet", description="Samtaler.")
    kept = ServiceFactory(owner=home, name="Sjøormvakta", description="Sjøormvakt om natta.")
    assert _ids(search="sjøormvakt") == [str(kept.pk)]
    index_builds, postings_builds = GuideIndex.builds, Postings.builds

    edited = Service.objects.get(pk=edited.pk)
    edited.description = "Sjøormvakt, sjøormvakt og sjøormvakt hele døgnet."
    with django_capture_on_commit_callbacks(execute=True):
        service_update(service=edited, actor=UserFactory())
    assert _ids(search="sjøormvakt") == [str(edited.pk), str(kept.pk)]
    assert _ids(search="samtaletilbudet") == [str(edited.pk)]

    edited = Service.objects.get(pk=edited.pk)
    edited.description = "Samtaler."
    with django_capture_on_commit_callbacks(execute=True):
        service_update(service=edited, actor=UserFactory())
    assert _ids(search="sjøormvakt") == [str(kept.pk)]
    new = ServiceFactory(owner=home, name="Nytt tilbud", description="Sjøormvakt.")
    assert str(new.pk) in _ids(search="sjøormvakt")
    assert (GuideIndex.builds, Postings.builds) == (index_builds, postings_builds)


@pytest.mark.parametrize("municipality", [None, "9801"])
def test_the_queries_do_not_grow_with_the_matches(home, municipality):
    params = {"search": "sinnemottak", "per_page": 2}
    if municipality:
        params["municipality"] = municipality

    def queries() -> tuple[int, int]:
        client = Client()
        client.get(API, params)  # lets the snapshot notice the new services
        with CaptureQueriesContext(connection) as captured:
            body = client.get(API, params).json()
        assert body["size"] == 2
        # Ranked in memory: no query reads the databases' full-text indexes.
        sql = " ".join(q["sql"] for q in captured)
        assert "directory_service_fts" not in sql and "search_vector" not in sql
        return len(captured), body["total_items"]

    for n in range(3):
        ServiceFactory(owner=home, name=f"Sinnemottak {n}", description="Sinnemottak.")
    few, total = queries()
    assert total == 3
    for n in range(40):
        ServiceFactory(owner=home, name=f"Mottak {n}", description="Sinnemottak for alle.")
    many, total = queries()
    assert total == 43 and many == few


def _sorted_scores(scores: dict) -> list:
    return sorted((pk, round(score, 9)) for pk, score in scores.items())


def test_the_postings_score_as_the_guide_does_and_stay_right_after_edits(
    home, other, django_capture_on_commit_callbacks
):
    services = [
        ServiceFactory(
            owner=home if n % 2 else other,
            name=f"Krisesenter {n}",
            description="Krisesenteret og krisesentre. " * (n % 3) + "Vold i nære relasjoner.",
        )
        for n in range(12)
    ]
    plan = plan_query("krisesenteret vold")
    wanted = prefixes(plan)

    def compare():
        index = guide_index()
        postings = index.postings
        entries = list(index.entries.values())
        by_slot = postings.scores(wanted)
        by_pk = {postings.slots[slot].pk: score for slot, score in by_slot.items()}
        assert by_pk and _sorted_scores(by_pk) == _sorted_scores(index.scores(wanted, entries))
        fresh = Postings.of(entries)
        by_fresh = {fresh.slots[s].pk: v for s, v in fresh.scores(wanted).items()}
        assert _sorted_scores(by_fresh) == _sorted_scores(by_pk)
        assert sorted(postings.lists) == postings.vocabulary == fresh.vocabulary
        assert set(postings.slot_of) == set(index.entries)
        return postings

    _ids(search="krisesenter")
    compare()
    for service in services[:3]:
        service = Service.objects.get(pk=service.pk)
        service.description = "Ny tekst om tvangsekteskap."
        with django_capture_on_commit_callbacks(execute=True):
            service_update(service=service, actor=UserFactory())
    Service.objects.filter(pk=services[4].pk).delete()
    freed = compare().free
    assert freed  # the deleted entry's slot, for the next new one
    ServiceFactory(owner=home, name="Nytt krisesenter", description="Krisesentre, vold.")
    assert _ids(search="nytt krisesenter")
    assert not compare().free


def test_a_large_municipality_is_ranked_through_the_postings_alike(home, monkeypatch):
    for n in range(6):
        ServiceFactory(owner=home, name=f"Tilbud {n}", description="Sinnemottak. " * (n % 3 + 1))
    ServiceFactory(name="Landsdekkende", is_national=True, description="Sinnemottak.")
    direct = _ids(search="sinnemottak", municipality="9801")
    monkeypatch.setattr(index_module, "SCAN_LIMIT", 0)
    assert _ids(search="sinnemottak", municipality="9801") == direct
    assert len(direct) == 7


def test_a_service_hidden_since_the_index_was_read_is_left_out(home, settings):
    settings.VERN_SNAPSHOT_SECONDS = 60  # the index is not looked at again
    hidden = ServiceFactory(owner=home, name="Sjøormvakt A", description="Sjøormvakt.")
    deleted = ServiceFactory(owner=home, name="Sjøormvakt B", description="Sjøormvakt.")
    kept = ServiceFactory(owner=home, name="Sjøormvakt C", description="Sjøormvakt.")
    assert len(_ids(search="sjøormvakt")) == 3
    Service.objects.filter(pk=hidden.pk).update(status=Service.Status.INACTIVE)
    Service.objects.filter(pk=deleted.pk).delete()
    assert _ids(search="sjøormvakt") == [str(kept.pk)]
