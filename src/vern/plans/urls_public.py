from django.urls import path

import vern.core.converters  # noqa: F401 (registers <municipality_number:>)
from vern.plans.views import public

app_name = "public_plans"
urlpatterns = [
    path("", public.overview, name="overview"),
    path("<municipality_number:number>/", public.plan_page, name="plan"),
    path("<municipality_number:number>/handlingsplan.pdf", public.plan_pdf, name="plan_pdf"),
]
