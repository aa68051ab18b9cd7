"""Views written the way the coming apps will write theirs."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from vern.core.access import get_in_units_or_404, scoped, scoped_to_units, staff_view
from vern.core.models import Role
from vern.core.record_access import require_record_access

from .models import Case

CASE_ROLES = {Role.CASE_WORKER, Role.SCHOOL_CONTACT, Role.COORDINATOR}


@staff_view(personal_data="kernel_app.case", roles=CASE_ROLES, unit_scoped=True)
def case_list(request):
    cases = scoped_to_units(request, scoped(request, Case)).order_by("title")
    return HttpResponse("\n".join(case.title for case in cases))


@staff_view(personal_data="kernel_app.case", roles=CASE_ROLES, unit_scoped=True)
def case_summary(request, pk):
    """A unit's case without an access list: the unit decides."""
    return HttpResponse(get_in_units_or_404(request, Case, pk=pk).title)


@staff_view(personal_data="kernel_app.case", roles=CASE_ROLES, unit_scoped=True, record_access=True)
def case_detail(request, pk):
    case = get_in_units_or_404(request, Case, pk=pk)
    require_record_access(request, case)
    return HttpResponse(case.title)


@staff_view(
    personal_data="kernel_app.case",
    roles=CASE_ROLES,
    unit_scoped=True,
    reason_required=_("Why do you need the contact details?"),
)
def case_contacts(request, pk):
    return HttpResponse(get_in_units_or_404(request, Case, pk=pk).title)


@staff_view(personal_data="kernel_app.case", roles=CASE_ROLES)
def case_forgot_unit_scope(request, pk):
    """Unit records, but ``unit_scoped`` forgotten: unit-bound roles do not count."""
    return HttpResponse(get_object_or_404(scoped(request, Case), pk=pk).title)


@staff_view(personal_data="kernel_app.case", roles=CASE_ROLES, record_access=True)
def case_forgot_access_check(request, pk):
    return HttpResponse(get_object_or_404(scoped(request, Case), pk=pk).title)
