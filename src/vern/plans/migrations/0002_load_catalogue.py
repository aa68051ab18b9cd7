"""Load the measure catalogue (data/catalogue.json, see data/SOURCES.md).

Upserts by code, so a later catalogue version is loaded by a new migration
that runs the same function.
"""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "catalogue.json"
AREA_ORDER = {"F": 0, "B": 100, "U": 200}


def load(apps, schema_editor):
    Measure = apps.get_model("plans", "Measure")
    catalogue = json.loads(DATA.read_text(encoding="utf-8"))
    for item in catalogue["measures"]:
        code = item["code"]
        Measure.objects.update_or_create(
            municipality=None,
            code=code,
            defaults={
                "area": item["area"],
                "level": item["level"],
                "title_nb": item["title"]["nb"],
                "title_en": item["title"]["en"],
                "summary_nb": item["summary"]["nb"],
                "summary_en": item["summary"]["en"],
                "guidance_nb": item["guidance"]["nb"],
                "guidance_en": item["guidance"]["en"],
                "indicator_ideas": item.get("indicator_ideas", {}),
                "examples": item.get("examples", []),
                "modules": item.get("modules", []),
                "catalogue_version": catalogue["version"],
                "sort_key": AREA_ORDER[code[0]] + int(code[1:]),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
