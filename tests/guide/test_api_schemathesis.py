"""Schemathesis against the served OpenAPI document: the API answers what the
document promises, and refuses what it rules out.

Bounded (a few examples per operation) so it runs in well under a minute on
either database. The HSDS response schemas that the document names by their
address on GitHub are read from the copies shipped in ``data/hsds-3.0``, so the
test needs no network.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.cache import cache as django_cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.directory.test_public_data import build_guide
from tests.guide.test_api import schema as compiled_schema
from tests.guide.test_api import taxonomy_schema, taxonomy_term_schema
from vern.directory.openapi import SCHEMA_BASE

# Examples per run, spread over the API's operations. A deeper run:
# VERN_SCHEMATHESIS_EXAMPLES=2000 uv run pytest tests/guide/test_api_schemathesis.py
EXAMPLES = int(os.environ.get("VERN_SCHEMATHESIS_EXAMPLES", "150"))

DOCUMENTED_REFUSALS = {
    "Give 'municipality' or 'postcode', not both.",
    "Unknown postal code.",
    "Unknown municipality number.",
}

LOCAL = {
    "taxonomy.json": taxonomy_schema,
    "taxonomy_term.json": taxonomy_term_schema,
}


def _local(url: str) -> dict:
    name = url.removeprefix(SCHEMA_BASE)
    if name.startswith("compiled/"):
        found = compiled_schema(name.removeprefix("compiled/"))
    else:
        found = LOCAL[name]()
    return {key: value for key, value in found.items() if key not in {"$id", "$schema"}}


def _inline_remote_refs(node):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_BASE):
            return _local(ref)
        return {key: _inline_remote_refs(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline_remote_refs(item) for item in node]
    return node


def _keeping_the_connection(app):
    """The real WSGI application, except that it leaves the database connection
    open after each request, as Django's test client does: the test's data
    lives in a transaction on that connection (PostgreSQL closes it otherwise)."""

    def wsgi(environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = app(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)

    return wsgi


# The WSGI transport asks for gzip like a browser but does not unpack what it gets.
PLAIN = {"Accept-Encoding": "identity"}


@pytest.fixture
def served_api(db, settings):
    # Many requests from one address in a few seconds: lift the rate limit.
    settings.VERN_HSDS_RATE = "100000/m"
    settings.VERN_HSDS_SEARCH_RATE = "100000/m"
    django_cache.clear()
    build_guide()
    response = Client().get("/api/hsds/openapi.json")
    assert response.status_code == 200
    loaded = schemathesis.openapi.from_dict(_inline_remote_refs(response.json()))
    loaded.app = _keeping_the_connection(get_wsgi_application())
    return loaded


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_keeps_to_its_openapi_document(served_api, mode):
    @given(case=served_api.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        # The same examples on every run, so CI does not pass or fail by chance;
        # a deeper, random search: set VERN_SCHEMATHESIS_EXAMPLES (above) and
        # VERN_SCHEMATHESIS_RANDOM=1.
        derandomize=os.environ.get("VERN_SCHEMATHESIS_RANDOM") != "1",
    )
    def check(case):
        query = case.query or {}
        if {"municipality", "postcode"} & set(query) and mode == GenerationMode.POSITIVE:
            # OpenAPI cannot say that a number must belong to a municipality
            # (or a postal code exist), nor that the two are exclusive; the
            # document says so in words, and the API answers 400 with a reason.
            response = case.call_and_validate(
                headers=PLAIN, excluded_checks=[positive_data_acceptance]
            )
            if response.status_code == 400:
                assert response.json()["message"] in DOCUMENTED_REFUSALS, response.json()
        else:
            case.call_and_validate(headers=PLAIN)

    check()


def test_the_document_states_what_the_api_checks(db):
    """The three disagreements schemathesis found, checked one by one."""
    document = Client().get("/api/hsds/openapi.json").json()
    # Ids: every path id is declared a UUID, as the API requires.
    for path, item in document["paths"].items():
        for parameter in item.get("parameters", []):
            if parameter["in"] == "path":
                assert parameter["schema"].get("format") == "uuid", path
    assert Client().get("/api/hsds/taxonomies/guide:service").status_code == 400
    # Exclusive filters: said in the document, refused by the API.
    parameters = document["components"]["parameters"]
    assert "Not together with 'postcode'" in parameters["municipality"]["description"]
    assert "Not together with 'municipality'" in parameters["postcode"]["description"]
    both = Client().get("/api/hsds/services", {"municipality": "0301", "postcode": "0150"})
    assert both.status_code == 400
    # An empty id filter is not a UUID: refused, not taken as "no filter".
    for name in ("taxonomy_id", "taxonomy_term_id", "organization_id"):
        response = Client().get(f"/api/hsds/services?{name}=")
        assert response.status_code == 400, name
        assert response.json()["message"] == f"'{name}' must be a UUID."
    assert Client().get("/api/hsds/taxonomy_terms?taxonomy_id=").status_code == 400
    assert Client().get("/api/hsds/services?municipality=").status_code == 400
