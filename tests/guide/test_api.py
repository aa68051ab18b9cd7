"""The public HSDS 3.0 API: shapes, schemas, paging, filters, errors, CORS, limits.

Schemas are read from the copies shipped in the project
(src/vern/directory/data/hsds-3.0), with format checking on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import cache
from pathlib import Path

import pytest
from django.core.cache import cache as django_cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from jsonschema import FormatChecker
from jsonschema.validators import validator_for

import vern.directory
from tests.directory.factories import OrganizationFactory, ServiceFactory, term
from tests.factories import MunicipalityFactory, UserFactory
from vern.core.models import Municipality
from vern.directory.models import (
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    ServiceTranslation,
)
from vern.directory.search import index_service
from vern.directory.selectors import PUBLIC_STATUSES

SCHEMA_DIR = Path(vern.directory.__file__).resolve().parent / "data" / "hsds-3.0"
API = "/api/hsds"
STAFF_EMAIL = "kontrollor.hemmelig@heimby.example.test"
EDITOR_EMAIL = "redaktor.hemmelig@heimby.example.test"
SECRET_ADDRESS = "Løyndomsvegen 4711 B"
SECRET_CITY = "Gøymestad"
SECRET_DIRECTIONS = "Bak den grønne porten ved Gøymestad mølle"
SECRET_LATITUDE = "69.87654"
SECRET_LONGITUDE = "18.76543"
CONTACT_POINT = "Ring 22 33 44 55, så møter vi deg ved biblioteket."


# --- schemas ----------------------------------------------------------------


@cache
def schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / "compiled" / name).read_text(encoding="utf-8"))


@cache
def page_schema() -> dict:
    openapi = json.loads((SCHEMA_DIR / "openapi.json").read_text(encoding="utf-8"))
    return openapi["components"]["schemas"]["Page"]


def taxonomy_term_schema() -> dict:
    # HSDS ships no compiled taxonomy schemas; the term (with its taxonomy) is
    # defined inside every compiled schema's attributes.
    return schema("service.json")["properties"]["attributes"]["items"]["properties"][
        "taxonomy_term"
    ]


def taxonomy_schema() -> dict:
    return taxonomy_term_schema()["properties"]["taxonomy_detail"]


SCHEMAS = {
    "service": lambda: schema("service.json"),
    "service_list": lambda: schema("service_list.json"),
    "organization": lambda: schema("organization.json"),
    "organization_list": lambda: schema("organization_list.json"),
    "service_at_location": lambda: schema("service_at_location.json"),
    "service_at_location_list": lambda: schema("service_at_location_list.json"),
    "taxonomy": taxonomy_schema,
    "taxonomy_term": taxonomy_term_schema,
}


def validate(instance, target: dict) -> None:
    """Fail with every error found; format checking on (uuid, email, uri, date-time)."""
    cls = validator_for(target)
    errors = sorted(
        cls(target, format_checker=FormatChecker()).iter_errors(instance),
        key=lambda e: list(e.absolute_path),
    )
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:20]
    )


def test_the_validator_really_checks_formats():
    bad = {"id": "not-a-uuid", "name": "x", "status": "active", "email": "no-at-sign"}
    cls = validator_for(schema("service.json"))
    errors = list(cls(schema("service.json"), format_checker=FormatChecker()).iter_errors(bad))
    assert {e.validator for e in errors} == {"format"}
    assert len(errors) == 2


# --- a small directory ------------------------------------------------------


@dataclass
class Directory:
    home: Municipality
    other: Municipality
    crisis_centre: Service
    family: Service
    shared: Service
    national: Service
    inactive: Service
    hidden_org_service: Service
    secret_location: Location
    open_location: Location


def build_directory() -> Directory:
    home = MunicipalityFactory(number="9801", name="Heimby")
    other = MunicipalityFactory(number="9802", name="Annenby")
    editor = UserFactory(email=EDITOR_EMAIL)

    centre_org = OrganizationFactory(
        owner=home, name="Heimby krisesenter", email="post@krisesenter.example.test"
    )
    crisis_centre = ServiceFactory(
        owner=home,
        organization=centre_org,
        name="Krisesenteret i Heimby",
        description="Et trygt sted å bo når du blir utsatt for vold.",
        eligibility_description="Kvinner, menn og barn som er utsatt for vold.",
        application_process="Ring oss, dag og natt.",
        how_it_works="Du kan bo her en stund.",
        how_to_contact="Ring, så avtaler vi et trygt møtested.",
        acute=True,
        open_24_7=True,
        accommodation_women=True,
        accommodation_children=True,
        pets_allowed=True,
        alert="Nytt nummer fra 1. mars.",
        url="https://krisesenter.example.test/",
        assured_date=date(2025, 3, 1),
        assurer_email=STAFF_EMAIL,
    )
    crisis_centre.editors.add(editor)
    crisis_centre.areas.add(home, other)
    crisis_centre.terms.add(
        term("target_group", "exposed"), term("violence", "physical"), term("violence", "sexual")
    )
    Phone.objects.create(service=crisis_centre, number="22 33 44 55", description="Døgnåpen")
    Phone.objects.create(service=crisis_centre, number="+47 400 00 000", kind="sms", is_free=False)
    ServiceLanguage.objects.create(service=crisis_centre, code="en")
    ServiceLanguage.objects.create(service=crisis_centre, code="se", note="Med tolk")
    ServiceTranslation.objects.create(
        service=crisis_centre,
        language="en",
        name="Heimby crisis centre",
        description="A safe place to stay.",
    )
    secret_location = Location.objects.create(
        organization=centre_org,
        name="Krisesenteret",
        address=SECRET_ADDRESS,
        postal_code="9977",
        city=SECRET_CITY,
        municipality=home,
        latitude=SECRET_LATITUDE,
        longitude=SECRET_LONGITUDE,
        directions=SECRET_DIRECTIONS,
        accessibility="Heis til alle etasjer i Løyndomsvegen",
        wheelchair_access=True,
        is_confidential=True,
        public_contact_point=CONTACT_POINT,
    )
    ServiceAtLocation.objects.create(service=crisis_centre, location=secret_location)
    index_service(crisis_centre)

    family_org = OrganizationFactory(owner=home, name="Familievernkontoret")
    family = ServiceFactory(
        owner=home,
        organization=family_org,
        name="Familievernet",
        description="Samtaler for par og familier i konflikt.",
        referral=Service.Referral.NONE,
        is_free=True,
    )
    family.terms.add(term("target_group", "relatives"))
    for weekday in range(1, 6):
        Schedule.objects.create(
            service=family, weekday=weekday, opens_at=time(8), closes_at=time(15, 30)
        )
    open_location = Location.objects.create(
        organization=family_org,
        name="Familievernet i sentrum",
        address="Storgata 1",
        postal_code="9800",
        city="Heimby",
        municipality=home,
        latitude="69.10000",
        longitude="18.20000",
        accessibility="Trinnfri inngang",
        wheelchair_access=True,
    )
    ServiceAtLocation.objects.create(service=family, location=open_location, description="Kontor")
    index_service(family)

    shared = ServiceFactory(
        owner=other,
        name="Sinnemestring for Annenby og Heimby",
        description="Behandling for deg som bruker vold og vil slutte.",
        referral=Service.Referral.REQUIRED,
        referral_from="Fastlegen",
        referral_how="Fastlegen sender en henvisning.",
        is_free=False,
        fees_description="Egenandel 375 kroner",
    )
    shared.areas.add(home, other)
    shared.terms.add(term("target_group", "perpetrators"))
    index_service(shared)

    national = ServiceFactory(
        name="Hjelpelinja for test", is_national=True, description="Gratis råd om vold."
    )
    inactive = ServiceFactory(
        owner=home,
        name="Nedlagt tilbud",
        description="Finnes ikke lenger.",
        status=Service.Status.DEFUNCT,
    )
    hidden_org = OrganizationFactory(owner=home, name="Bare inaktive tjenester")
    hidden_org_service = ServiceFactory(
        owner=home,
        organization=hidden_org,
        name="Inaktivt tilbud",
        description="Ikke i bruk.",
        status=Service.Status.INACTIVE,
    )
    return Directory(
        home=home,
        other=other,
        crisis_centre=crisis_centre,
        family=family,
        shared=shared,
        national=national,
        inactive=inactive,
        hidden_org_service=hidden_org_service,
        secret_location=secret_location,
        open_location=open_location,
    )


@pytest.fixture(autouse=True)
def _fresh_rate_limit(settings):
    # Tests walk every endpoint; the limit itself is tested with a low rate.
    settings.VERN_HSDS_RATE = "100000/m"
    settings.VERN_HSDS_SEARCH_RATE = "100000/m"
    django_cache.clear()
    yield
    django_cache.clear()


@pytest.fixture
def directory(db) -> Directory:
    return build_directory()


def get(client: Client, url: str, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def walk_all(client: Client):
    """Every endpoint, every page and every item: (url, kind, payload) triples."""
    found = [(f"{API}/", "root", get(client, f"{API}/"))]
    lists = {
        "services": ("service_list", "service"),
        "organizations": ("organization_list", "organization"),
        "service_at_locations": ("service_at_location_list", "service_at_location"),
        "taxonomies": ("taxonomy", "taxonomy"),
        "taxonomy_terms": ("taxonomy_term", "taxonomy_term"),
    }
    for path, (item_kind, detail_kind) in lists.items():
        page = 1
        while True:
            url = f"{API}/{path}"
            envelope = get(client, url, page=page, per_page=7)
            found.append((f"{url}?page={page}&per_page=7", "page", envelope))
            for item in envelope["contents"]:
                found.append((url, item_kind, item))
                detail_url = f"{API}/{path}/{item['id']}"
                found.append((detail_url, detail_kind, get(client, detail_url)))
            if envelope["last_page"]:
                break
            page += 1
    return found


# --- tests ------------------------------------------------------------------


def test_every_response_validates_against_the_hsds_schemas(client, directory):
    seen_kinds = set()
    for url, kind, payload in walk_all(client):
        seen_kinds.add(kind)
        if kind == "root":
            assert payload["version"] == "3.0"
            assert payload["openapi_url"].endswith("/api/hsds/openapi.json")
        elif kind == "page":
            validate(payload, page_schema())
        else:
            try:
                validate(payload, SCHEMAS[kind]())
            except AssertionError as error:
                raise AssertionError(f"{url} ({kind}):\n{error}") from None
    assert seen_kinds == {"root", "page", *SCHEMAS}
    # Full-organization and full-service variants validate too.
    org = get(
        client,
        f"{API}/organizations/{directory.crisis_centre.organization_id}",
        full_service="true",
    )
    validate(org, schema("organization.json"))
    assert org["services"][0]["phones"]


def test_a_service_in_full(client, directory):
    data = get(client, f"{API}/services/{directory.crisis_centre.pk}")
    validate(data, schema("service.json"))
    assert data["status"] == "active"
    assert data["organization"]["name"] == "Heimby krisesenter"
    assert {(p["number"], p["type"]) for p in data["phones"]} == {
        ("22 33 44 55", "voice"),
        ("+47 400 00 000", "text"),
    }
    not_free = next(p for p in data["phones"] if p["type"] == "text")
    assert {a["taxonomy_term"]["code"]: a["value"] for a in not_free["attributes"]} == {
        "free_to_call": "false"
    }
    assert {(lang["code"], lang["name"]) for lang in data["languages"]} == {
        ("en", "English"),
        ("se", "Northern Sami"),
    }
    # 24/7 with no weekly hours: one schedule covering the whole week.
    assert [(s["freq"], s["byday"], s["opens_at"], s["closes_at"]) for s in data["schedules"]] == [
        ("WEEKLY", "MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59")
    ]
    areas = {(a["name"], a["extent"]) for a in data["service_areas"]}
    assert areas == {("Heimby", "9801"), ("Annenby", "9802")}
    fields = {
        a["taxonomy_term"]["code"]: a.get("value")
        for a in data["attributes"]
        if a["link_type"] == "vern_field"
    }
    assert fields == {
        "owner_municipality": "9801",
        "referral": "none",
        "how_it_works": "Du kan bo her en stund.",
        "how_to_contact": "Ring, så avtaler vi et trygt møtested.",
        "acute": "true",
        "open_24_7": "true",
        "accommodation_women": "true",
        "accommodation_children": "true",
        "pets_allowed": "true",
    }
    terms = {
        (a["taxonomy_term"]["taxonomy_detail"]["code"], a["taxonomy_term"]["code"])
        for a in data["attributes"]
        if a["link_type"] != "vern_field"
    }
    assert terms == {("target_group", "exposed"), ("violence", "physical"), ("violence", "sexual")}
    assert data["cost_options"][0]["amount"] == 0
    assert data["assured_date"] == "2025-03-01"
    assert data["alert"] == "Nytt nummer fra 1. mars."
    assert data["translations"] == [
        {
            "language": "en",
            "name": "Heimby crisis centre",
            "description": "A safe place to stay.",
            "machine_assisted": False,
        }
    ]
    # Staff e-mail addresses are personal data: never published.
    assert "assurer_email" not in data
    text = json.dumps(data, ensure_ascii=False)
    assert STAFF_EMAIL not in text and EDITOR_EMAIL not in text


def test_weekly_hours_national_area_and_referral(client, directory):
    family = get(client, f"{API}/services/{directory.family.pk}")
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in family["schedules"]] == [
        (day, "08:00", "15:30") for day in ("MO", "TU", "WE", "TH", "FR")
    ]
    # The owner's municipality is where a local service applies.
    assert [(a["name"], a["extent"]) for a in family["service_areas"]] == [("Heimby", "9801")]
    location = family["service_at_locations"][0]["location"]
    assert location["addresses"][0]["address_1"] == "Storgata 1"
    assert location["latitude"] == 69.1
    national = get(client, f"{API}/services/{directory.national.pk}")
    assert [(a["name"], a["extent"]) for a in national["service_areas"]] == [("Norge", "NO")]
    shared = get(client, f"{API}/services/{directory.shared.pk}")
    fields = {a["taxonomy_term"]["code"]: a.get("value") for a in shared["attributes"]}
    assert fields["referral"] == "required"
    assert fields["referral_from"] == "Fastlegen"
    assert "cost_options" not in shared
    assert shared["fees_description"] == "Egenandel 375 kroner"


def test_only_public_services_are_served(client, directory):
    listed = {s["id"] for s in get(client, f"{API}/services", per_page=200)["contents"]}
    public = {
        str(pk)
        for pk in Service.objects.filter(status__in=PUBLIC_STATUSES).values_list("pk", flat=True)
    }
    assert listed == public
    assert str(directory.inactive.pk) not in listed
    for service in (directory.inactive, directory.hidden_org_service):
        response = client.get(f"{API}/services/{service.pk}")
        assert response.status_code == 404
        assert response.json()["error"] == "not_found"
    # An organisation with no public service is not shown either.
    orgs = {o["id"] for o in get(client, f"{API}/organizations", per_page=200)["contents"]}
    assert str(directory.hidden_org_service.organization_id) not in orgs
    assert (
        client.get(
            f"{API}/organizations/{directory.hidden_org_service.organization_id}"
        ).status_code
        == 404
    )


def test_paging_envelope(client, directory):
    total = Service.objects.filter(status__in=PUBLIC_STATUSES).count()
    first = get(client, f"{API}/services", per_page=2)
    assert first["total_items"] == total
    assert first["total_pages"] == -(-total // 2)
    assert (first["page_number"], first["size"], first["first_page"], first["last_page"]) == (
        1,
        2,
        True,
        False,
    )
    last = get(client, f"{API}/services", per_page=2, page=first["total_pages"])
    assert last["last_page"] and not last["first_page"] and not last["empty"]
    beyond = get(client, f"{API}/services", per_page=2, page=first["total_pages"] + 1)
    assert beyond["contents"] == [] and beyond["empty"] and beyond["size"] == 0
    ids = []
    for page in range(1, first["total_pages"] + 1):
        ids += [s["id"] for s in get(client, f"{API}/services", per_page=2, page=page)["contents"]]
    assert len(ids) == len(set(ids)) == total
    assert get(client, f"{API}/services")["size"] == min(total, 50)


def test_trailing_slash_and_head(client, directory):
    assert client.get(f"{API}/services/").status_code == 200
    assert client.get(f"{API}/services/{directory.family.pk}/").status_code == 200
    assert client.head(f"{API}/services").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=-1",
        "page=abc",
        "page=1.5",
        "page=99999999999999999999",
        "per_page=0",
        "per_page=201",
        "per_page=lots",
        "modified_after=yesterday",
        "modified_after=2025-13-45",
        "municipality=abcd",
        "municipality=12345",
        "municipality=0000",
        "postcode=12",
        "postcode=0000",
        "taxonomy_term_id=nope",
        "taxonomy_id=%3Cscript%3E",
        "organization_id=1%20OR%201=1",
        "municipality=9801&postcode=0150",
    ],
)
def test_bad_parameters_are_a_400_with_a_message(client, directory, query):
    response = client.get(f"{API}/services?{query}")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == "bad_request" and body["message"] and body["status"] == 400
    assert client.get(f"{API}/service_at_locations?{query}").status_code == 400


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01",
        "0001-01-01T00:00:00+14:00",
        "0001-01-01T00:30:00+01:00",
        "9999-12-31T23:59:59-14:00",
        "9999-12-31T23:59:59.999999-00:01",
    ],
)
def test_dates_beyond_what_utc_can_hold_are_a_400_with_cors(client, directory, value):
    # Stored times are UTC; these have no UTC equivalent (year 0 or year 10000).
    for path in ("services", "service_at_locations"):
        response = client.get(f"{API}/{path}", {"modified_after": value})
        assert response.status_code == 400, response.content
        body = response.json()
        assert body["error"] == "bad_request" and "modified_after" in body["message"]
        assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01T00:00:00Z",
        "0001-01-01T00:00:00-14:00",
        "9999-12-31T23:59:59+14:00",
        # PostgreSQL takes offsets up to 15:59 only; the value must reach it in UTC.
        "1292-11-02T05:32:38.3314-17:15",
    ],
)
def test_extreme_dates_that_utc_can_hold_are_answered(client, directory, value):
    for path in ("services", "service_at_locations"):
        response = client.get(f"{API}/{path}", {"modified_after": value})
        assert response.status_code == 200, response.content
        assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "path", ["services", "organizations", "service_at_locations", "taxonomies", "taxonomy_terms"]
)
def test_bad_and_unknown_ids(client, directory, path):
    bad = client.get(f"{API}/{path}/not-a-uuid")
    assert bad.status_code == 400 and bad.json()["error"] == "bad_request"
    unknown = client.get(f"{API}/{path}/00000000-0000-4000-8000-000000000000")
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"
    assert client.get(f"{API}/{path}", {"page": "x"}).status_code == 400


def test_unknown_endpoint_is_json(client, db):
    response = client.get(f"{API}/nothing/here")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


@pytest.mark.parametrize(
    "text",
    [
        "x" * 10_000,
        "<script>alert(1)</script>",
        "'; DROP TABLE directory_service; --",
        "vold' OR '1'='1",
        '" OR "" = "',
        "krise* AND NOT (",
        "\x00\x01 ☃ 𝔘",
    ],
)
def test_hostile_search_text(client, directory, text):
    response = client.get(f"{API}/services", {"search": text})
    assert response.status_code == 200
    validate(response.json(), page_schema())
    assert client.get(f"{API}/organizations", {"search": text}).status_code == 200
    assert client.get(f"{API}/taxonomy_terms", {"search": text}).status_code == 200
    assert client.get(f"{API}/service_at_locations", {"search": text}).status_code == 200


def test_search_finds_and_ranks(client, directory):
    found = get(client, f"{API}/services", search="krisesenter")["contents"]
    assert found and found[0]["id"] == str(directory.crisis_centre.pk)
    assert get(client, f"{API}/services", search="sinnemestring", municipality="9801")["contents"][
        0
    ]["id"] == str(directory.shared.pk)
    assert get(client, f"{API}/services", search="qqqzzz")["total_items"] == 0


def _search_work(client, params: dict) -> tuple[int, int, dict]:
    """(queries, characters of the longest SQL, body) of one API search, after a
    warm-up request that lets the snapshot notice new services."""
    client.get(f"{API}/services", params)
    with CaptureQueriesContext(connection) as captured:
        body = get(client, f"{API}/services", **params)
    return len(captured), max(len(q["sql"]) for q in captured), body


def test_search_work_does_not_grow_with_matches(client, directory):
    """Ranking, counting and paging happen in the database: neither the number
    of queries nor the SQL sent (once an IN list of every match) grows with the
    number of matches."""
    home = directory.home
    for n in range(3):
        ServiceFactory(owner=home, name=f"Sinnemottak {n}", description="Sinnemottak.")
    params = {"search": "sinnemottak", "per_page": 2}
    queries, longest, body = _search_work(client, params)
    assert body["total_items"] == 3 and body["size"] == 2
    for n in range(40):
        ServiceFactory(owner=home, name=f"Mottak {n}", description="Sinnemottak for alle.")
    queries_after, longest_after, body = _search_work(client, params)
    assert body["total_items"] == 43 and body["size"] == 2
    assert queries_after == queries
    assert longest_after == longest


def test_search_pages_follow_relevance(client, directory):
    home = directory.home
    weak = ServiceFactory(owner=home, name="Aaa samtale", description="Om sinnemottak.")
    strong = ServiceFactory(
        owner=home,
        name="Sinnemottak",
        alternate_name="Sinnemottak",
        description="Sinnemottak: sinnemottak for sinne, sinnemottak hver dag.",
    )
    org = OrganizationFactory(owner=home, name="Mottakene")
    middle = [
        ServiceFactory(
            owner=home,
            organization=org,
            name=f"Mottak {n}",
            description="Sinnemottak og sinnemottak.",
        )
        for n in range(3)
    ]
    everything = get(client, f"{API}/services", search="sinnemottak", per_page=200)
    ids = [s["id"] for s in everything["contents"]]
    assert ids[0] == str(strong.pk) and ids[-1] == str(weak.pk)
    # Equal relevance: by name.
    assert ids[1:4] == [str(s.pk) for s in middle]
    paged = []
    for page in (1, 2, 3):
        body = get(client, f"{API}/services", search="sinnemottak", per_page=2, page=page)
        assert body["total_items"] == 5
        paged += [s["id"] for s in body["contents"]]
    assert paged == ids
    beyond = get(client, f"{API}/services", search="sinnemottak", per_page=2, page=9)
    assert beyond["total_items"] == 5 and beyond["contents"] == []


def test_search_has_a_stricter_rate_than_reads(client, directory, settings):
    settings.VERN_HSDS_RATE = "10/m"
    settings.VERN_HSDS_SEARCH_RATE = "2/m"
    for _ in range(2):
        assert client.get(f"{API}/services", {"search": "krisesenter"}).status_code == 200
    limited = client.get(f"{API}/services", {"search": "vold"})
    assert limited.status_code == 429
    assert limited.json()["error"] == "too_many_requests"
    assert "search" in limited.json()["message"]
    assert limited["Retry-After"] == "60"
    assert limited["Access-Control-Allow-Origin"] == "*"
    # Plain reads go on, and an empty search text is a plain read.
    assert client.get(f"{API}/services").status_code == 200
    assert client.get(f"{API}/services", {"search": " "}).status_code == 200
    other = Client(REMOTE_ADDR="192.0.2.78")
    assert other.get(f"{API}/services", {"search": "vold"}).status_code == 200


def test_municipality_filter(client, directory):
    ids = [
        s["id"]
        for s in get(client, f"{API}/services", municipality="9801", per_page=200)["contents"]
    ]
    assert str(directory.crisis_centre.pk) in ids  # own
    assert str(directory.shared.pk) in ids  # another municipality's, serving Heimby
    assert str(directory.national.pk) in ids  # national
    assert str(directory.inactive.pk) not in ids
    # Local first, national last.
    assert ids.index(str(directory.crisis_centre.pk)) < ids.index(str(directory.shared.pk))
    assert ids.index(str(directory.shared.pk)) < ids.index(str(directory.national.pk))
    other_only = ServiceFactory(owner=directory.other, name="Bare for Annenby", description="x")
    ids = [
        s["id"]
        for s in get(client, f"{API}/services", municipality="9801", per_page=200)["contents"]
    ]
    assert str(other_only.pk) not in ids


def test_postcode_filter_uses_the_postcodes_municipality(client, directory):
    oslo = Municipality.objects.get(number="0301")
    in_oslo = ServiceFactory(owner=oslo, name="Oslotilbudet", description="Hjelp i Oslo.")
    ids = [
        s["id"] for s in get(client, f"{API}/services", postcode="0150", per_page=200)["contents"]
    ]
    assert str(in_oslo.pk) in ids
    assert str(directory.crisis_centre.pk) not in ids


def test_taxonomy_organization_and_modified_filters(client, directory):
    physical = term("violence", "physical")
    public = Service.objects.filter(status__in=PUBLIC_STATUSES)
    with_term = {str(pk) for pk in public.filter(terms=physical).values_list("pk", flat=True)}
    assert str(directory.crisis_centre.pk) in with_term
    ids = {
        s["id"]
        for s in get(client, f"{API}/services", taxonomy_term_id=str(physical.pk), per_page=200)[
            "contents"
        ]
    }
    assert ids == with_term
    in_taxonomy = {
        str(pk)
        for pk in public.filter(terms__taxonomy=physical.taxonomy).values_list("pk", flat=True)
    }
    ids = {
        s["id"]
        for s in get(
            client, f"{API}/services", taxonomy_id=str(physical.taxonomy_id), per_page=200
        )["contents"]
    }
    assert ids == in_taxonomy and str(directory.family.pk) not in ids
    ids = {
        s["id"]
        for s in get(
            client, f"{API}/services", organization_id=str(directory.family.organization_id)
        )["contents"]
    }
    assert ids == {str(directory.family.pk)}
    long_ago = timezone.now() - timedelta(days=400)
    Service.objects.exclude(pk=directory.family.pk).update(updated_at=long_ago)
    since = (timezone.now() - timedelta(days=1)).isoformat()
    ids = {s["id"] for s in get(client, f"{API}/services", modified_after=since)["contents"]}
    assert ids == {str(directory.family.pk)}
    # An unencoded "+" arrives as a space; it is still read as the offset.
    raw = client.get(f"{API}/services?modified_after=2000-01-01T00:00:00+01:00")
    assert raw.status_code == 200
    assert get(client, f"{API}/services", modified_after="2000-01-01")["total_items"] > 1
    sals = get(
        client, f"{API}/service_at_locations", organization_id=str(directory.family.organization_id)
    )
    assert [s["service_id"] for s in sals["contents"]] == [str(directory.family.pk)]


def test_taxonomies_and_terms(client, directory):
    taxonomies = get(client, f"{API}/taxonomies")["contents"]
    codes = {t["code"] for t in taxonomies}
    assert {"target_group", "violence", "vern-fields"} <= codes
    violence = next(t for t in taxonomies if t["code"] == "violence")
    terms = get(client, f"{API}/taxonomy_terms", taxonomy_id=violence["id"])["contents"]
    assert "forced_marriage" in {t["code"] for t in terms}
    fm = next(t for t in terms if t["code"] == "forced_marriage")
    assert fm["translations"] == [{"language": "en", "name": "Forced marriage"}]
    assert (
        get(client, f"{API}/taxonomy_terms", search="tvangsekteskap")["contents"][0]["id"]
        == fm["id"]
    )
    # Every attribute's term can be looked up.
    service = get(client, f"{API}/services/{directory.crisis_centre.pk}")
    for attribute in service["attributes"]:
        get(client, f"{API}/taxonomy_terms/{attribute['taxonomy_term_id']}")
    # Staff-only field kinds are not listed.
    vern = next(t for t in taxonomies if t["code"] == "vern-fields")
    vern_codes = {
        t["code"]
        for t in get(client, f"{API}/taxonomy_terms", taxonomy_id=vern["id"], per_page=200)[
            "contents"
        ]
    }
    assert "referral" in vern_codes and "editor" not in vern_codes


def test_service_at_locations(client, directory):
    listed = get(client, f"{API}/service_at_locations", per_page=200)["contents"]
    ours = {s["service_id"] for s in listed}
    assert {str(directory.crisis_centre.pk), str(directory.family.pk)} <= ours
    sal = next(s for s in listed if s["service_id"] == str(directory.family.pk))
    detail = get(client, f"{API}/service_at_locations/{sal['id']}")
    assert detail["location"]["name"] == "Familievernet i sentrum"
    assert detail["service"]["name"] == "Familievernet"
    assert detail["description"] == "Kontor"


def test_cors_methods_and_no_cookies(client, directory):
    response = client.get(f"{API}/services")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not response.cookies
    preflight = client.options(
        f"{API}/services",
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="accept",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert preflight["Access-Control-Allow-Headers"] == "accept"
    for method in ("post", "put", "delete", "patch"):
        refused = getattr(client, method)(f"{API}/services")
        assert refused.status_code == 405
        assert refused.json()["error"] == "method_not_allowed"
        assert refused["Access-Control-Allow-Origin"] == "*"
    for url, _kind, _payload in walk_all(client):
        assert not client.get(url).cookies, url
    for url in (f"{API}/services?page=0", f"{API}/nope", f"{API}/openapi.json"):
        response = client.get(url)
        assert not response.cookies and response["Access-Control-Allow-Origin"] == "*"


def test_rate_limited_per_address(client, directory, settings):
    settings.VERN_HSDS_RATE = "3/m"
    for _ in range(3):
        assert client.get(f"{API}/services").status_code == 200
    limited = client.get(f"{API}/taxonomies")
    assert limited.status_code == 429
    assert limited.json()["error"] == "too_many_requests"
    assert limited["Retry-After"] == "60"
    assert limited["Access-Control-Allow-Origin"] == "*"
    other = Client(REMOTE_ADDR="192.0.2.77")
    assert other.get(f"{API}/services").status_code == 200


def test_openapi_document(client, db):
    doc = get(client, f"{API}/openapi.json")
    assert doc["openapi"].startswith("3.")
    info = doc["info"]
    assert "Open Referral" in info["description"] and "CC BY-SA 4.0" in info["description"]
    assert info["license"]["identifier"] == "CC-BY-SA-4.0"
    assert doc["servers"] == [{"url": "http://testserver/api/hsds"}]
    for path in (
        "/",
        "/services",
        "/services/{id}",
        "/organizations",
        "/organizations/{id}",
        "/service_at_locations",
        "/service_at_locations/{id}",
        "/taxonomies",
        "/taxonomies/{id}",
        "/taxonomy_terms",
        "/taxonomy_terms/{id}",
    ):
        assert path in doc["paths"], path
    services_params = {
        p.get("name") or p["$ref"].rsplit("/", 1)[-1]
        for p in doc["paths"]["/services"]["get"]["parameters"]
    }
    assert {
        "search",
        "page",
        "per_page",
        "taxonomy_term_id",
        "modified_after",
        "municipality",
    } <= services_params
    assert "minimal" not in services_params  # not supported, so not offered
    # Every local reference resolves.
    text = json.dumps(doc)
    for ref in {part.split('"')[0] for part in text.split('"$ref": "#/')[1:]}:
        node = doc
        for key in ref.split("/"):
            node = node[key]
    validate(
        {"error": "bad_request", "message": "x", "status": 400},
        doc["components"]["schemas"]["Error"],
    )


def test_the_demo_directory_validates_and_hides_its_confidential_addresses(client, db):
    from vern.core.demo import load_demo

    load_demo(password="demo-passord-1")
    # Town and postal code are shared with public places here; street and map are secret.
    secrets = [
        value
        for loc in Location.objects.for_system("test").filter(is_confidential=True)
        for value in (
            loc.address,
            loc.directions,
            loc.latitude and str(float(loc.latitude)),
        )
        if value
    ]
    for url, kind, payload in walk_all(client):
        if kind == "page":
            validate(payload, page_schema())
        elif kind != "root":
            try:
                validate(payload, SCHEMAS[kind]())
            except AssertionError as error:
                raise AssertionError(f"{url} ({kind}):\n{error}") from None
        text = json.dumps(payload, ensure_ascii=False)
        for secret in secrets:
            assert secret not in text, (secret, url)


def test_markup_in_the_data_is_escaped_in_the_json(client, db):
    evil = ServiceFactory(name="<script>alert(1)</script> & co", description="<b>fet</b>")
    response = client.get(f"{API}/services/{evil.pk}")
    assert b"<script>" not in response.content and b"<b>" not in response.content
    assert response.json()["name"] == "<script>alert(1)</script> & co"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_repeated_search_is_ranked_once_until_the_directory_changes(
    client, directory, monkeypatch
):
    from vern.guide.index import Postings

    rankings = []
    scores = Postings.scores

    def counted(self, *args, **kwargs):
        rankings.append(args[0])
        return scores(self, *args, **kwargs)

    monkeypatch.setattr(Postings, "scores", counted)
    first = ServiceFactory(owner=directory.home, name="Sinnemottak Nord", description="Sinne.")
    for _ in range(3):
        body = get(client, f"{API}/services", search="sinnemottak")
        assert [s["id"] for s in body["contents"]] == [str(first.pk)]
    assert len(rankings) == 1
    # Another page is ranked on its own; a change is seen at once.
    get(client, f"{API}/services", search="sinnemottak", per_page=1, page=2)
    assert len(rankings) == 2
    second = ServiceFactory(owner=directory.home, name="Sinnemottak Sør", description="Sinne.")
    body = get(client, f"{API}/services", search="sinnemottak")
    assert {s["id"] for s in body["contents"]} == {str(first.pk), str(second.pk)}
    assert len(rankings) == 3
