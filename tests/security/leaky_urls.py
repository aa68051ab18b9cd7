"""Vern's URLs plus one staff page that shows the municipality's records to
an organisation editor, used to test the shut-out check."""

from django.http import HttpResponse
from django.urls import path

from vern.core.access import staff_view
from vern.core.models import STAFF_ROLES, Role, Unit
from vern.urls import urlpatterns as vern_urlpatterns


@staff_view(personal_data=None, roles=STAFF_ROLES | {Role.ORG_EDITOR})
def leaky_unit_list(request):
    # The mistake the check must catch: every role that may open the page
    # sees the municipality's records.
    units = Unit.objects.filter(municipality=request.municipality)
    return HttpResponse(", ".join(unit.name for unit in units))


urlpatterns = [path("ansatt/lekk/", leaky_unit_list, name="leaky"), *vern_urlpatterns]
