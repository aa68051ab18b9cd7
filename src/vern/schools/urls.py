from django.urls import path

from vern.schools import views

app_name = "schools"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("ny/", views.case_create, name="case_create"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/steg/<slug:step_code>/", views.case_step, name="case_step"),
    path("<int:pk>/avslutt/", views.case_close, name="case_close"),
    path("innstillinger/", views.settings, name="settings"),
    path("innstillinger/rutine/", views.template_edit, name="template_edit"),
    path("signaler/", views.signal_list, name="signal_list"),
    path("signaler/ny/", views.signal_create, name="signal_create"),
    path("signaler/<int:pk>/", views.signal_detail, name="signal_detail"),
    path("signaler/<int:pk>/samtale/<slug:talk>/", views.signal_talk, name="signal_talk"),
    path("signaler/<int:pk>/til-teamet/", views.signal_to_team, name="signal_to_team"),
]
