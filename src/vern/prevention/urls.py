from django.urls import path

from vern.prevention import views

app_name = "prevention"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("levering/", views.delivery_record, name="delivery_record"),
    path("levering/<int:pk>/endre/", views.delivery_edit, name="delivery_edit"),
    path("levering/<int:pk>/slett/", views.delivery_delete, name="delivery_delete"),
    path("enhet/<int:pk>/aldersgrupper/", views.unit_groups_edit, name="unit_groups_edit"),
    path("program/nytt/", views.programme_create, name="programme_create"),
    path("introduksjonsprogrammet/", views.intro_conversations, name="intro"),
    path("samarbeid/", views.partner_list, name="partner_list"),
    path("samarbeid/<int:pk>/", views.partner_detail, name="partner_detail"),
    path("samarbeid/<int:pk>/endre/", views.partner_edit, name="partner_edit"),
    path("samarbeid/<int:pk>/slett/", views.partner_delete, name="partner_delete"),
    path("avtale/<int:pk>/endre/", views.agreement_edit, name="agreement_edit"),
    path("avtale/<int:pk>/slett/", views.agreement_delete, name="agreement_delete"),
    path("aktivitet/<int:pk>/endre/", views.activity_edit, name="activity_edit"),
    path("aktivitet/<int:pk>/slett/", views.activity_delete, name="activity_delete"),
    path("kontakt/<int:pk>/endre/", views.contact_edit, name="contact_edit"),
    path("kontakt/<int:pk>/fjern/", views.contact_delete, name="contact_delete"),
]
