"""A unit-scoped view that forgets to narrow by unit, to test the shared unit check."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import include, path

from vern.core.access import scoped, staff_view

from .models import Case


@staff_view(personal_data="kernel_app.case", unit_scoped=True)
def unnarrowed_case(request, pk):
    # The mistake the unit check must catch: scoped to the municipality, not the units.
    return HttpResponse(get_object_or_404(scoped(request, Case), pk=pk).title)


urlpatterns = [
    path(
        "ansatt/",
        include(([path("sak/<int:pk>/", unnarrowed_case, name="case_summary")], "kernel")),
    )
]
