"""The API's pages of services, kept per saved version of each service
(``vern.guide.api.basic``): a page seen before reads no service rows, and what a
page shows is never older than the entries it lists."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.directory.factories import ServiceFactory
from vern.directory.models import Service
from vern.directory.services import organization_save, service_update

API = "/api/hsds/services"


pytestmark = pytest.mark.usefixtures("api_unlimited")


def _page(**params) -> tuple[dict, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(API, params)
    assert response.status_code == 200, response.content[:300]
    return response.json(), [q["sql"] for q in captured]


def _reads_service_rows(sql: list[str]) -> bool:
    """Whether a query made services into objects (the ORM names every column)."""
    return any('"directory_service"."description"' in q for q in sql)


@pytest.mark.parametrize("params", [{"search": "sjøormvakt"}, {}])
def test_a_page_seen_before_reads_no_service_rows(home, params):
    for n in range(3):
        ServiceFactory(owner=home, name=f"Sjøormvakt {n}", description="Sjøormvakt om natta.")
    first, sql = _page(**params)
    assert first["size"] >= 3 and _reads_service_rows(sql)

    again, sql = _page(**params)

    assert again == first
    assert not _reads_service_rows(sql)


def test_an_edit_shows_at_once(home, admin):
    service = ServiceFactory(owner=home, name="Sjøormvakta", description="Sjøormvakt.")
    before, _ = _page(search="sjøormvakt")
    assert before["contents"][0]["description"] == "Sjøormvakt."

    service = Service.objects.get(pk=service.pk)
    service.description = "Sjøormvakt, nå også om dagen."
    service_update(service=service, actor=admin)

    after, sql = _page(search="sjøormvakt")
    assert after["contents"][0]["description"] == "Sjøormvakt, nå også om dagen."
    assert _reads_service_rows(sql)


def test_a_renamed_organisation_shows_its_new_name(home, admin):
    service = ServiceFactory(owner=home, name="Sjøormvakta", description="Sjøormvakt.")
    before, _ = _page(search="sjøormvakt")
    assert before["contents"][0]["organization"]["name"] == service.organization.name

    organization = service.organization
    organization.name = "Nytt navn på organisasjonen"
    organization_save(organization=organization, actor=admin)

    after, _ = _page(search="sjøormvakt")
    assert after["contents"][0]["organization"]["name"] == "Nytt navn på organisasjonen"


def test_a_service_withdrawn_after_its_page_was_kept_is_left_out(home, settings):
    settings.VERN_SNAPSHOT_SECONDS = 60  # the index still lists it
    withdrawn = ServiceFactory(owner=home, name="Sjøormvakt A", description="Sjøormvakt.")
    kept = ServiceFactory(owner=home, name="Sjøormvakt B", description="Sjøormvakt.")
    before, _ = _page(search="sjøormvakt")
    assert {s["id"] for s in before["contents"]} == {str(withdrawn.pk), str(kept.pk)}

    Service.objects.filter(pk=withdrawn.pk).update(status=Service.Status.INACTIVE)

    after, _ = _page(search="sjøormvakt")
    assert [s["id"] for s in after["contents"]] == [str(kept.pk)]
