from django.urls import reverse

from vern.audit.services import log_action


def test_admin_browses_and_filters_the_log(home, admin, coordinator, login):
    log_action(actor=coordinator, action="update", code="core.unit.update", municipality=home)
    log_action(actor=admin, action="create", code="core.unit.create", municipality=home)
    client = login(admin)
    page = client.get(reverse("audit:entry_list"), {"action": "update"}).content.decode()
    assert "core.unit.update" in page and "core.unit.create" not in page
    page = client.get(reverse("audit:entry_list"), {"actor": coordinator.pk}).content.decode()
    assert "core.unit.update" in page and "core.unit.create" not in page


def test_log_shows_only_own_municipality(home, other, admin, outsider, login):
    log_action(actor=outsider, action="create", code="secret.other.create", municipality=other)
    page = login(admin).get(reverse("audit:entry_list")).content.decode()
    assert "secret.other.create" not in page


def test_bad_date_range_is_explained(home, admin, login):
    response = login(admin).get(
        reverse("audit:entry_list"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert response.status_code == 200
    assert 'id="id_date_to_error"' in response.content.decode()


def test_log_is_paginated(home, admin, login):
    for i in range(60):
        log_action(actor=admin, action="read", code=f"bulk.{i}.read", municipality=home)
    client = login(admin)
    first = client.get(reverse("audit:entry_list")).content.decode()
    second = client.get(reverse("audit:entry_list"), {"side": 2}).content.decode()
    assert "bulk.59.read" in first and "bulk.0.read" not in first
    assert "bulk.0.read" in second


def test_only_admins_see_the_log(reader, login):
    assert login(reader).get(reverse("audit:entry_list")).status_code == 403


def test_detail_shows_the_entry(home, admin, login):
    entry = log_action(actor=admin, action="read", code="x.read", municipality=home)
    page = login(admin).get(reverse("audit:entry_detail", args=[entry.pk])).content.decode()
    assert entry.hash in page
