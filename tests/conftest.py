"""Fixtures with named people, after healthchecks' and Zulip's test style.

``home`` is the municipality under test, ``other`` a second one. ``admin``,
``coordinator``, ``case_worker`` and ``reader`` work in ``home``;
``outsider`` is an administrator of ``other``; ``orgless_editor`` is an
organisation editor of ``home`` without an organisation. ``login`` gives a
test client a session that has passed two-factor login.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from tests.factories import MembershipFactory, MunicipalityFactory, TOTPDeviceFactory, UserFactory
from vern.core.models import MUNICIPAL_ROLES, Role
from vern.guide.snapshot import snapshot


@pytest.fixture(autouse=True)
def _fresh_directory_snapshot():
    """Each test starts without the search snapshot another test's data built."""
    snapshot.clear()
    yield
    snapshot.clear()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with empty caches (kept pages, rate-limit counters, kept cards),
    and knows of no Redis outage."""
    from django.core.cache import caches

    from vern.core import redis_cache
    from vern.core.page_cache import forget_near

    for kept in caches.all(initialized_only=False):
        kept.clear()
    forget_near()
    redis_cache.forget_outages()
    yield
    for kept in caches.all(initialized_only=False):
        kept.clear()
    forget_near()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in bokmål: a test client's request to /en/... leaves English
    active in the thread, and ``reverse`` in the next test would build /en/ addresses."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def home(db):
    return MunicipalityFactory(number="9801", name="Heimby")


@pytest.fixture
def other(db):
    return MunicipalityFactory(number="9802", name="Annenby")


def _member(municipality, role, name):
    user = UserFactory(email=f"{name}@{municipality.number}.example.test", full_name=name.title())
    MembershipFactory(user=user, municipality=municipality, role=role)
    return user


@pytest.fixture
def admin(home):
    return _member(home, Role.ADMIN, "admin")


@pytest.fixture
def coordinator(home):
    return _member(home, Role.COORDINATOR, "coordinator")


@pytest.fixture
def case_worker(home):
    return _member(home, Role.CASE_WORKER, "caseworker")


@pytest.fixture
def reader(home):
    return _member(home, Role.READER, "reader")


@pytest.fixture
def outsider(other):
    return _member(other, Role.ADMIN, "outsider")


@pytest.fixture
def orgless_editor(home):
    """An organisation editor of ``home`` who edits no organisation (any more):
    the "outsider with no organisation", who must see nothing of ``home``."""
    return _member(home, Role.ORG_EDITOR, "orgless")


@pytest.fixture
def all_roles(home):
    """One person holding every municipal role in ``home``."""
    user = UserFactory(email="all-roles@example.test", full_name="Alle Roller")
    for role in MUNICIPAL_ROLES:
        MembershipFactory(user=user, municipality=home, role=role)
    return user


def verified_client(user) -> Client:
    """A client logged in as ``user`` with a confirmed, verified TOTP device."""
    client = Client()
    client.force_login(user)
    device = TOTPDeviceFactory(user=user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def login():
    return verified_client


@pytest.fixture
def reference_data(transactional_db):
    """Reload the data migrations' reference data (municipalities, the measure catalogue).

    Transactional tests (the browser tests) flush every table afterwards, so a
    later transactional test would otherwise find them empty. Serialized
    rollback is no help here: it clashes with content types re-created on flush.
    """
    import importlib

    from django.apps import apps

    from vern.core.models import Municipality

    if not Municipality.objects.filter(is_demo=False).exists():
        importlib.import_module("vern.core.migrations.0002_load_municipalities").load(apps, None)
    importlib.import_module("vern.plans.migrations.0002_load_catalogue").load(apps, None)


@pytest.fixture
def flaky_mail(settings):
    """Mail through ``tests.mail_backends.FlakyBackend``: set ``refused`` or ``down``, read ``opened``."""
    from tests.mail_backends import FlakyBackend

    FlakyBackend.refused, FlakyBackend.down, FlakyBackend.opened = set(), False, 0
    settings.MAILERS = {"default": {"BACKEND": "tests.mail_backends.FlakyBackend"}}
    yield FlakyBackend
    FlakyBackend.refused, FlakyBackend.down, FlakyBackend.opened = set(), False, 0
