from django.core.management import call_command
from django.test import Client

from vern.audit.models import AuditEntry
from vern.core.demo import DEMO_NUMBER, DEMO_USERS, load_demo
from vern.core.models import Membership, Municipality, Unit, User


def _snapshot():
    return (
        list(Municipality.objects.order_by("pk").values_list("pk", "number", "name")),
        list(Unit.objects.order_by("pk").values_list("pk", "name", "kind")),
        list(User.objects.order_by("pk").values_list("pk", "email", "password")),
        list(
            Membership.objects.for_system("test")
            .order_by("pk")
            .values_list("pk", "user", "role", "unit")
        ),
    )


def test_demo_loads_once_and_a_second_run_changes_nothing(db):
    logins = load_demo(password="demo-passord-1")
    first = _snapshot()
    load_demo(password="demo-passord-1")
    assert _snapshot() == first
    assert len(logins) == len(DEMO_USERS)
    demo = Municipality.objects.get(number=DEMO_NUMBER)
    assert demo.is_demo
    kinds = set(Unit.objects.filter(municipality=demo).values_list("kind", flat=True))
    assert {"school", "kindergarten", "health_station", "nav", "child_welfare"} <= kinds


def test_real_registry_is_there_and_demo_number_is_unused(db):
    assert Municipality.objects.filter(is_demo=False).count() == 357
    assert not Municipality.objects.filter(number=DEMO_NUMBER, is_demo=False).exists()
    assert Municipality.objects.get(number="0301").name == "Oslo"
    assert Municipality.objects.get(number="5001").name == "Trondheim - Tråante"


def test_every_demo_user_can_log_in(db, settings):
    settings.VERN_REQUIRE_2FA = False
    for login in load_demo(password="demo-passord-2"):
        client = Client()
        response = client.post(
            "/konto/logg-inn/", {"username": login.email, "password": login.password}
        )
        assert response.status_code == 302, login.email
        assert client.get("/ansatt/").status_code == 200, login.email


def test_demo_command_prepares_and_prints_logins(db, settings, capsys, monkeypatch):
    settings.VERN_DEMO = True
    monkeypatch.setenv("VERN_DEMO_PASSWORD", "fast-demo-passord")
    call_command("demo", no_serve=True)
    out = capsys.readouterr().out
    assert "admin@eksempelby.example" in out
    assert "fast-demo-passord" in out
    assert "http://127.0.0.1:8000/" in out
    # Preparing the demo writes its changes to the log but reads no personal data.
    assert not AuditEntry.objects.for_system("test").filter(action="read").exists()


def test_demo_command_refuses_outside_demo_mode(db):
    import pytest
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("demo", no_serve=True)


def test_demo_mails_link_to_the_port_the_demo_is_served_on(
    db, settings, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    settings.VERN_DEMO = True
    monkeypatch.delenv("VERN_BASE_URL", raising=False)
    monkeypatch.setenv("VERN_DEMO_PASSWORD", "fast-demo-passord")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", no_serve=True, port=8765)
    bodies = [mail.body for mail in mailoutbox]
    assert bodies, "the demo's outside editor proposal sends a mail"
    assert any("http://127.0.0.1:8765/ansatt/" in body for body in bodies)
    assert not any("127.0.0.1:8000" in body for body in bodies)
