"""The national services every guide needs (see directory/data/SOURCES.md).

Read from ``directory/data/national_services.csv``: only rows whose number was
confirmed on an official page (plus ATV without a number). Ids are fixed, so the
entries are the same in every database; loading twice changes nothing.

Migrations may not import app code, so the search text is built here the same
way ``vern.directory.search.build_document`` builds it, and on SQLite the
FTS5 row gets the same Snowball-stemmed body as ``search.stemmed_body`` gives.
Keep the two in step if the search code changes (``vern directory reindex`` or
``search.reindex_all`` rebuilds everything from the app's own code).
"""

import csv
import re
import uuid
from datetime import date, time, timedelta
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "national_services.csv"
VERIFICATION_DAYS = 180

# Copied from vern.directory.search (WORD, words, STOP_WORDS, stemmed_body).
WORD = re.compile(r"\w+", re.UNICODE)
STOP_WORDS = frozenset(
    "og i jeg det at en et den til er som på de med han av ikke der så var meg seg men ett "
    "har om vi min mitt mine du deg din ditt dine hun hennes hans sin sitt sine for fra ble "
    "bli blir kan kunne skal skulle vil ville må mye noe noen hva hvor når hvem hvordan oss "
    "dere dem ham her eller også etter før over under mot ved nå bare sånn få får fikk "
    "hjelp".split()
)


def _words(text):
    return [w for w in WORD.findall(text.casefold()) if not w.isdigit() or len(w) > 2]


def _stemmed_body(text):
    import snowballstemmer

    stemmer = snowballstemmer.stemmer("norwegian")
    return " ".join(stemmer.stemWord(w) for w in _words(text) if w not in STOP_WORDS)


def _rows():
    with DATA.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _yes(value):
    return value.strip().casefold() == "ja"


def _codes(value):
    return [code for code in (c.strip() for c in value.split(";")) if code]


def _schedules(value):
    """'1-5 09:00-15:00; 6 10:00-14:00' -> [(weekday, opens, closes), ...]."""
    for part in _codes(value):
        days, hours = part.split()
        first, _, last = days.partition("-")
        opens, closes = (time.fromisoformat(t) for t in hours.split("-"))
        for weekday in range(int(first), int(last or first) + 1):
            yield weekday, opens, closes


def _phones(value):
    for part in _codes(value):
        number, kind, free, description = part.split("|")
        yield number.strip(), kind.strip(), _yes(free), description.strip()


def load(apps, schema_editor):
    """Also callable as load(apps, None) to reload after a flush in tests."""
    from django.db import connection as default_connection

    connection = schema_editor.connection if schema_editor else default_connection
    Organization = apps.get_model("directory", "Organization")
    Service = apps.get_model("directory", "Service")
    Phone = apps.get_model("directory", "Phone")
    Schedule = apps.get_model("directory", "Schedule")
    ServiceLanguage = apps.get_model("directory", "ServiceLanguage")
    TaxonomyTerm = apps.get_model("directory", "TaxonomyTerm")
    terms = {(t.taxonomy.code, t.code): t for t in TaxonomyTerm.objects.select_related("taxonomy")}
    for row in _rows():
        service_id = uuid.UUID(row["id"])
        if Service.objects.filter(pk=service_id).exists():
            continue
        organization, _ = Organization.objects.get_or_create(
            pk=uuid.UUID(row["organisasjon_id"]),
            defaults={
                "owner": None,
                "name": row["organisasjon"],
                "description": row["organisasjon_beskrivelse"],
                "website": row["organisasjon_nettside"],
            },
        )
        assured = date.fromisoformat(row["bekreftet_dato"])
        schedule = list(_schedules(row["apningstider"]))
        service = Service.objects.create(
            pk=service_id,
            organization=organization,
            owner=None,
            is_national=True,
            name=row["navn"],
            alternate_name=row["alternativt_navn"],
            description=row["beskrivelse"],
            eligibility_description=row["for_hvem"],
            how_it_works=row["slik_virker_det"],
            how_to_contact=row["kontakt"],
            url=row["nettside"],
            email=row["epost"],
            is_free=_yes(row["gratis"]),
            fees_description=row["kostnad"],
            referral=row["henvisning"] or "none",
            acute=_yes(row["akutt"]),
            open_24_7=_yes(row["dognapen"]),
            schedule_note=row["apningstid_merknad"],
            assured_date=assured,
            verification_days=VERIFICATION_DAYS,
            verification_due=assured + timedelta(days=VERIFICATION_DAYS),
        )
        chosen = [terms[("target_group", c)] for c in _codes(row["maalgrupper"])]
        chosen += [terms[("violence", c)] for c in _codes(row["voldsformer"])]
        service.terms.set(chosen)
        for number, kind, free, description in _phones(row["telefoner"]):
            Phone.objects.create(
                service=service, number=number, kind=kind, is_free=free, description=description
            )
        for weekday, opens, closes in schedule:
            Schedule.objects.create(
                service=service, weekday=weekday, opens_at=opens, closes_at=closes
            )
        for code in _codes(row["sprak"]):
            ServiceLanguage.objects.create(service=service, code=code)
        # As search.build_document: names, texts, then each term in both languages.
        parts = [
            service.name,
            service.alternate_name,
            organization.name,
            service.description,
            service.eligibility_description,
            service.how_it_works,
            service.application_process,
            service.referral_from,
        ]
        for term in sorted(chosen, key=lambda t: (t.taxonomy.code, t.sort_key, t.code)):
            parts.extend([term.name_nb, term.name_en])
        document = "\n".join(p for p in parts if p)
        Service.objects.filter(pk=service.pk).update(search_document=document)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(
                    "DELETE FROM directory_service_fts WHERE service_id = %s", [service_id.hex]
                )
                cursor.execute(
                    "INSERT INTO directory_service_fts (service_id, body) VALUES (%s, %s)",
                    [service_id.hex, _stemmed_body(document)],
                )


def unload(apps, schema_editor):
    connection = schema_editor.connection
    Organization = apps.get_model("directory", "Organization")
    Service = apps.get_model("directory", "Service")
    rows = _rows()
    ids = [uuid.UUID(row["id"]) for row in rows]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for service_id in ids:
                cursor.execute(
                    "DELETE FROM directory_service_fts WHERE service_id = %s", [service_id.hex]
                )
    Service.objects.filter(pk__in=ids).delete()
    Organization.objects.filter(
        pk__in=[uuid.UUID(row["organisasjon_id"]) for row in rows], services__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_taxonomies")]
    operations = [migrations.RunPython(load, unload)]
