from django.urls import path

from vern.consultations.views import concerns, meetings, teams

app_name = "consultations"
urlpatterns = [
    path("", concerns.overview, name="overview"),
    path("bekymring/ny/", concerns.concern_create, name="concern_create"),
    path("bekymring/<int:pk>/", concerns.concern_detail, name="concern_detail"),
    path("bekymring/<int:pk>/send/", concerns.concern_draft, name="concern_draft"),
    path("bekymring/<int:pk>/slett/", concerns.concern_delete, name="concern_delete"),
    path("bekymring/<int:pk>/mote/", concerns.concern_place, name="concern_place"),
    path("bekymring/<int:pk>/rad/", concerns.advice_create, name="advice_create"),
    path("bekymring/<int:pk>/delt/", concerns.shared_create, name="shared_create"),
    path("team/", teams.team_list, name="team_list"),
    path("team/nytt/", teams.team_create, name="team_create"),
    path("team/<int:pk>/", teams.team_detail, name="team_detail"),
    path("team/<int:pk>/endre/", teams.team_edit, name="team_edit"),
    path("team/<int:pk>/medlem/ny/", teams.member_add, name="member_add"),
    path("team/<int:pk>/kalender/", teams.calendar, name="calendar"),
    path("medlem/<int:pk>/fjern/", teams.member_remove, name="member_remove"),
    path("mote/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("mote/<int:pk>/avlys/", meetings.meeting_cancel, name="meeting_cancel"),
    path("mote/<int:pk>/flytt/", meetings.meeting_move, name="meeting_move"),
    path("mote/<int:pk>/tiltak/ny/", meetings.action_create, name="action_create"),
    path("tiltak/<int:pk>/utfort/", meetings.action_done, name="action_done"),
    path("statistikk/", meetings.statistics, name="statistics"),
]
