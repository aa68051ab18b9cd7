from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

# Language is chosen by URL prefix (/nn/, /en/; bokmål has none), so switching
# language needs no cookie: the public site must set none.
urlpatterns = i18n_patterns(
    path("", include("vern.public.urls")),
    path("konto/", include("vern.core.urls_account")),
    path("ansatt/", include("vern.core.urls")),
    path("ansatt/logg/", include("vern.audit.urls")),
    path("ansatt/planer/", include("vern.plans.urls")),
    path("handlingsplaner/", include("vern.plans.urls_public")),
    prefix_default_language=False,
)
