"""Error reports from the public guide, handled by staff."""

from django.urls import reverse

from tests.directory.factories import ServiceFactory
from vern.audit.models import AuditEntry
from vern.directory.models import ErrorReport
from vern.directory.services import error_report_create


def test_reports_are_listed_per_municipality_and_marked_handled(home, other, coordinator, login):
    ours = ServiceFactory(owner=home, name="Krisesenteret")
    theirs = ServiceFactory(owner=other, name="Annenbys tilbud")
    report = error_report_create(service=ours, message="Telefonnummeret er feil.")
    error_report_create(service=theirs, message="Åpningstidene er feil.")
    client = login(coordinator)

    listing = client.get(reverse("directory:error_report_list"))
    assert [r.pk for r in listing.context["page"]] == [report.pk]
    assert AuditEntry.objects.for_system("test").filter(
        code="directory.errorreport.read", actor=coordinator
    )

    detail = reverse("directory:error_report_detail", args=[report.pk])
    assert "Telefonnummeret er feil." in client.get(detail).content.decode()
    response = client.post(detail)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.handled_at is not None and report.handled_by == coordinator
    assert AuditEntry.objects.for_system("test").filter(
        code="directory.errorreport.handled", object_id=str(report.pk)
    )

    assert list(client.get(reverse("directory:error_report_list")).context["page"]) == []
    handled = client.get(reverse("directory:error_report_list"), {"vis": "behandlet"})
    assert [r.pk for r in handled.context["page"]] == [report.pk]


def test_a_reader_sees_reports_but_cannot_mark_them_handled(home, reader, login):
    report = error_report_create(service=ServiceFactory(owner=home), message="Feil adresse.")
    client = login(reader)
    url = reverse("directory:error_report_detail", args=[report.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 403
    assert ErrorReport.objects.for_system("test").get(pk=report.pk).handled_at is None


def test_the_service_page_counts_open_reports(home, coordinator, login):
    service = ServiceFactory(owner=home)
    error_report_create(service=service, message="Nedlagt?")
    response = login(coordinator).get(reverse("directory:service_detail", args=[service.pk]))
    assert response.context["open_reports"] == 1
