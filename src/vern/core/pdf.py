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

from django.http import HttpResponse

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
