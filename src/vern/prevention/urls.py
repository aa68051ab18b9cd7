from django.urls import path

from vern.prevention import views

app_name = "prevention"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("levering/", views.delivery_record, name="delivery_record"),
    path("program/nytt/", views.programme_create, name="programme_create"),
    path("introduksjonsprogrammet/", views.intro_conversations, name="intro"),
    path("samarbeid/", views.partner_list, name="partner_list"),
    path("samarbeid/<int:pk>/", views.partner_detail, name="partner_detail"),
    path("kontakt/<int:pk>/fjern/", views.contact_delete, name="contact_delete"),
]
