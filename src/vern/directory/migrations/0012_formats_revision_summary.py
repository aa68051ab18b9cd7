import re

from django.db import migrations, models

# The headings earlier versions wrote as text, in bokmål, nynorsk or English,
# become codes, so they are shown in the reader's language. Other texts stay.
KNOWN = {
    "directory.revision.created": {"Opprettet", "Oppretta", "Created", "Demo"},
    "directory.revision.changed": {"Endret", "Endra", "Changed"},
    "directory.revision.verified": {"Bekreftet", "Stadfesta", "Verified"},
    "directory.revision.imported": {"Imported", "Importert"},
}
APPROVED = re.compile(
    r"^(?:Godkjent endringsforslag fra|Godkjent endringsforslag frå|Approved change from) (.+)$"
)


def to_codes(apps, schema_editor):
    ServiceRevision = apps.get_model("directory", "ServiceRevision")
    by_text = {text: code for code, texts in KNOWN.items() for text in texts}
    for revision in ServiceRevision._base_manager.filter(summary_code="").iterator():
        code, params = by_text.get(revision.summary), {}
        found = APPROVED.match(revision.summary)
        if found:
            code, params = "directory.revision.approved", {"name": found.group(1)}
        if code:
            revision.summary_code, revision.summary_params, revision.summary = code, params, ""
            revision.save(update_fields=["summary_code", "summary_params", "summary"])


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0011_guidelang_guide_pages'),
    ]

    operations = [
        migrations.AddField(
            model_name='servicerevision',
            name='summary_code',
            field=models.CharField(blank=True, max_length=80),
        ),
        migrations.AddField(
            model_name='servicerevision',
            name='summary_params',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name='servicerevision',
            name='summary',
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.RunPython(to_codes, migrations.RunPython.noop),
    ]
