"""The two shared checks, as functions so the tests can also test them."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.test import Client
from django.urls import reverse

from tests.security import builders  # noqa: F401  (registers the builders)
from tests.security.staff_urls import OBJECT_BUILDERS, UNIT_BUILDERS, staff_urls
from vern.audit.models import AuditEntry


def undeclared_views(urlconf: str | None = None) -> list[str]:
    """Staff URLs whose view is not wrapped in ``staff_view``."""
    return [
        f"{url.name} ({url.route})"
        for url in staff_urls(urlconf)
        if not getattr(url.callback, "vern_staff", False)
    ]


def _kwargs_for(url, municipality, problems: list[str]):
    if not url.params:
        return {}
    builder = OBJECT_BUILDERS.get(url.name)
    if builder is None:
        problems.append(
            f"{url.name} ({url.route}) takes {', '.join(url.params)} but has no builder in "
            "tests/security/builders.py"
        )
        return None
    return builder(municipality)


def tenancy_problems(
    *, owner, owner_client: Client, outsider_client: Client, urlconf=None
) -> list[str]:
    """Every staff URL with an object id: the owner sees it, an outsider gets 404."""
    problems: list[str] = []
    for url in staff_urls(urlconf):
        if not url.params:
            continue
        kwargs = _kwargs_for(url, owner, problems)
        if kwargs is None:
            continue
        path = reverse(url.name, kwargs=kwargs, urlconf=urlconf)
        theirs = outsider_client.get(path)
        if theirs.status_code != 404:
            problems.append(f"{url.name}: another municipality got {theirs.status_code}, not 404")
        ours = owner_client.get(path)
        if ours.status_code != 200:
            problems.append(f"{url.name}: its own municipality got {ours.status_code}, not 200")
    return problems


def audit_problems(*, owner, owner_client: Client, urlconf=None) -> list[str]:
    """Every staff view that declares personal data writes a read entry when shown."""
    problems: list[str] = []
    for url in staff_urls(urlconf):
        label = getattr(url.callback, "vern_personal_data", None)
        if not label:
            continue
        kwargs = _kwargs_for(url, owner, problems)
        if kwargs is None:
            continue
        path = reverse(url.name, kwargs=kwargs, urlconf=urlconf)
        before = (
            AuditEntry.objects.for_system("test")
            .order_by("-id")
            .values_list("id", flat=True)
            .first()
            or 0
        )
        response = owner_client.get(path)
        if response.status_code != 200:
            problems.append(f"{url.name}: got {response.status_code}, not 200")
            continue
        # The view's read entry (staff_view's, or one the view wrote itself, such
        # as the audit log's search entry) names the kind of record read.
        written = AuditEntry.objects.for_system("test").filter(
            id__gt=before, action="read", object_type=label, municipality=owner
        )
        if not written.exists():
            problems.append(f"{url.name}: shows {label} but wrote no audit read entry")
    return problems


# Text put into every kind of municipal record ``seed_marked_data`` makes, so a
# page that shows any of them can be recognised.
MARKER = "Merketekst-7Q"


def seed_marked_data(municipality) -> None:
    """One record of each kind staff pages list, each carrying ``MARKER``."""
    from tests.directory.factories import OrganizationFactory
    from tests.factories import MembershipFactory, UnitFactory, UserFactory
    from tests.plans.factories import PlanFactory
    from vern.core.models import Role
    from vern.directory.models import ErrorReport, PendingChange, Service

    UnitFactory(municipality=municipality, name=f"{MARKER} skole")
    MembershipFactory(
        municipality=municipality,
        role=Role.READER,
        user=UserFactory(full_name=f"{MARKER} Person", email="merket@example.test"),
    )
    PlanFactory(municipality=municipality, title=f"{MARKER} plan")
    organization = OrganizationFactory(owner=municipality, name=f"{MARKER} organisasjon")
    # Not indexed (no card rendered), so it works under a test URLconf too.
    service = Service.objects.create(
        owner=municipality, organization=organization, name=f"{MARKER} tjeneste"
    )
    ErrorReport.objects.create(service=service, message=f"{MARKER} melding fra en innbygger")
    PendingChange.objects.create(
        service=service,
        municipality=municipality,
        proposed={"name": f"{MARKER} forslag"},
        author=UserFactory(),
    )


def shut_out_problems(*, owner, client: Client, urlconf=None) -> list[str]:
    """A person who must see nothing of ``owner`` (an organisation editor with
    no organisation) gets 403 or 404 for every staff URL with an object id, and
    no page without one shows any of the municipality's records."""
    problems: list[str] = []
    seed_marked_data(owner)
    for url in staff_urls(urlconf):
        kwargs = _kwargs_for(url, owner, problems)
        if kwargs is None:
            continue
        path = reverse(url.name, kwargs=kwargs, urlconf=urlconf)
        response = client.get(path)
        status = response.status_code
        if url.params:
            if status not in (403, 404):
                problems.append(f"{url.name}: got {status}, not 403 or 404")
        elif status == 200:
            if MARKER in response.content.decode():
                problems.append(f"{url.name}: shows the municipality's records")
        elif status not in (403, 404, 405):
            problems.append(f"{url.name}: got {status}")
    return problems


def cache_problems(*, owner, owner_client: Client, urlconf=None) -> list[str]:
    """Every staff URL answers with ``Cache-Control: no-store``, whatever its status."""
    problems: list[str] = []
    for url in staff_urls(urlconf):
        kwargs = _kwargs_for(url, owner, problems)
        if kwargs is None:
            continue
        path = reverse(url.name, kwargs=kwargs, urlconf=urlconf)
        response = owner_client.get(path)
        directives = {part.strip().lower() for part in response.get("Cache-Control", "").split(",")}
        if "no-store" not in directives:
            problems.append(
                f"{url.name}: Cache-Control is {response.get('Cache-Control')!r}, not no-store"
            )
    return problems


def unit_problems(*, owner, login, urlconf=None) -> list[str]:
    """Every ``unit_scoped`` staff URL with an id: a person holding the view's
    roles for the record's unit opens it; the same roles held for another unit
    of the municipality get 404.

    Both people are put on the record's access list (if it has one), so only
    the unit can keep the second out. A view that needs a stated reason gets
    one in both sessions first.
    """
    from tests.factories import MembershipFactory, UnitFactory, UserFactory
    from vern.core.models import MUNICIPAL_ROLES
    from vern.core.record_access import SESSION_REASONS

    problems: list[str] = []
    for url in staff_urls(urlconf):
        if not url.params or not getattr(url.callback, "vern_unit_scoped", False):
            continue
        builder = UNIT_BUILDERS.get(url.name)
        if builder is None:
            problems.append(
                f"{url.name} ({url.route}) is unit_scoped but has no unit builder "
                "(builds_in_unit) in tests/security/builders.py"
            )
            continue
        roles = url.callback.vern_roles & MUNICIPAL_ROLES
        ours_unit, theirs_unit = UnitFactory(municipality=owner), UnitFactory(municipality=owner)
        people = {}
        for name, unit in (("ours", ours_unit), ("theirs", theirs_unit)):
            user = UserFactory()
            for role in roles:
                MembershipFactory(user=user, municipality=owner, role=role, unit=unit)
            people[name] = user
        kwargs = builder(owner, ours_unit, users=list(people.values()))
        path = reverse(url.name, kwargs=kwargs, urlconf=urlconf)
        for name, user in people.items():
            client = login(user)
            if getattr(url.callback, "vern_reason_required", False):
                session = client.session
                session[SESSION_REASONS] = {
                    f"page:{path}": {
                        "reason": "Kontroll av enhetstilgang",
                        "until": "9999-12-31T00:00:00+00:00",
                    }
                }
                session.save()
            status = client.get(path).status_code
            expected = 200 if name == "ours" else 404
            if status != expected:
                whose = "its own unit" if name == "ours" else "another unit"
                problems.append(f"{url.name}: {whose} got {status}, not {expected}")
    return problems


# --- Writes: POST from another municipality, and from the wrong roles ------------


def database_snapshot() -> dict[str, list[tuple]]:
    """Every row of every table of Vern's own models, read with plain SQL.

    Plain SQL, not managers, so that scoping rules on the managers cannot hide
    a row from the comparison. Sessions and the login throttle are Django's and
    django-axes' tables and are left out (they change on every request).
    """
    from django.apps import apps
    from django.db import connection

    tables: dict[str, list[tuple]] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not model.__module__.startswith("vern.") or meta.proxy or not meta.managed:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(meta.db_table)} ORDER BY 1")
            tables[meta.db_table] = [
                tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                for row in cursor.fetchall()
            ]
    return tables


def changed_tables(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> list[str]:
    return sorted(
        table for table in before.keys() | after.keys() if before.get(table) != after.get(table)
    )


# What an empty required input is filled with, so that a form's POST would
# pass validation (and write) if the view let it through.
_FILLERS = {
    "email": "skjema@example.test",
    "date": "2026-06-15",
    "number": "1",
    "url": "https://example.test/",
    "tel": "12345678",
}


class _PostForms(HTMLParser):
    """The POST forms of a page: their action and the values a browser would send,
    with empty required fields filled in."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        self._required = False
        self._select: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: (value or "") for name, value in attrs}
        if tag == "form":
            if attrs.get("method", "get").lower() == "post":
                self._form = {"action": attrs.get("action", ""), "fields": [], "submits": []}
            return
        form = self._form
        if form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "image"):
                form["submits"].append((name, attrs.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    form["fields"].append((name, attrs.get("value", "on")))
            elif kind not in ("file", "button", "reset"):
                value = attrs.get("value", "")
                if not value and "required" in attrs:
                    value = _FILLERS.get(kind, "Testverdi")
                form["fields"].append((name, value))
        elif tag == "button" and name and attrs.get("type", "submit").lower() == "submit":
            form["submits"].append((name, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
            self._required = "required" in attrs
        elif tag == "select" and name:
            self._select = {
                "name": name,
                "multiple": "multiple" in attrs,
                "first": None,
                "chosen": [],
            }
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            # Without a selected option, the first real choice (not "---------").
            if self._select["first"] in (None, ""):
                self._select["first"] = value
            if "selected" in attrs:
                self._select["chosen"].append(value)

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        form = self._form
        if form is None:
            return
        if tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            if not text.strip() and self._required:
                text = "Testverdi"
            form["fields"].append((self._textarea, text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            select = self._select
            chosen = select["chosen"] or ([] if select["multiple"] else [select["first"]])
            form["fields"].extend((select["name"], value) for value in chosen if value is not None)
            self._select = None
        elif tag == "form":
            self.forms.append(form)
            self._form = None


def form_bodies(client: Client, path: str) -> list[tuple[str, dict[str, list[str]]]]:
    """What a person who may use the page would POST to ``path``: for every POST
    form on it whose action is the page itself, the form's values, once per
    named submit button. Read with ``client`` (someone allowed to see the page)."""
    response = client.get(path)
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return []
    parser = _PostForms()
    parser.feed(response.content.decode())
    bodies = []
    for number, form in enumerate(parser.forms, 1):
        if form["action"] and urlsplit(form["action"]).path != path:
            continue
        variants = form["submits"] or [None]
        for submit in variants:
            data: dict[str, list[str]] = {}
            for name, value in form["fields"] + ([submit] if submit else []):
                data.setdefault(name, []).append(value)
            label = f"form {number}" + (f", button {submit[0]}={submit[1]}" if submit else "")
            bodies.append((label, data))
    return bodies


def post_tenancy_problems(
    *, owner, owner_client: Client, outsider_client: Client, urlconf=None
) -> tuple[list[str], list[str]]:
    """Every staff URL with an object id that takes POST: another municipality's
    administrator POSTs (an empty body, then each of the page's own forms as the
    owner sees them filled in) and gets 404, and no row of Vern's tables changes.

    Returns the problems and the URL names that took a POST (not 405).
    """
    problems: list[str] = []
    posted: list[str] = []
    for url in staff_urls(urlconf):
        if not url.params:
            continue
        kwargs = _kwargs_for(url, owner, problems)
        if kwargs is None:
            continue
        path = reverse(url.name, kwargs=kwargs, urlconf=urlconf)
        bodies = [("empty body", {}), *form_bodies(owner_client, path)]
        before = database_snapshot()
        for label, data in bodies:
            status = outsider_client.post(path, data).status_code
            if status == 405 and label == "empty body":
                break  # the view takes no POST at all
            if label == "empty body":
                posted.append(url.name)
            if status != 404:
                problems.append(
                    f"{url.name}: another municipality's POST ({label}) got {status}, not 404"
                )
        changed = changed_tables(before, database_snapshot())
        if changed:
            problems.append(f"{url.name}: another municipality's POST changed {', '.join(changed)}")
    return problems, posted


def wrong_role_problems(
    *, owner, owner_client: Client, login, urlconf=None
) -> tuple[list[str], list[str]]:
    """Every staff view, from the roles it declares (``vern_roles``): a member of
    the same municipality holding every municipal role *not* declared, and no
    other, gets 403 or 404 (405 for a method the view never takes) on GET and on
    POST (empty, and each of the page's forms as the owner sees them), and no
    row of Vern's tables changes.

    Returns the problems and the URL names that were tried.
    """
    from tests.factories import MembershipFactory, UserFactory
    from vern.core.models import MUNICIPAL_ROLES

    problems: list[str] = []
    tried: list[str] = []
    clients: dict[frozenset, Client] = {}
    for url in staff_urls(urlconf):
        declared = getattr(url.callback, "vern_roles", None)
        if declared is None:
            continue  # undeclared_views reports it
        wrong = frozenset(MUNICIPAL_ROLES) - frozenset(declared)
        if not wrong:
            continue
        kwargs = _kwargs_for(url, owner, problems)
        if kwargs is None:
            continue
        if wrong not in clients:
            user = UserFactory(full_name="Feil Rolle " + "-".join(sorted(wrong)))
            for role in wrong:
                MembershipFactory(user=user, municipality=owner, role=role)
            clients[wrong] = login(user)
        client = clients[wrong]
        who = ", ".join(sorted(wrong))
        path = reverse(url.name, kwargs=kwargs, urlconf=urlconf)
        bodies = [("empty body", {}), *form_bodies(owner_client, path)]
        before = database_snapshot()
        tried.append(url.name)
        status = client.get(path).status_code
        if status not in (403, 404, 405):
            problems.append(f"{url.name}: GET as {who} got {status}, not 403 or 404")
        for label, data in bodies:
            status = client.post(path, data).status_code
            if status not in (403, 404, 405):
                problems.append(f"{url.name}: POST ({label}) as {who} got {status}, not 403 or 404")
        changed = changed_tables(before, database_snapshot())
        if changed:
            problems.append(f"{url.name}: requests as {who} changed {', '.join(changed)}")
    return problems, tried
