"""HTML to PDF with WeasyPrint, never reaching the network or the disk.

PDF templates carry their CSS inline and embed images as ``data:`` URIs, so
the fetcher allows nothing else: a document can neither call another host
nor read a local file.

Every PDF is written as PDF/UA-1: tagged (a structure tree of headings,
lists and tables that screen readers follow), with the document language
taken from the template's ``<html lang>`` and its title shown in place of
the file name. Each PDF template must therefore set ``lang`` and ``<title>``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

PDF_VARIANT = "pdf/ua-1"


def fetcher():
    """A WeasyPrint URL fetcher that opens ``data:`` URIs and nothing else."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=fetcher()).write_pdf(pdf_variant=PDF_VARIANT)


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- public PDFs: rendered once, asked for within limits ---------------------

RENDER_WAIT_SECONDS = 30


def kept_pdf(key: str, render: Callable[[], bytes], *, timeout: int) -> bytes:
    """The PDF under ``key`` in the cache, rendered by one request at a time.

    Rendering takes a second or more of CPU. When many people ask for a PDF
    that is not kept yet (after the plan changed, say), one request renders it
    and the others wait for its result instead of each rendering the same
    document and taking every worker with them.
    """
    content = cache.get(key)
    if content is not None:
        return content
    lock = f"{key}:rendering"
    if not cache.add(lock, 1, RENDER_WAIT_SECONDS * 2):
        deadline = time.monotonic() + RENDER_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.25)
            content = cache.get(key)
            if content is not None:
                return content
        # The renderer died or is very slow: render it ourselves rather than fail.
    try:
        content = render()
        cache.set(key, content, timeout)
    finally:
        cache.delete(lock)
    return content


def pdf_limited(request: HttpRequest) -> HttpResponse | None:
    """A 429 answer when this address has asked for too many public PDFs, else None."""
    from django_ratelimit.core import is_ratelimited

    from vern.core.clients import client_key

    if not is_ratelimited(
        request,
        group="public-pdf",
        key=client_key,
        rate=settings.VERN_PDF_RATE,
        method=["GET", "HEAD"],
        increment=True,
    ):
        return None
    response = render(request, "429_pdf.html", status=429)
    response["Retry-After"] = "60"
    return response
