from django.urls import path

from vern.plans.views import corrections, follow_up, measures, plans

app_name = "plans"
urlpatterns = [
    path("", plans.plan_list, name="plan_list"),
    path("ny/", plans.plan_create, name="plan_create"),
    path("katalog/", measures.catalogue, name="catalogue"),
    path("katalog/nytt-tiltak/", measures.local_measure_create, name="local_measure_create"),
    path("<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("<int:pk>/endre/", plans.plan_edit, name="plan_edit"),
    path("<int:pk>/status/", plans.plan_status, name="plan_status"),
    path("<int:pk>/versjoner/", plans.plan_versions, name="plan_versions"),
    path("<int:pk>/sammenlign/", plans.plan_compare, name="plan_compare"),
    path("<int:pk>/handlingsplan.pdf", plans.plan_pdf, name="plan_pdf"),
    path("<int:pk>/dekning/", follow_up.coverage, name="coverage"),
    path("<int:pk>/framdrift/", follow_up.progress, name="progress"),
    path("<int:pk>/tiltak/nytt/", measures.plan_measure_add, name="plan_measure_add"),
    path("<int:pk>/gjennomgang/ny/", follow_up.review_create, name="review_create"),
    path("<int:pk>/arsrapport/", follow_up.annual_report, name="annual_report"),
    path("<int:pk>/arsrapport.pdf", follow_up.annual_report_pdf, name="annual_report_pdf"),
    path("tiltak/<int:pk>/", measures.plan_measure_detail, name="plan_measure_detail"),
    path("tiltak/<int:pk>/fjern/", measures.plan_measure_remove, name="plan_measure_remove"),
    path("gjennomgang/<int:pk>/", follow_up.review_detail, name="review_detail"),
    path("gjennomgang/<int:pk>/endre/", follow_up.review_edit, name="review_edit"),
    path("milepel/<int:pk>/endre/", corrections.milestone_edit, name="milestone_edit"),
    path("milepel/<int:pk>/slett/", corrections.milestone_delete, name="milestone_delete"),
    path("indikator/<int:pk>/endre/", corrections.indicator_edit, name="indicator_edit"),
    path("indikator/<int:pk>/slett/", corrections.indicator_delete, name="indicator_delete"),
    path("maling/<int:pk>/endre/", corrections.measurement_edit, name="measurement_edit"),
    path("maling/<int:pk>/slett/", corrections.measurement_delete, name="measurement_delete"),
    path("notat/<int:pk>/endre/", corrections.note_edit, name="note_edit"),
    path("notat/<int:pk>/slett/", corrections.note_delete, name="note_delete"),
    path("dekning/<int:pk>/slett/", corrections.coverage_delete, name="coverage_delete"),
]
