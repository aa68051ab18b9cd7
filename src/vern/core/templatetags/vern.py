from django import template
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def url_in_language(context, code: str) -> str:
    """The current page's address in another language (prefix-based, no cookie)."""
    request = context["request"]
    url = translate_url(request.get_full_path(), code)
    return url
