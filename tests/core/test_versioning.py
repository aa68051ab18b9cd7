"""The version mechanism (core/versioning.py) through the write services that use it:
a save based on an old version is refused, overwrites nothing, and says what changed."""

from __future__ import annotations

from datetime import date

import pytest

from tests.directory.factories import OrganizationFactory, ServiceFactory
from tests.plans.factories import PlanFactory, PlanMeasureFactory
from vern.core import versioning
from vern.core.versioning import StaleVersion
from vern.directory import services as directory
from vern.directory.models import Service
from vern.plans import services as plans
from vern.plans.models import PlanMeasure


def _opened(service_id) -> tuple[Service, dict]:
    """The entry as one person opens it, and what their form would send back."""
    service = Service.objects.get(pk=service_id)
    token = versioning.seen_token(service, directory.version_values(service))
    return service, {"seen_version": service.version, "seen_values": token}


@pytest.fixture
def service(home):
    organization = OrganizationFactory(owner=home, name="Heimby krisesenter")
    return ServiceFactory(
        owner=home, organization=organization, name="Krisesenteret", description="Gammel tekst."
    )


def test_a_service_saved_on_an_old_version_is_refused_and_overwrites_nothing(
    service, coordinator, admin
):
    mine, my_seen = _opened(service.pk)
    theirs, their_seen = _opened(service.pk)
    theirs.description = "Ny tekst fra administratoren."
    directory.service_update(service=theirs, actor=admin, **their_seen)

    mine.name = "Mitt nye navn"
    with pytest.raises(StaleVersion) as refused:
        directory.service_update(service=mine, actor=coordinator, **my_seen)

    saved = Service.objects.get(pk=service.pk)
    assert (saved.name, saved.description) == ("Krisesenteret", "Ny tekst fra administratoren.")
    assert saved.version == 2
    assert saved.revisions.count() == 1  # the administrator's; none of mine
    stale = refused.value
    assert (stale.seen_version, stale.current_version) == (1, 2)
    [change] = stale.changes
    assert change.name == "description"
    assert change.label == str(Service._meta.get_field("description").verbose_name)
    assert (change.seen, change.now) == ("Gammel tekst.", "Ny tekst fra administratoren.")
    assert change.by == admin.full_name and change.at is not None


def test_saving_again_on_the_new_version_goes_through(service, coordinator, admin):
    theirs, their_seen = _opened(service.pk)
    theirs.description = "Ny tekst fra administratoren."
    directory.service_update(service=theirs, actor=admin, **their_seen)
    mine, my_seen = _opened(service.pk)  # what the refused form carries next
    mine.name = "Mitt nye navn"
    directory.service_update(service=mine, actor=coordinator, **my_seen)
    saved = Service.objects.get(pk=service.pk)
    assert (saved.name, saved.description) == ("Mitt nye navn", "Ny tekst fra administratoren.")
    assert saved.version == 3


def test_related_rows_changed_by_someone_else_are_reported(service, coordinator, admin):
    mine, my_seen = _opened(service.pk)
    theirs, their_seen = _opened(service.pk)
    directory.service_update(
        service=theirs,
        actor=admin,
        related=directory.ServiceRelated(
            phones=[{"number": "22 22 22 22", "kind": "voice", "is_free": True}]
        ),
        **their_seen,
    )
    with pytest.raises(StaleVersion) as refused:
        directory.service_update(service=mine, actor=coordinator, **my_seen)
    [change] = refused.value.changes
    assert change.name == "phones"
    assert change.seen == "" and "22 22 22 22" in change.now
    assert not Service.objects.get(pk=service.pk).phones.filter(number="").exists()


def test_a_save_that_changes_nothing_keeps_the_version(service, coordinator, admin):
    theirs, their_seen = _opened(service.pk)
    directory.service_update(service=theirs, actor=admin, **their_seen)
    assert Service.objects.get(pk=service.pk).version == 1
    mine, my_seen = _opened(service.pk)
    mine.name = "Mitt nye navn"
    directory.service_update(service=mine, actor=coordinator, **my_seen)
    assert Service.objects.get(pk=service.pk).version == 2


def test_a_forged_token_shows_no_forged_values_but_still_names_the_fields(
    service, coordinator, admin
):
    mine, my_seen = _opened(service.pk)
    theirs, their_seen = _opened(service.pk)
    theirs.description = "Ny tekst fra administratoren."
    directory.service_update(service=theirs, actor=admin, **their_seen)
    forged = my_seen["seen_values"][:-4] + "AAAA"
    with pytest.raises(StaleVersion) as refused:
        directory.service_update(
            service=mine, actor=coordinator, seen_version=1, seen_values=forged
        )
    [change] = refused.value.changes
    assert change.name == "description" and not change.seen_known
    assert change.by == admin.full_name


def test_a_token_of_another_record_is_not_believed(home, service, coordinator, admin):
    other = ServiceFactory(owner=home, organization=service.organization, description="Annet.")
    _, other_seen = _opened(other.pk)
    mine, _ = _opened(service.pk)
    theirs, their_seen = _opened(service.pk)
    theirs.description = "Ny tekst fra administratoren."
    directory.service_update(service=theirs, actor=admin, **their_seen)
    with pytest.raises(StaleVersion) as refused:
        directory.service_update(
            service=mine,
            actor=coordinator,
            seen_version=1,
            seen_values=other_seen["seen_values"],
        )
    [change] = refused.value.changes
    assert not change.seen_known and change.now == "Ny tekst fra administratoren."


# --- plan measures ----------------------------------------------------------------


@pytest.fixture
def plan_measure(home):
    return PlanMeasureFactory(
        plan=PlanFactory(municipality=home, adopted=True), partners="Politiet", budget_nok=1000
    )


def _opened_measure(pk) -> tuple[PlanMeasure, dict]:
    pm = PlanMeasure.objects.get(pk=pk)
    token = versioning.seen_token(pm, plans.plan_measure_values(pm))
    return pm, {"seen_version": pm.version, "seen_values": token}


def test_a_plan_measure_saved_on_an_old_version_is_refused(plan_measure, coordinator, admin):
    mine, my_seen = _opened_measure(plan_measure.pk)
    theirs, their_seen = _opened_measure(plan_measure.pk)
    plans.plan_measure_update(
        plan_measure=theirs,
        actor=admin,
        status=PlanMeasure.Status.IN_PROGRESS,
        due_on=date(2027, 6, 30),
        **their_seen,
    )
    with pytest.raises(StaleVersion) as refused:
        plans.plan_measure_update(
            plan_measure=mine, actor=coordinator, partners="Barnevernet", **my_seen
        )
    saved = PlanMeasure.objects.get(pk=plan_measure.pk)
    assert (saved.partners, saved.status, saved.version) == ("Politiet", "in_progress", 2)
    changes = {change.name: change for change in refused.value.changes}
    assert set(changes) == {"status", "due_on"}
    assert changes["status"].seen == str(PlanMeasure.Status.NOT_STARTED.label)
    assert changes["status"].now == str(PlanMeasure.Status.IN_PROGRESS.label)
    assert changes["due_on"].seen == "" and changes["due_on"].now
    assert {change.by for change in changes.values()} == {admin.full_name}

    # On the version now saved, the same edit goes through.
    mine, my_seen = _opened_measure(plan_measure.pk)
    plans.plan_measure_update(
        plan_measure=mine, actor=coordinator, partners="Barnevernet", **my_seen
    )
    saved.refresh_from_db()
    assert (saved.partners, saved.status, saved.version) == ("Barnevernet", "in_progress", 3)


def test_callers_that_do_not_check_save_on_top_and_move_the_version(plan_measure, coordinator):
    plans.plan_measure_update(plan_measure=plan_measure, actor=coordinator, partners="NAV")
    assert PlanMeasure.objects.get(pk=plan_measure.pk).version == 2


def test_an_edit_keeps_the_reminders_vern_tick_claimed_meanwhile(
    service, plan_measure, coordinator
):
    """``vern tick`` claims reminders with an UPDATE that moves no version; a person
    saving a copy read before that claim must not unclaim it (a second mail)."""
    mine, my_seen = _opened(service.pk)
    Service.objects.filter(pk=service.pk).update(
        reminded_for=date(2027, 1, 4), overdue_notified_for=date(2027, 1, 4)
    )
    mine.description = "Endret av koordinatoren."
    directory.service_update(service=mine, actor=coordinator, **my_seen)
    saved = Service.objects.get(pk=service.pk)
    assert saved.description == "Endret av koordinatoren."
    assert (saved.reminded_for, saved.overdue_notified_for) == (date(2027, 1, 4),) * 2

    measure, measure_seen = _opened_measure(plan_measure.pk)
    PlanMeasure.objects.filter(pk=plan_measure.pk).update(reminded_at="2027-01-04T08:00:00Z")
    plans.plan_measure_update(
        plan_measure=measure, actor=coordinator, partners="Barnevernet", **measure_seen
    )
    assert PlanMeasure.objects.get(pk=plan_measure.pk).reminded_at is not None
