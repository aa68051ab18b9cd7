"""Vern's URLs plus two staff pages reading one membership: one forgets the scope.

Used by ``test_tenancy_kernel`` to show that the fail-closed check catches the
mistake the issue describes (``Model.objects.get(pk=...)`` returning another
municipality's row), and that the scoped version answers 404.
"""

from django.http import Http404, HttpResponse
from django.urls import path

from vern.core.access import get_scoped_or_404, staff_view
from vern.core.models import Membership
from vern.urls import urlpatterns as vern_urlpatterns


@staff_view(personal_data="core.membership")
def forgetful_member(request, pk):
    # The mistake: no for_user, so any municipality's membership would do.
    membership = Membership.objects.filter(pk=pk).select_related("user").first()
    if membership is None:
        raise Http404
    return HttpResponse(membership.user.email)


@staff_view(personal_data="core.membership")
def careful_member(request, pk):
    membership = get_scoped_or_404(request, Membership.objects.select_related("user"), pk=pk)
    return HttpResponse(membership.user.email)


urlpatterns = [
    path("ansatt/glemsom/<int:pk>/", forgetful_member, name="forgetful_member"),
    path("ansatt/forsiktig/<int:pk>/", careful_member, name="careful_member"),
    *vern_urlpatterns,
]
