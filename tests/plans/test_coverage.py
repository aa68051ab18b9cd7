from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.plans.factories import PlanFactory, PlanMeasureFactory, catalogue
from vern.audit.models import AuditEntry
from vern.core.models import Municipality
from vern.plans import selectors, services
from vern.plans.models import CoverageNote, Level

C = CoverageNote.Coverage


def _rows(plan, level=Level.LOCAL):
    return {row.measure.code: row for row in selectors.coverage_for_plan(plan)[level]}


@pytest.fixture
def plan(home):
    plan = PlanFactory(municipality=home)
    for code in ("F1", "F7", "B1", "U3", "F11"):
        PlanMeasureFactory(plan=plan, measure=catalogue(code))
    return plan


def test_used_local_measures_are_covered_and_unused_are_not(plan):
    rows = _rows(plan)
    assert len(rows) == 18
    assert {code for code, row in rows.items() if row.coverage == C.FULL} == {
        "F1",
        "F7",
        "B1",
        "U3",
    }
    assert rows["F2"].coverage == C.NONE
    assert rows["F2"].plan_measures == []
    assert [pm.measure.code for pm in rows["F1"].plan_measures] == ["F1"]
    assert not rows["F1"].recorded


def test_national_measures_are_followed_when_the_plan_uses_them(plan):
    rows = _rows(plan, Level.NATIONAL)
    assert len(rows) == 10
    assert rows["F11"].coverage == C.FOLLOWS
    assert rows["F10"].coverage == C.NOT_FOLLOWED


def test_a_local_measure_of_the_municipality_does_not_count_towards_coverage(plan, coordinator):
    local = services.local_measure_create(
        municipality=plan.municipality, actor=coordinator, title="Eget", area="prevention"
    )
    PlanMeasureFactory(plan=plan, measure=local)
    assert selectors.coverage_counts(plan)[C.FULL] == 4
    assert sum(selectors.coverage_counts(plan).values()) == 18


@pytest.mark.parametrize("coverage", [C.NONE, C.PARTIAL])
def test_not_or_partly_covered_without_reason_is_refused(plan, coordinator, coverage):
    with pytest.raises(ValidationError) as exc:
        services.coverage_set(
            plan=plan, actor=coordinator, measure=catalogue("F1"), coverage=coverage, reason="  "
        )
    assert set(exc.value.message_dict) == {"reason"}
    assert not CoverageNote.objects.filter(plan=plan).exists()


def test_partly_covered_with_reason_is_saved_and_counts_as_partial(plan, coordinator):
    services.coverage_set(
        plan=plan,
        actor=coordinator,
        measure=catalogue("F1"),
        coverage=C.PARTIAL,
        reason=" Bare barnehagene er med. ",
    )
    row = _rows(plan)["F1"]
    assert (row.coverage, row.reason, row.recorded) == (C.PARTIAL, "Bare barnehagene er med.", True)
    assert selectors.coverage_counts(plan)[C.PARTIAL] == 1
    entry = AuditEntry.objects.for_system("test").get(code="plans.coverage.update")
    assert entry.detail == {"measure": "F1", "coverage": "partial"}


def test_an_omission_with_reason_is_saved_and_replaced_on_a_second_answer(plan, coordinator):
    measure = catalogue("F4")
    services.coverage_set(
        plan=plan, actor=coordinator, measure=measure, coverage=C.NONE, reason="Dekkes regionalt"
    )
    services.coverage_set(
        plan=plan, actor=coordinator, measure=measure, coverage=C.NONE, reason="Dekkes av IKS"
    )
    note = CoverageNote.objects.get(plan=plan, measure=measure)
    assert (note.coverage, note.reason) == (C.NONE, "Dekkes av IKS")


def test_full_coverage_without_the_measure_in_the_plan_still_counts_as_not_covered(
    plan, coordinator
):
    services.coverage_set(
        plan=plan, actor=coordinator, measure=catalogue("F4"), coverage=C.FULL, reason=""
    )
    assert _rows(plan)["F4"].coverage == C.NONE


@pytest.mark.parametrize("coverage", [C.FOLLOWS, C.NOT_FOLLOWED])
def test_national_measures_take_follows_or_not_followed(plan, coordinator, coverage):
    services.coverage_set(
        plan=plan, actor=coordinator, measure=catalogue("F10"), coverage=coverage, reason=""
    )
    assert _rows(plan, Level.NATIONAL)["F10"].coverage == coverage


def test_a_national_measure_the_plan_uses_can_be_marked_not_followed(plan, coordinator):
    services.coverage_set(
        plan=plan, actor=coordinator, measure=catalogue("F11"), coverage=C.NOT_FOLLOWED, reason=""
    )
    assert _rows(plan, Level.NATIONAL)["F11"].coverage == C.NOT_FOLLOWED


@pytest.mark.parametrize(
    ("code", "coverage"),
    [("F10", C.FULL), ("F10", C.NONE), ("F1", C.FOLLOWS), ("F1", "maybe")],
)
def test_a_coverage_of_the_wrong_kind_is_refused(plan, coordinator, code, coverage):
    with pytest.raises(ValidationError) as exc:
        services.coverage_set(
            plan=plan, actor=coordinator, measure=catalogue(code), coverage=coverage, reason="x"
        )
    assert "coverage" in exc.value.message_dict
    assert not CoverageNote.objects.exists()


def test_coverage_is_recorded_for_catalogue_measures_only(plan, coordinator):
    local = services.local_measure_create(
        municipality=plan.municipality, actor=coordinator, title="Eget", area="prevention"
    )
    with pytest.raises(ValidationError):
        services.coverage_set(
            plan=plan, actor=coordinator, measure=local, coverage=C.NONE, reason="x"
        )


# --- the coverage page --------------------------------------------------------


def test_coverage_page_post_saves_the_reason_and_shows_it(plan, coordinator, login):
    client = login(coordinator)
    url = reverse("plans:coverage", args=[plan.pk])
    response = client.post(
        url, {"measure": "F4", "coverage": "none", "reason": "Kommunen har ingen videregående"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url}#tiltak-F4"
    note = CoverageNote.objects.get(plan=plan, measure=catalogue("F4"))
    assert (note.coverage, note.reason) == ("none", "Kommunen har ingen videregående")
    html = client.get(url).content.decode()
    assert "Kommunen har ingen videregående" in html


def test_coverage_page_without_reason_shows_the_error_by_the_measure(plan, coordinator, login):
    response = login(coordinator).post(
        reverse("plans:coverage", args=[plan.pk]),
        {"measure": "F4", "coverage": "partial", "reason": ""},
    )
    assert response.status_code == 200
    assert 'id="reason-F4-error"' in response.content.decode()
    assert 'aria-describedby="reason-F4-error"' in response.content.decode()
    assert not CoverageNote.objects.exists()


def test_coverage_page_follows_a_national_measure(plan, coordinator, login):
    response = login(coordinator).post(
        reverse("plans:coverage", args=[plan.pk]),
        {"measure": "U6", "coverage": "follows", "reason": ""},
    )
    assert response.status_code == 302
    assert _rows(plan, Level.NATIONAL)["U6"].coverage == C.FOLLOWS


def test_coverage_page_answers_404_for_an_unknown_code(plan, coordinator, login):
    response = login(coordinator).post(
        reverse("plans:coverage", args=[plan.pk]),
        {"measure": "F99", "coverage": "none", "reason": "x"},
    )
    assert response.status_code == 404


def test_reader_sees_the_coverage_page_without_forms(plan, reader, login):
    response = login(reader).get(reverse("plans:coverage", args=[plan.pk]))
    assert response.status_code == 200
    assert response.context["can_edit"] is False
    assert 'name="coverage"' not in response.content.decode()


def test_national_overview_counts_match_the_plans_coverage(coordinator, login, clock):
    clock(date(2026, 5, 4))
    oslo = Municipality.objects.get(number="0301")
    plan = PlanFactory(municipality=oslo, adopted=True)
    for code in ("F1", "F2", "F3", "B1", "U1", "F10"):
        PlanMeasureFactory(plan=plan, measure=catalogue(code))
    services.coverage_set(
        plan=plan, actor=coordinator, measure=catalogue("F2"), coverage=C.PARTIAL, reason="Delvis"
    )
    services.coverage_set(
        plan=plan, actor=coordinator, measure=catalogue("F4"), coverage=C.FULL, reason=""
    )
    services.coverage_set(
        plan=plan, actor=coordinator, measure=catalogue("F5"), coverage=C.NONE, reason="Ikke nå"
    )
    counts = selectors.coverage_counts(plan)
    rows, _totals = selectors.national_overview(today=date(2026, 5, 4))
    row = next(row for row in rows if row.municipality == oslo)
    assert row.plan == plan
    assert (row.covered, row.partly) == (counts[C.FULL], counts[C.PARTIAL]) == (4, 1)


def test_national_overview_counts_match_through_the_coverage_page(home, coordinator, login, clock):
    clock(date(2026, 5, 4))
    plan = PlanFactory(municipality=home, adopted=True)
    for code in ("F1", "F7", "B3"):
        PlanMeasureFactory(plan=plan, measure=catalogue(code))
    login(coordinator).post(
        reverse("plans:coverage", args=[plan.pk]),
        {"measure": "F7", "coverage": "partial", "reason": "Bare skolene"},
    )
    counts = selectors.coverage_counts(plan)
    rows, _totals = selectors.national_overview(today=date(2026, 5, 4))
    row = next(row for row in rows if row.municipality == home)
    assert (row.covered, row.partly) == (counts[C.FULL], counts[C.PARTIAL]) == (2, 1)
