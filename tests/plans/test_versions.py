import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import UnitFactory
from tests.plans.factories import catalogue, member
from vern.audit.models import AuditEntry
from vern.core.models import Role
from vern.plans import selectors, services
from vern.plans.models import PlanVersion


def _adopt(plan, actor, on=date(2026, 3, 1), ref="2026/12"):
    return services.plan_set_status(
        plan=plan, actor=actor, status="adopted", adopted_on=on, case_reference=ref
    )


@pytest.fixture
def plan(home, coordinator):
    plan = services.plan_create(
        municipality=home,
        actor=coordinator,
        title="Handlingsplan",
        start_year=2026,
        end_year=2029,
        measures=[catalogue("F1"), catalogue("F2"), catalogue("B1")],
    )
    return plan


def test_adopting_saves_version_1_with_the_adopted_plan(plan, coordinator):
    _adopt(plan, coordinator)
    version = PlanVersion.objects.get(plan=plan)
    assert version.number == 1
    assert version.created_by == coordinator
    assert version.label_code == "plans.version.adopted"
    assert version.label_params == {"date": "2026-03-01", "ref": "2026/12"}
    assert version.snapshot["plan"]["status"] == "adopted"
    assert version.snapshot["plan"]["case_reference"] == "2026/12"
    assert set(version.snapshot["measures"]) == {"F1", "F2", "B1"}
    assert (
        AuditEntry.objects.for_system("test")
        .filter(code="plans.version.create", object_id=str(plan.pk))
        .exists()
    )


def test_failed_adoption_saves_no_version(plan, coordinator):
    with pytest.raises(ValidationError):
        _adopt(plan, coordinator, ref="")
    assert not plan.versions.exists()


def test_versions_are_numbered_one_after_another(plan, coordinator):
    services.version_save(plan=plan, actor=coordinator, label="Før høring")
    _adopt(plan, coordinator)
    services.plan_set_status(plan=plan, actor=coordinator, status="revision")
    _adopt(plan, coordinator, on=date(2027, 3, 1), ref="2027/5")
    assert list(plan.versions.order_by("number").values_list("number", flat=True)) == [1, 2, 3]
    assert plan.versions.get(number=1).label == "Før høring"


def test_a_version_needs_a_name(plan, coordinator):
    with pytest.raises(ValidationError) as exc:
        services.version_save(plan=plan, actor=coordinator, label="   ")
    assert "label" in exc.value.message_dict
    assert not plan.versions.exists()


def test_a_snapshot_names_units_but_never_people(plan, home, coordinator):
    owner = member(home, Role.CASE_WORKER, email="skjult@heimby.test", full_name="Skjulte Sigrid")
    unit = UnitFactory(municipality=home, name="Bakken skole")
    pm = plan.measures.get(measure__code="F1")
    services.plan_measure_update(
        plan_measure=pm, actor=coordinator, responsible_person=owner, responsible_unit=unit
    )
    snapshot = selectors.plan_snapshot(plan)
    text = json.dumps(snapshot, ensure_ascii=False)
    assert snapshot["measures"]["F1"]["responsible_unit"] == "Bakken skole"
    assert "Skjulte Sigrid" not in text
    assert "skjult@heimby.test" not in text


def test_compare_finds_added_removed_and_changed_measures_and_plan_text(plan, coordinator):
    _adopt(plan, coordinator)
    old = plan.versions.get(number=1).snapshot
    services.plan_measure_remove(
        plan_measure=plan.measures.get(measure__code="F1"), actor=coordinator
    )
    services.plan_measure_add(plan=plan, actor=coordinator, measure=catalogue("U3"))
    f2 = plan.measures.get(measure__code="F2")
    services.plan_measure_update(plan_measure=f2, actor=coordinator, due_on=date(2026, 12, 1))
    services.milestone_add(
        plan_measure=f2, actor=coordinator, title="Oversikt publisert", due_on=date(2026, 6, 1)
    )
    services.plan_update(plan=plan, actor=coordinator, goals="Ventetid under to uker.")

    diff = selectors.compare_snapshots(old, selectors.plan_snapshot(plan))

    assert diff.added == [("U3", catalogue("U3").title_nb)]
    assert diff.removed == [("F1", catalogue("F1").title_nb)]
    assert len(diff.changed) == 1
    key, title, changes = diff.changed[0]
    assert (key, title) == ("F2", catalogue("F2").title_nb)
    assert ("due_on", None, "2026-12-01") in changes
    assert ("milestones", [], ["Oversikt publisert (2026-06-01)"]) in changes
    assert diff.plan_changes == [("goals", "", "Ventetid under to uker.")]
    assert not diff.empty


def test_compare_of_a_version_with_itself_is_empty(plan, coordinator):
    _adopt(plan, coordinator)
    snapshot = plan.versions.get().snapshot
    assert selectors.compare_snapshots(snapshot, snapshot).empty
    assert selectors.compare_snapshots(snapshot, selectors.plan_snapshot(plan)).empty


def test_compare_keeps_local_measures_apart_and_sorts_by_code(home, plan, coordinator):
    _adopt(plan, coordinator)
    old = plan.versions.get().snapshot
    local = services.local_measure_create(
        municipality=home, actor=coordinator, title="Trygg hjem-uke", area="prevention"
    )
    for code in ("U1", "F10", "F9", "B2"):
        services.plan_measure_add(plan=plan, actor=coordinator, measure=catalogue(code))
    services.plan_measure_add(plan=plan, actor=coordinator, measure=local)
    diff = selectors.compare_snapshots(old, selectors.plan_snapshot(plan))
    assert [key for key, _title in diff.added] == ["F9", "F10", "B2", "U1", f"local-{local.pk}"]


def test_compare_page_shows_a_measure_added_since_adoption(plan, coordinator, reader, login):
    _adopt(plan, coordinator)
    services.plan_measure_add(plan=plan, actor=coordinator, measure=catalogue("U3"))
    response = login(reader).get(
        reverse("plans:plan_compare", args=[plan.pk]), {"fra": "1", "til": "now"}
    )
    assert response.status_code == 200
    assert [key for key, _title in response.context["diff"].added] == ["U3"]
    assert f"<ins>U3 {catalogue('U3').title_nb}</ins>" in response.content.decode()


def test_compare_page_compares_two_saved_versions(plan, coordinator, reader, login):
    services.version_save(plan=plan, actor=coordinator, label="Utkast")
    services.plan_measure_remove(
        plan_measure=plan.measures.get(measure__code="B1"), actor=coordinator
    )
    services.version_save(plan=plan, actor=coordinator, label="Etter høring")
    response = login(reader).get(
        reverse("plans:plan_compare", args=[plan.pk]), {"fra": "1", "til": "2"}
    )
    assert [key for key, _title in response.context["diff"].removed] == ["B1"]
    assert "<del>B1 " in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"fra": "99", "til": "now"},
        {"fra": "1", "til": "7"},
        {"fra": "en", "til": "to"},
        {"fra": "-1"},
        {"fra": "1", "til": ""},
        {"fra": "1' OR 1=1", "til": "now"},
    ],
)
def test_a_bad_version_number_gives_a_friendly_message(plan, coordinator, reader, login, query):
    _adopt(plan, coordinator)
    response = login(reader).get(reverse("plans:plan_compare", args=[plan.pk]), query)
    assert response.status_code == 200
    assert response.context["error"]
    assert response.context["diff"] is None
    assert 'role="alert"' in response.content.decode()


def test_compare_page_without_a_choice_shows_only_the_form(plan, coordinator, reader, login):
    response = login(reader).get(reverse("plans:plan_compare", args=[plan.pk]))
    assert response.status_code == 200
    assert response.context["error"] == ""
    assert response.context["diff"] is None


def test_versions_page_lists_the_versions(plan, coordinator, reader, login):
    _adopt(plan, coordinator)
    response = login(reader).get(reverse("plans:plan_versions", args=[plan.pk]))
    assert response.status_code == 200
    assert [v.number for v in response.context["versions"]] == [1]
    assert (
        AuditEntry.objects.for_system("test")
        .filter(action="read", code="plans.planversion.read")
        .exists()
    )
