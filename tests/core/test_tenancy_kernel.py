"""Fail-closed tenancy: personal-data models refuse queries that were not scoped.

``core/models/scoping.py`` holds the mechanism; these tests go through the
models' managers, ``log_action`` and throwaway staff views
(``tests/core/unscoped_urls.py``).
"""

from __future__ import annotations

import logging

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.test import override_settings

from tests.directory.factories import OrganizationFactory, ServiceFactory
from tests.factories import MembershipFactory, UserFactory
from tests.plans.factories import PlanFactory, PlanMeasureFactory
from vern.audit.models import AuditEntry
from vern.audit.services import log_action
from vern.core.models import Invitation, Membership, Role, TenantQuerySet, UnscopedQuery
from vern.directory.models import ErrorReport, Location, Service
from vern.plans.models import Plan, PlanMeasure, ProgressNote

# The models that hold personal data, as docs/security.md lists them.
PERSONAL_DATA_MODELS = {
    "core.Membership",
    "core.Invitation",
    "audit.AuditEntry",
    "plans.Plan",
    "plans.PlanMeasure",
    "plans.Review",
    "plans.ProgressNote",
    "directory.ErrorReport",
    "directory.PendingChange",
    "directory.OrganizationEditor",
    "directory.ServiceRevision",
    "directory.Location",
    "core.Step",
    "core.Notification",
    "core.RecordAccess",
    "consultations.TeamMember",
    "consultations.Concern",
    "consultations.Advice",
    "consultations.SharedInformation",
    "consultations.TeamAction",
    "schools.NoShowCase",
    "schools.StepRecord",
    "schools.Signal",
    "competence.Employee",
    "competence.Completion",
    "competence.Attendance",
    "competence.CompletionImport",
    "prevention.PartnerContact",
    "pathways.Pathway",
    "pathways.Consent",
    "pathways.Need",
    "pathways.DeliveryStep",
    "pathways.Event",
    "pathways.Referral",
    "pathways.ProtectiveOrder",
    "pathways.ReleaseFollowUp",
}


def _note(plan_measure, author):
    return ProgressNote.objects.create(plan_measure=plan_measure, author=author, text="Notat")


# --- the check ---------------------------------------------------------------------------


def test_an_unscoped_get_on_a_personal_data_model_raises(home, other, outsider):
    theirs = Membership.objects.for_self(outsider).get()
    with pytest.raises(UnscopedQuery, match=r"core\.Membership"):
        Membership.objects.get(pk=theirs.pk)


@pytest.mark.parametrize(
    "run",
    [
        pytest.param(lambda qs: list(qs), id="iterate"),
        pytest.param(lambda qs: qs.filter(pk__gt=0).count(), id="count"),
        pytest.param(lambda qs: qs.exists(), id="exists"),
        pytest.param(lambda qs: qs.first(), id="first"),
        pytest.param(lambda qs: qs.values_list("pk", flat=True)[0], id="values_list"),
        pytest.param(lambda qs: list(qs.iterator()), id="iterator"),
        pytest.param(lambda qs: qs.aggregate(n=Count("pk")), id="aggregate"),
        pytest.param(lambda qs: qs.in_bulk(), id="in_bulk"),
        pytest.param(lambda qs: qs.update(description="x"), id="update"),
        pytest.param(lambda qs: qs.delete(), id="delete"),
    ],
)
def test_every_way_of_running_an_unscoped_query_raises(home, run):
    PlanMeasureFactory(plan=PlanFactory(municipality=home))
    with pytest.raises(UnscopedQuery, match=r"plans\.PlanMeasure"):
        run(PlanMeasure.objects.all())
    # Nothing was changed or removed by the refused update and delete.
    assert PlanMeasure.objects.for_system(reason="test").filter(description="").count() == 1


def test_a_model_reached_through_a_path_is_checked_too(home, coordinator):
    """Error reports belong to their service's owner (``service__owner``)."""
    service = ServiceFactory(owner=home)
    ErrorReport.objects.create(service=service, message="Feil telefonnummer")
    with pytest.raises(UnscopedQuery):
        ErrorReport.objects.filter(service=service).exists()
    with pytest.raises(UnscopedQuery):
        ProgressNote.objects.count()


def test_public_models_are_not_checked(home):
    ServiceFactory(owner=home)
    assert Service.objects.filter(owner=home).count() == 1


def test_an_or_with_an_unscoped_query_is_unscoped(home, coordinator):
    scoped = Membership.objects.for_user(coordinator, municipality=home)
    with pytest.raises(UnscopedQuery):
        list(scoped | Membership.objects.filter(role=Role.ADMIN))
    with pytest.raises(UnscopedQuery):
        list(scoped.union(Membership.objects.all()))
    # AND keeps the scope: it can only narrow it.
    assert list(scoped & Membership.objects.filter(role=Role.COORDINATOR))


def test_for_system_needs_a_reason():
    for reason in ("", "   "):
        with pytest.raises(ValueError, match="reason"):
            Membership.objects.for_system(reason=reason)
    with pytest.raises(ValueError):
        Membership.objects.for_system(None)


def test_uniqueness_checks_of_full_clean_still_work(home, coordinator):
    duplicate = Membership(user=coordinator, municipality=home, role=Role.COORDINATOR)
    with pytest.raises(ValidationError):
        duplicate.full_clean()


# --- what each scope returns ---------------------------------------------------------------


def test_for_user_returns_only_the_users_municipalities(home, other, coordinator, outsider):
    mine = set(Membership.objects.for_user(coordinator).values_list("municipality", flat=True))
    assert mine == {home.pk}
    theirs = set(Membership.objects.for_user(outsider).values_list("municipality", flat=True))
    assert theirs == {other.pk}
    # Narrowed to a municipality the user is not a member of: nothing at all.
    assert not Membership.objects.for_user(coordinator, municipality=other).exists()
    assert Membership.objects.for_user(coordinator, municipality=home).exists()


def test_for_user_of_someone_logged_out_or_deactivated_is_empty(home, coordinator):
    from django.contrib.auth.models import AnonymousUser

    assert not Membership.objects.for_user(AnonymousUser()).exists()
    coordinator.is_active = False
    coordinator.save()
    assert not Membership.objects.for_user(coordinator).exists()


def test_directory_rows_follow_the_owner_and_the_national_rule(home, other, coordinator):
    national_editor = UserFactory()
    MembershipFactory(user=national_editor, municipality=None, role=Role.NATIONAL)
    ours = ServiceFactory(owner=home)
    theirs = ServiceFactory(owner=other)
    national = ServiceFactory(owner=None)
    for service in (ours, theirs, national):
        ErrorReport.objects.create(service=service, message="Feil")

    def seen(user, model=ErrorReport):
        rows = model.objects.for_user(user)
        return {row.service_id if model is ErrorReport else row.pk for row in rows}

    assert seen(coordinator) == {ours.pk}
    assert seen(national_editor) == {national.pk}
    assert seen(coordinator, Service) == {ours.pk}
    # The shipped national services are there too; no municipality's entry is.
    national_services = seen(national_editor, Service)
    assert national.pk in national_services
    assert not national_services & {ours.pk, theirs.pk}


def test_for_self_reads_a_persons_own_rows_everywhere(home, other, coordinator, outsider):
    MembershipFactory(user=coordinator, municipality=other, role=Role.READER)
    own = Membership.objects.for_self(coordinator)
    assert {m.municipality_id for m in own} == {home.pk, other.pk}
    with pytest.raises(TypeError):
        Plan.objects.for_self(coordinator)


# --- related rows --------------------------------------------------------------------------


def test_related_rows_of_a_scoped_parent_work(home, coordinator):
    plan = PlanFactory(municipality=home)
    plan_measure = PlanMeasureFactory(plan=plan)
    _note(plan_measure, coordinator)

    loaded = Plan.objects.for_user(coordinator, municipality=home).get(pk=plan.pk)
    assert list(loaded.measures.all()) == [plan_measure]
    assert loaded.measures.filter(status=PlanMeasure.Status.NOT_STARTED).count() == 1
    prefetched = (
        Plan.objects.for_user(coordinator, municipality=home)
        .prefetch_related("measures__notes")
        .get(pk=plan.pk)
    )
    assert [n.text for pm in prefetched.measures.all() for n in pm.notes.all()] == ["Notat"]
    # Forward foreign keys go through the base manager.
    note = plan_measure.notes.get()
    assert note.plan_measure.plan == plan
    organization = OrganizationFactory(owner=home)
    Location.objects.create(organization=organization, name="Kontoret")
    assert [loc.name for loc in organization.locations.all()] == ["Kontoret"]


def test_a_relation_that_is_the_tenant_column_is_not_a_scope(home, coordinator):
    """``municipality.memberships`` is a whole municipality's rows."""
    with pytest.raises(UnscopedQuery):
        list(home.memberships.all())
    with pytest.raises(UnscopedQuery):
        list(type(home).objects.filter(pk=home.pk).prefetch_related("memberships"))


# --- production: log, and find nothing -------------------------------------------------------


@override_settings(VERN_TENANCY_STRICT=False)
def test_in_production_an_unscoped_query_is_logged_and_finds_nothing(home, coordinator, caplog):
    plan_measure = PlanMeasureFactory(plan=PlanFactory(municipality=home))
    with caplog.at_level(logging.ERROR, logger="vern.tenancy"):
        assert list(PlanMeasure.objects.all()) == []
        assert PlanMeasure.objects.count() == 0
        assert not PlanMeasure.objects.exists()
        assert PlanMeasure.objects.update(description="overskrevet") == 0
        assert PlanMeasure.objects.aggregate(n=Count("pk")) == {"n": 0}
        with pytest.raises(PlanMeasure.DoesNotExist):
            PlanMeasure.objects.get(pk=plan_measure.pk)
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 6
    assert all(
        "Unscoped" in r.getMessage() and "plans.PlanMeasure" in r.getMessage() for r in errors
    )
    plan_measure.refresh_from_db()
    assert plan_measure.description == ""
    # Scoped queries are untouched.
    assert PlanMeasure.objects.for_user(coordinator).count() == 1


# --- a test of the test: a view that forgets the scope ------------------------------------------


@pytest.fixture
def unscoped_urlconf(settings):
    settings.ROOT_URLCONF = "tests.core.unscoped_urls"


def test_a_view_that_forgets_the_scope_is_caught(unscoped_urlconf, home, outsider, admin, login):
    """The bug the issue found: an unscoped get returned another municipality's row."""
    theirs = Membership.objects.for_self(outsider).get()
    client = login(admin)
    with pytest.raises(UnscopedQuery):
        client.get(f"/ansatt/glemsom/{theirs.pk}/")
    assert client.get(f"/ansatt/forsiktig/{theirs.pk}/").status_code == 404
    ours = Membership.objects.for_self(admin).get()
    assert client.get(f"/ansatt/forsiktig/{ours.pk}/").status_code == 200


@override_settings(VERN_TENANCY_STRICT=False)
def test_in_production_the_forgetful_view_shows_nothing(
    unscoped_urlconf, home, outsider, admin, login, caplog
):
    theirs = Membership.objects.for_self(outsider).get()
    with caplog.at_level(logging.ERROR, logger="vern.tenancy"):
        response = login(admin).get(f"/ansatt/glemsom/{theirs.pk}/")
    assert response.status_code == 404
    assert outsider.email not in response.content.decode()
    assert any("core.Membership" in r.getMessage() for r in caplog.records)


# --- declarations --------------------------------------------------------------------------


def test_the_personal_data_models_are_the_documented_ones_and_all_fail_closed():
    declared = {
        model._meta.label
        for model in apps.get_models()
        if getattr(model, "holds_personal_data", False)
    }
    assert declared == PERSONAL_DATA_MODELS
    for label in declared:
        model = apps.get_model(label)
        assert isinstance(model._default_manager.get_queryset(), TenantQuerySet), label
        # Migrations keep plain managers.
        assert not model._default_manager.use_in_migrations, label


# --- log_action reads the tenant from its target ----------------------------------------------


def test_log_action_takes_the_municipality_from_targets_of_every_tenant_column(home, other):
    plan_measure = PlanMeasureFactory(plan=PlanFactory(municipality=other))
    service = ServiceFactory(owner=home)
    national = ServiceFactory(owner=None)
    report = ErrorReport.objects.create(service=service, message="Feil")
    invitation = Invitation.objects.create(user=UserFactory(), municipality=other, role=Role.READER)
    cases = [
        (plan_measure, other.pk),  # municipality
        (service, home.pk),  # owner
        (service.organization, home.pk),  # owner
        (report, home.pk),  # service__owner
        (invitation, other.pk),  # municipality, personal data
        (national, None),  # no owner: national
    ]
    for target, expected in cases:
        entry = log_action(actor=None, action="update", code="core.unit.update", target=target)
        assert entry.municipality_id == expected, target
        assert entry.object_type == target._meta.label_lower


def test_log_action_refuses_a_municipality_that_contradicts_the_target(home, other):
    service = ServiceFactory(owner=home)
    with pytest.raises(ValueError, match="leave it out"):
        log_action(
            actor=None, action="update", code="core.unit.update", target=service, municipality=other
        )
    with pytest.raises(ValueError):
        log_action(
            actor=None,
            action="update",
            code="core.unit.update",
            target=ServiceFactory(),
            municipality=home,
        )
    # The same municipality, or none, is fine.
    entry = log_action(
        actor=None, action="update", code="core.unit.update", target=service, municipality=home
    )
    assert entry.municipality_id == home.pk


def test_log_action_keeps_an_explicit_municipality_without_a_tenant_target(home, coordinator):
    entry = log_action(actor=coordinator, action="login", code="core.user.login", municipality=home)
    assert entry.municipality_id == home.pk
    entry = log_action(
        actor=coordinator,
        action="update",
        code="core.unit.update",
        target=coordinator,
        municipality=home,
    )
    assert entry.municipality_id == home.pk
    assert AuditEntry.objects.for_user(coordinator, municipality=home).filter(pk=entry.pk).exists()
