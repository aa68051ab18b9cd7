"""Settings for the test suite: fast hashing, two-factor login on, no demo."""

from vern.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
VERN_DEMO = False
VERN_REQUIRE_2FA = True
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Close connections after each request, so threads of the live server hold none
# when the test database is dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Tests change the directory between searches: check on every search.
VERN_SNAPSHOT_SECONDS = 0
VERN_SNAPSHOT_FULL_SECONDS = 0
# A test-only app standing in for apps whose records belong to units and have
# access lists (tests/kernel_app/): it proves the mechanisms of core/access.py
# and core/record_access.py before a real app uses them.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.kernel_app"]  # noqa: F405
VERN_AUDIT_STRICT_CODES = True
