from django.urls import path

from vern.pathways.views import dashboard, pathways, referrals

app_name = "pathways"
urlpatterns = [
    path("", pathways.pathway_list, name="pathway_list"),
    path("nytt/", pathways.pathway_open, name="pathway_open"),
    path("oversikt/", dashboard.dashboard, name="dashboard"),
    path("oversikt/alle/", dashboard.dashboard_list, name="dashboard_list"),
    path("frister/", dashboard.pathway_settings, name="settings"),
    path("<int:pk>/", pathways.pathway_detail, name="pathway_detail"),
    path("<int:pk>/endre/", pathways.pathway_edit, name="pathway_edit"),
    path("<int:pk>/kontakt/", pathways.first_contact, name="first_contact"),
    path("<int:pk>/samtykke/", pathways.consent, name="consent"),
    path("<int:pk>/samtykke/trekk/", pathways.consent_withdraw, name="consent_withdraw"),
    path("<int:pk>/behov/", pathways.assess, name="assess"),
    path("<int:pk>/tiltak/nytt/", pathways.delivery_add, name="delivery_add"),
    path("<int:pk>/avslutt/", pathways.pathway_close, name="pathway_close"),
    path("<int:pk>/gjenapne/", pathways.pathway_reopen, name="pathway_reopen"),
    path("<int:pk>/personer/", pathways.pathway_people, name="pathway_people"),
    path("<int:pk>/kobling/", pathways.pathway_link, name="pathway_link"),
    path("<int:pk>/henvisning/ny/", referrals.referral_create, name="referral_create"),
    path("<int:pk>/forbud/nytt/", referrals.order_add, name="order_add"),
    path("<int:pk>/loslatelse/ny/", referrals.release_open, name="release_open"),
    path("tiltak/<int:pk>/ferdig/", pathways.delivery_done, name="delivery_done"),
    path("henvisning/<int:pk>/", referrals.referral_detail, name="referral_detail"),
    path("henvisning/<int:pk>/henvisning.pdf", referrals.referral_pdf, name="referral_pdf"),
    path("loslatelse/<int:pk>/risiko/", referrals.release_assess, name="release_assess"),
]
