"""A confidential address never leaves Vern through the API or the public exports.

The crisis centre's location in ``build_directory`` has a distinctive street
address, town, postal code, coordinates, directions and accessibility note;
every API response (every endpoint, page and item, with and without filters)
and both public exports are searched for them.
"""

from __future__ import annotations

import io
import json
import re

from django.core.management import call_command

from tests.guide.test_api import (
    API,
    CONTACT_POINT,
    EDITOR_EMAIL,
    SECRET_ADDRESS,
    SECRET_CITY,
    SECRET_DIRECTIONS,
    SECRET_LATITUDE,
    SECRET_LONGITUDE,
    STAFF_EMAIL,
    _fresh_rate_limit,  # noqa: F401 - autouse fixture
    directory,  # noqa: F401 - fixture
    walk_all,
)

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Timestamps carry microseconds, which may contain any four digits too.
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?")
SECRETS = [
    SECRET_ADDRESS,
    "Løyndomsvegen",
    SECRET_CITY,
    SECRET_DIRECTIONS,
    SECRET_LATITUDE,
    SECRET_LONGITUDE,
    "69.8765",
    "18.7654",
    "Heis til alle etasjer",
]
PERSONAL = [STAFF_EMAIL, EDITOR_EMAIL]


def assert_clean(text: str, where: str) -> None:
    for secret in [*SECRETS, *PERSONAL]:
        assert secret not in text, f"{secret!r} found in {where}"
    # The postal code, outside ids and timestamps (they may contain any four digits).
    assert "9977" not in TIMESTAMP.sub("", UUID.sub("", text)), f"postal code found in {where}"


def _confidential_locations(node):
    """Every location object marked confidential, anywhere in a payload."""
    if isinstance(node, dict):
        attributes = node.get("attributes") or []
        if node.get("location_type") and any(
            (a.get("taxonomy_term") or {}).get("code") == "confidential_address" for a in attributes
        ):
            yield node
        for value in node.values():
            yield from _confidential_locations(value)
    elif isinstance(node, list):
        for value in node:
            yield from _confidential_locations(value)


def test_no_api_response_reveals_a_confidential_address(client, directory):  # noqa: F811
    responses = [client.get(url).content.decode() for url, _k, _p in walk_all(client)]
    centre = directory.crisis_centre
    sal = centre.service_at_locations.get()
    extra = [
        f"{API}/services/{centre.pk}",
        f"{API}/service_at_locations/{sal.pk}",
        f"{API}/organizations/{centre.organization_id}?full_service=true",
        f"{API}/services?search=krisesenter",
        f"{API}/services?search=L%C3%B8yndomsvegen",
        f"{API}/services?municipality=9801&per_page=200",
        f"{API}/service_at_locations?municipality=9801&per_page=200",
        f"{API}/service_at_locations?per_page=200",
        f"{API}/openapi.json",
    ]
    for url in extra:
        response = client.get(url)
        assert response.status_code == 200, url
        responses.append(response.content.decode())
    seen_contact_point = False
    confidential_seen = 0
    for text in responses:
        assert_clean(text, "an API response")
        seen_contact_point |= CONTACT_POINT in text
        for location in _confidential_locations(json.loads(text)):
            confidential_seen += 1
            assert set(location) <= {
                "id",
                "location_type",
                "organization_id",
                "name",
                "description",
                "attributes",
            }, location
            assert location["description"] == CONTACT_POINT
    assert seen_contact_point and confidential_seen >= 3
    # Searching for the address finds nothing.
    found = client.get(f"{API}/services", {"search": "Løyndomsvegen"}).json()
    assert str(centre.pk) not in {s["id"] for s in found["contents"]}


def test_public_exports_leave_confidential_addresses_out(directory, tmp_path):  # noqa: F811
    json_file = tmp_path / "public.json"
    csv_file = tmp_path / "public.csv"
    call_command("directory", "export", "--format", "hsds-json", "--output", str(json_file))
    call_command("directory", "export", "--format", "csv", "--output", str(csv_file))
    for path in (json_file, csv_file):
        text = path.read_text(encoding="utf-8")
        assert_clean(text, path.name)
        assert CONTACT_POINT in text
        assert "Krisesenteret i Heimby" in text
    # The full export does carry it (that is its purpose).
    full = tmp_path / "full.json"
    err = io.StringIO()
    call_command("directory", "export", "--include-confidential", "--output", str(full), stderr=err)
    assert SECRET_ADDRESS in full.read_text(encoding="utf-8")
    assert "WARNING" in err.getvalue()


def test_the_search_index_holds_no_address(directory):  # noqa: F811
    directory.crisis_centre.refresh_from_db()
    assert_clean(directory.crisis_centre.search_document, "the search index")
