import re
from functools import lru_cache
from html import unescape
from urllib.parse import unquote

from django import template
from django.urls import NoReverseMatch, Resolver404, get_urlconf, resolve, reverse
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info, override
from django.utils.translation import gettext as _

register = template.Library()


@lru_cache(maxsize=4096)
def _paths_in(path: str, codes: tuple[str, ...], urlconf) -> tuple[str, ...]:
    """``path`` in each language (as Django's ``translate_url``, with the path
    resolved once rather than once per language: a page's first visit resolved
    it eight times). Kept per process: every page shows the menu, and resolving
    and reversing a path for eight languages cost as much as the rest of a
    plain page. A path that does not resolve stays as it is."""
    try:
        match = resolve(unquote(path), urlconf)
    except Resolver404:
        return tuple(path for _code in codes)
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    found = []
    for code in codes:
        with override(code):
            try:
                found.append(reverse(name, urlconf, args=match.args, kwargs=match.kwargs))
            except NoReverseMatch:
                found.append(path)
    return tuple(found)


@lru_cache(maxsize=32)
def _direction(code: str) -> str:
    return "rtl" if get_language_info(code)["bidi"] else "ltr"


@register.simple_tag(takes_context=True)
def language_items(context, languages) -> SafeString:
    """One ``<li>`` per language, named in itself with its ``lang`` and direction:
    the current one marked, each other a link to this page in that language (the
    query string kept)."""
    request = context["request"]
    current = get_language()
    path, mark, query = request.get_full_path().partition("?")
    codes = tuple(code for code, _name in languages)
    paths = _paths_in(path, codes, get_urlconf())
    items = []
    for (code, name), there in zip(languages, paths, strict=True):
        if code == current:
            items.append(
                format_html(
                    '<li><span aria-current="true" lang="{}" dir="{}" '
                    'class="vern-current-language">{}</span></li>',
                    code,
                    _direction(code),
                    name,
                )
            )
        else:
            items.append(
                format_html(
                    '<li><a class="ds-link" href="{}" lang="{}" dir="{}" hreflang="{}">{}</a></li>',
                    there + mark + query,
                    code,
                    _direction(code),
                    code,
                    name,
                )
            )
    return mark_safe("".join(items))  # each item built by format_html


CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.DOTALL | re.IGNORECASE)


@register.simple_block_tag
def table_region(content: str) -> str:
    """Wrap a table in the one scrollable, keyboard-reachable region every table uses.

    A table wider than the screen scrolls sideways inside its wrapper. The
    wrapper can take focus (``tabindex="0"``), so the arrow keys scroll it, and
    it is a region named after the table's ``<caption>`` ("Table: ..."; the
    prefix keeps it apart from a section headed by the same words), so a
    screen reader says what the stop is. A table without a caption is refused.

        {% table_region %}<table class="ds-table">
          <caption class="ds-sr-only">{% translate "Units" %}</caption> ...
        </table>{% endtable_region %}
    """
    found = CAPTION.search(content)
    label = " ".join(unescape(strip_tags(found.group(1))).split()) if found else ""
    if not label:
        raise template.TemplateSyntaxError("table_region needs a table with a <caption>.")
    return format_html(
        '<div class="vern-table-wrap" role="region" tabindex="0" aria-label="{}">{}</div>',
        _("Table: %(caption)s") % {"caption": label},
        content,
    )
