"""The OpenAPI 3.1 document of Vern's HSDS API, derived from Open Referral's template.

Built at run time from ``data/hsds-3.0/openapi.json`` (the HSDS 3.0 API
template, CC BY-SA 4.0): the template's paths are kept, each operation lists
only the parameters Vern supports, Vern's own filters and error responses are
added, and the info section names the source and its licence, as CC BY-SA
asks of a derived work.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "data" / "hsds-3.0" / "openapi.json"
SCHEMA_BASE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"

INFO = {
    "title": "Vern service directory: HSDS 3.0 API",
    "version": "1.0.0",
    "summary": "Read-only Open Referral HSDS 3.0 API of Vern's directory of help services.",
    "description": (
        "Public, read-only API of the services in Vern's guide to help for people affected "
        "by violence in close relationships, in the shape of the Human Services Data "
        "Specification (HSDS) 3.0. Only public services are served. A location whose "
        "address is confidential (for example a crisis centre) shows its name and public "
        "contact point only.\n\n"
        "Vern's own fields (referral, acute help, crisis-centre facilities, 'how it works', "
        "'how to get in touch', the municipality that keeps the entry) are HSDS "
        "`attributes` linked to the terms of the taxonomy 'vern-fields' (see /taxonomies), "
        "with the field's value in `value`. Service texts in other languages than Norwegian "
        "bokmål are in the extension property `translations`. Service areas are one per "
        "municipality (`extent_type` 'text', `extent` the four-digit municipality number) or "
        "'Norge' (`extent` 'NO') for national services. Opening hours are local Norwegian "
        "time.\n\n"
        "Requests are rate-limited per client address; a client over the limit gets 429 "
        "with Retry-After. Any origin may read the API (CORS).\n\n"
        "Attribution: this document is derived from the HSDS 3.0 API template "
        "(openapi.json in https://github.com/openreferral/specification), part of the Human "
        "Services Data Specification: an Open Referral resource (https://openreferral.org/), "
        "licensed under CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/). "
        "Changes: Vern's paths, parameters and error responses; the response schema of "
        "/service_at_locations/{id} points at service_at_location.json. This derived "
        "document is licensed under CC BY-SA 4.0 as well."
    ),
    "license": {"name": "CC BY-SA 4.0", "identifier": "CC-BY-SA-4.0"},
}

# Parameters each path supports (names of components.parameters).
SUPPORTED = {
    "/": [],
    "/services": [
        "search",
        "page",
        "per_page",
        "taxonomy_term_id",
        "taxonomy_id",
        "organization_id",
        "modified_after",
        "municipality",
        "postcode",
    ],
    "/services/{id}": [],
    "/taxonomies": ["search", "page", "per_page"],
    "/taxonomies/{id}": [],
    "/taxonomy_terms": ["search", "page", "per_page", "taxonomy_id", "top_only", "parent_id"],
    "/taxonomy_terms/{id}": [],
    "/organizations": ["search", "page", "per_page"],
    "/organizations/{id}": ["full_service"],
    "/service_at_locations": [
        "search",
        "page",
        "per_page",
        "taxonomy_term_id",
        "taxonomy_id",
        "organization_id",
        "modified_after",
        "municipality",
        "postcode",
    ],
    "/service_at_locations/{id}": [],
}

OWN_PARAMETERS = {
    "page": {
        "name": "page",
        "in": "query",
        "required": False,
        "description": "Which page to return, counting from 1.",
        "schema": {"type": "integer", "minimum": 1, "maximum": 1000000, "default": 1},
    },
    "per_page": {
        "name": "per_page",
        "in": "query",
        "required": False,
        "description": "Items per page.",
        "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
    },
    "modified_after": {
        "name": "modified_after",
        "in": "query",
        "required": False,
        "description": (
            "Only services changed at or after this moment (ISO 8601; without a time zone "
            "the time is read as Norwegian time)."
        ),
        "schema": {"type": "string", "format": "date-time"},
    },
    "municipality": {
        "name": "municipality",
        "in": "query",
        "required": False,
        "description": (
            "Four-digit municipality number (kommunenummer): services a resident of that "
            "municipality can use, that is the municipality's own, those serving it, and "
            "national ones; in that order. A number that belongs to no municipality gives "
            "400. Not together with 'postcode': giving both gives 400."
        ),
        "schema": {"type": "string", "pattern": "^[0-9]{4}$"},
    },
    "postcode": {
        "name": "postcode",
        "in": "query",
        "required": False,
        "description": (
            "Norwegian postal code: as 'municipality', for the municipality the postal code "
            "belongs to. An unknown postal code gives 400. Not together with 'municipality': "
            "giving both gives 400."
        ),
        "schema": {"type": "string", "pattern": "^[0-9]{4}$"},
    },
    "taxonomy_term_id": {
        "name": "taxonomy_term_id",
        "in": "query",
        "required": False,
        "description": "Only services with this taxonomy term.",
        "schema": {"type": "string", "format": "uuid"},
    },
    "taxonomy_id": {
        "name": "taxonomy_id",
        "in": "query",
        "required": False,
        "description": "Only items with a term of this taxonomy.",
        "schema": {"type": "string", "format": "uuid"},
    },
    "parent_id": {
        "name": "parent_id",
        "in": "query",
        "required": False,
        "description": (
            "Only terms with this parent term. Vern's vocabularies are flat, so the answer "
            "is always empty."
        ),
        "schema": {"type": "string", "format": "uuid"},
    },
    "organization_id": {
        "name": "organization_id",
        "in": "query",
        "required": False,
        "description": "Only services of this organisation.",
        "schema": {"type": "string", "format": "uuid"},
    },
}

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "message", "status"],
    "properties": {
        "error": {"type": "string", "description": "A short code, like 'bad_request'."},
        "message": {"type": "string", "description": "What was wrong, in English."},
        "status": {"type": "integer", "description": "The HTTP status code."},
    },
}


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _parameter_name(parameter: dict) -> str:
    return parameter.get("name") or parameter["$ref"].rsplit("/", 1)[-1]


@cache
def _template() -> dict:
    return json.loads(TEMPLATE.read_text(encoding="utf-8"))


@cache
def _document() -> dict:
    template = _template()
    parameters = {**template["components"]["parameters"], **OWN_PARAMETERS}
    used: set[str] = set()
    paths = {}
    for path, template_item in template["paths"].items():
        item = copy.deepcopy(template_item)
        operation = item["get"]
        wanted = SUPPORTED[path]
        # Vern's own definition of a parameter replaces the template's.
        kept = [
            p
            for p in operation.get("parameters", [])
            if _parameter_name(p) in wanted
            and ("$ref" in p or _parameter_name(p) not in OWN_PARAMETERS)
        ]
        names = {_parameter_name(p) for p in kept}
        kept += [
            {"$ref": f"#/components/parameters/{name}"}
            for name in wanted
            if name not in names and name in parameters
        ]
        used.update(_parameter_name(p) for p in kept if "$ref" in p)
        for parameter in item.get("parameters", []):
            if parameter.get("in") == "path" and parameter.get("name") == "id":
                # Every id in Vern is a UUID; anything else is refused with 400.
                parameter["schema"] = {"type": "string", "format": "uuid"}
        if kept:
            operation["parameters"] = kept
        else:
            operation.pop("parameters", None)
        if path == "/service_at_locations/{id}":
            schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
            schema["$ref"] = SCHEMA_BASE + "compiled/service_at_location.json"
        responses = operation["responses"]
        if kept or "{id}" in path:
            responses["400"] = _error("A parameter or the id is not valid.")
        if "{id}" in path:
            responses["404"] = _error("Nothing public has this id.")
        responses["429"] = _error("Too many requests from this address; see Retry-After.")
        paths[path] = item
    paths["/openapi.json"] = {
        "get": {
            "summary": "This document.",
            "operationId": "getOpenAPIDocument",
            "responses": {
                "200": {
                    "description": "The OpenAPI document of this API.",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "429": _error("Too many requests from this address; see Retry-After."),
            },
        }
    }
    return {
        "openapi": template["openapi"],
        "jsonSchemaDialect": template["jsonSchemaDialect"],
        "info": INFO,
        "paths": paths,
        "components": {
            "schemas": {**template["components"]["schemas"], "Error": ERROR_SCHEMA},
            "parameters": {name: parameters[name] for name in sorted(used)},
        },
    }


def openapi_document(server_url: str) -> dict:
    """The document, with the server Vern runs on."""
    document = copy.deepcopy(_document())
    document["servers"] = [{"url": server_url.rstrip("/")}]
    return document
