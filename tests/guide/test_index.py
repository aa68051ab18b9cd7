"""The guide's in-memory search index (guide_index): what it holds, how it
chooses a municipality's candidates and how it ranks them.

The order local, shared, national is tested in test_search.py
(test_local_before_shared_before_national); here only the cases around it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone, translation

from tests.directory.factories import ServiceFactory, term
from vern.directory.models import Schedule, Service, ServiceLanguage
from vern.directory.search import index_service
from vern.directory.services import ServiceRelated, service_save
from vern.guide.selectors import Filters, Tier, guide_search

OSLO = ZoneInfo("Europe/Oslo")
WEDNESDAY_NOON = datetime(2030, 5, 8, 12, 0, tzinfo=OSLO)


@pytest.fixture(autouse=True)
def bokmal():
    translation.activate("nb")
    yield
    translation.activate("nb")


def _search(municipality, query="", *, now=None, **filters):
    return guide_search(municipality=municipality, query=query, filters=Filters(**filters), now=now)


def _ids(municipality, query="", **filters) -> list:
    return _search(municipality, query, **filters).ids


# --- the index follows the directory ----------------------------------------------------


def test_a_deleted_service_is_gone_from_the_next_search(home):
    older = ServiceFactory(owner=home, name="Eldre tilbud", description="Kveldsåpent lavterskel.")
    newer = ServiceFactory(owner=home, name="Nyere tilbud", description="Kveldsåpent lavterskel.")
    assert set(_ids(home, "lavterskel")) == {older.pk, newer.pk}

    # Not the newest entry: only the number of services tells the snapshot.
    Service.objects.filter(pk=older.pk).delete()

    assert _ids(home, "lavterskel") == [newer.pk]
    response = Client().get("/sok/", {"kommune": home.number, "q": "lavterskel"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nyere tilbud" in html and "Eldre tilbud" not in html
    assert response.context["result"].total == 1


def test_a_deleted_service_leaves_the_unfiltered_list_too(home):
    gone = ServiceFactory(owner=home, name="Forsvinner")
    ServiceFactory(owner=home, name="Blir igjen")
    assert gone.pk in _ids(home)
    gone.delete()
    html = Client().get("/sok/", {"kommune": home.number}).content.decode()
    assert "Blir igjen" in html and "Forsvinner" not in html


def test_an_entry_saved_as_inactive_is_gone_from_the_next_search(home, admin):
    service = ServiceFactory(owner=home, name="Snart borte", description="Kveldsåpent.")
    assert _ids(home, "kveldsåpent") == [service.pk]
    service.status = Service.Status.INACTIVE
    service_save(service=service, actor=admin)
    assert _ids(home, "kveldsåpent") == []


def test_a_change_committed_after_a_later_one_is_noticed(home):
    """Its timestamp is older than the newest, so only the sum of the timestamps moves."""
    older = ServiceFactory(owner=home, name="Eldre tilbud", description="Kveldsåpent.")
    newer = ServiceFactory(owner=home, name="Nyere tilbud", description="Kveldsåpent.")
    start = timezone.now()
    Service.objects.filter(pk=older.pk).update(updated_at=start)
    Service.objects.filter(pk=newer.pk).update(updated_at=start + timedelta(seconds=10))
    assert set(_ids(home, "kveldsåpent")) == {older.pk, newer.pk}
    # Saved in a transaction that began before the newer entry's and committed after it.
    Service.objects.filter(pk=older.pk).update(
        status=Service.Status.INACTIVE, updated_at=start + timedelta(seconds=5)
    )

    assert _ids(home, "kveldsåpent") == [newer.pk]


def test_a_service_withdrawn_while_the_index_is_older_is_not_shown(home, settings):
    kept = ServiceFactory(owner=home, name="Blir vist", description="Kveldsåpent.")
    gone = ServiceFactory(owner=home, name="Trukket tilbake", description="Kveldsåpent.")
    assert set(_ids(home, "kveldsåpent")) == {kept.pk, gone.pk}
    settings.VERN_SNAPSHOT_SECONDS = 3600  # this process does not look again for an hour
    Service.objects.filter(pk=gone.pk).update(status=Service.Status.DEFUNCT)
    for prefix in ("", "/en"):  # a stored card, and a card rendered when shown
        html = Client().get(f"{prefix}/sok/", {"kommune": home.number, "q": "kveldsåpent"})
        assert "Blir vist" in html.content.decode()
        assert "Trukket tilbake" not in html.content.decode()


def test_a_deletion_waits_for_the_full_check_but_is_never_shown(home, settings):
    older = ServiceFactory(owner=home, name="Eldre tilbud", description="Kveldsåpent.")
    ServiceFactory(owner=home, name="Nyere tilbud", description="Kveldsåpent.")
    page = {"kommune": home.number, "q": "kveldsåpent"}
    assert Client().get("/sok/", page).context["result"].total == 2
    settings.VERN_SNAPSHOT_FULL_SECONDS = 3600  # only the quick check from now on
    Service.objects.filter(pk=older.pk).delete()

    response = Client().get("/sok/", page)
    assert "Eldre tilbud" not in response.content.decode()  # its card is not found
    assert "Nyere tilbud" in response.content.decode()

    settings.VERN_SNAPSHOT_FULL_SECONDS = 0
    assert Client().get("/sok/", page).context["result"].total == 1


# --- who is found ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "found"),
    [
        (Service.Status.ACTIVE, True),
        (Service.Status.TEMPORARILY_CLOSED, True),
        (Service.Status.INACTIVE, False),
        (Service.Status.DEFUNCT, False),
    ],
)
def test_only_active_and_temporarily_closed_services_are_found(home, status, found):
    local = ServiceFactory(owner=home, status=status, description="Statusprøve lokalt.")
    national = ServiceFactory(is_national=True, status=status, description="Statusprøve nasjonalt.")
    assert (local.pk in _ids(home, "statusprøve")) is found
    assert (local.pk in _ids(home)) is found  # without a query, too
    assert (national.pk in _ids(None, "statusprøve")) is found


def test_a_temporarily_closed_service_is_shown_and_says_so(home):
    service = ServiceFactory(
        owner=home,
        name="Sommerstengt",
        description="Statusprøve.",
        status=Service.Status.TEMPORARILY_CLOSED,
    )
    response = Client().get("/sok/", {"kommune": home.number, "q": "statusprøve"})
    html = response.content.decode()
    card = html[html.index(f'aria-labelledby="card-{service.pk}"') :]
    assert "Midlertidig stengt" in card[: card.index("</article>")]


def test_around_the_tiers(home, other):
    # An entry listing its own municipality among the areas it serves is local, once.
    own = ServiceFactory(owner=home, description="Nivåprøve.")
    own.areas.add(home, other)
    # A national entry listing areas stays national.
    national = ServiceFactory(is_national=True, description="Nivåprøve.")
    national.areas.add(home)
    # Another municipality's entry serving only itself is not offered here.
    theirs = ServiceFactory(owner=other, description="Nivåprøve.")
    theirs.areas.add(other)

    here = _search(home, "nivåprøve")
    assert here.rows == [(own.pk, Tier.LOCAL), (national.pk, Tier.NATIONAL)]
    there = _search(other, "nivåprøve")
    assert there.rows == [
        (theirs.pk, Tier.LOCAL),
        (own.pk, Tier.SHARED),
        (national.pk, Tier.NATIONAL),
    ]
    assert _search(None, "nivåprøve").rows == [(national.pk, Tier.NATIONAL)]


# --- filters ---------------------------------------------------------------------------


def _hours(service, weekday, opens, closes):
    Schedule.objects.create(
        service=service, weekday=weekday, opens_at=time(opens), closes_at=time(closes)
    )


def _terms(service, taxonomy, code):
    service.terms.add(term(taxonomy, code))
    index_service(service)


# (filters, what the passing entry gets, what the failing entry gets)
FILTER_CASES = {
    "free": ({"free": True}, {"is_free": True}, {"is_free": False}),
    "no_referral": (
        {"no_referral": True},
        {"referral": Service.Referral.NONE},
        {"referral": Service.Referral.REQUIRED, "referral_from": "fastlegen"},
    ),
    "acute": ({"acute": True}, {"acute": True}, {"acute": False}),
    "wheelchair": ({"wheelchair": True}, {"wheelchair_access": True}, {"wheelchair_access": False}),
    "pets": ({"pets": True}, {"pets_allowed": True}, {"pets_allowed": False}),
    "target_group": (
        {"target_group": "children"},
        lambda s: _terms(s, "target_group", "children"),
        lambda s: _terms(s, "target_group", "relatives"),
    ),
    "violence": (
        {"violence": "sexual"},
        lambda s: _terms(s, "violence", "sexual"),
        lambda s: _terms(s, "violence", "physical"),
    ),
    "language": (
        {"language": "so"},
        lambda s: ServiceLanguage.objects.create(service=s, code="so"),
        lambda s: ServiceLanguage.objects.create(service=s, code="ti"),
    ),
    "open_now_by_hours": (
        {"open_now": True},
        lambda s: _hours(s, 3, 11, 13),  # Wednesday 11–13
        lambda s: _hours(s, 3, 8, 12),  # closes at noon: closed at 12:00
    ),
    "open_now_day_and_night": (
        {"open_now": True},
        {"open_24_7": True},
        lambda s: _hours(s, 4, 11, 13),  # Thursday: not today
    ),
    "open_now_without_hours": ({"open_now": True}, {"open_24_7": True}, {}),
}


def _make(home, name, setup):
    values = setup if isinstance(setup, dict) else {}
    service = ServiceFactory(owner=home, name=name, description="Filterprøve.", **values)
    if callable(setup):
        setup(service)
    return service


@pytest.mark.parametrize("case", list(FILTER_CASES))
def test_each_filter_keeps_the_entries_that_pass_it(home, case):
    filters, passes, fails = FILTER_CASES[case]
    kept = _make(home, "Passer", passes)
    dropped = _make(home, "Passer ikke", fails)
    now = WEDNESDAY_NOON

    both = _search(home, "filterprøve", now=now).ids
    assert set(both) == {kept.pk, dropped.pk}  # the query alone finds both

    assert _search(home, "filterprøve", now=now, **filters).ids == [kept.pk]
    # Without a query too, where the filter is all that chooses.
    unfiltered = set(_search(home, "", now=now, **filters).ids)
    assert kept.pk in unfiltered and dropped.pk not in unfiltered


def test_filters_combine(home):
    both = _make(home, "Begge", {"is_free": True, "acute": True})
    _make(home, "Bare gratis", {"is_free": True, "acute": False})
    _make(home, "Bare akutt", {"is_free": False, "acute": True})
    assert _ids(home, "filterprøve", free=True, acute=True) == [both.pk]


def test_the_filters_on_the_page_use_the_index(home):
    kept = _make(home, "Med dyr", {"pets_allowed": True})
    _make(home, "Uten dyr", {"pets_allowed": False})
    response = Client().get("/sok/", {"kommune": home.number, "q": "filterprøve", "pets": "1"})
    assert response.context["result"].ids == [kept.pk]


# --- ranking ---------------------------------------------------------------------------


LONG = " ".join(["Vi tilbyr samtaler, veiledning og oppfølging for hele familien."] * 12)


def test_more_mentions_rank_higher_within_a_tier(home):
    # As long as each other, and alphabetically the other way round, so that only
    # the number of mentions can order them.
    often = ServiceFactory(
        owner=home, name="Ø-tilbudet", description="Parterapi, parterapi og parterapi."
    )
    once = ServiceFactory(owner=home, name="A-tilbudet", description="Parterapi, samtaler, kurs.")
    assert _ids(home, "parterapi") == [often.pk, once.pk]


def test_a_shorter_text_ranks_higher_within_a_tier(home):
    short = ServiceFactory(owner=home, name="Ø-kort", description="Parterapi.")
    long = ServiceFactory(owner=home, name="A-lang", description="Parterapi. " + LONG)
    assert _ids(home, "parterapi") == [short.pk, long.pk]


def test_relevance_orders_within_a_tier_never_across(home, other):
    best_national = ServiceFactory(
        is_national=True, name="A-nasjonal", description="Parterapi parterapi parterapi."
    )
    shared = ServiceFactory(owner=other, name="A-delt", description="Parterapi parterapi.")
    shared.areas.add(home)
    weak_local = ServiceFactory(owner=home, name="Ø-lokal", description="Parterapi. " + LONG)
    strong_local = ServiceFactory(owner=home, name="Å-lokal", description="Parterapi parterapi.")

    result = _search(home, "parterapi")

    assert result.rows == [
        (strong_local.pk, Tier.LOCAL),
        (weak_local.pk, Tier.LOCAL),
        (shared.pk, Tier.SHARED),
        (best_national.pk, Tier.NATIONAL),
    ]


def test_equal_relevance_falls_back_to_the_name(home):
    second = ServiceFactory(owner=home, name="Bjørketun", description="Parterapi.")
    first = ServiceFactory(owner=home, name="Askeladden", description="Parterapi.")
    third = ServiceFactory(owner=home, name="Ærfugl", description="Parterapi.")
    assert _ids(home, "parterapi") == [first.pk, second.pk, third.pk]


def test_without_a_query_entries_come_by_tier_then_name(home, other):
    ServiceFactory(owner=home, name="Ørneredet")
    ServiceFactory(owner=home, name="Aspelund")
    shared = ServiceFactory(owner=other, name="Aaa delt")
    shared.areas.add(home)
    result = _search(home)
    local = [pk for pk, tier in result.rows if tier == Tier.LOCAL]
    names = dict(Service.objects.filter(pk__in=local).values_list("pk", "name"))
    assert [names[pk] for pk in local] == ["Aspelund", "Ørneredet"]
    assert result.rows[2] == (shared.pk, Tier.SHARED)


# --- refreshing after a change ------------------------------------------------------------


def _lists(by_municipality: dict) -> dict:
    return {
        number: {e.pk for e in entries} for number, entries in by_municipality.items() if entries
    }


def test_a_refreshed_index_is_the_index_built_afresh(home, other, admin):
    from vern.guide.index import GuideIndex

    kept = ServiceFactory(owner=home, name="Uendret", description="Samtaler.")
    edited = ServiceFactory(owner=home, name="Endres", description="Samtaler.")
    deleted = ServiceFactory(owner=home, name="Slettes", description="Samtaler.")
    hidden = ServiceFactory(owner=home, name="Skjult", status=Service.Status.INACTIVE)
    shared = ServiceFactory(owner=other, name="Delt", description="Felles tilbud.")
    before = GuideIndex.build()
    assert kept.pk in before.entries and hidden.pk not in before.entries

    edited.name, edited.description = "Endret navn", "Nye ord om sinnemestring."
    service_save(
        service=edited,
        actor=admin,
        related=ServiceRelated(
            terms=[term("target_group", "perpetrators")],
            languages=["nb", "so"],
            schedules=[{"weekday": 2, "opens_at": "09:00", "closes_at": "15:00"}],
        ),
    )
    Service.objects.filter(pk=deleted.pk).delete()
    hidden.status = Service.Status.ACTIVE
    service_save(service=hidden, actor=admin)
    shared.areas.set([other, home])
    Service.objects.filter(pk=shared.pk).update(updated_at=timezone.now())
    ServiceFactory(owner=other, name="Ny", description="Nytt tilbud.")

    refreshed, fresh = before.refreshed(), GuideIndex.build()

    assert refreshed.entries == fresh.entries
    assert refreshed.stamps == fresh.stamps
    assert _lists(refreshed.owned) == _lists(fresh.owned)
    assert _lists(refreshed.served) == _lists(fresh.served)
    assert {e.pk for e in refreshed.national} == {e.pk for e in fresh.national}
    assert fresh.words <= refreshed.words and "sinnemestring" in refreshed.words
    assert shared.pk in {e.pk for e in refreshed.served[home.pk]}
    assert before.entries[kept.pk] is refreshed.entries[kept.pk]  # untouched entries are kept


def _as_in_the_database(service: Service) -> dict:
    return {
        "terms": frozenset(service.terms.values_list("pk", flat=True)),
        "languages": frozenset(service.languages.values_list("code", flat=True)),
        "hours": tuple(sorted(service.schedules.values_list("weekday", "opens_at", "closes_at"))),
        "areas": tuple(sorted(service.areas.values_list("pk", flat=True))),
    }


def _as_in_the_index(entry) -> dict:
    return {
        "terms": entry.terms,
        "languages": entry.languages,
        "hours": entry.hours,
        "areas": entry.areas,
    }


def test_each_entry_holds_its_own_related_rows_read_a_batch_at_a_time(
    home, other, admin, monkeypatch
):
    """The directory is read table by table in the order of service ids, a few
    rows at a time; every entry must still get exactly its own terms, languages,
    hours and areas, also next to services that are not public or have none."""
    from vern.guide import index as index_module
    from vern.guide.index import GuideIndex

    monkeypatch.setattr(index_module, "FETCH", 2)
    groups = ["exposed", "perpetrators", "relatives"]
    languages = ["nb", "en", "so", "uk", "pl"]
    services = []
    for n in range(12):
        service = ServiceFactory(
            owner=home if n % 2 else other,
            name=f"Tilbud {n}",
            status=Service.Status.INACTIVE if n % 5 == 4 else Service.Status.ACTIVE,
        )
        service_save(
            service=service,
            actor=admin,
            related=ServiceRelated(
                terms=[term("target_group", code) for code in groups[: n % 4]],
                languages=languages[: n % 5],
                schedules=[
                    {"weekday": day, "opens_at": f"0{8 + n % 2}:00", "closes_at": "15:00"}
                    for day in range(1, 1 + n % 3)
                ],
            ),
        )
        service.areas.set([home, other][: n % 3])
        services.append(service)

    built = GuideIndex.build()
    for service in services:
        if service.status == Service.Status.INACTIVE:
            assert service.pk not in built.entries
        else:
            assert _as_in_the_index(built.entries[service.pk]) == _as_in_the_database(service)

    some = frozenset(s.pk for s in services[3:9])
    updated = built.updated(some)
    for service in services:
        if service.status != Service.Status.INACTIVE:
            assert _as_in_the_index(updated.entries[service.pk]) == _as_in_the_database(service)
    # Every table was read to its end: no cursor is left open.
    assert index_module.GuideIndex.build().entries == built.entries


def test_refreshing_an_unchanged_index_reads_only_the_timestamps(home, django_assert_num_queries):
    from vern.guide.index import GuideIndex

    ServiceFactory(owner=home, name="Uendret")
    index = GuideIndex.build()
    with django_assert_num_queries(1):
        assert index.refreshed() is index


def test_a_renamed_organisation_is_found_by_its_new_name(home, admin):
    from vern.directory.services import organization_save

    service = ServiceFactory(owner=home, name="Samtaletilbud", description="Samtaler.")
    assert _ids(home, "kveldsro") == []
    organization = service.organization
    organization.name = "Kveldsro senter"
    organization_save(organization=organization, actor=admin)
    assert _ids(home, "kveldsro") == [service.pk]


def test_an_update_keeps_only_the_key_services_it_cannot_have_changed(
    home, other, admin, django_capture_on_commit_callbacks
):
    """After an edit, a municipality's key services are the ones worked out afresh;
    those of municipalities the edited entry is not for are not worked out again."""
    from tests.factories import MunicipalityFactory
    from vern.directory.services.entries import service_update
    from vern.guide.index import GuideIndex, guide_index
    from vern.guide.selectors import key_services

    third = MunicipalityFactory(number="9803", name="Tredjeby")
    with django_capture_on_commit_callbacks(execute=True):  # in the change log before the build
        ours = ServiceFactory(owner=home, name="Heimby krisesenter", acute=True)
        shared = ServiceFactory(owner=other, name="Felles familievern")
        shared.areas.add(home)
        ServiceFactory(owner=third, name="Tredjeby helsestasjon")
    for municipality in (home, other, third):
        key_services(municipality)
    before = guide_index()

    # The shared service (owned by other, serving home) is renamed: both its
    # municipalities' lists are worked out again, the third's is kept.
    shared = Service.objects.get(pk=shared.pk)
    shared.name = "Aller først familievern"
    with django_capture_on_commit_callbacks(execute=True):
        service_update(service=shared, actor=admin)
    after = guide_index()
    assert after is not before
    kept = {key[1] for key in after._kept if key[0] == "key_services"}
    assert kept == {third.pk}

    fresh = GuideIndex.build()
    for municipality in (home, other, third):
        assert key_services(municipality) == list(
            fresh.kept(
                ("key_services", municipality.pk), lambda m=municipality: _fresh_keys(fresh, m)
            )
        )
    assert key_services(home)[:2] == [ours.pk, shared.pk]


def _fresh_keys(index, municipality):
    found = index.candidates(municipality.pk, Filters(), now=timezone.now())
    found = [pair for pair in found if pair[1] != Tier.NATIONAL]
    found.sort(key=lambda p: (p[1], not p[0].acute, not p[0].open_24_7, p[0].sort_key))
    return tuple(entry.pk for entry, _tier in found)
