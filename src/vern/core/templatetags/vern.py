import re
from html import unescape

from django import template
from django.urls import translate_url
from django.utils.html import format_html, strip_tags
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def url_in_language(context, code: str) -> str:
    """The current page's address in another language (prefix-based, no cookie)."""
    request = context["request"]
    url = translate_url(request.get_full_path(), code)
    return url


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
