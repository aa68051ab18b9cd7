"""gunicorn settings for Vern: ``gunicorn -c python:vern.gunicorn vern.wsgi``.

The app is loaded once in the master (``preload_app``), which then answers one
guide search and one HSDS API search itself before the first worker is forked:
the guide's index, its postings, its vocabulary and the other per-process
values (``guide/snapshot.py``) are built once and every worker starts with
them (copy-on-write), instead of each worker spending seconds on its first
search while people wait.

Settings from the environment: ``VERN_BIND`` (default 127.0.0.1:8000) and
``WEB_CONCURRENCY`` (workers, default 4); command-line options override both.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import io
import logging
import os
import time

bind = os.environ.get("VERN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
preload_app = True
# A slow PDF or import request is cut off instead of holding a worker forever.
timeout = 60
graceful_timeout = 30

logger = logging.getLogger("vern.gunicorn")

# The API search builds the index's postings (``guide/index.py``), which the
# guide's own search does not need.
WARM_PATHS = ("/sok/?q=vold", "/api/hsds/services?search=vold", "/")


def _host() -> str:
    from django.conf import settings

    for host in settings.ALLOWED_HOSTS:
        if host and host != "*" and not host.startswith("."):
            return host
    return "localhost"


def warm(paths=WARM_PATHS) -> dict[str, int]:
    """Answer ``paths`` in this process through the whole app (middleware
    included) and return their status codes; then close the database
    connections, which must not be shared with forked workers."""
    from django.db import connections

    from vern.core import page_cache
    from vern.wsgi import application

    page_cache.release()  # a digest of the code, once, before the workers fork

    statuses: dict[str, int] = {}
    host = _host()
    for path in paths:
        target, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": target,
            "QUERY_STRING": query,
            "SERVER_NAME": host,
            "SERVER_PORT": "443",
            "HTTP_HOST": host,
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "https",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": io.StringIO(),
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        status: list[str] = []

        def start_response(line, headers, exc_info=None, status=status):
            status.append(line)

        body = application(environ, start_response)
        for _chunk in body:
            pass
        if hasattr(body, "close"):
            body.close()
        statuses[path] = int(status[0].split()[0]) if status else 0
    connections.close_all()
    return statuses


def rss_mb() -> float:
    """This process's resident memory in MB (0 where /proc is not there)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def release_free_memory() -> None:
    """Give the memory freed after building the guide back to the system before the
    workers fork: reading 20,000 services leaves some 20 MB of freed rows in the
    C allocator's heap, which every worker would otherwise carry (glibc only)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc
        ctypes.CDLL("libc.so.6").malloc_trim(0)


PLAIN_PATH = "/trygg-pa-nett/"  # a page with no queries: what every page loads


def open_cache() -> None:
    """Ask the cache once: its client (for Redis, some 8 MB of modules) is what
    every kept page and rate limit loads, not a cost of the guide."""
    from django.core.cache import cache

    cache.get("vern:warm-up")


def when_ready(server) -> None:
    started, before = time.perf_counter(), rss_mb()
    try:
        warm((PLAIN_PATH,))
        open_cache()
        release_free_memory()
        plain = rss_mb()
        statuses = warm()
    except Exception:
        # A cold start is slower, not broken: serve anyway.
        server.log.exception("Vern: warming the guide before forking failed")
        return
    release_free_memory()
    # Everything made so far lives as long as the workers: out of the collector's
    # reach, a worker's collections neither walk it (some 200,000 objects at
    # 20,000 services) nor write to its pages, which therefore stay shared with
    # the master instead of being copied into every worker.
    gc.freeze()
    # What the guide's per-process values cost in memory, apart from what any page
    # loads (templates, catalogues, the cache's client), for operators and bench/load.py.
    after = rss_mb()
    server.log.info(
        "Vern: guide warmed in %.1f s before forking (%s); memory %.0f MB, %.0f MB after "
        "a plain page and the cache, %.0f MB after the guide (%+.0f MB)",
        time.perf_counter() - started,
        ", ".join(f"{path} {code}" for path, code in statuses.items()),
        before,
        plain,
        after,
        after - plain,
    )
