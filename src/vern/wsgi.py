import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vern.settings")
application = get_wsgi_application()

# Refuse to start with encryption keys that cannot read the stored data, rather
# than fail on the first page that shows it (core/fields.py).
from vern.core.fields import verify_keys_or_fail  # noqa: E402

verify_keys_or_fail()
