"""The printable A4 poster of a municipality's guide: its key local services, the
national help lines and a QR code to the guide, rendered from HTML by WeasyPrint.

The poster shows names, phone numbers, who a service is for and whether a
referral is needed; it never shows an address, so a confidential one cannot
leak. Nothing is fetched while rendering except ``data:`` URIs (the QR code).
"""

from __future__ import annotations

import hashlib

import segno
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language, pgettext

from vern.core.emergency import emergency_lines
from vern.core.models import Municipality
from vern.core.pdf import kept_pdf, render_pdf
from vern.directory import selectors
from vern.directory.models import Service

POSTER_SERVICES = 10
CACHE_SECONDS = 60 * 60


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2, dark="#000")


def key_services(municipality: Municipality):
    """The municipality's own services, then those it shares with others; acute
    help first. The guide page and the poster list the same."""
    return (
        selectors.services_for(municipality)
        .exclude(tier=selectors.Tier.NATIONAL)
        .order_by("tier", "-acute", "-open_24_7", "name")
    )


def poster_services(municipality: Municipality) -> list:
    services = selectors.with_card_details(key_services(municipality))[:POSTER_SERVICES]
    items = list(services)
    for service in items:
        service.target_groups = service.terms_of("target_group")
    return items


def poster_html(request: HttpRequest, municipality: Municipality) -> str:
    guide_url = request.build_absolute_uri(
        reverse("guide:municipality", args=[municipality.number])
    )
    return render_to_string(
        "directory/pdf/poster.html",
        {
            "municipality": municipality,
            "services": poster_services(municipality),
            "emergency_lines": emergency_lines(),
            "guide_url": guide_url,
            "qr": qr_data_uri(guide_url),
            "today": timezone.localdate(),
        },
    )


def _cache_key(request: HttpRequest, municipality: Municipality) -> str:
    """Rendering takes a second of CPU, so a poster is kept for an hour at most:
    a new one is made sooner when a service entry is saved, the day turns, or the
    language or host differs."""
    changed = Service.objects.aggregate(latest=Max("updated_at"), count=Count("pk"))
    parts = [
        municipality.number,
        get_language() or "",
        request.get_host(),
        str(timezone.localdate()),
        str(changed["latest"]),
        str(changed["count"]),
    ]
    return "guide:poster:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def poster_response(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    key = _cache_key(request, municipality)
    content = kept_pdf(
        key, lambda: render_pdf(poster_html(request, municipality)), timeout=CACHE_SECONDS
    )
    response = HttpResponse(content, content_type="application/pdf")
    name = slugify(f"{pgettext('PDF file name', 'poster')} {municipality.name}") or "poster"
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response
