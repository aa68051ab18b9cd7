import re

from django.db import migrations, models

# The name earlier versions gave an adoption's version, in bokmål, nynorsk or
# English, becomes a code, so it is shown in the reader's language.
ADOPTED = re.compile(r"^(?:Vedtatt|Vedteken|Adopted) (\d{4}-\d{2}-\d{2}) \((.*)\)$")


def to_codes(apps, schema_editor):
    PlanVersion = apps.get_model("plans", "PlanVersion")
    for version in PlanVersion._base_manager.filter(label_code="").iterator():
        found = ADOPTED.match(version.label)
        if found:
            version.label_code = "plans.version.adopted"
            version.label_params = {"date": found.group(1), "ref": found.group(2)}
            version.label = ""
            version.save(update_fields=["label_code", "label_params", "label"])


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0003_planmeasure_version'),
    ]

    operations = [
        migrations.AddField(
            model_name='planversion',
            name='label_code',
            field=models.CharField(blank=True, max_length=80),
        ),
        migrations.AddField(
            model_name='planversion',
            name='label_params',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name='planversion',
            name='label',
            field=models.CharField(blank=True, max_length=200, verbose_name='label'),
        ),
        migrations.RunPython(to_codes, migrations.RunPython.noop),
    ]
