"""The HSDS API, mounted at /api/hsds/ (no language prefix).

Paths follow the HSDS API template, without a trailing slash; one is accepted.
"""

from django.urls import path, re_path

from vern.guide.api import views

app_name = "hsds"


def _both(name: str, view, *, detail: bool = False):
    if detail:
        return re_path(rf"^{name}/(?P<id>[^/]+)/?$", view, name=f"{name}-detail")
    return re_path(rf"^{name}/?$", view, name=name)


urlpatterns = [
    path("", views.root, name="root"),
    path("openapi.json", views.openapi, name="openapi"),
    _both("services", views.services),
    _both("services", views.service, detail=True),
    _both("service_at_locations", views.service_at_locations),
    _both("service_at_locations", views.service_at_location, detail=True),
    _both("organizations", views.organizations),
    _both("organizations", views.organization, detail=True),
    _both("taxonomies", views.taxonomies),
    _both("taxonomies", views.taxonomy, detail=True),
    _both("taxonomy_terms", views.taxonomy_terms),
    _both("taxonomy_terms", views.taxonomy_term, detail=True),
    # Anything else under /api/hsds/ is a JSON 404, not an HTML page.
    re_path(r"^(?P<rest>.+)$", views.not_found),
]
