"""``vern directory export`` and ``vern directory import``.

The round trip: a varied directory is exported with --include-confidential,
every directory table is emptied, the file is imported, and every field of
every service (with its many-to-many links, phones, opening hours,
languages, translations and places), organisation, location and taxonomy
is compared with what was there before.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import uuid
from datetime import date, time

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Model

from tests.directory.factories import OrganizationFactory, ServiceFactory, term
from tests.factories import MunicipalityFactory, UserFactory
from tests.guide.test_api import (
    CONTACT_POINT,
    SECRET_ADDRESS,
    STAFF_EMAIL,
    build_directory,
    schema,
    taxonomy_term_schema,
    validate,
)
from vern.core.models import Municipality
from vern.directory import hsds
from vern.directory.management.commands.directory import Progress
from vern.directory.models import (
    Location,
    Organization,
    OrganizationEditor,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    ServiceTranslation,
    Taxonomy,
    TaxonomyTerm,
)
from vern.directory.search import reindex_all
from vern.directory.selectors import PUBLIC_STATUSES

PROBLEM_LINE = re.compile(r"^record \d+ \([^)]*\): \S.*: .+$")


# --- helpers ----------------------------------------------------------------


def row(obj: Model, exclude=()) -> dict:
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.name not in exclude
    }


def _sorted(rows):
    return sorted(rows, key=lambda r: json.dumps(r, default=str, sort_keys=True))


def snapshot() -> dict:
    """Everything in the directory, in a form that compares equal when unchanged."""
    services = {}
    for s in Service.objects.all():
        data = row(s, exclude={"created_at", "updated_at", "search_document"})
        data["search_document"] = sorted(s.search_document.split("\n"))
        data["areas"] = sorted(m.number for m in s.areas.all())
        data["terms"] = sorted(str(t.pk) for t in s.terms.all())
        data["editors"] = sorted(u.email for u in s.editors.all())
        data["phones"] = _sorted(row(p) for p in s.phones.all())
        data["schedules"] = _sorted(row(x) for x in s.schedules.all())
        data["languages"] = _sorted(row(x) for x in s.languages.all())
        data["translations"] = _sorted(row(x, exclude={"id"}) for x in s.translations.all())
        data["places"] = _sorted(row(x) for x in s.service_at_locations.all())
        services[s.pk] = data
    organizations = {
        o.pk: {
            **row(o, exclude={"created_at", "updated_at"}),
            "editors": sorted(e.user.email for e in o.editors.all()),
        }
        for o in Organization.objects.all()
    }
    return {
        "services": services,
        "organizations": organizations,
        "locations": {
            loc.pk: row(loc, exclude={"updated_at"})
            for loc in Location.objects.for_system("test").all()
        },
        "taxonomies": {t.pk: row(t) for t in Taxonomy.objects.all()},
        "terms": {t.pk: row(t) for t in TaxonomyTerm.objects.all()},
    }


def flush_directory() -> None:
    ServiceAtLocation.objects.all().delete()
    Service.objects.all().delete()  # phones, hours, languages, translations, history
    Location.objects.for_system("test").all().delete()
    Organization.objects.all().delete()
    TaxonomyTerm.objects.all().delete()
    Taxonomy.objects.all().delete()
    assert not Service.objects.exists() and not Phone.objects.exists()


def export(tmp_path, *args, name="export.json") -> tuple:
    path = tmp_path / name
    err = io.StringIO()
    call_command("directory", "export", *args, "--output", str(path), stderr=err)
    return path, err.getvalue()


WHO_IMPORTS = ("--municipality", "--national", "--all-owners")


def _who(args) -> tuple:
    """The tests restore full copies unless they say whose records they import."""
    return args if any(arg in WHO_IMPORTS for arg in args) else (*args, "--all-owners")


def run_import(path, *args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("directory", "import", str(path), *_who(args), stdout=out, stderr=err)
    except CommandError as error:
        raise AssertionError(f"{error}\n{err.getvalue()}") from None
    return out.getvalue(), err.getvalue()


def import_failing(path, *args) -> list[str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command(
            "directory", "import", str(path), *_who(args), stdout=io.StringIO(), stderr=err
        )
    assert "Nothing was saved" in str(failure.value)
    return [line for line in err.getvalue().splitlines() if line]


def build_varied_directory():
    """``build_directory`` plus what it lacks: staff data, shared places, odd values."""
    d = build_directory()
    editor = UserFactory(email="annen.redaktor@heimby.example.test")
    d.family.editors.add(editor)
    Service.objects.filter(pk=d.family.pk).update(
        assured_date=date(2024, 11, 2),
        assurer_email="kontroll@heimby.example.test",
        verification_days=90,
        verification_due=date(2025, 1, 31),
        reminded_for=date(2025, 1, 31),
        overdue_notified_for=date(2025, 1, 31),
        status=Service.Status.TEMPORARILY_CLOSED,
    )
    OrganizationEditor.objects.create(organization=d.crisis_centre.organization, user=editor)
    # A second service at the family office; a place with no service at all.
    advice = ServiceFactory(
        owner=d.home,
        organization=d.family.organization,
        name="Rådgivning for foreldre",
        alternate_name="Foreldrerådgivning",
        description="Samtaler om foreldrerollen.\nTo linjer, «sitater» og æøå.",
        email="radgivning@heimby.example.test",
        day_services=True,
        wheelchair_access=True,
        accepts_substance_use=True,
        adapted_disabilities=True,
        accommodation_men=True,
        schedule_note="Stengt i juli.",
    )
    ServiceAtLocation.objects.create(service=advice, location=d.open_location)
    Location.objects.create(
        organization=d.family.organization, name="Lager", address="Bakgata 2", postal_code="9801"
    )
    Schedule.objects.create(
        service=advice, weekday=6, opens_at=time(10, 0, 30), closes_at=time(13, 45)
    )
    Schedule.objects.create(service=advice, weekday=6, opens_at=time(15), closes_at=time(18))
    Phone.objects.create(
        service=advice, number="815 00 000", kind="text", description="Teksttelefon"
    )
    ServiceLanguage.objects.create(service=advice, code="ar", note="")
    ServiceLanguage.objects.create(service=advice, code="prs", note="Dari med tolk")
    for language in ("en", "uk"):
        ServiceTranslation.objects.create(
            service=advice,
            language=language,
            name=f"Parent advice ({language})",
            description="Talks about being a parent.",
            eligibility_description="Parents",
            how_it_works="We talk.",
            how_to_contact="Call us.",
            application_process="No application.",
        )
    advice.terms.add(term("target_group", "relatives"), term("violence", "neglect"))
    advice.areas.add(d.other)
    # A service with no organisation owner, an unusual status and a national twin.
    ngo = OrganizationFactory(
        owner=None, name="Frivillig organisasjon", website="https://ngo.example.test/"
    )
    ServiceFactory(
        organization=ngo,
        name="Chat for ungdom",
        description="Anonym chat.",
        is_national=True,
        status=Service.Status.INACTIVE,
        open_24_7=True,
    )
    Organization.objects.create(name="Tom organisasjon", description="Ingen tjenester ennå.")
    # As service_save leaves them: due dates follow the verified date, index current.
    for service in Service.objects.filter(assured_date__isnull=False, verification_due=None):
        Service.objects.filter(pk=service.pk).update(verification_due=service.next_due())
    reindex_all()
    d.advice = advice
    return d


# --- the round trip -----------------------------------------------------------


def test_export_then_import_into_an_empty_directory_changes_nothing(db, tmp_path):
    build_varied_directory()
    before = snapshot()
    assert len(before["services"]) >= 8
    path, err = export(tmp_path, "--include-confidential")
    assert "WARNING" in err
    flush_directory()
    out, _err = run_import(path)
    assert "Imported" in out
    after = snapshot()
    assert after.keys() == before.keys()
    for part in before:
        assert set(after[part]) == set(before[part]), part
        for key, value in before[part].items():
            assert after[part][key] == value, (part, key)
    # Importing the same file again is a no-op: same ids, nothing duplicated.
    out, _err = run_import(path)
    assert " 0 new" in out and "services: 0 new" in out
    assert snapshot() == before


def test_the_public_export_reimported_keeps_what_it_left_out(db, tmp_path):
    d = build_varied_directory()
    before = snapshot()
    path, err = export(tmp_path)
    assert "WARNING" not in err
    run_import(path)
    after = snapshot()
    # The confidential address, staff e-mail and editors are kept, not wiped.
    assert after["locations"][d.secret_location.pk] == before["locations"][d.secret_location.pk]
    crisis = after["services"][d.crisis_centre.pk]
    assert crisis["assurer_email"] == STAFF_EMAIL
    assert crisis["editors"] == before["services"][d.crisis_centre.pk]["editors"]
    for pk in before["services"]:
        assert after["services"][pk] == before["services"][pk], pk


# --- the public JSON and CSV exports ------------------------------------------


def test_public_json_export_is_valid_hsds(db, tmp_path):
    d = build_varied_directory()
    path, _err = export(tmp_path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["hsds_version"] == "3.0"
    assert document["includes_confidential"] is False
    assert "Open Referral" in document["attribution"]
    validate(document["organizations"], schema("organization_package.json"))
    services = [s for org in document["organizations"] for s in org["services"]]
    for service in services:
        validate(service, schema("service.json"))
        assert "assurer_email" not in service
    for taxonomy in document["taxonomies"]:
        for item in taxonomy["terms"]:
            validate(item, taxonomy_term_schema())
    public = Service.objects.filter(status__in=PUBLIC_STATUSES)
    assert {s["id"] for s in services} == {str(pk) for pk in public.values_list("pk", flat=True)}
    orgs = {o["name"] for o in document["organizations"]}
    assert "Tom organisasjon" not in orgs and "Frivillig organisasjon" not in orgs
    family_org = next(
        o for o in document["organizations"] if o["id"] == str(d.family.organization_id)
    )
    # Only places where public services are offered.
    assert [loc["name"] for loc in family_org["locations"]] == ["Familievernet i sentrum"]
    advice = next(s for s in services if s["id"] == str(d.advice.pk))
    assert [t["language"] for t in advice["translations"]] == ["en", "uk"]
    assert advice["translations"][0]["how_it_works"] == "We talk."
    assert [(x["byday"], x["opens_at"], x["closes_at"]) for x in advice["schedules"]] == [
        ("SA", "10:00:30", "13:45"),
        ("SA", "15:00", "18:00"),
    ]
    assert [p["type"] for p in advice["phones"]] == ["textphone"]


def test_csv_export_has_one_row_per_public_service(db, tmp_path):
    d = build_varied_directory()
    ServiceFactory(owner=d.home, name="Formel", description='=HYPERLINK("http://x")')
    path, _err = export(tmp_path, "--format", "csv", name="export.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == Service.objects.filter(status__in=PUBLIC_STATUSES).count()
    assert list(rows[0]) == hsds.CSV_COLUMNS
    crisis = next(r for r in rows if r["id"] == str(d.crisis_centre.pk))
    assert crisis["areas"] == "9801 | 9802"
    assert crisis["owner_municipality"] == "9801"
    assert crisis["acute"] == "yes" and crisis["referral"] == "none"
    assert "+47 400 00 000 (text) [not free]" in crisis["phones"]
    assert crisis["locations"] == f"Krisesenteret, {CONTACT_POINT}"
    assert crisis["target_groups"] == "exposed"
    assert crisis["forms_of_violence"] == "physical | sexual"
    family = next(r for r in rows if r["id"] == str(d.family.pk))
    assert family["opening_hours"].startswith("MO 08:00-15:30 | TU 08:00-15:30")
    assert "Storgata 1, 9800 Heimby" in family["locations"]
    formula = next(r for r in rows if r["name"] == "Formel")
    assert formula["description"] == '\'=HYPERLINK("http://x")'
    assert SECRET_ADDRESS not in path.read_text(encoding="utf-8")


def test_export_to_stdout(db):
    build_directory()
    out = io.StringIO()
    call_command("directory", "export", stdout=out, stderr=io.StringIO())
    document = json.loads(out.getvalue())
    assert document["organizations"]


# --- importing ----------------------------------------------------------------


def _service_doc(**overrides) -> dict:
    org_id = str(uuid.uuid4())
    service = {
        "id": str(uuid.uuid4()),
        "name": "Teststøtte for import",
        "status": "active",
        "description": "Samtaler og støtte.",
        "organization": {"id": org_id, "name": "Teststiftelsen", "description": "Frivillig."},
        "organization_id": org_id,
        "phones": [{"id": str(uuid.uuid4()), "number": "22 11 22 11", "type": "textphone"}],
        "schedules": [
            {
                "id": str(uuid.uuid4()),
                "freq": "WEEKLY",
                "byday": "MO,WE",
                "opens_at": "09:00:00",
                "closes_at": "17:00Z",
            }
        ],
        "service_areas": [
            {"id": str(uuid.uuid4()), "name": "Oslo", "description": "Oslo kommune (0301)"}
        ],
        "languages": [{"id": str(uuid.uuid4()), "code": "pl", "name": "Polish"}],
        "cost_options": [{"id": str(uuid.uuid4()), "amount": 0}],
        "assured_date": "2025-02-03",
    }
    service.update(overrides)
    return service


def test_import_of_another_systems_hsds_package(db, tmp_path):
    service = _service_doc()
    path = tmp_path / "package.json"
    path.write_text(json.dumps([service]), encoding="utf-8")
    out, _err = run_import(path)
    assert "services: 1 new" in out
    saved = Service.objects.get(pk=service["id"])
    assert saved.organization.name == "Teststiftelsen"
    assert saved.is_free and saved.assured_date == date(2025, 2, 3)
    assert [m.number for m in saved.areas.all()] == ["0301"]
    assert [(s.weekday, s.opens_at, s.closes_at) for s in saved.schedules.all()] == [
        (1, time(9), time(17)),
        (3, time(9), time(17)),
    ]
    assert saved.phones.get().kind == Phone.Kind.TEXT
    assert list(saved.languages.values_list("code", flat=True)) == ["pl"]
    assert saved.revisions.exists()  # through service_save: history kept
    assert "teststiftelsen" in saved.search_document.lower()
    # Once more, changed: the same record is updated, not duplicated.
    service["name"] = "Teststøtten"
    service["phones"] = []
    path.write_text(json.dumps({"services": [service]}), encoding="utf-8")
    out, _err = run_import(path)
    assert "services: 0 new, 1 updated" in out
    saved.refresh_from_db()
    assert saved.name == "Teststøtten" and not saved.phones.exists()
    # The history shows both the field and the rows around it that changed.
    revision = saved.revisions.first()
    assert {"name", "phones"} <= set(revision.changes)
    assert revision.changes["phones"] == [["22 11 22 11 (text)"], []]
    assert Service.objects.filter(name__startswith="Teststøtte").count() == 1


def test_a_bad_file_lists_every_problem_and_saves_nothing(db, tmp_path):
    before_services = Service.objects.count()
    before_orgs = Organization.objects.count()
    good = _service_doc(name="Helt i orden")
    bad = _service_doc(
        name="Feil overalt",
        status="open",
        url="not a url",
        phones=[{"id": str(uuid.uuid4()), "number": "ring meg"}],
        schedules=[
            {"id": str(uuid.uuid4()), "byday": "XX", "opens_at": "09:00", "closes_at": "10:00"},
            {"id": str(uuid.uuid4()), "byday": "MO", "opens_at": "17:00", "closes_at": "09:00"},
        ],
        service_areas=[{"id": str(uuid.uuid4()), "extent": "0000", "extent_type": "text"}],
        assured_date="last tuesday",
    )
    no_id = _service_doc(id="123", name="Uten id")
    orphan = {
        "id": str(uuid.uuid4()),
        "name": "Foreldreløs",
        "status": "active",
        "description": "x",
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"services": [good, bad, no_id, orphan]}), encoding="utf-8")
    lines = import_failing(path)
    problems = [line for line in lines if line.startswith("record ")]
    assert problems and all(PROBLEM_LINE.match(line) for line in problems), lines
    text = "\n".join(problems)
    for expected in (
        "record 2 (Feil overalt): status: must be one of",
        "record 2 (Feil overalt): url:",
        "record 2 (Feil overalt): phones[0].number:",
        "record 2 (Feil overalt): schedules[0].byday:",
        "record 2 (Feil overalt): schedules[1].closes_at: must be after opens_at",
        "record 2 (Feil overalt): service_areas[0].extent: unknown municipality number '0000'",
        "record 2 (Feil overalt): assured_date: must be a date",
        "record 3 (Uten id): id: must be a UUID",
        "record 4 (Foreldreløs): organization_id: is required",
    ):
        assert expected in text, (expected, text)
    assert "Helt i orden" not in text
    assert Service.objects.count() == before_services
    assert Organization.objects.count() == before_orgs
    assert not Service.objects.filter(name="Helt i orden").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"services": [', "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('"just text"', "must be a JSON object or list"),
        ('{"services": "many"}', "services: must be a list"),
        ("{}", "has no 'organizations' or 'services'"),
        # Deeper than the JSON parser's recursion allows, and deep within it.
        ('{"services": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested more than 64 levels"),
        ('{"services": ' + "[" * 200 + "]" * 200 + "}", "nested more than 64 levels"),
        ('{"services": [{"name": "a\\ud800"}]}', "services[0].name: the text holds a lone"),
        ('{"services": [{"\\udfff": 1}]}', "services[0]: the key '\\udfff' holds a lone"),
        ('{"services": [{"name": "a\\u0000b"}]}', "services[0].name: the text holds a NUL"),
    ],
)
def test_unreadable_files(db, tmp_path, content, message):
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("directory", "import", str(path), *_who(()), stdout=io.StringIO(), stderr=err)
    assert message in str(failure.value) + err.getvalue()
    assert "Nothing was saved" in str(failure.value)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Krisesenteret\x00", "the text holds a NUL character"),
        ("Krisesenteret\udc80", "the text holds a lone surrogate"),
    ],
)
def test_a_valid_record_with_a_nul_or_lone_surrogate_is_refused(db, tmp_path, name, message):
    service = _service_doc(name=name)
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps([service]), encoding="utf-8")  # escaped as \u0000, \udc80
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("directory", "import", str(path), *_who(()), stdout=io.StringIO(), stderr=err)
    assert f"[0].name: {message}" in str(failure.value)
    assert "Nothing was saved" in str(failure.value)
    assert not Service.objects.filter(pk=service["id"]).exists()


def test_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("directory", "import", str(tmp_path / "missing.json"), "--all-owners")


def test_dry_run_saves_nothing(db, tmp_path):
    service = _service_doc()
    path = tmp_path / "ok.json"
    path.write_text(json.dumps([service]), encoding="utf-8")
    out, _err = run_import(path, "--dry-run")
    assert "Dry run" in out and "services: 1 new" in out
    assert not Service.objects.filter(pk=service["id"]).exists()
    assert not Organization.objects.filter(pk=service["organization_id"]).exists()


def test_a_confidential_location_without_contact_point_is_refused(db, tmp_path):
    location_id = str(uuid.uuid4())
    service = _service_doc(
        service_at_locations=[
            {
                "id": str(uuid.uuid4()),
                "location": {
                    "id": location_id,
                    "location_type": "physical",
                    "name": "Skjult",
                    "attributes": [
                        {
                            "id": str(uuid.uuid4()),
                            "taxonomy_term_id": hsds.VERN_FIELDS["confidential_address"].id,
                            "value": "true",
                        }
                    ],
                },
            }
        ]
    )
    path = tmp_path / "secret.json"
    path.write_text(json.dumps([service]), encoding="utf-8")
    lines = import_failing(path)
    assert any(
        "service_at_locations[0].location.description: a confidential address" in line
        for line in lines
    )


def test_unknown_editors_are_a_warning_not_a_failure(db, tmp_path):
    d = build_directory()
    path, _err = export(tmp_path, "--include-confidential")
    document = json.loads(path.read_text(encoding="utf-8"))
    text = json.dumps(document).replace(
        "redaktor.hemmelig@heimby.example.test", "ukjent@example.test"
    )
    path.write_text(text, encoding="utf-8")
    _out, err = run_import(path)
    assert "warning:" in err and "ukjent@example.test" in err
    assert not d.crisis_centre.editors.exists()


def test_progress_bar_for_large_files(db, tmp_path, monkeypatch):
    monkeypatch.setattr(Progress, "MINIMUM", 5)
    org_id = str(uuid.uuid4())
    organization = {
        "id": org_id,
        "name": "Mange tjenester",
        "description": "Test.",
        "services": [
            {
                "id": str(uuid.uuid4()),
                "name": f"Tjeneste {n}",
                "status": "active",
                "description": "x",
            }
            for n in range(20)
        ],
    }
    path = tmp_path / "many.json"
    path.write_text(json.dumps({"organizations": [organization]}), encoding="utf-8")
    _out, err = run_import(path)
    bars = [line for line in err.splitlines() if line.startswith("Importing [")]
    assert bars and bars[-1].endswith("20 of 20 services (100%)")
    assert "#" * Progress.WIDTH in bars[-1]
    assert "Importing [###" in bars[0] and bars[0].endswith("2 of 20 services (10%)")
    assert Service.objects.filter(organization_id=org_id).count() == 20


def test_progress_draws_in_place_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    progress = Progress(stream, 400, "Importing")
    for done in range(1, 401):
        progress(done)
    text = stream.getvalue()
    assert text.count("\r") == 50 and text.endswith("400 of 400 services (100%)\n")
    assert "\rImporting [###.." in text and "200 of 400 services (50%)" in text


def test_municipalities_used_by_the_tests_exist(db):
    assert Municipality.objects.filter(number="0301").exists()


def test_the_demo_directory_round_trips(db, tmp_path):
    from vern.core.demo import load_demo

    load_demo(password="demo-passord-1")
    reindex_all()
    before = snapshot()
    path, _err = export(tmp_path, "--include-confidential")
    flush_directory()
    run_import(path)
    assert snapshot() == before


def test_an_import_that_renames_a_term_refreshes_the_services_that_name_it(db, tmp_path):
    from django.test import Client

    home = Municipality.objects.create(
        number="9811", name="Navnebyttby", county_number="98", county_name="Prøve"
    )
    relatives = term("target_group", "relatives")
    named = ServiceFactory(owner=home, name="Pårørendesamtaler", description="Samtaler.")
    named.terms.add(relatives)
    reindex_all(Service.objects.filter(pk=named.pk))
    other = ServiceFactory(owner=home, name="Annet tilbud", description="Samtaler.")
    page = {"kommune": home.number, "q": "samtaler"}
    assert relatives.name_nb in Client().get("/sok/", page).content.decode()

    path, _err = export(tmp_path, "--include-confidential")
    document = json.loads(path.read_text(encoding="utf-8"))
    for taxonomy in document["taxonomies"]:
        for item in taxonomy["terms"]:
            if item["id"] == str(relatives.pk):
                item["name"] = "Nære og kjære"
    document["organizations"] = []  # only the taxonomy changes
    document["services"] = []
    path.write_text(json.dumps(document), encoding="utf-8")
    run_import(path)

    html = Client().get("/sok/", page).content.decode()
    assert "Nære og kjære" in html
    assert Service.objects.get(pk=named.pk).updated_at > named.updated_at
    assert Service.objects.get(pk=other.pk).updated_at == other.updated_at
    found = Client().get("/sok/", {"kommune": home.number, "q": "kjære"}).content.decode()
    assert "Pårørendesamtaler" in found and "Annet tilbud" not in found


def test_imported_services_get_their_cards_once(db, tmp_path, monkeypatch):
    from vern.directory import cards
    from vern.directory.models import ServiceCard

    build_varied_directory()
    path, _err = export(tmp_path, "--include-confidential")
    flush_directory()
    stored = []
    original = cards.store
    monkeypatch.setattr(cards, "store", lambda ids: stored.extend(ids) or original(ids))
    run_import(path)

    services = list(Service.objects.values_list("pk", "updated_at"))
    assert sorted(stored) == sorted(pk for pk, _ in services)  # one rendering each
    current = {
        card.service_id: card.service_updated_at
        for card in ServiceCard.objects.filter(version=cards.card_version())
    }
    assert current == dict(services)


# --- who imports: no record of another owner, no change of owner ---------------


def _owner_attribute(number: str) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "taxonomy_term_id": hsds.VERN_FIELDS["owner_municipality"].id,
        "value": number,
    }


def _set_owner(item: dict, number: str) -> None:
    field = hsds.VERN_FIELDS["owner_municipality"].id
    item["attributes"] = [
        a for a in item.get("attributes", []) if a.get("taxonomy_term_id") != field
    ] + [_owner_attribute(number)]


def _crisis_centre_moved_to(tmp_path, d, number: str):
    """The crisis centre's organisation from a full export, claimed for ``number``."""
    path, _err = export(tmp_path, "--include-confidential")
    document = json.loads(path.read_text(encoding="utf-8"))
    org = next(
        o for o in document["organizations"] if o["id"] == str(d.crisis_centre.organization_id)
    )
    _set_owner(org, number)
    for service in org["services"]:
        _set_owner(service, number)
    document["organizations"] = [org]
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _unchanged(d) -> None:
    location = (
        Location.objects.for_system("test")
        .select_related("organization")
        .get(pk=d.secret_location.pk)
    )
    assert location.organization.owner == d.home
    assert location.organization_id == d.crisis_centre.organization_id
    assert Service.objects.get(pk=d.crisis_centre.pk).owner == d.home


def test_an_import_cannot_take_another_municipalitys_organisation(db, tmp_path):
    d = build_directory()
    path = _crisis_centre_moved_to(tmp_path, d, "9802")
    text = "\n".join(import_failing(path, "--municipality", "9802"))
    assert (
        "id: this organisation belongs to municipality 9801; "
        "an import for municipality 9802 may not change it"
    ) in text
    assert "id: this service belongs to municipality 9801" in text
    _unchanged(d)


def test_no_import_moves_a_record_to_another_owner(db, tmp_path):
    d = build_directory()
    path = _crisis_centre_moved_to(tmp_path, d, "9802")
    for who in (("--all-owners",), ("--municipality", "9801")):
        text = "\n".join(import_failing(path, *who))
        assert (
            "would move this organisation from municipality 9801 to municipality 9802; "
            "an import never changes who owns a record"
        ) in text, who
        assert "would move this service from municipality 9801" in text, who
    _unchanged(d)


def test_a_confidential_location_cannot_be_carried_into_ones_own_organisation(db, tmp_path):
    d = build_directory()
    organization = {
        "id": str(uuid.uuid4()),
        "name": "Annenby stiftelse",
        "description": "Ny.",
        "locations": [
            {"id": str(d.secret_location.pk), "name": "Vårt kontor", "description": "Ring oss."}
        ],
        "services": [
            _service_doc(
                organization=None,
                organization_id=None,
                service_at_locations=[
                    {"id": str(uuid.uuid4()), "location_id": str(d.secret_location.pk)}
                ],
            )
        ],
    }
    del organization["services"][0]["organization"], organization["services"][0]["organization_id"]
    path = tmp_path / "carry.json"
    path.write_text(json.dumps({"organizations": [organization]}), encoding="utf-8")
    text = "\n".join(import_failing(path, "--municipality", "9802"))
    assert "locations[0].id: this location belongs to municipality 9801" in text
    assert "service_at_locations[0].location_id: names a location of another owner's" in text
    _unchanged(d)
    assert not Organization.objects.filter(name="Annenby stiftelse").exists()


def test_an_import_creates_and_changes_only_its_own_records(db, tmp_path):
    d = build_directory()
    path, _err = export(tmp_path)  # the public export: owners named
    document = json.loads(path.read_text(encoding="utf-8"))
    own = [o for o in document["organizations"] if o["id"] != str(d.crisis_centre.organization_id)]
    assert own
    # Records that name no owner become the importing municipality's.
    fresh = _service_doc(name="Ny tjeneste i Annenby")
    document = {"organizations": [], "services": [fresh]}
    path.write_text(json.dumps(document), encoding="utf-8")
    out, _err = run_import(path, "--municipality", "9802")
    assert "services: 1 new" in out
    created = Service.objects.get(pk=fresh["id"])
    assert created.owner == d.other and created.organization.owner == d.other
    # The same record under the national role: owned by a municipality, refused.
    text = "\n".join(import_failing(path, "--national"))
    assert "this service belongs to municipality 9802" in text
    # Another municipality's new record is refused too.
    foreign = _service_doc(name="Heimbys nye", attributes=[_owner_attribute("9801")])
    path.write_text(json.dumps([foreign]), encoding="utf-8")
    text = "\n".join(import_failing(path, "--municipality", "9802"))
    assert (
        "attributes: this service would belong to municipality 9801; "
        "an import for municipality 9802 may only create its own records"
    ) in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "one of the arguments --municipality --national --all-owners is required"),
        (("--municipality", "0000"), "No municipality has the number '0000'"),
    ],
)
def test_an_import_must_say_whose_records_it_brings(db, tmp_path, args, message):
    path = tmp_path / "ok.json"
    service = _service_doc()
    path.write_text(json.dumps([service]), encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("directory", "import", str(path), *args, stdout=io.StringIO())
    assert not Service.objects.filter(pk=service["id"]).exists()


def test_an_import_that_drops_an_organisation_editor_takes_the_role_with_it(db, tmp_path):
    from vern.audit.models import AuditEntry
    from vern.core.models import Membership, Role

    d = build_directory()
    path, _err = export(tmp_path, "--include-confidential")  # names neither of them
    dropped = UserFactory(email="kari@krisesenter.example.test")
    kept = UserFactory(email="per@krisesenter.example.test")
    other_org = OrganizationFactory(owner=d.home, name="Ikke i fila")
    for user in (dropped, kept):
        Membership.objects.create(user=user, municipality=d.home, role=Role.ORG_EDITOR)
        OrganizationEditor.objects.create(organization=d.crisis_centre.organization, user=user)
    OrganizationEditor.objects.create(organization=other_org, user=kept)

    run_import(path, "--all-owners")
    assert not OrganizationEditor.objects.for_system("test").filter(
        organization=d.crisis_centre.organization
    )
    assert not Membership.objects.for_system("test").filter(user=dropped).exists()
    assert Membership.objects.for_system("test").filter(user=kept, role=Role.ORG_EDITOR).exists()
    entry = AuditEntry.objects.for_system("test").get(code="core.membership.delete")
    assert entry.actor is None and entry.detail["user"] == dropped.pk


def test_an_import_for_one_municipality_cannot_change_the_shared_taxonomies(db, tmp_path):
    relatives = term("target_group", "relatives")
    MunicipalityFactory(number="9801", name="Heimby")
    path, _err = export(tmp_path, "--include-confidential")
    document = json.loads(path.read_text(encoding="utf-8"))
    document["organizations"], document["services"] = [], []
    path.write_text(json.dumps(document), encoding="utf-8")
    run_import(path, "--municipality", "9801")  # as they are: fine
    for taxonomy in document["taxonomies"]:
        for item in taxonomy["terms"]:
            if item["id"] == str(relatives.pk):
                item["name"] = "Nære og kjære"
    path.write_text(json.dumps(document), encoding="utf-8")
    text = "\n".join(import_failing(path, "--municipality", "9801"))
    assert "taxonomies are shared by every municipality" in text
    assert TaxonomyTerm.objects.get(pk=relatives.pk).name_nb == relatives.name_nb
    run_import(path, "--national")
    assert TaxonomyTerm.objects.get(pk=relatives.pk).name_nb == "Nære og kjære"


def _files_in(directory) -> dict:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in directory.iterdir()}


def test_a_confidential_export_is_never_readable_by_others(db, tmp_path, monkeypatch):
    build_varied_directory()
    real_writer = hsds.write_json_export
    seen_while_writing = {}

    def watching_writer(stream, **kwargs):
        stream.write("{")
        stream.flush()
        seen_while_writing.update(_files_in(tmp_path))
        stream.seek(0)
        return real_writer(stream, **kwargs)

    monkeypatch.setattr(hsds, "write_json_export", watching_writer)
    path, _err = export(tmp_path, "--include-confidential")
    # While the addresses were being written, no file in the directory was
    # readable by anyone but its owner; the finished file is the only one left.
    assert seen_while_writing and set(seen_while_writing.values()) == {0o600}
    assert _files_in(tmp_path) == {"export.json": 0o600}
    assert json.loads(path.read_text())["organizations"]


def test_a_failed_confidential_export_leaves_no_file(db, tmp_path, monkeypatch):
    build_varied_directory()

    def failing_writer(stream, **kwargs):
        stream.write('{"services": [{"location": "Hemmelig vei 1"')
        stream.flush()
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(hsds, "write_json_export", failing_writer)
    with pytest.raises(CommandError, match="No space left on device"):
        export(tmp_path, "--include-confidential")
    assert _files_in(tmp_path) == {}


def test_a_public_export_keeps_the_usual_permissions(db, tmp_path):
    build_varied_directory()
    old = os.umask(0o022)
    try:
        path, _err = export(tmp_path)
    finally:
        os.umask(old)
    assert _files_in(tmp_path) == {"export.json": 0o644}
    assert json.loads(path.read_text())["organizations"]


def test_an_import_refuses_line_breaks_and_control_characters_in_names(db, tmp_path):
    before = (Service.objects.count(), Organization.objects.count())
    org_id = str(uuid.uuid4())
    bad_org = {"id": org_id, "name": "Stiftelsen\r\nBcc: x@example.test", "description": "x"}
    services = [
        _service_doc(name="Familievern\nBcc: angriper@example.test"),
        _service_doc(organization=bad_org, organization_id=org_id),
        _service_doc(
            name="Med tabulator",
            phones=[{"id": str(uuid.uuid4()), "number": "22 11 22 11", "description": "a\tb"}],
        ),
    ]
    path = tmp_path / "control.json"
    path.write_text(json.dumps({"services": services}), encoding="utf-8")
    problems = [line for line in import_failing(path) if line.startswith("record ")]
    one_line = "Write this on one line, without line breaks, tabs or other control characters."
    assert problems == [
        f"record 1 (Familievern Bcc: angriper@example.test): name: {one_line}",
        f"record 2 (Teststøtte for import): organization.name: {one_line}",
        f"record 3 (Med tabulator): phones[0].description: {one_line}",
    ]
    assert (Service.objects.count(), Organization.objects.count()) == before
