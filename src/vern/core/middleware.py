"""Resolve the tenant once per request.

Sets ``request.municipality`` (the active municipality: the one chosen in the
session if the user is still a member there, else the first membership) and
``request.roles`` (the user's roles in it). A visitor without a session cookie
costs no query.
"""

from __future__ import annotations

from django.conf import settings

from vern.core.models import Membership

SESSION_KEY = "vern_municipality"


def _resolve(request) -> tuple:
    user = request.user
    if not user.is_authenticated:
        return None, frozenset()
    memberships = list(Membership.objects.filter(user=user).select_related("municipality"))
    national = frozenset(m.role for m in memberships if m.municipality_id is None)
    memberships = [m for m in memberships if m.municipality_id is not None]
    if not memberships:
        return None, national
    chosen = request.session.get(SESSION_KEY)
    municipality = next(
        (m.municipality for m in memberships if m.municipality_id == chosen),
        memberships[0].municipality,
    )
    roles = frozenset(m.role for m in memberships if m.municipality_id == municipality.pk)
    return municipality, roles | national


class TenantMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.municipality, request.roles = _resolve(request)
        return self.get_response(request)


class FormReferrerPolicyMiddleware:
    """Send ``Referrer-Policy: same-origin`` on the login and staff pages.

    Everything else keeps ``no-referrer`` (SECURE_REFERRER_POLICY). Under
    no-referrer, browsers send ``Origin: null`` with form posts, which Django's
    CSRF check rightly refuses; same-origin still tells other sites nothing.
    """

    AREAS = ("konto", "ansatt")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        parts = request.path_info.strip("/").split("/")
        if parts and parts[0] in {code for code, _name in settings.LANGUAGES}:
            parts = parts[1:]
        if parts and parts[0] in self.AREAS:
            response.headers["Referrer-Policy"] = "same-origin"
        return response
