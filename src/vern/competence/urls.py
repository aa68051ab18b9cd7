from django.urls import path

from vern.competence.views import guide

app_name = "competence"
urlpatterns = [
    path("pliktveileder/", guide.guide_overview, name="guide_overview"),
    path("pliktveileder/gjennomgatt/", guide.guide_reviewed, name="guide_reviewed"),
    path("pliktveileder/regel/", guide.guide_rule_edit, name="guide_rule_edit"),
]
