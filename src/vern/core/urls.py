from django.urls import path

from vern.core.views import access, members, notifications, staff, units

app_name = "core"
urlpatterns = [
    path("", staff.dashboard, name="dashboard"),
    path("kommune/", staff.switch_municipality, name="switch_municipality"),
    path("enheter/", units.unit_list, name="unit_list"),
    path("enheter/ny/", units.unit_create, name="unit_create"),
    path("enheter/<int:pk>/", units.unit_edit, name="unit_edit"),
    path("enheter/<int:pk>/slett/", units.unit_delete, name="unit_delete"),
    path("brukere/", members.member_list, name="member_list"),
    path("brukere/ny/", members.member_invite, name="member_invite"),
    path("brukere/<int:pk>/", members.member_detail, name="member_detail"),
    path("brukere/<int:pk>/fjern/", members.member_remove, name="member_remove"),
    path("brukere/<int:pk>/send-invitasjon/", members.member_reinvite, name="member_reinvite"),
    path("brukere/<int:pk>/tofaktor/", members.member_otp_reset, name="member_otp_reset"),
    path(
        "brukere/invitasjoner/<int:pk>/trekk-tilbake/",
        members.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("varsler/", notifications.notification_list, name="notification_list"),
    path("varsler/lest/", notifications.notification_read, name="notification_read"),
    path("tilgang/grunn/", access.state_reason, name="state_reason"),
    path(
        "tilgang/<str:record_type>/<str:record_id>/apnet-av/",
        access.record_openers,
        name="record_openers",
    ),
]
