"""How to make an object behind each staff URL that takes an id.

One builder per kind of object; register the URL names that show it.
"""

from __future__ import annotations

from tests.factories import MembershipFactory, UnitFactory
from tests.security.staff_urls import builds
from vern.audit.services import log_action
from vern.core.models import Role


@builds("core:unit_edit", "core:unit_delete")
def unit(municipality):
    return {"pk": UnitFactory(municipality=municipality).pk}


@builds("core:member_detail", "core:member_remove")
def membership(municipality):
    return {"pk": MembershipFactory(municipality=municipality, role=Role.READER).pk}


@builds("audit:entry_detail")
def audit_entry(municipality):
    entry = log_action(actor=None, action="read", code="test.read", municipality=municipality)
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
