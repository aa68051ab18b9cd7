"""A URLconf with deliberately broken staff views, used to test the shared tests."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import include, path

from vern.core.access import staff_view
from vern.core.models import Unit


@staff_view(personal_data=None)
def unscoped_unit(request, pk):
    # The mistake the tenancy test must catch: no scoping.
    unit = get_object_or_404(Unit, pk=pk)
    return HttpResponse(unit.name)


def undecorated_unit_list(request):
    return HttpResponse("units")


def pretends_to_audit(request, pk):
    return HttpResponse("personal data, but no audit entry")


pretends_to_audit.vern_staff = True
pretends_to_audit.vern_personal_data = "core.unit"


@staff_view(personal_data=None)
def unregistered(request, pk):
    return HttpResponse("no builder")


broken = (
    [
        path("unit/<int:pk>/", unscoped_unit, name="unit_edit"),
        path("list/", undecorated_unit_list, name="list"),
        path("audited/<int:pk>/", pretends_to_audit, name="unit_delete"),
        path("unregistered/<int:pk>/", unregistered, name="unregistered"),
    ],
    "core",
)

urlpatterns = [path("ansatt/", include(broken))]
