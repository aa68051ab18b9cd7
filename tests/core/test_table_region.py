"""Every table on a page sits in one wrapper that scrolls, takes keyboard focus and is named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation

import vern

SOURCE = Path(vern.__file__).resolve().parent


def _render(body: str) -> str:
    return Template("{% load vern %}" + body).render(Context({"name": "Ås & <Ski>"}))


def test_the_wrapper_is_a_focusable_region_named_after_the_caption():
    with translation.override("nb"):
        html = _render(
            '{% table_region %}<table><caption class="ds-sr-only">Tiltak i {{ name }}</caption>'
            "<tr><td>1</td></tr></table>{% endtable_region %}"
        )
    assert html.startswith(
        '<div class="vern-table-wrap" role="region" tabindex="0" '
        'aria-label="Tabell: Tiltak i Ås &amp; &lt;Ski&gt;">'
    )
    assert html.endswith("</table></div>")
    assert "<caption" in html  # the table keeps its own caption


def test_the_label_follows_the_page_language():
    with translation.override("en"):
        html = _render(
            "{% table_region %}<table><caption>Units</caption></table>{% endtable_region %}"
        )
    assert 'aria-label="Table: Units"' in html


def test_a_table_without_a_caption_is_refused():
    with pytest.raises(TemplateSyntaxError):
        _render("{% table_region %}<table><tr><td>1</td></tr></table>{% endtable_region %}")


def test_every_table_on_a_page_is_wrapped():
    """PDFs do not scroll, so their tables need no wrapper; every other table does."""
    unwrapped = []
    for path in SOURCE.rglob("templates/**/*.html"):
        if "pdf" in path.parts:
            continue
        text = path.read_text()
        for found in re.finditer(r"<table\b", text):
            if not text[: found.start()].endswith("{% table_region %}"):
                unwrapped.append(
                    f"{path.relative_to(SOURCE)}:{text.count(chr(10), 0, found.start()) + 1}"
                )
    assert not unwrapped, "tables outside {% table_region %}: " + ", ".join(unwrapped)
