from django.urls import reverse

from tests.factories import UnitFactory
from vern.audit.models import AuditEntry
from vern.core.models import Unit


def test_admin_adds_a_unit_and_it_is_audited(home, admin, login):
    client = login(admin)
    response = client.post(reverse("core:unit_create"), {"kind": "school", "name": " Nyskolen "})
    assert response.status_code == 302
    unit = Unit.objects.get(municipality=home, name="Nyskolen")
    assert (
        AuditEntry.objects.for_system("test")
        .filter(code="core.unit.create", object_id=str(unit.pk))
        .exists()
    )


def test_duplicate_unit_name_is_refused_in_norwegian(home, admin, login):
    UnitFactory(municipality=home, name="Bakken skole")
    response = login(admin).post(
        reverse("core:unit_create"), {"kind": "school", "name": "Bakken skole"}
    )
    assert response.status_code == 200
    assert "finnes allerede" in response.content.decode()
    assert Unit.objects.filter(municipality=home, name="Bakken skole").count() == 1


def test_the_same_unit_name_is_allowed_in_another_municipality(home, other, admin, login):
    UnitFactory(municipality=other, name="Bakken skole")
    response = login(admin).post(
        reverse("core:unit_create"), {"kind": "school", "name": "Bakken skole"}
    )
    assert response.status_code == 302


def test_reader_sees_units_but_cannot_add(home, reader, login):
    UnitFactory(municipality=home, name="Synlig skole")
    client = login(reader)
    assert "Synlig skole" in client.get(reverse("core:unit_list")).content.decode()
    assert client.get(reverse("core:unit_create")).status_code == 403


def test_unit_list_shows_only_own_municipality(home, other, reader, login):
    UnitFactory(municipality=other, name="Fremmed skole")
    assert "Fremmed skole" not in login(reader).get(reverse("core:unit_list")).content.decode()


def test_edit_and_delete_with_confirmation(home, admin, login):
    unit = UnitFactory(municipality=home, name="Gammelt navn")
    client = login(admin)
    client.post(reverse("core:unit_edit", args=[unit.pk]), {"kind": "nav", "name": "Nytt navn"})
    unit.refresh_from_db()
    assert (unit.kind, unit.name) == ("nav", "Nytt navn")
    confirm = client.get(reverse("core:unit_delete", args=[unit.pk]))
    assert confirm.status_code == 200 and Unit.objects.filter(pk=unit.pk).exists()
    client.post(reverse("core:unit_delete", args=[unit.pk]))
    assert not Unit.objects.filter(pk=unit.pk).exists()
    assert (
        AuditEntry.objects.for_system("test")
        .filter(code="core.unit.delete", object_id=str(unit.pk))
        .exists()
    )


def test_outsider_cannot_edit_a_unit_by_post(home, outsider, login):
    unit = UnitFactory(municipality=home, name="Urørt")
    response = login(outsider).post(
        reverse("core:unit_edit", args=[unit.pk]), {"kind": "nav", "name": "Hacket"}
    )
    assert response.status_code == 404
    unit.refresh_from_db()
    assert unit.name == "Urørt"


def test_the_units_are_listed_fifty_to_a_page(home, reader, login):
    for n in range(60):
        UnitFactory(municipality=home, kind=Unit.Kind.SCHOOL, name=f"Skole {n:02}")
    client = login(reader)
    first = client.get(reverse("core:unit_list")).content.decode()
    second = client.get(reverse("core:unit_list"), {"side": "2"}).content.decode()
    assert "Side 1 av 2" in first and "?side=2" in first
    assert "Side 2 av 2" in second and "?side=1" in second
    for n in range(60):
        name = f"<td>Skole {n:02}</td>"
        assert (name in first) != (name in second)
