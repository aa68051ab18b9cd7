"""Importing completions from CSV: every problem listed by row, nothing imported until
the file is clean or the person chooses to import only the valid rows."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.competence.factories import CompletionFactory, CourseFactory, EmployeeFactory
from vern.competence.models import Completion, CompletionImport

UPLOAD = "/ansatt/kompetanse/import/"


@pytest.fixture
def people(home):
    course = CourseFactory(municipality=home, code="AVV-01", title="Avvergingsplikten")
    ola = EmployeeFactory(municipality=home, employee_number="E0001", full_name="Øystein Ås")
    kari = EmployeeFactory(municipality=home, employee_number="E0002", email="kari@example.test")
    return course, ola, kari


def _completions(home):
    return Completion.objects.for_system(reason="test").filter(employee__municipality=home)


def _upload(client, text: str | bytes, name="eksport.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data, "text/csv")})


def _to_preview(client, response):
    assert response.status_code == 302, response.content.decode()[:2000]
    mapping = response.url
    page = client.get(mapping)
    assert page.status_code == 200
    # The header's words give the first guess; keep it.
    form = page.context["form"]
    data = {name: form.initial[name] for name in ("employee", "course", "completed_on")}
    saved = client.post(mapping, data)
    assert saved.status_code == 302
    return saved.url


def _import(client, preview, mode):
    """Post the import and read the streamed page to its end."""
    response = client.post(preview, {"mode": mode})
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def test_a_clean_file_imports_in_one_go(home, coordinator, login, people):
    client = login(coordinator)
    text = "Ansattnummer;Kurskode;Fullført\nE0001;AVV-01;15.01.2026\nkari@example.test;Avvergingsplikten;2026-02-01\n"
    preview = _to_preview(client, _upload(client, text))
    page = client.get(preview).content.decode()
    assert "2 nye gjennomførte kurs kan importeres." in page
    page = _import(client, preview, "all")
    assert "2 av 2 rader lagret" in page
    assert "2 gjennomførte kurs importert" in page
    assert _completions(home).count() == 2
    first = _completions(home).get(employee__employee_number="E0001")
    assert first.expires_on == date(2027, 1, 14)
    assert first.source == Completion.Source.IMPORT
    # The file's text is not kept once imported.
    assert CompletionImport.objects.for_system(reason="test").get().text == ""


def test_every_problem_is_listed_by_row_and_nothing_is_imported(home, coordinator, login, people):
    client = login(coordinator)
    text = (
        "Ansattnummer;Kurskode;Fullført\n"
        "E0001;AVV-01;15.01.2026\n"  # 2: fine
        "E9999;AVV-01;15.01.2026\n"  # 3: unknown employee
        "E0002;XYZ;15.01.2026\n"  # 4: unknown course
        "E0002;AVV-01;31.02.2026\n"  # 5: impossible date
        "E0001;AVV-01;15.01.2026\n"  # 6: duplicate of row 2
        "E0002;AVV-01\n"  # 7: missing column
        "E0002;AVV-01;01.01.2999\n"  # 8: in the future
    )
    preview = _to_preview(client, _upload(client, text))
    response = client.get(preview)
    invalid = {row.number: row.problems for row in response.context["invalid"]}
    assert set(invalid) == {3, 4, 5, 6, 7, 8}
    assert "E9999" in invalid[3][0]
    assert "XYZ" in invalid[4][0]
    assert "31.02.2026" in invalid[5][0]
    assert "rad 2" in invalid[6][0]
    assert "kolonner" in invalid[7][0]
    assert "fram i tid" in invalid[8][0]
    # Importing everything is refused while rows have problems.
    refused = client.post(preview, {"mode": "all"})
    assert refused.status_code == 200
    assert _completions(home).count() == 0
    # The person may choose to import only the valid row.
    _import(client, preview, "valid")
    assert _completions(home).count() == 1


def test_importing_twice_adds_nothing(home, coordinator, login, people):
    client = login(coordinator)
    preview = _to_preview(
        client, _upload(client, "Ansattnummer;Kurskode;Dato\nE0001;AVV-01;15.01.2026\n")
    )
    _import(client, preview, "all")
    second = client.post(preview, {"mode": "all"})
    assert second.status_code == 404  # the upload is done: no page to post to any more
    assert _completions(home).count() == 1


def test_a_completion_already_recorded_is_skipped_not_refused(home, coordinator, login, people):
    course, ola, _kari = people
    CompletionFactory(employee=ola, course=course, completed_on=date(2026, 1, 15))
    client = login(coordinator)
    preview = _to_preview(
        client, _upload(client, "Ansattnummer;Kurskode;Dato\nE0001;AVV-01;15.01.2026\n")
    )
    assert "1 rad er allerede registrert" in client.get(preview).content.decode()
    assert _completions(home).count() == 1


def test_windows_1252_and_utf8_with_bom_are_both_read(home, coordinator, login, people):
    client = login(coordinator)
    text = "Navn;Ansattnummer;Kurs;Fullført\nØystein Ås;E0001;AVV-01;15.01.2026\n"
    for data in (text.encode("cp1252"), "\ufeff".encode() + text.encode("utf-8")):
        response = _upload(client, data)
        upload = CompletionImport.objects.for_system(reason="test").order_by("-pk").first()
        assert "Øystein Ås" in upload.text
        assert upload.mapping == {"employee": 1, "course": 2, "completed_on": 3}
        assert response.status_code == 302
    encodings = set(
        CompletionImport.objects.for_system(reason="test").values_list("encoding", flat=True)
    )
    assert encodings == {"windows-1252", "utf-8"}


def test_a_50_mb_file_is_refused(home, coordinator, login):
    big = b"Ansattnummer;Kurskode;Dato\n" + b"E0001;AVV-01;15.01.2026\n" * (50 * 1024 * 1024 // 24)
    response = _upload(login(coordinator), big)
    assert response.status_code == 200
    assert "høyst 5 MB" in response.content.decode()
    assert not CompletionImport.objects.for_system(reason="test").exists()


def test_a_file_that_is_not_text_is_refused(home, coordinator, login):
    response = _upload(login(coordinator), b"PK\x03\x04\x00\x81\x8d\x00binary")
    assert response.status_code == 200
    assert not CompletionImport.objects.for_system(reason="test").exists()


def test_a_file_without_rows_is_refused(home, coordinator, login):
    response = _upload(login(coordinator), "Ansattnummer;Kurskode;Dato\n")
    assert "ingen rader" in response.content.decode()


def test_the_same_column_twice_is_refused(home, coordinator, login, people):
    client = login(coordinator)
    response = _upload(client, "A;B;C\nE0001;AVV-01;15.01.2026\n")
    page = client.post(response.url, {"employee": 0, "course": 0, "completed_on": 2})
    assert page.status_code == 200
    assert "egen kolonne" in page.content.decode()


def test_wrong_columns_must_be_chosen_before_preview(home, coordinator, login, people):
    client = login(coordinator)
    response = _upload(client, "Fornavn;Etternavn\nOla;Nordmann\n")
    preview = response.url + "forhandsvis/"
    # Nothing could be guessed: the preview sends the person back to choose columns.
    assert client.get(preview).url == response.url


def test_a_reader_cannot_import(home, reader, login):
    assert login(reader).get(UPLOAD).status_code == 403


def test_another_municipality_cannot_see_an_upload(home, coordinator, outsider, login, people):
    client = login(coordinator)
    response = _upload(client, "Ansattnummer;Kurskode;Dato\nE0001;AVV-01;15.01.2026\n")
    assert login(outsider).get(response.url).status_code == 404


def _many_rows(count: int) -> str:
    lines = [f"E0001;AVV-01;{day:02d}.01.2026" for day in range(1, count + 1)]
    return "Ansattnummer;Kurskode;Dato\n" + "\n".join(lines) + "\n"


def test_the_import_page_reports_each_batch_as_it_is_saved(home, coordinator, login, people):
    client = login(coordinator)
    preview = _to_preview(client, _upload(client, _many_rows(25)))
    page = _import(client, preview, "all")
    # 25 rows in batches of 2 (25 / 20 steps, rounded up): a line before the first
    # batch and after each, with a progress bar that says the same.
    reported = [int(done) for done in re.findall(r"(\d+) av 25 rader lagret", page)]
    assert reported == [*range(0, 25, 2), 25]
    bars = re.findall(r'<progress max="25" value="(\d+)"', page)
    assert [int(value) for value in bars] == reported
    assert page.index("0 av 25 rader lagret") < page.index("25 gjennomførte kurs importert")
    assert _completions(home).count() == 25


# Transactional, as a real request is: closing the response sends request_finished, which
# closes the database connection (CONN_MAX_AGE=0), and that must not be the test's own
# transaction's connection.
@pytest.mark.django_db(transaction=True)
def test_an_import_left_half_way_saves_nothing(home, coordinator, login, people):
    client = login(coordinator)
    preview = _to_preview(client, _upload(client, _many_rows(25)))
    response = client.post(preview, {"mode": "all"})
    chunks = iter(response.streaming_content)
    for _chunk in range(4):  # the top of the page and three progress lines
        next(chunks)
    response.close()  # the person closed the tab; the server closes the response
    assert _completions(home).count() == 0
    upload = CompletionImport.objects.for_system(reason="test").get()
    assert upload.status == CompletionImport.Status.UPLOADED
    # The file can then be imported in full.
    _import(client, preview, "all")
    assert _completions(home).count() == 25
