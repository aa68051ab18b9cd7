"""Correcting what was entered on a plan: edit and delete, with a confirmation and an audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.plans.factories import PlanFactory, PlanMeasureFactory, catalogue
from vern.audit.models import AuditEntry
from vern.core.models import TenantQuerySet
from vern.plans.models import CoverageNote, Indicator, Measurement, Milestone, ProgressNote


def _exists(model, pk) -> bool:
    """Whether the row is still there (personal-data models are read as the system's)."""
    rows = model.objects.all()
    if isinstance(rows, TenantQuerySet):
        rows = rows.for_system("test")
    return rows.filter(pk=pk).exists()


def _plan_measure(municipality):
    return PlanMeasureFactory(plan=PlanFactory(municipality=municipality))


def _milestone(municipality, user):
    return Milestone.objects.create(
        plan_measure=_plan_measure(municipality), title="Kurs holdt", due_on=date(2026, 9, 1)
    )


def _indicator(municipality, user):
    return Indicator.objects.create(
        plan_measure=_plan_measure(municipality), name="Ansatte med kurs", unit="%", target=80
    )


def _measurement(municipality, user):
    return Measurement.objects.create(
        indicator=_indicator(municipality, user), measured_on=date(2026, 6, 1), value=40
    )


def _note(municipality, user):
    return ProgressNote.objects.create(
        plan_measure=_plan_measure(municipality), author=user, text="Godt i gang."
    )


def _coverage(municipality, user):
    return CoverageNote.objects.create(
        plan=PlanFactory(municipality=municipality),
        measure=catalogue("F3"),
        coverage="none",
        reason="Tas i neste plan",
    )


@dataclass
class Kind:
    name: str
    make: object
    model: type
    edit: str | None
    delete: str
    change: dict | None = None
    expect: dict | None = None


KINDS = [
    Kind(
        "milestone",
        _milestone,
        Milestone,
        "plans:milestone_edit",
        "plans:milestone_delete",
        {"title": "Kurs for alle skoler", "due_on": "2026-10-15", "done_on": "2026-10-01"},
        {
            "title": "Kurs for alle skoler",
            "due_on": date(2026, 10, 15),
            "done_on": date(2026, 10, 1),
        },
    ),
    Kind(
        "indicator",
        _indicator,
        Indicator,
        "plans:indicator_edit",
        "plans:indicator_delete",
        {"name": "Ansatte med kurs i alt", "unit": "prosent", "baseline": "10", "target": "90"},
        {"name": "Ansatte med kurs i alt", "baseline": Decimal("10"), "target": Decimal("90")},
    ),
    Kind(
        "measurement",
        _measurement,
        Measurement,
        "plans:measurement_edit",
        "plans:measurement_delete",
        {"measured_on": "2026-06-02", "value": "45", "note": "Rettet tall"},
        {"measured_on": date(2026, 6, 2), "value": Decimal("45"), "note": "Rettet tall"},
    ),
    Kind(
        "note",
        _note,
        ProgressNote,
        "plans:note_edit",
        "plans:note_delete",
        {"text": "Godt i gang, to av tre kurs holdt."},
        {"text": "Godt i gang, to av tre kurs holdt."},
    ),
    Kind("coverage", _coverage, CoverageNote, None, "plans:coverage_delete"),
]
EDITABLE = [kind for kind in KINDS if kind.edit]


@pytest.mark.parametrize("kind", EDITABLE, ids=lambda k: k.name)
def test_a_coordinator_corrects_an_entry_and_it_is_audited(kind, home, coordinator, login):
    record = kind.make(home, coordinator)
    client = login(coordinator)
    url = reverse(kind.edit, args=[record.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, kind.change)
    assert response.status_code == 302
    record.refresh_from_db()
    assert {name: getattr(record, name) for name in kind.expect} == kind.expect
    assert (
        AuditEntry.objects.for_system("test")
        .filter(code=f"plans.{kind.name}.update", actor=coordinator, municipality=home)
        .exists()
    )


@pytest.mark.parametrize("kind", EDITABLE, ids=lambda k: k.name)
def test_a_correction_with_bad_input_is_refused_with_a_linked_summary(
    kind, home, coordinator, login
):
    record = kind.make(home, coordinator)
    before = {name: getattr(record, name) for name in kind.expect}
    first = next(iter(kind.change))
    response = login(coordinator).post(
        reverse(kind.edit, args=[record.pk]), {**kind.change, first: ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="ds-error-summary' in html
    assert f'href="#id_{first}"' in html
    record.refresh_from_db()
    assert {name: getattr(record, name) for name in kind.expect} == before


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_deleting_asks_first_then_deletes_and_audits(kind, home, coordinator, login):
    record = kind.make(home, coordinator)
    client = login(coordinator)
    url = reverse(kind.delete, args=[record.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert '<form method="post">' in page.content.decode()
    # The button says what it does, as on every other delete page.
    assert 'type="submit">Slett</button>' in page.content.decode()
    assert _exists(kind.model, record.pk)
    assert client.post(url).status_code == 302
    assert not _exists(kind.model, record.pk)
    assert (
        AuditEntry.objects.for_system("test")
        .filter(code=f"plans.{kind.name}.delete", actor=coordinator, municipality=home)
        .exists()
    )


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_a_reader_may_not_correct_or_delete(kind, home, reader, coordinator, login):
    record = kind.make(home, coordinator)
    client = login(reader)
    urls = [reverse(kind.delete, args=[record.pk])]
    if kind.edit:
        urls.append(reverse(kind.edit, args=[record.pk]))
    for url in urls:
        assert client.get(url).status_code == 403
        assert client.post(url, kind.change or {}).status_code == 403
    assert _exists(kind.model, record.pk)
    assert (
        not AuditEntry.objects.for_system("test").filter(action__in=["update", "delete"]).exists()
    )


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_another_municipalitys_entry_is_404(kind, home, other, coordinator, outsider, login):
    record = kind.make(other, outsider)
    client = login(coordinator)
    urls = [reverse(kind.delete, args=[record.pk])]
    if kind.edit:
        urls.append(reverse(kind.edit, args=[record.pk]))
    for url in urls:
        assert client.get(url).status_code == 404
        assert client.post(url, kind.change or {}).status_code == 404
    assert _exists(kind.model, record.pk)


def test_the_measure_page_links_to_each_correction(home, coordinator, login):
    measurement = _measurement(home, coordinator)
    plan_measure = measurement.indicator.plan_measure
    milestone = Milestone.objects.create(
        plan_measure=plan_measure, title="Kurs", due_on=date(2026, 9, 1)
    )
    note = ProgressNote.objects.create(plan_measure=plan_measure, author=coordinator, text="Ok")
    html = (
        login(coordinator)
        .get(reverse("plans:plan_measure_detail", args=[plan_measure.pk]))
        .content.decode()
    )
    for name, pk in (
        ("milestone", milestone.pk),
        ("indicator", measurement.indicator_id),
        ("measurement", measurement.pk),
        ("note", note.pk),
    ):
        assert reverse(f"plans:{name}_edit", args=[pk]) in html
        assert reverse(f"plans:{name}_delete", args=[pk]) in html
