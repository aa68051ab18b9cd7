"""Whole public pages kept in the cache until what they show changes.

Some public pages are computed from many rows on every request (the national
overview of plans, a municipality's plan), yet change a few times a day. A
view wrapped in ``public_page("plans")`` is answered from the cache, keyed by
the path with its query, the language, today's date (pages that depend on the
date turn over at midnight) and the *generation* of its namespace. An app
bumps the generation after a commit that changes what the pages show
(``bump("plans")``, usually from ``post_save``/``post_delete`` signals), which
retires every kept page of that namespace at once; old entries expire.

Only 200 answers to visitors without a session are kept: a signed-in person's
page can differ, and is never shared. The public pages carry no per-request
token (no CSRF token, no CSP nonce), so a kept page is the same page.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

TIMEOUT = 60 * 60


def _generation_key(namespace: str) -> str:
    return f"page:{namespace}:generation"


def generation(namespace: str) -> int:
    key = _generation_key(namespace)
    value = cache.get(key)
    if value is None:
        cache.add(key, 1, None)
        value = cache.get(key, 1)
    return value


def bump(namespace: str) -> None:
    """Retire the namespace's kept pages once the current transaction commits
    (a reader in between would otherwise keep the old page again)."""

    def _bump() -> None:
        key = _generation_key(namespace)
        try:
            cache.incr(key)
        except ValueError:  # not there (evicted or never read): any new value will do
            cache.set(key, 2, None)

    transaction.on_commit(_bump)


def _key(namespace: str, request) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return (
        f"page:{namespace}:{generation(namespace)}:{get_language()}:"
        f"{timezone.localdate().isoformat()}:{path}"
    )


def public_page(namespace: str, *, timeout: int = TIMEOUT):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES:
                return view(request, *args, **kwargs)
            key = _key(namespace, request)
            kept = cache.get(key)
            if kept is not None:
                content, content_type = kept
                return HttpResponse(content, content_type=content_type)
            response = view(request, *args, **kwargs)
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
                and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            ):
                cache.set(key, (response.content, response["Content-Type"]), timeout)
            return response

        return wrapped

    return decorator
