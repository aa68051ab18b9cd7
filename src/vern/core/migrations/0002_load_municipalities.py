"""Load the 357 municipalities valid from 2024-01-01 (see core/data/SOURCES.md)."""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "kommuner-2024.csv"


def load(apps, schema_editor):
    Municipality = apps.get_model("core", "Municipality")
    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    existing = set(Municipality.objects.values_list("number", flat=True))
    Municipality.objects.bulk_create(
        Municipality(
            number=row["kommunenummer"],
            name=row["navn"],
            county_number=row["fylkesnummer"],
            county_name=row["fylkesnavn"],
            latitude=Decimal(row["lat"]),
            longitude=Decimal(row["lon"]),
        )
        for row in rows
        if row["kommunenummer"] not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
