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


# The consultation team (vern.consultations). Its pages are for the people sitting on
# the team, so the team built here seats everyone holding the team-member role in the
# municipality (the tests' "every role" person among them); concerns are submitted by
# someone else, drafts by that person (a draft is its writer's alone).


def _consultation_team(municipality):
    import datetime

    from vern.consultations.models import Agency, Team, TeamMember
    from vern.core.models import Membership

    team = Team.objects.create(
        municipality=municipality,
        name="Konsultasjonsteam",
        first_meeting_on=datetime.date.today() + datetime.timedelta(days=1),
        meeting_time=datetime.time(9),
    )
    holders = Membership.objects.for_system(reason="test: seat the team-member role holders")
    for membership in holders.filter(municipality=municipality, role=Role.TEAM_MEMBER):
        TeamMember.objects.create(
            team=team, user=membership.user, municipality=municipality, agency=Agency.POLICE
        )
    return team


def _meeting(team):
    import datetime

    from django.utils import timezone

    from vern.consultations.models import Meeting

    start = timezone.now() + datetime.timedelta(days=2)
    return Meeting.objects.create(
        team=team, starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )


def _concern(municipality, **fields):
    from django.utils import timezone

    from vern.consultations.models import Concern

    values = {
        "municipality": municipality,
        "submitted_by": UserFactory(),
        "age_band": "6-9",
        "setting": "school",
        "worry": "Barnet virker redd.",
        "team": _consultation_team(municipality),
        "submitted_at": timezone.now(),
    }
    values.update(fields)
    return Concern.objects.create(**values)


@builds(
    "consultations:concern_detail",
    "consultations:advice_create",
    "consultations:shared_create",
    "consultations:concern_place",
)
def consultation_concern(municipality):
    return {"pk": _concern(municipality).pk}


@builds("consultations:concern_draft", "consultations:concern_delete")
def consultation_draft(municipality):
    from vern.consultations.models import Concern
    from vern.core.models import Membership

    # The person holding the most roles here (the tests' "every role" person) writes it.
    holders = Membership.objects.for_system(reason="test: who writes the draft").filter(
        municipality=municipality
    )
    counts = {}
    for membership in holders:
        counts[membership.user] = counts.get(membership.user, 0) + 1
    writer = max(counts, key=counts.get) if counts else UserFactory()
    return {
        "pk": _concern(
            municipality,
            submitted_by=writer,
            team=None,
            submitted_at=None,
            status=Concern.Status.DRAFT,
        ).pk
    }


@builds(
    "consultations:team_detail",
    "consultations:team_edit",
    "consultations:member_add",
    "consultations:calendar",
)
def consultation_team(municipality):
    return {"pk": _consultation_team(municipality).pk}


@builds("consultations:member_remove")
def consultation_member(municipality):
    from vern.consultations.models import Agency, TeamMember

    team = _consultation_team(municipality)
    user = UserFactory()
    MembershipFactory(user=user, municipality=municipality, role=Role.TEAM_MEMBER)
    member = TeamMember.objects.create(
        team=team,
        user=user,
        municipality=municipality,
        agency=Agency.PPT,
    )
    return {"pk": member.pk}


@builds(
    "consultations:meeting_detail",
    "consultations:action_create",
    "consultations:meeting_cancel",
    "consultations:meeting_move",
)
def consultation_meeting(municipality):
    return {"pk": _meeting(_consultation_team(municipality)).pk}


@builds("consultations:action_done")
def consultation_action(municipality):
    from vern.consultations.models import TeamAction

    team = _consultation_team(municipality)
    action = TeamAction.objects.create(
        team=team,
        meeting=_meeting(team),
        description="Lage rutine",
        agency="police",
        created_by=UserFactory(),
    )
    return {"pk": action.pk}


@builds("schools:case_detail", "schools:case_close")
def school_case(municipality):
    from tests.schools.factories import case

    return {"pk": case(municipality).pk}


@builds_in_unit("schools:case_detail", "schools:case_close")
def school_case_in_unit(municipality, unit, users=()):
    from tests.schools.factories import case

    return {"pk": case(municipality, unit).pk}


@builds("schools:case_step")
def school_case_step(municipality):
    from tests.schools.factories import case

    return {"pk": case(municipality).pk, "step_code": "step-1"}


@builds_in_unit("schools:case_step")
def school_case_step_in_unit(municipality, unit, users=()):
    from tests.schools.factories import case

    return {"pk": case(municipality, unit).pk, "step_code": "step-1"}


@builds("schools:signal_detail", "schools:signal_to_team")
def school_signal(municipality):
    from tests.schools.factories import signal

    return {"pk": signal(municipality).pk}


@builds_in_unit("schools:signal_detail", "schools:signal_to_team")
def school_signal_in_unit(municipality, unit, users=()):
    from tests.schools.factories import signal

    return {"pk": signal(municipality, unit).pk}


@builds("schools:signal_talk")
def school_signal_talk(municipality):
    from tests.schools.factories import signal

    return {"pk": signal(municipality).pk, "talk": "pupil"}


@builds_in_unit("schools:signal_talk")
def school_signal_talk_in_unit(municipality, unit, users=()):
    from tests.schools.factories import signal

    return {"pk": signal(municipality, unit).pk, "talk": "pupil"}


# Competence: courses, the training register, imports and professional days.


@builds("competence:course_detail", "competence:course_edit")
def competence_course(municipality):
    from tests.competence.factories import CourseFactory

    return {"pk": CourseFactory(municipality=municipality).pk}


@builds("competence:employee_detail", "competence:employee_edit")
def competence_employee(municipality):
    from tests.competence.factories import EmployeeFactory

    return {"pk": EmployeeFactory(municipality=municipality).pk}


@builds_in_unit("competence:employee_detail", "competence:employee_edit")
def competence_employee_in_unit(municipality, unit, users=()):
    from tests.competence.factories import EmployeeFactory

    return {"pk": EmployeeFactory(municipality=municipality, unit=unit).pk}


def _completion(municipality, unit=None):
    from datetime import date

    from tests.competence.factories import CompletionFactory, EmployeeFactory

    employee = EmployeeFactory(municipality=municipality, **({"unit": unit} if unit else {}))
    return CompletionFactory(employee=employee, completed_on=date(2026, 1, 15))


@builds("competence:completion_delete", "competence:completion_edit")
def competence_completion(municipality):
    return {"pk": _completion(municipality).pk}


@builds_in_unit("competence:completion_delete", "competence:completion_edit")
def competence_completion_in_unit(municipality, unit, users=()):
    return {"pk": _completion(municipality, unit).pk}


@builds("competence:import_map", "competence:import_preview")
def competence_import(municipality):
    from vern.competence.models import CompletionImport

    upload = CompletionImport.objects.create(
        municipality=municipality,
        filename="eksport.csv",
        encoding="utf-8",
        text="Ansattnummer;Kurskode;Dato\nE0001;AVV-01;15.01.2026\n",
        mapping={"employee": 0, "course": 1, "completed_on": 2},
    )
    return {"pk": upload.pk}


@builds("competence:day_detail", "competence:day_edit", "competence:day_attendance")
def competence_day(municipality):
    from tests.competence.factories import ProfessionalDayFactory

    return {"pk": ProfessionalDayFactory(municipality=municipality).pk}


@builds("prevention:partner_detail", "prevention:partner_edit", "prevention:partner_delete")
def prevention_partner(municipality):
    from vern.prevention.models import Partner, PartnerContact

    partner = Partner.objects.create(municipality=municipality, name="Lag", kind="ngo")
    PartnerContact.objects.create(partner=partner, name="Kontakt")
    return {"pk": partner.pk}


@builds("prevention:contact_delete", "prevention:contact_edit")
def prevention_contact(municipality):
    from vern.prevention.models import Partner, PartnerContact

    partner = Partner.objects.create(municipality=municipality, name="Lag", kind="ngo")
    return {"pk": PartnerContact.objects.create(partner=partner, name="Kontakt").pk}


@builds("prevention:agreement_edit", "prevention:agreement_delete")
def prevention_agreement(municipality):
    from datetime import date

    from vern.prevention.models import Agreement, Partner

    partner = Partner.objects.create(municipality=municipality, name="Lag", kind="ngo")
    return {
        "pk": Agreement.objects.create(
            municipality=municipality,
            partner=partner,
            title="Avtale",
            content="Samarbeid",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
        ).pk
    }


@builds("prevention:activity_edit", "prevention:activity_delete")
def prevention_activity(municipality):
    from datetime import date

    from vern.prevention.models import Activity, Partner

    partner = Partner.objects.create(municipality=municipality, name="Lag", kind="ngo")
    return {
        "pk": Activity.objects.create(
            municipality=municipality, partner=partner, held_on=date(2026, 3, 1), title="Kurs"
        ).pk
    }


def _institution(municipality):
    from vern.core.models import Unit

    return UnitFactory(municipality=municipality, kind=Unit.Kind.SCHOOL)


@builds("prevention:delivery_edit", "prevention:delivery_delete")
def prevention_delivery(municipality):
    from vern.prevention.models import AgeGroup, Delivery, Programme

    programme = Programme.objects.for_system(reason="test").filter(municipality=None).first()
    return {
        "pk": Delivery.objects.create(
            municipality=municipality,
            unit=_institution(municipality),
            programme=programme,
            age_group=AgeGroup.GS_1_4,
        ).pk
    }


@builds("prevention:unit_groups_edit")
def prevention_unit_groups(municipality):
    return {"pk": _institution(municipality).pk}


# Pathways: everyone of the municipality who may work on pathways is put on the
# pathway's access list, so the shared tests' people open it without a reason.


def _pathway(municipality):
    from datetime import date

    from tests.factories import MembershipFactory, UserFactory
    from vern.core.models import Membership, RecordAccess, User
    from vern.pathways import services

    worker = UserFactory()
    MembershipFactory(user=worker, municipality=municipality, role=Role.CASE_WORKER)
    pathway = services.pathway_open(
        municipality=municipality,
        actor=worker,
        kind="victim",
        journal_number="2026/1",
        priority="normal",
        responsible=worker,
        today=date(2026, 3, 2),
    )
    members = Membership.objects.for_system(reason="test").filter(municipality=municipality)
    for user in User.objects.filter(pk__in=members.values("user_id")).exclude(pk=worker.pk):
        RecordAccess.objects.for_system(reason="test").get_or_create(
            municipality=municipality,
            record_type="pathways.pathway",
            record_id=str(pathway.pk),
            user=user,
            defaults={"kind": RecordAccess.Kind.MEMBER},
        )
    return pathway, worker


@builds(
    "pathways:pathway_detail",
    "pathways:pathway_edit",
    "pathways:first_contact",
    "pathways:consent",
    "pathways:consent_withdraw",
    "pathways:assess",
    "pathways:delivery_add",
    "pathways:pathway_close",
    "pathways:pathway_reopen",
    "pathways:pathway_people",
    "pathways:pathway_link",
    "pathways:referral_create",
    "pathways:order_add",
    "pathways:release_open",
)
def pathway(municipality):
    return {"pk": _pathway(municipality)[0].pk}


@builds("pathways:delivery_done")
def pathway_delivery(municipality):
    from datetime import date

    from vern.pathways import services

    pathway, worker = _pathway(municipality)
    services.need_assess(
        pathway=pathway,
        actor=worker,
        area="housing",
        assessment="needed",
        note="",
        today=date(2026, 3, 2),
    )
    delivery = services.delivery_add(
        pathway=pathway,
        actor=worker,
        area="housing",
        task="Bolig",
        person=worker,
        due=date(2026, 3, 20),
        today=date(2026, 3, 2),
    )
    return {"pk": delivery.pk}


@builds("pathways:referral_detail", "pathways:referral_pdf")
def pathway_referral(municipality):
    from datetime import date

    from tests.directory.factories import ServiceFactory
    from vern.pathways import services

    pathway, worker = _pathway(municipality)
    services.consent_record(
        pathway=pathway,
        actor=worker,
        given_on=date(2026, 3, 2),
        today=date(2026, 3, 2),
        areas=["legal"],
        share_initials=False,
        share_needs=True,
        share_contact=False,
    )
    service = ServiceFactory(owner=municipality, referral="required")
    referral = services.referral_create(
        pathway=pathway, actor=worker, service=service, area="legal", today=date(2026, 3, 2)
    )
    return {"pk": referral.pk}


@builds("pathways:release_assess")
def pathway_release(municipality):
    from datetime import date

    from vern.pathways import services

    pathway, worker = _pathway(municipality)
    follow_up = services.release_open(
        pathway=pathway,
        actor=worker,
        type="release",
        expected_on=date(2026, 6, 1),
        notice_on=date(2026, 3, 2),
        responsible=worker,
        today=date(2026, 3, 2),
    )
    return {"pk": follow_up.pk}
