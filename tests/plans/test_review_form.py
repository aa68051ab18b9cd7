"""The six-monthly review form: facts per measure, answers from the status, reasons where needed,
and a saved review that can be corrected until the next one."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import UnitFactory
from tests.plans.factories import PlanFactory, PlanMeasureFactory, catalogue
from vern.audit.models import AuditEntry
from vern.plans.models import PlanMeasure, Review

Status = PlanMeasure.Status


@pytest.fixture
def plan(home, clock):
    clock(date(2026, 8, 20))
    return PlanFactory(municipality=home, adopted=True)


def _pm(plan, code, **fields):
    return PlanMeasureFactory(plan=plan, measure=catalogue(code), **fields)


def _answers(response) -> dict:
    """The form as a browser would send it untouched: the pre-filled answers."""
    data = {"kind": "half_year", "held_on": "2026-08-20", "summary": ""}
    for row in response.context["rows"]:
        form = row["form"]
        for name in ("started", "as_planned"):
            if form[name].value():
                data[form.add_prefix(name)] = "on"
        for name in ("not_done", "why"):
            data[form.add_prefix(name)] = form[name].value() or ""
    return data


def test_each_measure_shows_status_owner_and_deadline(plan, coordinator, login):
    unit = UnitFactory(municipality=plan.municipality, name="Barnevernet")
    _pm(
        plan,
        "F7",
        status=Status.IN_PROGRESS,
        responsible_unit=unit,
        responsible_person=coordinator,
        due_on=date(2026, 6, 30),
    )
    html = login(coordinator).get(reverse("plans:review_create", args=[plan.pk])).content.decode()
    assert "Barnevernet" in html
    assert coordinator.full_name in html
    assert "30. juni 2026" in html
    assert "Over fristen" in html


def test_answers_start_from_the_status_and_only_the_needed_reasons_are_asked(
    plan, coordinator, login
):
    measures = {
        "F1": _pm(plan, "F1", status=Status.NOT_STARTED, start_on=date(2027, 1, 1)),
        "F2": _pm(plan, "F2", status=Status.IN_PROGRESS, due_on=date(2027, 6, 30)),
        "F3": _pm(plan, "F3", status=Status.DONE),
        "F4": _pm(plan, "F4", status=Status.IN_PROGRESS, due_on=date(2026, 6, 1)),
        "F5": _pm(plan, "F5", status=Status.PAUSED, status_reason="Ingen midler i år"),
    }
    client = login(coordinator)
    response = client.get(reverse("plans:review_create", args=[plan.pk]))
    forms = {row["pm"].measure.code: row["form"] for row in response.context["rows"]}
    started = {code: bool(form["started"].value()) for code, form in forms.items()}
    as_planned = {code: bool(form["as_planned"].value()) for code, form in forms.items()}
    assert started == {"F1": False, "F2": True, "F3": True, "F4": True, "F5": True}
    assert as_planned == {"F1": True, "F2": True, "F3": True, "F4": False, "F5": False}
    assert forms["F5"]["why"].value() == "Ingen midler i år"

    refused = client.post(reverse("plans:review_create", args=[plan.pk]), _answers(response))
    assert refused.status_code == 200
    errors = {row["pm"].measure.code: set(row["form"].errors) for row in refused.context["rows"]}
    # Only the overdue measure (what and why) and the paused one (what) need words.
    assert errors == {
        "F1": set(),
        "F2": set(),
        "F3": set(),
        "F4": {"not_done", "why"},
        "F5": {"not_done"},
    }
    assert not Review.objects.exists()
    html = refused.content.decode()
    summary = html[html.index('class="ds-error-summary') :]
    for code, field in (("F4", "not_done"), ("F4", "why"), ("F5", "not_done")):
        anchor = f'href="#id_item-{measures[code].pk}-{field}"'
        assert anchor in summary
        assert f'id="id_item-{measures[code].pk}-{field}_error"' in html


def test_a_report_that_contradicts_the_status_needs_a_reason(plan, coordinator, login):
    pm = _pm(plan, "F7", status=Status.NOT_STARTED)
    url = reverse("plans:review_create", args=[plan.pk])
    client = login(coordinator)
    data = {
        "kind": "half_year",
        "held_on": "2026-08-20",
        f"item-{pm.pk}-started": "on",
        f"item-{pm.pk}-as_planned": "on",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "why" in refused.context["rows"][0]["form"].errors
    assert f'href="#id_item-{pm.pk}-why"' in refused.content.decode()
    assert not Review.objects.exists()

    data[f"item-{pm.pk}-why"] = "Oppstartsmøtet ble holdt i juni; status er ikke oppdatert."
    assert client.post(url, data).status_code == 302
    item = Review.objects.get().items.get()
    assert item.started and item.why.startswith("Oppstartsmøtet")


def test_the_service_refuses_a_contradiction_without_a_reason(plan, coordinator):
    from django.core.exceptions import ValidationError

    from vern.plans import services

    pm = _pm(plan, "F7", status=Status.DONE)
    with pytest.raises(ValidationError) as exc:
        services.review_record(
            plan=plan,
            actor=coordinator,
            kind="half_year",
            held_on=date(2026, 8, 20),
            summary="",
            items=[
                {
                    "plan_measure": pm,
                    "started": False,
                    "as_planned": True,
                    "not_done": "",
                    "why": "",
                }
            ],
        )
    assert f"{pm.pk}:why" in exc.value.message_dict
    assert not Review.objects.exists()


def _record(client, plan, pm, **answer):
    data = {"kind": "half_year", "held_on": "2026-08-20", "summary": "Første"}
    data.update({f"item-{pm.pk}-{name}": value for name, value in answer.items()})
    response = client.post(reverse("plans:review_create", args=[plan.pk]), data)
    assert response.status_code == 302, response.context and [
        r["form"].errors for r in response.context["rows"]
    ]
    return Review.objects.order_by("-pk").first()


def test_a_saved_review_can_be_corrected_and_is_audited(plan, coordinator, login):
    pm = _pm(plan, "F7", status=Status.IN_PROGRESS)
    client = login(coordinator)
    review = _record(client, plan, pm, started="on", as_planned="on")
    url = reverse("plans:review_edit", args=[review.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["rows"][0]["form"]["as_planned"].value() is True
    response = client.post(
        url,
        {
            "kind": "half_year",
            "held_on": "2026-08-21",
            "summary": "Rettet",
            f"item-{pm.pk}-started": "on",
            f"item-{pm.pk}-not_done": "Kurset for ansatte",
            f"item-{pm.pk}-why": "Kursholder ble syk",
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    item = review.items.get()
    assert (review.held_on, review.summary) == (date(2026, 8, 21), "Rettet")
    assert (item.as_planned, item.why) == (False, "Kursholder ble syk")
    assert review.plan.next_review_on == date(2027, 2, 21)  # moved with the corrected date
    entry = AuditEntry.objects.get(code="plans.review.update")
    assert entry.actor == coordinator and entry.object_id == str(review.pk)


def test_a_correction_missing_a_reason_is_refused(plan, coordinator, login):
    pm = _pm(plan, "F7", status=Status.IN_PROGRESS)
    client = login(coordinator)
    review = _record(client, plan, pm, started="on", as_planned="on")
    response = client.post(
        reverse("plans:review_edit", args=[review.pk]),
        {"kind": "half_year", "held_on": "2026-08-20", f"item-{pm.pk}-started": "on"},
    )
    assert response.status_code == 200
    assert f'href="#id_item-{pm.pk}-why"' in response.content.decode()
    assert review.items.get().as_planned is True


def test_a_review_is_read_only_once_the_next_is_recorded(plan, coordinator, login):
    pm = _pm(plan, "F7", status=Status.IN_PROGRESS)
    client = login(coordinator)
    first = _record(client, plan, pm, started="on", as_planned="on")
    _record(client, plan, pm, started="on", as_planned="on")
    url = reverse("plans:review_edit", args=[first.pk])
    assert client.get(url).status_code == 302
    client.post(url, {"kind": "annual", "held_on": "2026-08-20", "summary": "Endret"})
    first.refresh_from_db()
    assert (first.kind, first.summary) == ("half_year", "Første")
    assert not AuditEntry.objects.filter(code="plans.review.update").exists()
    detail = client.get(reverse("plans:review_detail", args=[first.pk])).content.decode()
    assert url not in detail
    assert (
        "read-only" in detail or "kan ikke lenger endres" in detail or "skrivebeskyttet" in detail
    )


def test_a_reader_may_not_correct_a_review(plan, coordinator, reader, login):
    pm = _pm(plan, "F7", status=Status.IN_PROGRESS)
    review = _record(login(coordinator), plan, pm, started="on", as_planned="on")
    client = login(reader)
    url = reverse("plans:review_edit", args=[review.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"kind": "annual", "held_on": "2026-08-20"}).status_code == 403
    assert Review.objects.get().kind == "half_year"


def test_another_municipalitys_review_is_404(plan, other, outsider, coordinator, login):
    from tests.plans.factories import ReviewFactory

    foreign = ReviewFactory(plan=PlanFactory(municipality=other), created_by=outsider)
    client = login(coordinator)
    url = reverse("plans:review_edit", args=[foreign.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"kind": "annual", "held_on": "2026-08-20"}).status_code == 404
