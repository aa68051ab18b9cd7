"""Two people edit one plan measure at once: the second save is refused with the changes
shown, overwrites nothing, and goes through when made again on the new version."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests.plans.factories import PlanFactory, PlanMeasureFactory
from vern.plans.models import PlanMeasure


@pytest.fixture
def plan_measure(home):
    return PlanMeasureFactory(
        plan=PlanFactory(municipality=home, adopted=True),
        partners="Politiet",
        description="Kurs for alle skoler.",
    )


def _form_data(response, **overrides) -> dict:
    """The measure's edit form in ``response`` as the browser would send it back."""
    form = response.context["forms"]["update"]
    data = {"action": "update"}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else getattr(value, "isoformat", lambda v=value: v)()
    data.update(overrides)
    return data


def test_the_second_of_two_concurrent_measure_edits_is_refused_with_the_changes_shown(
    plan_measure, admin, coordinator, login
):
    url = reverse("plans:plan_measure_detail", args=[plan_measure.pk])
    first, second = login(admin), login(coordinator)
    first_page, second_page = first.get(url), second.get(url)

    saved = first.post(url, _form_data(first_page, status="in_progress", due_on="2027-06-30"))
    assert saved.status_code == 302

    refused = second.post(url, _form_data(second_page, partners="Politiet og barnevernet"))
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Noen andre lagret mens du redigerte" in page
    assert "Dette ble endret mens du redigerte" in page
    table = page[page.index('id="stale-version"') :]
    table = table[: table.index("</table>")]
    assert "Status" in table and "Ikke startet" in table and "Pågår" in table
    assert "Frist" in table
    assert admin.full_name in table
    assert "Partners" not in table and "Samarbeidspartnere" not in table
    # Nothing of the coordinator's was saved; the administrator's save stands.
    saved_now = PlanMeasure.objects.get(pk=plan_measure.pk)
    assert (saved_now.partners, saved_now.status, saved_now.due_on, saved_now.version) == (
        "Politiet",
        "in_progress",
        date(2027, 6, 30),
        2,
    )

    # Saving again from the page shown: the coordinator's partners on top of
    # the administrator's status and due date.
    form = refused.context["forms"]["update"]
    assert form["status"].value() == "in_progress"
    assert form["partners"].value() == "Politiet og barnevernet"
    again = second.post(url, _form_data(refused))
    assert again.status_code == 302
    saved_now.refresh_from_db()
    assert (saved_now.partners, saved_now.status, saved_now.due_on, saved_now.version) == (
        "Politiet og barnevernet",
        "in_progress",
        date(2027, 6, 30),
        3,
    )


def test_a_measure_edit_without_a_concurrent_save_goes_through(plan_measure, coordinator, login):
    url = reverse("plans:plan_measure_detail", args=[plan_measure.pk])
    client = login(coordinator)
    response = client.post(url, _form_data(client.get(url), partners="NAV"))
    assert response.status_code == 302
    saved = PlanMeasure.objects.get(pk=plan_measure.pk)
    assert (saved.partners, saved.version) == ("NAV", 2)
