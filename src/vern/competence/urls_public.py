from django.urls import path, re_path

from vern.competence.views import public

app_name = "duty_guide"
urlpatterns = [
    path("", public.step, name="start"),
    re_path(r"^(?P<path>(?:[a-z0-9-]+/){1,8})$", public.step, name="step"),
]
