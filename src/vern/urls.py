from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

# The HSDS API has no language prefix: it serves data, not pages.
urlpatterns = [
    path("api/hsds/", include("vern.guide.urls_api")),
    # A consultation team member's private calendar address: no page, no language.
    path("kalender/konsultasjonsteam/", include("vern.consultations.urls_feed")),
]

# Language is chosen by URL prefix (/nn/, /en/; bokmål has none), so switching
# language needs no cookie: the public site must set none.
urlpatterns += i18n_patterns(
    path("", include("vern.public.urls")),
    path("", include("vern.guide.urls")),
    path("konto/", include("vern.core.urls_account")),
    path("ansatt/", include("vern.core.urls")),
    path("ansatt/logg/", include("vern.audit.urls")),
    path("ansatt/planer/", include("vern.plans.urls")),
    path("ansatt/tjenester/", include("vern.directory.urls")),
    path("ansatt/konsultasjon/", include("vern.consultations.urls")),
    path("ansatt/skoler/", include("vern.schools.urls")),
    path("ansatt/forlop/", include("vern.pathways.urls")),
    path("handlingsplaner/", include("vern.plans.urls_public")),
    path("ansatt/kompetanse/", include("vern.competence.urls")),
    path("pliktveileder/", include("vern.competence.urls_public")),
    path("ansatt/forebygging/", include("vern.prevention.urls")),
    path("forebygging/", include("vern.prevention.urls_public")),
    prefix_default_language=False,
)
