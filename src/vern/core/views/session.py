"""Keeping a staff session alive from the idle-timeout warning (static/vern/js/session-timeout.js)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST


@require_POST
def keepalive(request: HttpRequest) -> HttpResponse:
    """Push the session's expiry forward; 204 when signed in, 401 when the session has ended.

    Any request saves the session with a new expiry (``SESSION_SAVE_EVERY_REQUEST``);
    this one exists so the warning can do it without leaving the page. It is a
    POST, so the CSRF check applies, and it returns nothing but the status.
    """
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    request.session.modified = True
    return HttpResponse(status=204)
