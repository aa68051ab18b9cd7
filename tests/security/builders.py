"""How to make an object behind each staff URL that takes an id.

One builder per kind of object; register the URL names that show it.
"""

from __future__ import annotations

from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.security.staff_urls import builds
from vern.audit.services import log_action
from vern.core.models import Role


@builds("core:unit_edit", "core:unit_delete")
def unit(municipality):
    return {"pk": UnitFactory(municipality=municipality).pk}


@builds("core:member_detail", "core:member_remove", "core:member_otp_reset")
def membership(municipality):
    return {"pk": MembershipFactory(municipality=municipality, role=Role.READER).pk}


@builds("core:member_reinvite")
def membership_without_password(municipality):
    user = UserFactory(password=None)
    user.set_unusable_password()
    user.save()
    return {"pk": MembershipFactory(municipality=municipality, role=Role.READER, user=user).pk}


@builds("core:invitation_withdraw")
def invitation(municipality):
    from vern.core.models import Invitation

    return {
        "pk": Invitation.objects.create(
            user=UserFactory(), municipality=municipality, role=Role.READER
        ).pk
    }


@builds("audit:entry_detail")
def audit_entry(municipality):
    entry = log_action(
        actor=None, action="read", code="core.membership.read", municipality=municipality
    )
    return {"pk": entry.pk}


def _plan(municipality):
    from tests.plans.factories import PlanFactory

    return PlanFactory(municipality=municipality)


@builds(
    "plans:plan_detail",
    "plans:plan_edit",
    "plans:plan_status",
    "plans:plan_versions",
    "plans:plan_compare",
    "plans:plan_pdf",
    "plans:coverage",
    "plans:progress",
    "plans:plan_measure_add",
    "plans:review_create",
    "plans:annual_report",
    "plans:annual_report_pdf",
)
def plan(municipality):
    return {"pk": _plan(municipality).pk}


@builds("plans:plan_measure_detail", "plans:plan_measure_remove")
def plan_measure(municipality):
    from tests.plans.factories import PlanMeasureFactory

    return {"pk": PlanMeasureFactory(plan=_plan(municipality)).pk}


@builds("plans:review_detail")
def review(municipality):
    from tests.plans.factories import ReviewFactory

    return {"pk": ReviewFactory(plan=_plan(municipality)).pk}


def _service(municipality):
    from tests.directory.factories import ServiceFactory

    return ServiceFactory(owner=municipality)


@builds(
    "directory:service_detail",
    "directory:service_edit",
    "directory:service_verify",
    "directory:service_history",
)
def directory_service(municipality):
    return {"pk": _service(municipality).pk}


@builds(
    "directory:organization_detail",
    "directory:organization_edit",
    "directory:location_create",
    "directory:editor_invite",
)
def directory_organization(municipality):
    from tests.directory.factories import OrganizationFactory

    return {"pk": OrganizationFactory(owner=municipality).pk}


@builds("directory:location_edit")
def directory_location(municipality):
    from tests.directory.factories import OrganizationFactory
    from vern.directory.models import Location

    organization = OrganizationFactory(owner=municipality)
    return {"pk": Location.objects.create(organization=organization, name="Kontoret").pk}


@builds("directory:editor_remove")
def directory_organization_editor(municipality):
    from tests.directory.factories import OrganizationFactory
    from tests.factories import UserFactory
    from vern.directory.models import OrganizationEditor

    editor = OrganizationEditor.objects.create(
        organization=OrganizationFactory(owner=municipality), user=UserFactory()
    )
    return {"pk": editor.pk}


@builds("directory:pending_detail")
def directory_pending_change(municipality):
    from tests.factories import UserFactory
    from vern.directory.models import PendingChange

    change = PendingChange.objects.create(
        service=_service(municipality),
        municipality=municipality,
        proposed={"name": "Nytt navn"},
        author=UserFactory(),
    )
    return {"pk": change.pk}


@builds("directory:error_report_detail")
def directory_error_report(municipality):
    from vern.directory.models import ErrorReport

    return {"pk": ErrorReport.objects.create(service=_service(municipality), message="Feil").pk}
