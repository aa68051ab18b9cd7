"""``vern reencrypt``: rewrite every encrypted value with the newest key.

After a new key has been put first in ``VERN_FERNET_KEYS`` (the old ones after
it), this rewrites every stored value with the new key; then the old keys can be
removed (docs/operations.md, "Rotating keys").
"""

from django.core.management.base import BaseCommand

from vern.core.fields import reencrypt_all


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the first key in VERN_FERNET_KEYS."

    def handle(self, *args, **options):
        count = reencrypt_all()
        self.stdout.write(f"reencrypted values={count}")
