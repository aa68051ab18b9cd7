"""What ``vern directory import|export`` tells the person running it: records
left unchanged by a re-import, a CSV file refused, a database that is not
migrated yet, and progress on long runs."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import subprocess
import sys
import uuid
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.directory.test_import_export import (
    _service_doc,
    build_varied_directory,
    export,
    run_import,
)
from vern.audit.models import AuditEntry
from vern.directory.management.commands.directory import Progress
from vern.directory.models import Organization, Service, ServiceRevision
from vern.directory.selectors import public_services

SUMMARY = re.compile(
    r"(?P<kind>[a-z ]+): (?P<new>\d+) new, (?P<updated>\d+) updated, "
    r"(?P<unchanged>\d+) unchanged"
)


def counts(out: str) -> dict[str, tuple[int, int, int]]:
    return {
        m["kind"].strip(): (int(m["new"]), int(m["updated"]), int(m["unchanged"]))
        for m in SUMMARY.finditer(out)
    }


# --- unchanged records ------------------------------------------------------------------


def test_a_reimport_of_unchanged_data_reports_every_record_unchanged(db, tmp_path):
    build_varied_directory()
    path, _err = export(tmp_path, "--include-confidential")
    services = Service.objects.count()
    organizations = Organization.objects.count()
    stamps = dict(Service.objects.values_list("pk", "updated_at"))
    revisions = ServiceRevision.objects.for_system("test").count()
    audit = AuditEntry.objects.for_system("test").count()
    out, _err = run_import(path)
    found = counts(out)
    assert found["services"] == (0, 0, services)
    assert found["organizations"] == (0, 0, organizations)
    assert found["locations"][:2] == (0, 0) and found["locations"][2] > 0
    assert found["taxonomies"][:2] == (0, 0)
    assert found["taxonomy terms"][:2] == (0, 0)
    # Nothing was written: no new time stamps, history or audit entries but the import's own.
    assert dict(Service.objects.values_list("pk", "updated_at")) == stamps
    assert ServiceRevision.objects.for_system("test").count() == revisions
    assert list(
        AuditEntry.objects.for_system("test").order_by("pk").values_list("code", flat=True)[audit:]
    ) == ["directory.import"]
    assert (
        AuditEntry.objects.for_system("test").latest("pk").detail["unchanged"]["services"]
        == services
    )


def test_a_reimport_counts_changed_and_unchanged_records_apart(db, tmp_path):
    d = build_varied_directory()
    path, _err = export(tmp_path, "--include-confidential")
    document = json.loads(path.read_text(encoding="utf-8"))
    changed = 0
    for organization in document["organizations"]:
        for service in organization.get("services", []):
            if service["id"] == str(d.crisis_centre.pk):
                service["name"] = "Krisesenteret (nytt navn)"
                changed += 1
            elif service["id"] == str(d.family.pk):
                service["schedules"] = service["schedules"][:1]  # only rows around it change
                changed += 1
    assert changed == 2
    path.write_text(json.dumps(document), encoding="utf-8")
    out, _err = run_import(path)
    assert counts(out)["services"] == (0, 2, Service.objects.count() - 2)
    assert Service.objects.get(pk=d.crisis_centre.pk).name == "Krisesenteret (nytt navn)"
    assert Service.objects.get(pk=d.family.pk).schedules.count() == 1


def test_a_new_record_is_still_counted_new(db, tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps([_service_doc()]), encoding="utf-8")
    out, _err = run_import(path)
    assert counts(out)["services"] == (1, 0, 0)
    out, _err = run_import(path)
    assert counts(out)["services"] == (0, 0, 1)


# --- CSV ---------------------------------------------------------------------------------


def _refused(path) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command(
            "directory", "import", str(path), "--all-owners", stdout=io.StringIO(), stderr=err
        )
    return str(failure.value)


def test_the_csv_export_is_refused_with_a_pointer_to_hsds_json(db, tmp_path):
    build_varied_directory()
    path, _err = export(tmp_path, "--format", "csv", name="tjenester.csv")
    before = Service.objects.count()
    message = _refused(path)
    assert "CSV" in message and "HSDS JSON" in message
    assert "--format hsds-json" in message
    assert "not valid JSON" not in message
    assert "Nothing was saved" in message
    assert Service.objects.count() == before


@pytest.mark.parametrize(
    "content",
    [
        "id,name,description\n1,Krisesenteret,Trygt sted\n",
        "id;navn;beskrivelse\n1;Krisesenteret;Trygt sted\n",
        "id\tname\tdescription\n1\tKrisesenteret\tTrygt sted\n",
    ],
)
def test_a_csv_file_is_recognised_whatever_its_name(db, tmp_path, content):
    path = tmp_path / "tjenester.txt"
    path.write_text(content, encoding="utf-8")
    message = _refused(path)
    assert "CSV" in message and "HSDS JSON" in message


def test_json_in_a_file_named_csv_is_still_read_as_json(db, tmp_path):
    path = tmp_path / "feil-navn.csv"
    path.write_text(json.dumps([_service_doc()]), encoding="utf-8")
    out, _err = run_import(path)
    assert counts(out)["services"] == (1, 0, 0)


def test_broken_json_is_still_called_broken_json(db, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"services": [', encoding="utf-8")
    assert "not valid JSON" in _refused(path)


# --- a database that is not migrated ---------------------------------------------------------


def _empty_database_url(tmp_path) -> str:
    """A database with none of Vern's tables: a new SQLite file, or on PostgreSQL
    the test database seen through a schema that does not exist."""
    if connection.vendor == "postgresql":
        settings = connection.settings_dict
        options = quote("-c search_path=vern_not_migrated_here")
        return (
            f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/"
            f"{settings['NAME']}?options={options}"
        )
    return f"sqlite:///{tmp_path / 'empty.sqlite3'}"


def _vern(args, tmp_path, database_url):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "VERN_", "DATABASE_"))
    }
    env |= {"VERN_DATA_DIR": str(tmp_path), "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "vern.manage", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "done"),
    [
        (["directory", "export"], "Nothing was written."),
        (["directory", "import", "{file}", "--municipality", "0301"], "Nothing was saved."),
        (["directory", "import", "{file}", "--national"], "Nothing was saved."),
        (["directory", "reindex"], "Nothing was saved."),
    ],
)
def test_an_unmigrated_database_gets_a_clear_message(db, tmp_path, args, done):
    document = tmp_path / "tjenester.json"
    document.write_text(json.dumps({"services": []}), encoding="utf-8")
    args = [arg.replace("{file}", str(document)) for arg in args]
    result = _vern(args, tmp_path, _empty_database_url(tmp_path))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    assert "The database is not set up: run `vern migrate` first." in result.stderr
    assert done in result.stderr


# --- progress ----------------------------------------------------------------------------


def _many_services(tmp_path, count: int):
    organization = {
        "id": str(uuid.uuid4()),
        "name": "Mange tjenester",
        "description": "Test.",
        "services": [
            {
                "id": str(uuid.uuid4()),
                "name": f"Tjeneste {n}",
                "status": "active",
                "description": "Test.",
            }
            for n in range(count)
        ],
    }
    path = tmp_path / "many.json"
    path.write_text(json.dumps({"organizations": [organization]}), encoding="utf-8")
    return path


def test_progress_can_be_asked_for_on_a_small_file(db, tmp_path):
    _out, err = run_import(_many_services(tmp_path, 5), "--progress")
    lines = [line for line in err.splitlines() if line.startswith("Importing [")]
    assert lines[-1] == f"Importing [{'#' * Progress.WIDTH}] 5 of 5 services (100%)"
    assert len(lines) == 5  # not a terminal: a plain line each tenth (here, each service)


def test_progress_can_be_turned_off(db, tmp_path, monkeypatch):
    monkeypatch.setattr(Progress, "MINIMUM", 2)
    _out, err = run_import(_many_services(tmp_path, 5), "--no-progress")
    assert "Importing [" not in err
    _out, err = run_import(_many_services(tmp_path, 5))
    assert "Importing [" in err


def test_export_progress_is_drawn_in_place_on_a_terminal(db):
    """On a pseudo-terminal the line is redrawn with a carriage return."""
    build_varied_directory()
    total = public_services().count()
    leader, follower = pty.openpty()
    try:
        with open(follower, "w", encoding="utf-8", closefd=False) as terminal:
            call_command("directory", "export", "--progress", stdout=io.StringIO(), stderr=terminal)
        os.set_blocking(leader, False)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except (BlockingIOError, OSError):
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
        os.close(follower)
    text = shown.decode()
    assert "\rExporting [" in text
    assert re.search(rf"Exporting \[#+\] {total} of {total} services \(100%\)", text)
    assert "Exported" in text
