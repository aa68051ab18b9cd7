"""Load the shipped prevention programmes (data/programmes.json) as national rows."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "programmes.json"


def load(apps, schema_editor):
    Programme = apps.get_model("prevention", "Programme")
    for spec in json.loads(DATA.read_text(encoding="utf-8"))["programmes"]:
        Programme.objects.get_or_create(
            municipality=None,
            name=spec["name"],
            defaults={
                "owner": spec["owner"],
                "url": spec["url"],
                "description": spec["description"],
                "age_groups": spec["age_groups"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("prevention", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
