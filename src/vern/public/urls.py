from django.urls import path

from vern.public import views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("trygg-pa-nett/", views.staying_safe, name="staying_safe"),
    path("om/", views.about, name="about"),
]
