"""The national services shipped by data migration (directory/data/SOURCES.md)."""

import csv
import importlib
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from vern.directory import search
from vern.directory.models import Service
from vern.guide.selectors import Filters, guide_search

SHIPPED = Path(search.__file__).resolve().parent / "data" / "national_services.csv"
RESEARCH = Path("/work/shared/data/nasjonale-tjenester.csv")  # only read when present
migration = importlib.import_module("vern.directory.migrations.0004_national_services")

# Numbers the research found only with third parties, or not at all: never shipped.
NEVER_SHIPPED = [
    "815 55 201",  # Røde Kors-telefonen (secondary)
    "800 33 321",  # Kors på halsen (secondary)
    "116 123",  # Mental Helse (secondary)
    "800 57 000",  # Hjelpetelefonen for seksuelt misbrukte (secondary)
    "22 84 29 50",  # JURK (secondary)
    "22 84 29 00",  # Jussbuss (secondary)
    "22 40 11 10",  # ATV Oslo (secondary, not in the CSV)
    "984 925 573",  # Jussformidlingen's organisation number, not a phone
    "815 20 077",  # old shared number of the Støttesenter (conflicting)
    "41 71 61 11",  # Alarmtelefonen SMS (conflicting)
    "47 71 61 11",
    "95 41 17 55",
]


def digits(number: str) -> str:
    return number.replace(" ", "")


def rows() -> list[dict]:
    with SHIPPED.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def national(db):
    return Service.objects.filter(is_national=True).prefetch_related("phones", "terms")


def test_every_shipped_row_is_national_and_in_the_database(national):
    ids = {row["id"] for row in rows()}
    assert {str(pk) for pk in national.values_list("pk", flat=True)} >= ids
    for service in national.filter(pk__in=ids):
        assert service.owner is None
        assert service.organization.owner is None
        assert service.referral == Service.Referral.NONE
        assert service.assured_date and service.verification_due
        assert service.description and service.how_to_contact
        assert service.languages.filter(code="nb").exists()


def test_every_row_has_a_source_and_a_date():
    for row in rows():
        assert row["kilde"].startswith("http"), row["navn"]
        assert row["bekreftet_grunnlag"] in {"kilde", "checked"}
        date.fromisoformat(row["bekreftet_dato"])
        if row["bekreftet_grunnlag"] == "kilde":
            assert row["kilde_dato"] == row["bekreftet_dato"]
        else:
            assert row["kilde_dato"] == "" and row["bekreftet_dato"] == "2026-11-26"


def test_only_confirmed_numbers_are_shipped():
    for row in rows():
        if row["telefoner"]:
            assert row["sikkerhet"] == "confirmed", row["navn"]
        else:
            assert row["nettside"].startswith("https://"), row["navn"]


def test_no_secondary_or_not_found_number_is_in_the_database(national):
    shipped = {digits(p.number) for s in national for p in s.phones.all()}
    for number in NEVER_SHIPPED:
        assert digits(number) not in shipped, number


@pytest.mark.skipif(not RESEARCH.exists(), reason="the research file is outside the project")
def test_shipped_numbers_match_the_confirmed_research_rows():
    with RESEARCH.open(encoding="utf-8", newline="") as handle:
        research = list(csv.DictReader(handle))
    confirmed = {
        digits(number.split("(")[0].strip())
        for row in research
        if row["sikkerhet"] == "confirmed"
        for number in row["telefon"].split(";")
        if number.strip()
    }
    confirmed |= {"112", "113", "110"}  # Nød-SMS targets named in the 1412 row
    unconfirmed = {
        digits(row["telefon"])
        for row in research
        if row["sikkerhet"] != "confirmed" and row["telefon"]
    }
    for row in rows():
        for number, *_ in migration._phones(row["telefoner"]):
            assert digits(number) in confirmed, number
            assert digits(number) not in unconfirmed, number


def test_every_national_phone_has_a_source(national):
    sourced = {row["id"]: row["kilde"] for row in rows()}
    for service in national:
        if service.phones.exists():
            assert sourced.get(str(service.pk), "").startswith("http"), service.name


def test_02800_costs_money(national):
    phones = [p for s in national for p in s.phones.all() if digits(p.number) == "02800"]
    assert phones, "02800 is a confirmed row"
    for phone in phones:
        assert not phone.is_free
        assert not phone.service.is_free
        assert phone.service.fees_description


def test_local_by_design_services_are_not_national_entries(national):
    names = " ".join(national.values_list("name", flat=True)).casefold()
    for local in ("krisesentre", "barnehus", "overgrepsmottak", "incest", "familievernkontor"):
        assert local not in names


def test_atv_is_not_said_to_be_free(national):
    atv = national.get(name__startswith="Alternativ til Vold")
    assert not atv.is_free
    assert not atv.phones.exists()


def test_search_text_and_index_are_as_the_app_builds_them(national):
    assert migration.STOP_WORDS == search.STOP_WORDS
    for service in national.select_related("organization").prefetch_related(
        "terms__taxonomy", "translations"
    ):
        assert service.search_document == search.build_document(service)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT body FROM directory_service_fts WHERE service_id = %s",
                    [service.pk.hex],
                )
                assert cursor.fetchall() == [(search.stemmed_body(service.search_document),)]


def test_national_lines_are_found_without_a_municipality(db):
    def names(query):
        result = guide_search(municipality=None, query=query, filters=Filters())
        return [s.name for s in result.services]

    assert "Vold- og overgrepslinjen 116 006" in names("vold")
    assert "Alarmtelefonen for barn og unge 116 111" in names("omsorgssvikt")
    assert names("tvangsekteskap")[0].startswith("Kompetanseteamet")
    assert "Vern for eldre – nasjonal kontakttelefon" in names("eldre")


def test_loading_again_changes_nothing(national):
    from django.apps import apps

    before = sorted(national.values_list("pk", "updated_at"))
    migration.load(apps, None)
    assert sorted(national.values_list("pk", "updated_at")) == before


translations = importlib.import_module(
    "vern.directory.migrations.0010_guidelang_national_translations"
)
PUBLIC_LANGUAGES = {"nn", "en", "se", "pl", "uk", "ar", "so"}


def test_every_national_service_has_a_version_in_every_guide_language(national):
    for service in national.prefetch_related("translations"):
        versions = {t.language: t for t in service.translations.all()}
        assert set(versions) == PUBLIC_LANGUAGES, service.name
        for language, version in versions.items():
            assert version.name and version.description and version.how_to_contact
            # Only the languages the project writes itself count as reviewed.
            assert version.machine_assisted == (language not in {"nn", "en"})


def test_translated_texts_keep_the_shipped_numbers(national):
    """A language version names no phone number the entry does not have."""
    import re

    for service in national.prefetch_related("translations", "phones"):
        numbers = {digits(p.number) for p in service.phones.all()}
        bokmal = digits(service.how_to_contact + " " + service.description)
        for version in service.translations.all():
            text = version.how_to_contact + " " + version.description
            for found in re.findall(r"\d[\d ]{1,12}\d", text):
                number = digits(found)
                if len(number) >= 3 and not re.fullmatch(
                    r"(0?9|1[0-9]|2[0-4])(00|15|30|45)?", number
                ):
                    assert number in numbers or number in bokmal, (service.name, found)


def test_loading_the_translations_again_changes_nothing(national):
    from django.apps import apps

    from vern.directory.models import ServiceTranslation

    before = sorted(ServiceTranslation.objects.values_list("pk", "name", "machine_assisted"))
    translations.load(apps, None)
    assert sorted(ServiceTranslation.objects.values_list("pk", "name", "machine_assisted")) == (
        before
    )


def test_the_migration_s_copies_of_the_text_rules_match_the_app_s():
    from vern.directory import textnorm

    assert translations.OTHER_STOP_WORDS == textnorm.STOP_WORDS
    assert translations.STOP_WORDS == search.STOP_WORDS
