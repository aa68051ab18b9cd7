"""The default synonym list shipped by data migration."""

import importlib

import pytest

from tests.directory.factories import ServiceFactory
from vern.directory.models import Synonym
from vern.directory.search import words
from vern.guide.query import plan_query
from vern.guide.selectors import Filters, guide_search

migration = importlib.import_module("vern.directory.migrations.0005_synonyms")


def test_at_least_25_synonyms_are_there(db):
    assert Synonym.objects.count() >= 25
    assert Synonym.objects.count() >= len(migration.SYNONYMS)


def test_keys_are_single_lower_case_words():
    keys = [term for term, _ in migration.SYNONYMS]
    assert len(keys) == len(set(keys))
    for term, expands_to in migration.SYNONYMS:
        assert term == term.casefold().strip()
        assert words(term) == [term], term  # search looks synonyms up one word at a time
        assert words(expands_to), term


@pytest.mark.parametrize(
    ("typed", "finds"),
    [
        ("slått", "vold"),
        ("juling", "vold"),
        ("banket", "vold"),
        ("mishandling", "vold"),
        ("tvangsgifte", "tvangsekteskap"),
        ("tvangsgiftet", "tvangsekteskap"),
        ("sinne", "sinnemestring"),
        ("sint", "sinnemestring"),
        ("kontroll", "sosial"),
        ("voldtatt", "overgrep"),
        ("voldtekt", "overgrep"),
        ("krisesentre", "krisesenter"),
        ("familievern", "familievernkontor"),
        ("parterapi", "familievernkontor"),
        ("omskjæring", "kjønnslemlestelse"),
        ("æresvold", "æresrelatert"),
        ("barnevern", "barnevernstjenesten"),
    ],
)
def test_the_query_plan_expands_common_words(db, typed, finds):
    plan = plan_query(typed)
    assert finds in plan.all_words()


def test_an_edited_synonym_is_not_overwritten(db):
    from django.apps import apps

    Synonym.objects.filter(term="juling").update(expands_to="vold slag")
    migration.load(apps, None)
    assert Synonym.objects.get(term="juling").expands_to == "vold slag"


def test_a_word_people_use_finds_the_service(home):
    service = ServiceFactory(
        owner=home, name="Samtaletilbudet", description="Hjelp ved tvangsekteskap."
    )
    result = guide_search(municipality=home, query="tvangsgiftet", filters=Filters())
    # The first of the municipality's own (a national team may come first as the best match).
    assert next(s for s in result.services if s.owner_id == home.pk).pk == service.pk
