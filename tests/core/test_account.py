import re

from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import TOTPDeviceFactory
from vern.audit.models import AuditEntry

PASSWORD = "riktig-passord-123"


def _login(client, email, password=PASSWORD):
    return client.post(reverse("account:login"), {"username": email, "password": password})


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_staff_pages_demand_login():
    response = Client().get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account:login"))


def test_login_without_second_factor_leads_to_enrolment(admin):
    client = Client()
    assert _login(client, admin.email).status_code == 302
    assert client.get(reverse("core:dashboard"))["Location"] == reverse("account:otp")
    page = client.get(reverse("account:otp")).content.decode()
    assert "<svg" in page  # the QR code, inline so no image host or data: URL is needed
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    response = client.post(reverse("account:otp"), {"token": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert (
        AuditEntry.objects.for_system("test")
        .filter(code="core.user.otp_enrolled", actor=admin)
        .exists()
    )
    assert (
        AuditEntry.objects.for_system("test").filter(code="core.user.login", actor=admin).exists()
    )


def test_wrong_code_is_refused_with_a_message(admin):
    device = TOTPDeviceFactory(user=admin)
    client = Client()
    _login(client, admin.email)
    response = client.post(reverse("account:otp"), {"token": "000000"})
    assert "Koden er feil" in response.content.decode()
    assert client.get(reverse("core:dashboard")).status_code == 302
    response = client.post(reverse("account:otp"), {"token": "12ab"})
    assert "seks sifrene" in response.content.decode()
    assert device.confirmed


def test_demo_mode_skips_the_second_factor(admin, settings):
    settings.VERN_REQUIRE_2FA = False
    client = Client()
    _login(client, admin.email)
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_repeated_failures_lock_the_login(admin):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, admin.email, "feil-passord")
    response = _login(client, admin.email)  # even the right password is refused now
    assert response.status_code == 429
    assert "For mange" in response.content.decode()


def _spellings(email: str) -> list[str]:
    """Six ways of typing one address that all name the same account."""
    local, domain = email.split("@")
    return [
        email.upper(),
        f"  {email}",
        f"{email}   ",
        f"{local.title()}@{domain.upper()}",
        f" {local.upper()}@{domain} ",
        f"{local}@{domain.upper()}",
    ]


def test_the_lock_holds_whatever_the_spelling_of_the_address(admin):
    spellings = _spellings(admin.email)
    assert len(set(spellings)) == 6
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, spellings[attempt % len(spellings)], "feil-passord")
    for spelling in [*spellings, admin.email]:
        response = _login(Client(), spelling)
        assert response.status_code == 429, spelling
        assert "_auth_user_id" not in response.wsgi_request.session


def test_the_lock_holds_for_the_account_from_another_address(admin):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR=f"198.51.100.{attempt + 1}").post(
            reverse("account:login"), {"username": admin.email, "password": "feil-passord"}
        )
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    response = _login(elsewhere, admin.email.upper())
    assert response.status_code == 429
    assert elsewhere.get(reverse("core:dashboard")).status_code == 302


def test_a_successful_login_clears_the_count_for_every_spelling(admin):
    spellings = _spellings(admin.email)
    for spelling in spellings[: settings.AXES_FAILURE_LIMIT - 1]:
        _login(Client(), spelling, "feil-passord")
    assert _login(Client(), spellings[-1]).status_code == 302
    for spelling in spellings[: settings.AXES_FAILURE_LIMIT - 1]:
        _login(Client(), spelling, "feil-passord")
    assert _login(Client(), admin.email).status_code == 302


def test_password_reset_by_email(admin):
    client = Client()
    client.post(reverse("account:password_reset"), {"email": admin.email})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new = "et-helt-nytt-passord-42"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    admin.refresh_from_db()
    assert admin.check_password(new)


def test_unknown_email_gets_the_same_answer_and_no_mail(db):
    response = Client().post(reverse("account:password_reset"), {"email": "ingen@example.test"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_logout_ends_the_session(admin, login):
    client = login(admin)
    client.post(reverse("account:logout"))
    assert client.get(reverse("core:dashboard")).status_code == 302


def test_sessions_expire_after_thirty_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_national_user_logs_in_without_municipal_access(db, login):
    from tests.factories import MembershipFactory, UnitFactory, UserFactory
    from vern.core.models import Role

    user = UserFactory()
    MembershipFactory(user=user, municipality=None, role=Role.NATIONAL)
    client = login(user)
    assert client.get(reverse("core:dashboard")).status_code == 200
    unit = UnitFactory()
    assert client.get(reverse("core:unit_list")).status_code == 403
    assert client.get(reverse("core:unit_edit", args=[unit.pk])).status_code == 403


def test_account_pages_say_no_store(admin):
    client = Client()
    paths = [
        reverse("account:login"),
        reverse("account:password_reset"),
        reverse("account:password_reset_done"),
        reverse("account:password_reset_complete"),
        reverse("account:password_reset_confirm", args=["MQ", "no-such-token"]),
        "/en" + reverse("account:login"),
    ]
    for path in paths:
        assert client.get(path)["Cache-Control"] == "no-store", path
    response = _login(client, admin.email)
    assert response.status_code == 302
    assert response["Cache-Control"] == "no-store"
    assert client.get(reverse("account:otp"))["Cache-Control"] == "no-store"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), admin.email, "feil-passord")
    locked = _login(Client(), admin.email)
    assert locked.status_code == 429
    assert locked["Cache-Control"] == "no-store"


def test_public_pages_keep_their_own_caching(db):
    assert Client().get("/").get("Cache-Control") != "no-store"
