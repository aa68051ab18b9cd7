"""The PDFs people download: tagged PDF/UA with the page's language, named in that language.

All three documents go through ``core.pdf.render_pdf``: the action plan, its
annual report and the guide's poster. Each is fetched from the demo in bokmål,
nynorsk and English, as a resident or a member of staff would.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from pypdf import PdfReader

from tests.conftest import verified_client
from vern.core.demo import DEMO_NUMBER, load_demo
from vern.core.models import User
from vern.plans.models import Plan

PREFIXES = {"nb": "", "nn": "/nn", "en": "/en"}
NAMES = {
    "nb": ("handlingsplan", "arsrapport", "plakat"),
    "nn": ("handlingsplan", "arsrapport", "plakat"),
    "en": ("action-plan", "annual-report", "poster"),
}


@pytest.fixture
def demo(db):
    cache.clear()  # the poster is cached per language for an hour
    load_demo(password="pdf-demo-passord")
    return Plan.objects.for_system("test").get(municipality__number=DEMO_NUMBER)


def _pdfs(plan: Plan, language: str) -> dict[str, object]:
    prefix = PREFIXES[language]
    staff = verified_client(User.objects.get(email="koordinator@eksempelby.example"))
    year = plan.start_year
    # The locale middleware leaves the page's language active in this thread;
    # the override puts back the one before, so later tests do not inherit it.
    with translation.override(translation.get_language()):
        return _fetch(plan, prefix, staff, year)


def _fetch(plan: Plan, prefix: str, staff, year: int) -> dict[str, object]:
    return {
        "plan": Client().get(f"{prefix}/handlingsplaner/{DEMO_NUMBER}/handlingsplan.pdf"),
        "annual report": staff.get(f"{prefix}/ansatt/planer/{plan.pk}/arsrapport.pdf?ar={year}"),
        "poster": Client().get(f"{prefix}/kommune/{DEMO_NUMBER}/plakat.pdf"),
    }


def _file_name(response) -> str:
    found = re.fullmatch(r'inline; filename="([^"]+)"', response["Content-Disposition"])
    assert found, response["Content-Disposition"]
    return found.group(1)


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_every_pdf_is_tagged_with_the_page_language_and_named_in_it(demo, language):
    responses = _pdfs(demo, language)
    year = demo.start_year
    expected = dict(zip(("plan", "annual report", "poster"), NAMES[language], strict=True))
    for what, response in responses.items():
        assert response.status_code == 200, what
        assert response["Content-Type"] == "application/pdf"

        # Named in the page's language, with the municipality and the year(s).
        name = _file_name(response)
        assert name.startswith(f"{expected[what]}-eksempelby"), name
        assert name.endswith(".pdf"), name
        if what == "plan":
            assert name == f"{expected[what]}-eksempelby-{demo.start_year}-{demo.end_year}.pdf"
        if what == "annual report":
            assert name == f"{expected[what]}-eksempelby-{year}.pdf"

        # Tagged: a structure tree a screen reader can follow, marked as such,
        # with the document language and the PDF/UA claim in the metadata.
        reader = PdfReader(io.BytesIO(response.content))
        catalog = reader.trailer["/Root"]
        assert bool(catalog.get("/MarkInfo", {}).get("/Marked")), what
        assert "/StructTreeRoot" in catalog, what
        assert str(catalog.get("/Lang", "")) == language, what
        metadata = reader.xmp_metadata
        assert metadata is not None, what
        assert b"pdfuaid:part" in metadata.stream.get_data().replace(b" ", b""), what
