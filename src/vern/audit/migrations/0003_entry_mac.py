"""Add the HMAC and its key id to audit entries (audit/signing.py).

Existing rows keep both empty: they cannot be signed after the fact without
vouching for rows nobody can now check, so ``vern audit verify`` reports them
as unsigned entries from before signing began. Adding the columns with a
constant default rewrites no rows, so the append-only trigger is not touched.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only_trigger'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='key_id',
            field=models.CharField(blank=True, default='', max_length=16),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='mac',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
    ]
