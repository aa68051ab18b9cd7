"""Plumbing of the HSDS API: JSON errors, CORS, rate limiting, paging, parameters.

Every view is wrapped by ``api_view``: it answers CORS preflights, refuses
methods other than GET/HEAD/OPTIONS, counts requests per client address
(django-ratelimit; requests with a ``search`` text also against the stricter
``VERN_HSDS_SEARCH_RATE``) and turns a bad parameter into a 400 with a JSON message.
The API never sets a cookie: it reads no session and makes no CSRF token.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit
from ipware import get_client_ip

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000
DEFAULT_RATE = "120/m"
# Searches rank the whole directory, so one address gets fewer of them than plain reads.
DEFAULT_SEARCH_RATE = "30/m"
ALLOWED_METHODS = "GET, HEAD, OPTIONS"


class ApiError(Exception):
    def __init__(self, status: int, message: str, code: str = ""):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or {400: "bad_request", 404: "not_found"}.get(status, "error")


# "<", ">" and "&" only occur inside JSON strings, where these escapes mean the
# same: the text cannot be read as markup even by a client that sniffs. Three
# ``replace`` calls, not ``str.translate``: translate looks up every character of
# the page in Python (6 ms for a page of 50 services), replace runs in C.
_HTML_SAFE = (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"))


def json_response(data, status: int = 200) -> HttpResponse:
    text = json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder)
    for character, escape in _HTML_SAFE:
        text = text.replace(character, escape)
    return HttpResponse(text, status=status, content_type="application/json")


def error_response(status: int, code: str, message: str) -> HttpResponse:
    return json_response({"error": code, "message": message, "status": status}, status)


def client_address(group: str, request: HttpRequest) -> str:
    """The client's address, read as the login throttling reads it (behind N proxies)."""
    ip, _routable = get_client_ip(
        request,
        proxy_count=getattr(settings, "AXES_IPWARE_PROXY_COUNT", None),
        request_header_order=getattr(
            settings, "AXES_IPWARE_META_PRECEDENCE_ORDER", ["REMOTE_ADDR"]
        ),
    )
    return ip or "unknown"


def rate(group: str, request: HttpRequest) -> str:
    return getattr(settings, "VERN_HSDS_RATE", DEFAULT_RATE)


def search_rate(group: str, request: HttpRequest) -> str | None:
    """The stricter rate of a request with a ``search`` text; None (not counted) without."""
    if not (request.GET.get("search") or "").strip():
        return None
    return getattr(settings, "VERN_HSDS_SEARCH_RATE", DEFAULT_SEARCH_RATE)


def _search_limited(request: HttpRequest) -> bool:
    return is_ratelimited(
        request, group="hsds-search", key=client_address, rate=search_rate, increment=True
    )


def _too_many(message: str) -> HttpResponse:
    response = error_response(429, "too_many_requests", message)
    response["Retry-After"] = "60"
    return response


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "Retry-After"
    return response


def api_view(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if getattr(request, "limited", False):
            response = _too_many("Too many requests; slow down.")
        elif request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = ALLOWED_METHODS
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = request.headers.get(
                "Access-Control-Request-Headers", "Accept"
            )[:200]
            response["Access-Control-Max-Age"] = "86400"
        elif request.method not in ("GET", "HEAD"):
            response = error_response(405, "method_not_allowed", "This API is read-only: use GET.")
            response["Allow"] = ALLOWED_METHODS
        elif _search_limited(request):
            response = _too_many(
                "Too many searches; slow down. Plain reads (without 'search') are still served."
            )
        else:
            try:
                response = view(request, *args, **kwargs)
            except ApiError as error:
                response = error_response(error.status, error.code, error.message)
        return _cors(response)

    # Read-only, so no CSRF token is needed (and none is made: no cookie).
    return csrf_exempt(
        ratelimit(group="hsds", key=client_address, rate=rate, method=ALL, block=False)(wrapped)
    )


# --- parameters -------------------------------------------------------------
# A parameter that is left out takes its default. One that is given with an
# empty value is checked like any other value, and refused where the OpenAPI
# document requires a UUID, number, date-time or true/false: "?taxonomy_id="
# is a mistake in the client, not a request for everything.


def int_param(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name)
    if raw is None:
        return default
    raw = raw.strip()
    if not re.fullmatch(r"\d{1,9}", raw):
        raise ApiError(400, f"'{name}' must be a whole number from {low} to {high}.")
    value = int(raw)
    if not low <= value <= high:
        raise ApiError(400, f"'{name}' must be a whole number from {low} to {high}.")
    return value


def uuid_value(raw: str, name: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(str(raw).strip()[:64])
    except ValueError:
        raise ApiError(400, f"'{name}' must be a UUID.") from None


def uuid_param(request: HttpRequest, name: str) -> uuid.UUID | None:
    raw = request.GET.get(name)
    if raw is None:
        return None
    return uuid_value(raw, name)


def datetime_param(request: HttpRequest, name: str) -> datetime | None:
    raw = request.GET.get(name)
    if raw is None:
        return None
    text = raw.strip()[:40]
    # An unencoded "+" in a query string arrives as a space.
    text = re.sub(r"(\d) (\d\d(:?\d\d)?)$", r"\1+\2", text)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ApiError(
            400, f"'{name}' must be an ISO 8601 date or date-time, like 2025-01-31T12:00:00Z."
        ) from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    # Times are stored in UTC; a time at the very ends of the calendar may have
    # no UTC equivalent (year 0 or 10000), which the database cannot take.
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ApiError(
            400, f"'{name}' is out of range: it must fall between the years 1 and 9999 in UTC."
        ) from None


def bool_param(request: HttpRequest, name: str) -> bool:
    raw = request.GET.get(name)
    if raw is None or raw == "false":
        return False
    if raw == "true":
        return True
    raise ApiError(400, f"'{name}' must be true or false.")


CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]+")


def text_param(request: HttpRequest, name: str, limit: int = 200) -> str:
    """Free text, cut to ``limit``; control characters (NUL, which PostgreSQL
    refuses in text, among them) become spaces."""
    raw = (request.GET.get(name) or "")[: limit * 4]
    return CONTROL_CHARACTERS.sub(" ", raw).strip()[:limit]


# --- paging -----------------------------------------------------------------


@dataclass
class Paging:
    page: int
    per_page: int

    @classmethod
    def from_request(cls, request: HttpRequest) -> Paging:
        return cls(
            page=int_param(request, "page", 1, 1, MAX_PAGE),
            per_page=int_param(request, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
        )

    @property
    def start(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def end(self) -> int:
        return self.page * self.per_page

    def envelope(self, total: int, contents: Sequence) -> dict:
        """The HSDS API template's ``Page``."""
        total_pages = math.ceil(total / self.per_page)
        return {
            "total_items": total,
            "total_pages": total_pages,
            "page_number": self.page,
            "size": len(contents),
            "first_page": self.page == 1,
            "last_page": self.page >= total_pages,
            "empty": not contents,
            "contents": list(contents),
        }
