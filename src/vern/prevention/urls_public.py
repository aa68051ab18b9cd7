from django.urls import path

from vern.prevention import views

app_name = "prevention_public"
urlpatterns = [path("programmer/", views.programme_catalogue, name="programmes")]
