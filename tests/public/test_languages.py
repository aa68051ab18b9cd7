"""The public guide speaks eight languages, the staff pages three.

Language is chosen by URL prefix only (bokmål has none), so no page sets a
cookie to remember it. Arabic is laid out right to left.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.translation import get_language_info, override

import vern

PUBLIC_LANGUAGES = ["nb", "nn", "en", "se", "pl", "uk", "ar", "so"]
STAFF_LANGUAGES = ["nb", "nn", "en"]
PUBLIC_ONLY = [code for code in PUBLIC_LANGUAGES if code not in STAFF_LANGUAGES]
LOCALE = Path(vern.__file__).resolve().parent / "locale"

# Sources whose strings a resident sees (the catalogues' "#:" references).
PUBLIC_SOURCES = re.compile(
    r"^(templates/(public/|includes/|base\.html|404\.html|403\.html|403_csrf\.html)"
    r"|public/"
    r"|plans/templates/plans/public/|plans/views/public\.py"
    r"|guide/templates/guide/|guide/views/(public|pages)\.py"
    r"|directory/templates/directory/pdf/poster\.html)"
)

# The quick-exit button, in every public language: it must never fall back to English.
LEAVE_THE_PAGE = {
    "nb": "Forlat siden",
    "nn": "Forlat sida",
    "en": "Leave the page",
    "se": "Guođe siiddu",
    "pl": "Opuść stronę",
    "uk": "Покинути сторінку",
    "ar": "غادر الصفحة",
    "so": "Ka bax bogga",
}


def prefixed(code: str, path: str) -> str:
    return path if code == "nb" else f"/{code}{path}"


def html_tag(html: str) -> str:
    return re.search(r"<html[^>]*>", html).group(0)


def switcher(html: str) -> str:
    start = html.index('<nav class="vern-languages"')
    return html[start : html.index("</nav>", start)]


@pytest.fixture
def public_paths(db):
    """Every kind of public page: guide home, help pages, plans, the directory."""
    from tests.directory.test_public_data import build_guide
    from tests.factories import MunicipalityFactory
    from tests.plans.factories import PlanFactory
    from vern.plans.models import Plan

    guide = build_guide()
    planned = MunicipalityFactory(number="9813", name="Språkby")
    PlanFactory(municipality=planned, status=Plan.Status.ADOPTED, adopted_on=date(2026, 3, 1))
    service = guide.crisis_centre
    return [
        "/",
        "/trygg-pa-nett/",
        "/om/",
        "/handlingsplaner/",
        "/handlingsplaner/9813/",
        reverse("guide:municipality", args=["9999"]),
        reverse("guide:search") + "?q=vold&kommune=9999",
        reverse("guide:service", args=[service.pk]),
    ]


def test_the_languages_are_configured():
    assert [code for code, _name in settings.LANGUAGES] == PUBLIC_LANGUAGES
    assert settings.VERN_STAFF_LANGUAGES == STAFF_LANGUAGES
    # Django itself knows neither Northern Sami nor Somali.
    assert get_language_info("se")["name_local"] == "Davvisámegiella"
    assert get_language_info("so")["name_local"] == "Soomaali"
    assert get_language_info("ar")["bidi"] is True


def test_every_public_page_answers_in_every_language(public_paths):
    client = Client()
    for path in public_paths:
        for code in PUBLIC_LANGUAGES:
            url = prefixed(code, path)
            response = client.get(url)
            assert response.status_code == 200, url
            assert response.cookies == {}, url
            tag = html_tag(response.content.decode())
            direction = "rtl" if code == "ar" else "ltr"
            assert f'lang="{code}"' in tag and f'dir="{direction}"' in tag, (url, tag)


@pytest.mark.parametrize("code", PUBLIC_LANGUAGES)
def test_the_quick_exit_is_translated(db, code):
    html = Client().get(prefixed(code, "/")).content.decode()
    button = re.search(r'class="ds-button vern-exit-button"[^>]*>\s*([^<]+)<', html).group(1)
    assert button.strip() == LEAVE_THE_PAGE[code]


@pytest.mark.parametrize("code", PUBLIC_LANGUAGES)
def test_switcher_offers_every_language_for_the_same_page(db, code):
    html = Client().get(prefixed(code, "/trygg-pa-nett/?x=1")).content.decode()
    nav = switcher(html)
    for other, name in settings.LANGUAGES:
        direction = "rtl" if other == "ar" else "ltr"
        if other == code:
            assert f'<span aria-current="true" lang="{other}" dir="{direction}"' in nav
            assert f">{name}</span>" in nav
        else:
            href = prefixed(other, "/trygg-pa-nett/?x=1")
            link = f'href="{href}" lang="{other}" dir="{direction}" hreflang="{other}">{name}</a>'
            assert link in nav, f"no link to {other} on {code}"


def test_switcher_links_a_page_with_arguments_to_the_same_page_and_keeps_an_unknown_path(db):
    from tests.factories import MunicipalityFactory

    MunicipalityFactory(number="9801", name="Heimby")
    nav = switcher(Client().get("/en/kommune/9801/?x=1").content.decode())
    for other, _name in settings.LANGUAGES:
        if other != "en":
            assert f'href="{prefixed(other, "/kommune/9801/?x=1")}"' in nav, other
    missing = Client().get("/en/finnes-ikke/")
    assert missing.status_code == 404
    # A path nothing answers is linked as it is: no language has it.
    assert 'href="/en/finnes-ikke/" lang="nb"' in switcher(missing.content.decode())


def test_switcher_names_every_language_in_itself(db):
    nav = switcher(Client().get("/").content.decode())
    for name in ("Davvisámegiella", "Polski", "Українська", "العربية", "Soomaali"):
        assert f">{name}<" in nav
    # A disclosure without JavaScript: a <details>, not a script.
    assert "<details" in nav and "<summary" in nav


def test_switcher_keeps_the_directory_page_and_its_query(public_paths):
    search = next(path for path in public_paths if path.startswith("/sok/"))
    nav = switcher(Client().get("/ar" + search).content.decode())
    assert f'href="{search.replace("&", "&amp;")}"' in nav
    assert f'href="/so{search.replace("&", "&amp;")}"' in nav


def test_staff_pages_offer_only_the_staff_languages(admin, login):
    for path, client in (("/konto/logg-inn/", Client()), ("/ansatt/", login(admin))):
        response = client.get(path)
        assert response.status_code == 200, path
        nav = switcher(response.content.decode())
        assert "<details" not in nav
        for code in ("nn", "en"):
            assert f'hreflang="{code}"' in nav, path
        for code in PUBLIC_ONLY:
            assert f'hreflang="{code}"' not in nav and f'lang="{code}"' not in nav, path


@pytest.mark.parametrize("code", PUBLIC_ONLY)
@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/ansatt/", "/ansatt/"),
        ("/ansatt/planer/", "/ansatt/planer/"),
        ("/konto/logg-inn/?next=/ansatt/", "/konto/logg-inn/?next=/ansatt/"),
    ],
)
def test_staff_pages_in_a_public_only_language_redirect_to_bokmal(db, code, path, target):
    response = Client().get(f"/{code}{path}")
    assert response.status_code == 302
    assert response["Location"] == target
    assert response.cookies == {}


def test_staff_pages_keep_their_own_languages(db):
    assert Client().get("/en/konto/logg-inn/").status_code == 200
    assert Client().get("/nn/konto/logg-inn/").status_code == 200


def test_public_pages_in_a_public_only_language_are_not_redirected(db):
    response = Client().get("/ar/")
    assert response.status_code == 200
    # "ansatt" further down a public path is no staff page.
    assert Client().get("/ar/sok/?q=ansatt").status_code == 200


def test_arabic_numbers_stay_left_to_right(db):
    html = Client().get("/ar/").content.decode()
    assert 'href="tel:116006"' in html
    css = (Path(vern.__file__).resolve().parent / "static/vern/css/vern.css").read_text()
    assert "/* Right-to-left */" in css
    assert re.search(r'\[dir="rtl"\][^{]*a\[href\^="tel:"\][^{]*\{[^}]*direction: ltr', css)


def test_css_uses_logical_properties():
    """Physical left/right would not mirror in Arabic (the RTL section is exempt)."""
    css = (Path(vern.__file__).resolve().parent / "static/vern/css/vern.css").read_text()
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rtl = re.findall(r"\[dir=\"rtl\"\][^{]*\{[^}]*\}", css)
    for block in rtl:
        css = css.replace(block, "")
    physical = re.findall(
        r"(?<![\w-])(?:margin|padding|border)-(?:left|right)[\w-]*\s*:|(?<![\w-])(?:left|right)\s*:"
        r"|text-align\s*:\s*(?:left|right)|float\s*:\s*(?:left|right)",
        css,
    )
    assert physical == [], f"use logical properties instead of {physical}"


def _entries(po: Path):
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        refs = " ".join(line[2:] for line in block.splitlines() if line.startswith("#:")).split()
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block.splitlines())
        body = "\n".join(line for line in block.splitlines() if not line.startswith("#"))
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', body, re.M)
        if not msgid:
            continue
        msgstrs = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', body, re.M)
        yield (
            [ref.rsplit(":", 1)[0] for ref in refs],
            "".join(re.findall(r'"(.*)"', msgid.group(1))),
            ["".join(re.findall(r'"(.*)"', text)) for text in msgstrs],
            fuzzy,
        )


@pytest.mark.parametrize("code", PUBLIC_ONLY)
def test_catalogue_header_and_public_strings(code):
    po = LOCALE / code / "LC_MESSAGES" / "django.po"
    text = po.read_text(encoding="utf-8")
    assert "# Not yet reviewed by a native speaker (machine-assisted, 2026-11-26)." in text
    assert "not yet reviewed by a native speaker" in re.search(
        r'"Language-Team: (.*)\\n"', text
    ).group(1)
    assert f'"Language: {code}\\n"' in text
    nplurals = {"se": 3, "pl": 3, "uk": 3, "ar": 6, "so": 2}[code]
    assert f"nplurals={nplurals};" in text
    missing = [
        msgid
        for refs, msgid, msgstrs, fuzzy in _entries(po)
        if msgid and any(PUBLIC_SOURCES.match(ref) for ref in refs) and (fuzzy or not all(msgstrs))
    ]
    assert missing == [], (
        f"public strings without a {code} translation (translate them in "
        f"src/vern/locale/{code}/LC_MESSAGES/django.po and compile): {missing}"
    )


@pytest.mark.parametrize("code", PUBLIC_ONLY)
def test_catalogue_is_used_at_runtime(code):
    with override(code):
        from django.utils.translation import gettext

        assert gettext("Leave the page") == LEAVE_THE_PAGE[code]


def test_sami_and_somali_dates_are_numeric(db):
    from datetime import date

    from django.utils import formats, translation

    for code, expected in (("se", "02.03.2026"), ("so", "02/03/2026")):
        with translation.override(code):
            assert formats.date_format(date(2026, 3, 2)) == expected
