from django.urls import path

from vern.plans.views import public

app_name = "public_plans"
urlpatterns = [
    path("", public.overview, name="overview"),
    path("<str:number>/", public.plan_page, name="plan"),
    path("<str:number>/handlingsplan.pdf", public.plan_pdf, name="plan_pdf"),
]
