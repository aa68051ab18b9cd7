"""Two people edit one service at once: the second save is refused, shows what changed,
and can be made again on top of the version saved now."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.directory.factories import OrganizationFactory, ServiceFactory
from tests.directory.test_staff_services import service_data
from vern.directory.models import Service


@pytest.fixture
def entry(home):
    organization = OrganizationFactory(owner=home, name="Heimby krisesenter")
    return ServiceFactory(
        owner=home,
        organization=organization,
        name="Krisesenteret i Heimby",
        description="Trygt sted å bo for deg som er utsatt for vold.",
    )


def _hidden(response) -> dict:
    """The version fields of the edit form in ``response``, as the browser sends them."""
    form = response.context["form"]
    return {name: form[name].value() for name in ("version", "seen_values")}


def test_the_second_of_two_concurrent_edits_is_refused_with_the_changes_shown(
    entry, admin, coordinator, login
):
    url = reverse("directory:service_edit", args=[entry.pk])
    first, second = login(admin), login(coordinator)
    first_seen = _hidden(first.get(url))
    second_seen = _hidden(second.get(url))
    assert first_seen["version"] == second_seen["version"] == 1

    saved = first.post(
        url,
        {
            **service_data(entry.organization, description="Nytt: også plass til menn."),
            **first_seen,
        },
    )
    assert saved.status_code == 302

    refused = second.post(
        url,
        {
            **service_data(entry.organization, name="Krisesenteret for Heimby og Annenby"),
            **second_seen,
        },
    )
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Noen andre lagret mens du redigerte" in page
    assert "Ingenting av ditt ble lagret" in page
    assert "Dette ble endret mens du redigerte" in page
    # The description row: the label, what the coordinator saw, what is saved now, by whom.
    assert "Hva tjenesten tilbyr" in page
    assert "Trygt sted å bo for deg som er utsatt for vold." in page
    assert "Nytt: også plass til menn." in page
    assert admin.full_name in page
    # Nothing of the coordinator's was saved; nothing of the administrator's overwritten.
    service = Service.objects.get(pk=entry.pk)
    assert service.name == "Krisesenteret i Heimby"
    assert service.description == "Nytt: også plass til menn."
    assert service.version == 2

    # The form keeps the coordinator's name, takes the saved description the
    # coordinator had not touched, and carries the new version.
    form = refused.context["form"]
    assert form["name"].value() == "Krisesenteret for Heimby og Annenby"
    assert form["description"].value() == "Nytt: også plass til menn."
    again = _hidden(refused)
    assert again["version"] == "2"

    resubmitted = second.post(
        url,
        {
            **service_data(
                entry.organization,
                name=form["name"].value(),
                description=form["description"].value(),
            ),
            **again,
        },
    )
    assert resubmitted.status_code == 302
    service.refresh_from_db()
    assert service.name == "Krisesenteret for Heimby og Annenby"
    assert service.description == "Nytt: også plass til menn."
    assert service.version == 3


def test_a_field_both_changed_keeps_the_second_persons_input_and_is_marked(
    entry, admin, coordinator, login
):
    url = reverse("directory:service_edit", args=[entry.pk])
    first, second = login(admin), login(coordinator)
    first_seen, second_seen = _hidden(first.get(url)), _hidden(second.get(url))
    first.post(
        url, {**service_data(entry.organization, name="Administratorens navn"), **first_seen}
    )
    refused = second.post(
        url, {**service_data(entry.organization, name="Koordinatorens navn"), **second_seen}
    )
    assert refused.status_code == 200
    assert refused.context["form"]["name"].value() == "Koordinatorens navn"
    assert "Din verdi: du endret også dette." in refused.content.decode()
    assert Service.objects.get(pk=entry.pk).name == "Administratorens navn"


def test_an_edit_without_a_concurrent_save_goes_through(entry, coordinator, login):
    url = reverse("directory:service_edit", args=[entry.pk])
    client = login(coordinator)
    seen = _hidden(client.get(url))
    response = client.post(url, {**service_data(entry.organization, name="Nytt navn"), **seen})
    assert response.status_code == 302
    assert Service.objects.get(pk=entry.pk).version == 2
