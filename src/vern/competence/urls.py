from django.urls import path

from vern.competence.views import conversations, guide, imports, training

app_name = "competence"
urlpatterns = [
    path("", training.overview, name="overview"),
    path("kurs/", training.course_list, name="course_list"),
    path("kurs/nytt/", training.course_create, name="course_create"),
    path("kurs/<int:pk>/", training.course_detail, name="course_detail"),
    path("kurs/<int:pk>/endre/", training.course_edit, name="course_edit"),
    path("ansatte/", training.employee_list, name="employee_list"),
    path("ansatte/ny/", training.employee_create, name="employee_create"),
    path("ansatte/<int:pk>/", training.employee_detail, name="employee_detail"),
    path("ansatte/<int:pk>/endre/", training.employee_edit, name="employee_edit"),
    path("fullfort/<int:pk>/endre/", training.completion_edit, name="completion_edit"),
    path("fullfort/<int:pk>/slett/", training.completion_delete, name="completion_delete"),
    path("import/", imports.upload, name="import_upload"),
    path("import/<int:pk>/", imports.map_columns, name="import_map"),
    path("import/<int:pk>/forhandsvis/", imports.preview, name="import_preview"),
    path("fagdager/", training.day_list, name="day_list"),
    path("fagdager/ny/", training.day_create, name="day_create"),
    path("fagdager/<int:pk>/", training.day_detail, name="day_detail"),
    path("fagdager/<int:pk>/endre/", training.day_edit, name="day_edit"),
    path("fagdager/<int:pk>/oppmote/", training.day_attendance, name="day_attendance"),
    path("samtaler/", conversations.overview, name="conversations"),
    path("samtaler/registrer/", conversations.record, name="conversation_record"),
    path("samtaler/sporsmal/", conversations.question_guide, name="question_guide"),
    path("samtaler/sporsmal/endre/", conversations.question_guide_edit, name="question_guide_edit"),
    path("pliktveileder/", guide.guide_overview, name="guide_overview"),
    path("pliktveileder/gjennomgatt/", guide.guide_reviewed, name="guide_reviewed"),
    path("pliktveileder/regel/", guide.guide_rule_edit, name="guide_rule_edit"),
]
