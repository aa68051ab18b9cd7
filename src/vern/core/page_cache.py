"""Whole public pages kept in the cache until what they show changes.

Some public pages are computed from many rows on every request (the national
overview of plans, a municipality's plan), yet change a few times a day. A
view wrapped in ``public_page("plans")`` is answered from the cache, keyed by
the path with its query, the language and today's date (pages that depend on
the date turn over at midnight), and kept with the *generation* of its
namespace it was made in. An app bumps the generation after a commit that
changes what the pages show (``bump("plans")``, usually from
``post_save``/``post_delete`` signals), which retires every kept page of that
namespace at once: a page made in an older generation is made again.

A page that depends on the directory is keyed by a *stamp* of what it shows
instead (``stamp=``; the guide's service and municipality pages): the entries'
``updated_at`` and open-now state as this process's guide index has them, so
an edit retires exactly the pages it touched, and an edit a second elsewhere
in the directory retires none of the others.

Only 200 answers to visitors without a session are kept: a signed-in person's
page can differ, and is never shared. The public pages carry no per-request
token (no CSRF token, no CSP nonce), so a kept page is the same page.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import secrets
from functools import lru_cache, wraps
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from vern.core import redis_cache

TIMEOUT = 60 * 60


def _generation_key(namespace: str) -> str:
    return f"page:{namespace}:generation"


def _first_generation() -> int:
    """Where a namespace's generation starts: at random, not at 1, so that after the
    cache lost it (emptied, restarted, or the key evicted while pages stayed) no page
    kept in an earlier run of generations matches the new one by chance."""
    return secrets.randbits(48) + 1


def generation(namespace: str) -> int:
    key = _generation_key(namespace)
    value = cache.get(key)
    if value is None:
        cache.add(key, _first_generation(), None)
        value = cache.get(key)
    return value


def bump(namespace: str) -> None:
    """Retire the namespace's kept pages once the current transaction commits
    (a reader in between would otherwise keep the old page again)."""

    def _bump() -> None:
        key = _generation_key(namespace)
        try:
            cache.incr(key)
        except ValueError:  # not there (evicted or never read): a new start will do
            cache.set(key, _first_generation(), None)
        # Redis down (or in the pause after a failure): retire the pages once it is back.
        redis_cache.when_back(cache, f"page_cache.bump:{namespace}", _bump)

    transaction.on_commit(_bump)


@lru_cache(maxsize=1)
def release() -> str:
    """A digest of the code, templates and catalogues this process runs: pages kept
    by the previous release are not served by this one (the cache outlives a deploy)."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent
    for source in sorted(root.rglob("*")):
        if source.suffix in {".py", ".html", ".mo", ".json", ".csv"} and source.is_file():
            digest.update(str(source.relative_to(root)).encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def _settings_shown() -> str:
    """The settings every public page shows (the demo banner, the exit's address):
    a page kept before they changed is not served after (the cache outlives a restart)."""
    return f"{int(settings.VERN_DEMO)}:{settings.VERN_EXIT_URL}"


def _key(namespace: str, request, version) -> str:
    # The path and the parameters as the view reads them (``keeps`` let only a few
    # through), not the query string as sent: "?&&" or a reordering is the same page.
    query = urlencode(sorted(request.GET.items()))
    asked = f"{_settings_shown()}:{request.path}?{query}"
    path = hashlib.sha256(asked.encode()).hexdigest()[:32]
    return (
        f"page:{namespace}:{release()}:{version}:{get_language()}:"
        f"{timezone.localdate().isoformat()}:{path}"
    )


# The stamped pages this process served last, kept in its own memory too (Django's
# process-local cache: bounded, with expiry). A stamped page's key says everything it
# shows (the stamp, the release, the language, the day, the address), so a copy under
# the same key is the same page: keeping the last few hundred here spares a round trip
# to the shared cache on most visits (under load those round trips were about a
# twentieth of the workers' time, bench/README.md). Pages kept with a namespace's
# generation are not kept here: a bump in another process is seen only in the shared
# cache, read with the page in one round trip anyway. Copies go after
# NEAR_SECONDS, so nothing lives here long after the shared cache let it go.
NEAR_PAGES = 500  # about 3 MB of compressed pages per process at most
NEAR_SECONDS = 60
_near = LocMemCache(
    "vern-page-cache-near",
    {"TIMEOUT": NEAR_SECONDS, "OPTIONS": {"MAX_ENTRIES": NEAR_PAGES, "CULL_FREQUENCY": 4}},
)


def forget_near() -> None:
    """Empty this process's copies (tests that empty the shared cache)."""
    _near.clear()


# What ``keeps`` may answer besides True (kept in the shared cache and in this
# process) and False (not kept): kept in this process's memory only, whose size is
# bounded, for pages whose parameters a visitor writes (a search to go back to).
NEAR_ONLY = "near only"


def no_parameters(request) -> bool:
    return not request.GET


def only_parameters(request, **allowed) -> bool:
    """Whether every query parameter is one of ``allowed`` (name: a test of its value),
    given once, with a value that passes its test."""
    return all(
        name in allowed and len(values) == 1 and allowed[name](values[0])
        for name, values in request.GET.lists()
    )


def public_page(namespace: str, *, timeout: int = TIMEOUT, stamp=None, keeps=no_parameters):
    """Keep the view's public answers (see the module).

    ``stamp(request, *args, **kwargs)``, if given, replaces the namespace's
    generation: a string that changes whenever the page would (what it shows,
    and when it was last saved), or None for an answer not to keep. A page keyed
    so needs no ``bump``: a change makes a new key, and the old entry expires.

    ``keeps(request)`` says whether a page asked with these query parameters is kept;
    by default only one asked without any. A page is kept under its parameters, so
    every value a visitor can make up would be kept in the shared cache for an hour:
    a view lets through only parameters with a few known values (``only_parameters``),
    may keep pages with made-up ones in this process only (``NEAR_ONLY``, for a stamped
    page), and answers any other request without the cache.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES:
                return view(request, *args, **kwargs)
            keep = keeps(request)
            if not keep or (keep is NEAR_ONLY and stamp is None):
                return view(request, *args, **kwargs)
            shared = keep is not NEAR_ONLY
            made_in = None  # the namespace's generation, for a page keyed by it
            if stamp is None:
                # One key per page, with the generation it was made in: the generation
                # and the page are read in one round trip.
                key = _key(namespace, request, "generation")
                generation_key = _generation_key(namespace)
                found = cache.get_many([generation_key, key])
                made_in = found.get(generation_key) or generation(namespace)
                kept = found.get(key)
                kept = kept[1:] if kept is not None and kept[0] == made_in else None
            else:
                version = stamp(request, *args, **kwargs)
                if version is None:
                    return view(request, *args, **kwargs)
                version = hashlib.sha256(version.encode()).hexdigest()[:24]
                key = _key(namespace, request, version)
                kept = _near.get(key)
                if kept is None and shared:
                    kept = cache.get(key)
                    if kept is not None:
                        _near.set(key, kept)
            if kept is not None:
                return _answer(request, *kept)
            response = view(request, *args, **kwargs)
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
                and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            ):
                content, _type, compressed = kept = _kept(
                    response.content, response["Content-Type"]
                )
                if made_in is not None:
                    # Made in this generation: after a bump it is made again.
                    cache.set(key, (made_in, *kept), timeout)
                else:
                    if shared:
                        cache.set(key, kept, timeout)
                    _near.set(key, kept)
                if compressed and accepts_gzip(request):
                    # Sent as kept: compressing it again on the way out doubled a first visit's cost.
                    response.content = content
                    _mark_compressed(response)
            return response

        return wrapped

    return decorator


# Kept pages are kept compressed (gzip) and sent so to browsers that accept it:
# compressing a page on every visit was most of what a kept page cost. They hold
# nothing secret (no session, no CSRF token), so a fixed compressed size gives
# BREACH nothing to read.
MIN_COMPRESSED = 200  # bytes; as Django's GZipMiddleware, shorter pages are kept as they are
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def _kept(content: bytes, content_type: str) -> tuple[bytes, str, bool]:
    if len(content) < MIN_COMPRESSED:
        return content, content_type, False
    return gzip.compress(content, compresslevel=6, mtime=0), content_type, True


def accepts_gzip(request) -> bool:
    return bool(_ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def _mark_compressed(response: HttpResponse) -> HttpResponse:
    response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def _answer(request, content: bytes, content_type: str, compressed: bool = False) -> HttpResponse:
    if not compressed:
        return HttpResponse(content, content_type=content_type)
    if not accepts_gzip(request):
        return HttpResponse(gzip.decompress(content), content_type=content_type)
    return _mark_compressed(HttpResponse(content, content_type=content_type))
