"""Template helpers for the public guide."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

register = template.Library()

TRANSLATED_FIELDS = (
    "name",
    "description",
    "eligibility_description",
    "how_it_works",
    "how_to_contact",
    "application_process",
)


@register.simple_tag
def service_text(service, field: str, language: str = "") -> dict:
    """A service's text in the page language when it has one, else bokmål.

    Returns ``{"text": ..., "lang": ..., "fallback": bool}`` so the template can
    mark the language of the text and say when it is shown in bokmål instead.
    """
    if field not in TRANSLATED_FIELDS:
        raise template.TemplateSyntaxError(f"{field} is not a translated service field")
    language = language or (get_language() or "nb").split("-")[0]
    original = getattr(service, field)
    if language != "nb":
        for translation in service.translations.all():
            if translation.language == language and getattr(translation, field):
                return {"text": getattr(translation, field), "lang": language, "fallback": False}
    return {
        "text": original,
        "lang": "nb",
        "fallback": language not in ("nb", "nn") and bool(original),
    }


@register.simple_tag
def public_address(location) -> dict:
    """What the public may see of a location: never a confidential street address."""
    if location.is_confidential:
        return {"confidential": True, "contact_point": location.public_contact_point}
    return {
        "confidential": False,
        "address": location.address,
        "postal_code": location.postal_code,
        "city": location.city,
        "directions": location.directions,
    }


@register.simple_tag
def service_part(name: str, service):
    """A part of the card on another page: "phones", "referral", "opening" or "verified"."""
    from vern.directory.cards import render_part

    return render_part(name, service)
