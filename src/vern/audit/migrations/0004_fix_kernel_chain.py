"""One audit chain per municipality, plus one for national and system entries.

Existing entries keep ``chain`` empty: they stay one chain in id order, as
they were written, and ``vern audit verify`` checks them so. Adding a nullable
column rewrites no rows, so the append-only trigger is not touched.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_entry_mac'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='chain',
            field=models.IntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(fields=['chain', '-id'], name='audit_chain_head'),
        ),
    ]
