"""Vern's URLs plus the test app's staff pages."""

from django.urls import include, path

from vern.urls import urlpatterns as vern_urlpatterns

from . import views

cases = (
    [
        path("", views.case_list, name="case_list"),
        path("<int:pk>/", views.case_detail, name="case_detail"),
        path("<int:pk>/kort/", views.case_summary, name="case_summary"),
        path("<int:pk>/kontakter/", views.case_contacts, name="case_contacts"),
    ],
    "kernel",
)

mistakes = (
    [
        path("<int:pk>/uten-enhet/", views.case_forgot_unit_scope, name="forgot_unit_scope"),
        path("<int:pk>/uten-sjekk/", views.case_forgot_access_check, name="forgot_access_check"),
    ],
    "kernel_mistakes",
)

urlpatterns = [
    path("ansatt/saker/", include(cases)),
    path("ansatt/feil/", include(mistakes)),
    *vern_urlpatterns,
]
