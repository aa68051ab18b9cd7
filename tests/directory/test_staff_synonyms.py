"""The synonym list: edited by national editors and municipal administrators, used at once."""

import pytest
from django.urls import reverse

from tests.directory.factories import ServiceFactory
from tests.factories import MembershipFactory, UserFactory
from vern.audit.models import AuditEntry
from vern.core.models import Role
from vern.directory.models import Synonym
from vern.guide.selectors import Filters, guide_search


def formset_data(synonyms, *extra) -> dict:
    rows = [(s.pk, s.term, s.expands_to) for s in synonyms] + [(None, t, e) for t, e in extra]
    data = {
        "synonyms-TOTAL_FORMS": str(len(rows)),
        "synonyms-INITIAL_FORMS": str(len(synonyms)),
        "synonyms-MIN_NUM_FORMS": "0",
        "synonyms-MAX_NUM_FORMS": "1000",
    }
    for index, (pk, term, expands_to) in enumerate(rows):
        data[f"synonyms-{index}-id"] = str(pk) if pk else ""
        data[f"synonyms-{index}-term"] = term
        data[f"synonyms-{index}-expands_to"] = expands_to
    return data


def _search(municipality, query):
    return [
        s.name
        for s in guide_search(municipality=municipality, query=query, filters=Filters()).services
    ]


def test_an_admin_adds_a_synonym_and_search_uses_it_at_once(home, admin, login):
    ServiceFactory(owner=home, name="Sinnemestring Heimby", description="Kurs for voksne.")
    # A word neither the directory nor the guide's lexicon knows.
    assert _search(home, "raseriutbrudd") == []
    existing = list(Synonym.objects.order_by("term"))
    response = login(admin).post(
        reverse("directory:synonyms"), formset_data(existing, ("Raseriutbrudd", "sinnemestring"))
    )
    assert response.status_code == 302
    assert Synonym.objects.get(term="raseriutbrudd").expands_to == "sinnemestring"
    assert "Sinnemestring Heimby" in _search(home, "raseriutbrudd")
    assert AuditEntry.objects.for_system("test").filter(
        code="directory.synonym.create", actor=admin
    )


def test_a_synonym_can_be_changed_and_deleted(admin, login):
    one = Synonym.objects.create(term="zzjuling", expands_to="vold")
    two = Synonym.objects.create(term="zzslått", expands_to="vold")
    existing = list(Synonym.objects.order_by("term"))
    data = formset_data(existing)
    index_one = existing.index(one)
    index_two = existing.index(two)
    data[f"synonyms-{index_one}-expands_to"] = "vold, mishandling"
    data[f"synonyms-{index_two}-DELETE"] = "on"
    response = login(admin).post(reverse("directory:synonyms"), data)
    assert response.status_code == 302
    assert Synonym.objects.get(pk=one.pk).expands_to == "vold mishandling"
    assert not Synonym.objects.filter(pk=two.pk).exists()


def test_a_search_word_must_be_one_word(admin, login):
    response = login(admin).post(
        reverse("directory:synonyms"), formset_data([], ("to ord", "vold"))
    )
    assert response.status_code == 200
    assert not Synonym.objects.filter(term="to ord").exists()


def test_a_national_editor_may_edit_synonyms(db, login):
    national = UserFactory()
    MembershipFactory(user=national, municipality=None, role=Role.NATIONAL)
    assert login(national).get(reverse("directory:synonyms")).status_code == 200


@pytest.mark.parametrize("person", ["coordinator", "reader"])
def test_other_roles_may_not(person, request, login):
    user = request.getfixturevalue(person)
    assert login(user).get(reverse("directory:synonyms")).status_code == 403


def test_a_synonym_can_tie_a_word_to_a_situation_the_guide_knows(home, admin, login):
    """Issue 13: the municipality extends the guide's lexicon through its synonyms."""
    from vern.guide.snapshot import snapshot
    from vern.guide.understanding import understand

    assert "sexual_violence" not in understand("sextortion").concepts
    existing = list(Synonym.objects.order_by("term"))
    response = login(admin).post(
        reverse("directory:synonyms"),
        formset_data(existing, ("sextortion", "overgrep, #sexual_violence")),
    )
    assert response.status_code == 302
    assert Synonym.objects.get(term="sextortion").expands_to == "overgrep #sexual_violence"
    snapshot.check()  # as every guide page does
    assert "sexual_violence" in understand("sextortion").concepts


def test_an_unknown_situation_is_refused_with_the_known_ones(home, admin, login):
    existing = list(Synonym.objects.order_by("term"))
    response = login(admin).post(
        reverse("directory:synonyms"), formset_data(existing, ("sextortion", "#sextortion"))
    )
    assert response.status_code == 200
    assert not Synonym.objects.filter(term="sextortion").exists()
    assert "#sextortion" in response.content.decode()
    assert "#sexual_violence" in response.content.decode()
