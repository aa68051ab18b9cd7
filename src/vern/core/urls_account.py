from django.urls import path

from vern.core.views import account, session

app_name = "account"
urlpatterns = [
    path("logg-inn/", account.LoginView.as_view(), name="login"),
    path("logg-ut/", account.LogoutView.as_view(), name="logout"),
    path("tofaktor/", account.otp, name="otp"),
    path("okt/", session.keepalive, name="keepalive"),
    path("invitasjoner/", account.invitations, name="invitations"),
    path("invitasjoner/<int:pk>/svar/", account.invitation_answer, name="invitation_answer"),
    path("glemt-passord/", account.PasswordResetView.as_view(), name="password_reset"),
    path(
        "glemt-passord/sendt/", account.PasswordResetDoneView.as_view(), name="password_reset_done"
    ),
    path(
        "nytt-passord/<uidb64>/<token>/",
        account.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "invitasjon/<uidb64>/<token>/",
        account.InvitationPasswordView.as_view(),
        name="invitation_password",
    ),
    path(
        "nytt-passord/ferdig/",
        account.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
