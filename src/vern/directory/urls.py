"""Staff pages of the directory, mounted at /ansatt/tjenester/."""

from django.urls import path

from vern.directory.views import staff, staff_pages

app_name = "directory"
urlpatterns = [
    path("", staff.service_list, name="service_list"),
    path("ny/", staff.service_create, name="service_create"),
    path("<uuid:pk>/", staff.service_detail, name="service_detail"),
    path("<uuid:pk>/endre/", staff.service_edit, name="service_edit"),
    path("<uuid:pk>/bekreft/", staff.service_verify, name="service_verify"),
    path("<uuid:pk>/historikk/", staff.service_history, name="service_history"),
    path("endringer/", staff.pending_list, name="pending_list"),
    path("endringer/<int:pk>/", staff.pending_detail, name="pending_detail"),
    path("feilmeldinger/", staff.error_report_list, name="error_report_list"),
    path("feilmeldinger/<int:pk>/", staff.error_report_detail, name="error_report_detail"),
    path("organisasjoner/", staff.organization_list, name="organization_list"),
    path("organisasjoner/ny/", staff.organization_create, name="organization_create"),
    path("organisasjoner/<uuid:pk>/", staff.organization_detail, name="organization_detail"),
    path("organisasjoner/<uuid:pk>/endre/", staff.organization_edit, name="organization_edit"),
    path("organisasjoner/<uuid:pk>/nytt-sted/", staff.location_create, name="location_create"),
    path("organisasjoner/<uuid:pk>/ny-redaktor/", staff.editor_invite, name="editor_invite"),
    path("steder/<uuid:pk>/", staff.location_edit, name="location_edit"),
    path("redaktorer/<int:pk>/fjern/", staff.editor_remove, name="editor_remove"),
    path("synonymer/", staff.synonyms, name="synonyms"),
    path("sider/", staff_pages.page_list, name="page_list"),
    path("sider/ny/", staff_pages.page_create, name="page_create"),
    path("sider/<int:pk>/endre/", staff_pages.page_edit, name="page_edit"),
    path("sider/<int:pk>/fjern/", staff_pages.page_delete, name="page_delete"),
]
