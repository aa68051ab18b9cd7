from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

# The HSDS API has no language prefix: it serves data, not pages.
urlpatterns = [path("api/hsds/", include("vern.directory.urls_api"))]

# Language is chosen by URL prefix (/nn/, /en/; bokmål has none), so switching
# language needs no cookie: the public site must set none.
urlpatterns += i18n_patterns(
    path("", include("vern.public.urls")),
    path("", include("vern.directory.urls_public")),
    path("konto/", include("vern.core.urls_account")),
    path("ansatt/", include("vern.core.urls")),
    path("ansatt/logg/", include("vern.audit.urls")),
    path("ansatt/planer/", include("vern.plans.urls")),
    path("ansatt/tjenester/", include("vern.directory.urls")),
    path("ansatt/forlop/", include("vern.pathways.urls")),
    path("handlingsplaner/", include("vern.plans.urls_public")),
    prefix_default_language=False,
)
