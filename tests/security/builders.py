"""How to make an object behind each staff URL that takes an id.

One builder per kind of object; register the URL names that show it.
"""

from __future__ import annotations

from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.security.staff_urls import builds, builds_in_unit
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


@builds("plans:review_detail", "plans:review_edit")
def review(municipality):
    from tests.plans.factories import ReviewFactory

    return {"pk": ReviewFactory(plan=_plan(municipality)).pk}


def _plan_measure(municipality):
    from tests.plans.factories import PlanMeasureFactory

    return PlanMeasureFactory(plan=_plan(municipality))


@builds("plans:milestone_edit", "plans:milestone_delete")
def milestone(municipality):
    from datetime import date

    from vern.plans.models import Milestone

    milestone = Milestone.objects.create(
        plan_measure=_plan_measure(municipality), title="Kurs holdt", due_on=date(2026, 9, 1)
    )
    return {"pk": milestone.pk}


def _indicator(municipality):
    from vern.plans.models import Indicator

    return Indicator.objects.create(
        plan_measure=_plan_measure(municipality), name="Ansatte med kurs", target=80
    )


@builds("plans:indicator_edit", "plans:indicator_delete")
def indicator(municipality):
    return {"pk": _indicator(municipality).pk}


@builds("plans:measurement_edit", "plans:measurement_delete")
def measurement(municipality):
    from datetime import date

    from vern.plans.models import Measurement

    measurement = Measurement.objects.create(
        indicator=_indicator(municipality), measured_on=date(2026, 6, 1), value=40
    )
    return {"pk": measurement.pk}


@builds("plans:note_edit", "plans:note_delete")
def progress_note(municipality):
    from vern.plans.models import ProgressNote

    note = ProgressNote.objects.create(
        plan_measure=_plan_measure(municipality), author=UserFactory(), text="Godt i gang."
    )
    return {"pk": note.pk}


@builds("plans:coverage_delete")
def coverage_note(municipality):
    from tests.plans.factories import catalogue
    from vern.plans.models import CoverageNote

    note = CoverageNote.objects.create(
        plan=_plan(municipality), measure=catalogue("F3"), coverage="none", reason="Senere"
    )
    return {"pk": note.pk}


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


@builds("directory:page_edit", "directory:page_delete")
def directory_guide_page(municipality):
    from datetime import date

    from vern.directory.models import GuidePage

    page, _ = GuidePage.objects.get_or_create(
        owner=municipality,
        slug=GuidePage.Topic.RIGHTS,
        language="en",
        defaults={
            "title": "Rights",
            "summary": "Your rights.",
            "body": "Text.",
            "sources": "Lovdata – https://lovdata.no",
            "last_reviewed": date(2026, 12, 1),
        },
    )
    return {"pk": page.pk}


# Access-listed records of the test app (tests/kernel_app/), the only ones so far.


def _case(municipality, unit=None, users=()):
    from tests.kernel_app.models import Case
    from vern.core.models import RecordAccess

    case = Case.objects.create(
        municipality=municipality,
        unit=unit or UnitFactory(municipality=municipality),
        title="Sak",
    )
    for user in users:
        RecordAccess.objects.create(
            municipality=municipality,
            record_type="kernel_app.case",
            record_id=str(case.pk),
            user=user,
            kind=RecordAccess.Kind.MEMBER,
        )
    return case


@builds("core:record_openers")
def record_openers(municipality):
    return {"record_type": "kernel_app.case", "record_id": _case(municipality).pk}


@builds_in_unit("core:record_openers")
def record_openers_in_unit(municipality, unit, users=()):
    case = _case(municipality, unit, users)
    return {"record_type": "kernel_app.case", "record_id": case.pk}


@builds(
    "kernel:case_detail",
    "kernel:case_summary",
    "kernel:case_contacts",
    "kernel_mistakes:forgot_unit_scope",
    "kernel_mistakes:forgot_access_check",
)
def kernel_case(municipality):
    return {"pk": _case(municipality).pk}


@builds_in_unit("kernel:case_detail", "kernel:case_summary", "kernel:case_contacts")
def kernel_case_in_unit(municipality, unit, users=()):
    return {"pk": _case(municipality, unit, users).pk}
