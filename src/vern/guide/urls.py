"""The public guide (no login, no cookies): a municipality's guide, search, service pages."""

from django.urls import path

import vern.core.converters  # noqa: F401 (registers <municipality_number:>)
from vern.guide.views import pages, public

app_name = "guide"
urlpatterns = [
    path("kommune/<municipality_number:number>/", public.municipality_page, name="municipality"),
    # Anything but four digits: the friendly "no such municipality" page.
    path("kommune/<str:number>/", public.unknown_municipality, name="unknown_municipality"),
    path("kommune/<municipality_number:number>/plakat.pdf", public.poster_pdf, name="poster"),
    path("sok/", public.search, name="search"),
    path("veiledning/", pages.page_list, name="pages"),
    path("veiledning/<slug:slug>/", pages.page_detail, name="page"),
    path("tjeneste/<uuid:pk>/", public.service_page, name="service"),
    path("tjeneste/<uuid:pk>/meld-feil/", public.report_error, name="report_error"),
    path("tjeneste/<uuid:pk>/meld-feil/takk/", public.report_thanks, name="report_thanks"),
]
