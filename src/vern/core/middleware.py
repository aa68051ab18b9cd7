"""Resolve the tenant once per request.

Sets ``request.municipality`` (the active municipality: the one chosen in the
session if the user is still a member there, else the first membership),
``request.roles`` (the user's roles in it, whether held for the whole
municipality or for one unit of it) and ``request.role_units`` (for each of
those roles, ``None`` when held for the whole municipality, else the ids of the
units it is held for). ``staff_view`` decides from ``role_units`` which roles
count for a view (``core/access.py``). A visitor without a session cookie costs
no query.
"""

from __future__ import annotations

import gzip

from django.conf import settings
from django.http import HttpResponseRedirect
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers

from vern.core.models import Membership
from vern.core.page_cache import MIN_COMPRESSED, accepts_gzip

SESSION_KEY = "vern_municipality"


def _resolve(request) -> tuple:
    user = request.user
    if not user.is_authenticated:
        return None, {}
    memberships = list(Membership.objects.for_self(user).select_related("municipality"))
    # The national role has no municipality and no unit.
    role_units: dict[str, frozenset[int] | None] = {
        m.role: None for m in memberships if m.municipality_id is None
    }
    memberships = [m for m in memberships if m.municipality_id is not None]
    if not memberships:
        return None, role_units
    chosen = request.session.get(SESSION_KEY)
    municipality = next(
        (m.municipality for m in memberships if m.municipality_id == chosen),
        memberships[0].municipality,
    )
    for m in memberships:
        if m.municipality_id != municipality.pk:
            continue
        held = role_units.get(m.role, frozenset())
        if m.unit_id is None or held is None:
            role_units[m.role] = None  # the whole municipality
        else:
            role_units[m.role] = held | {m.unit_id}
    return municipality, role_units


class TenantMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.municipality, request.role_units = _resolve(request)
        request.roles = frozenset(request.role_units)
        return self.get_response(request)


STAFF_AREAS = ("konto", "ansatt")


def split_language(path_info: str) -> tuple[str | None, list[str]]:
    """The language prefix of a path (None for bokmål, which has none) and the rest."""
    parts = path_info.strip("/").split("/")
    if parts and parts[0] in {code for code, _name in settings.LANGUAGES}:
        return parts[0], parts[1:]
    return None, parts


def in_staff_area(path_info: str) -> bool:
    """Whether the path is a staff or account page (whatever its language prefix)."""
    _code, parts = split_language(path_info)
    return bool(parts) and parts[0] in STAFF_AREAS


class StaffLanguageMiddleware:
    """Send staff and account pages asked for in a public-only language to bokmål.

    The public guide speaks eight languages, the staff pages only
    ``VERN_STAFF_LANGUAGES``; /ar/ansatt/... redirects to /ansatt/... (no cookie).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        code, parts = split_language(request.path_info)
        if code and code not in settings.VERN_STAFF_LANGUAGES and parts and parts[0] in STAFF_AREAS:
            script_name = request.path[: len(request.path) - len(request.path_info)]
            rest = request.path_info.lstrip("/")[len(code) :]  # keeps the trailing slash
            target = script_name + (rest or "/")
            query = request.META.get("QUERY_STRING", "")
            return HttpResponseRedirect(f"{target}?{query}" if query else target)
        return self.get_response(request)


class FormReferrerPolicyMiddleware:
    """Send ``Referrer-Policy: same-origin`` on the login and staff pages.

    Everything else keeps ``no-referrer`` (SECURE_REFERRER_POLICY). Under
    no-referrer, browsers send ``Origin: null`` with form posts, which Django's
    CSRF check rightly refuses; same-origin still tells other sites nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if in_staff_area(request.path_info):
            response.headers["Referrer-Policy"] = "same-origin"
        return response


class StaffNoStoreMiddleware:
    """Send ``Cache-Control: no-store`` on every staff and account response.

    Staff pages and PDFs hold personal data, and the account pages carry reset
    tokens and login state: no browser cache, shared computer or proxy may keep
    a copy. Redirects, errors and the lock-out page get it too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if in_staff_area(request.path_info):
            response.headers["Cache-Control"] = "no-store"
        return response


DYNAMIC_LEVEL = 2


class PublicGZipMiddleware(GZipMiddleware):
    """Compress what anyone may read, never a page that mixes a secret with user input.

    BREACH recovers a secret from the size of a compressed response that also
    reflects text the attacker chose (a search query, say). The public guide holds
    no secret unless a form on it asked for a CSRF token, and staff pages hold
    personal data and tokens, so only responses to requests without a session
    cookie, that used no CSRF token and set no cookie, are compressed.
    """

    def process_response(self, request, response):
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            or response.cookies
        ):
            return response
        if (
            response.streaming
            or len(response.content) < MIN_COMPRESSED
            or response.has_header("Content-Encoding")
        ):
            return super().process_response(request, response)
        # A page made for this request (a results page, an API answer) is compressed
        # at level 2, not Django's 6: a fifth of the time on a results page (0.07 against
        # 0.17 ms for 31 KB) for some 10 % more bytes (6.1 against 5.5 KB). Kept pages
        # are compressed once, at 6 (``page_cache``). Without a secret on the page there
        # is nothing for Django's random padding against BREACH to hide.
        patch_vary_headers(response, ("Accept-Encoding",))
        if not accepts_gzip(request):
            return response
        compressed = gzip.compress(response.content, compresslevel=DYNAMIC_LEVEL, mtime=0)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag  # RFC 9110 8.8.1, as Django does
        response.headers["Content-Encoding"] = "gzip"
        return response
