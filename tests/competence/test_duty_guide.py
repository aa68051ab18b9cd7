"""The public duty guide: branching, addresses, sources, no cookies."""

from __future__ import annotations

import copy
import re
from datetime import date
from html import unescape

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import MunicipalityFactory, UserFactory
from vern.competence import duty_guide
from vern.competence.models import DutyGuideVersion

START = "/pliktveileder/"


def _links(html: str, prefix: str) -> list[str]:
    return [
        unescape(href) for href in re.findall(r'href="([^"]+)"', html) if href.startswith(prefix)
    ]


def _main(html: str) -> str:
    """The page's own content (the language menu names every language in itself)."""
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_shipped_guide_has_no_problems():
    assert duty_guide.problems(duty_guide.shipped()) == []


LANGUAGES = [code for code, _name in settings.LANGUAGES]


def test_every_text_of_the_shipped_guide_is_in_all_eight_languages():
    content = duty_guide.shipped()
    assert set(duty_guide.CONTENT_LANGUAGES) == set(LANGUAGES)
    texts = {"intro": content["intro"], "disclaimer": content["disclaimer"]}
    for q in content["questions"]:
        texts[f"question {q['key']}"] = q["text"]
        texts[f"hint {q['key']}"] = q["hint"]
        for option in q["options"]:
            texts[f"option {q['key']}/{option['key']}"] = option["label"]
    for rule in content["rules"]:
        texts[f"title {rule['key']}"] = rule["title"]
        texts[f"text {rule['key']}"] = rule["text"]
    missing = [
        f"{name}: {lang}"
        for name, value in texts.items()
        for lang in LANGUAGES
        if not str(value.get(lang, "")).strip()
    ]
    assert missing == []
    # Phone numbers and section numbers are facts: every translation keeps them.
    for name, value in texts.items():
        facts = set(re.findall(r"\d+", value["nb"]))
        for lang in LANGUAGES:
            assert facts <= set(re.findall(r"\d+", value[lang])), (name, lang)
    # Every language says how it was checked.
    review = content["review"]["languages"]
    assert set(review) == set(LANGUAGES)
    assert {review[lang] for lang in ("nb", "nn", "en")} == {"reviewed"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_path_through_the_pages_ends_in_an_answer_with_sources(db, lang):
    """Walk the guide as a visitor does, following only the option links on each page."""
    client = Client()
    content = duty_guide.shipped()
    start = START if lang == "nb" else f"/{lang}{START}"
    with translation.override(lang):
        legal_source = gettext("Legal source")
    disclaimer = content["disclaimer"][lang]
    questions = len(content["questions"])
    seen, answers, queue = set(), 0, [start]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.cookies == {}, url
        html = unescape(response.content.decode())
        # Every text is in the page's language: nothing falls back to bokmål.
        assert not re.search(r'\slang="nb"', _main(html)) or lang == "nb", url
        depth = url.removeprefix(start).count("/")
        if depth < questions:
            options = [
                link
                for link in _links(html, start)
                if link.count("/") == url.count("/") + 1 and link.startswith(url)
            ]
            assert len(options) >= 2, f"{url} is a dead end"
            queue.extend(options)
        else:
            answers += 1
            rules = re.findall(r'<article class="ds-card vern-duty-rule"', html)
            assert rules, f"{url} shows no rule"
            assert html.count(legal_source) >= len(rules), f"{url}: a rule without its source"
            assert disclaimer in html
    assert answers == len(duty_guide.all_paths(content)) == 4 * 4 * 3 * 2


def test_a_teacher_who_suspects_violence_against_a_pupil_gets_both_duties(db):
    html = Client().get(f"{START}skole/vold/ja/nei/").content.decode()
    assert "Opplysningsplikt til barnevernstjenesten" in html
    assert "barnevernsloven § 13-2" in html
    assert "Avvergingsplikten gjelder for alle" in html
    assert "straffeloven § 196" in html
    assert "sikkert eller mest sannsynlig" in html
    assert "forvaltningsloven § 13" in html
    assert "Ring 112 nå" not in html  # no danger now


def test_danger_now_puts_112_first(db):
    html = Client().get(f"{START}helse/uro/nei/ja/").content.decode()
    first = re.search(r'<h2 class="ds-heading" data-size="sm" id="rule-([a-z_0-9]+)"', html)
    assert first.group(1) == "call_112"
    assert "helsepersonelloven § 31" in html


def test_health_personnel_get_their_own_duty_to_inform(db):
    html = Client().get(f"{START}helse/vold/ja/nei/").content.decode()
    assert "helsepersonelloven § 33" in html
    assert "barnevernsloven § 13-2" not in html


def test_a_volunteer_is_told_the_duty_to_avert_applies_in_full(db):
    html = Client().get(f"{START}frivillig/tvang/ja/nei/").content.decode()
    assert "Avvergingsplikten gjelder for alle" in html
    assert "Du kan alltid melde bekymring" in html


@pytest.mark.parametrize("prefix", ["", "/nn", "/en", "/ar", "/pl", "/se", "/so", "/uk"])
def test_every_step_answers_in_every_public_language_without_a_cookie(db, prefix):
    client = Client()
    for path in ("", "skole/", "skole/vold/", "skole/vold/ja/", "skole/vold/ja/nei/"):
        response = client.get(f"{prefix}{START}{path}")
        assert response.status_code == 200
        assert response.cookies == {}
        assert "csrfmiddlewaretoken" not in response.content.decode()


def test_english_content_is_english(db):
    html = Client().get(f"/en{START}skole/vold/ja/nei/").content.decode()
    assert "The duty to avert applies to everyone" in html
    assert "guidance, not legal advice" in html


def test_the_arabic_guide_is_right_to_left_and_arabic(db):
    html = Client().get(f"/ar{START}skole/vold/ja/nei/").content.decode()
    assert re.search(r'<html[^>]* lang="ar"[^>]* dir="rtl"', html)
    assert "واجب منع الجرائم ينطبق على الجميع" in html
    assert "straffeloven § 196" in html  # the source is a fact, not translated
    assert not re.search(r'\slang="nb"', _main(html))


def test_a_machine_assisted_language_says_so_and_links_to_the_same_step_in_bokmal(db):
    html = Client().get(f"/uk{START}skole/vold/").content.decode()
    assert "Чинною є норвезька версія" in html
    assert f'href="{START}skole/vold/" hreflang="nb"' in html
    # Reviewed languages carry no such notice.
    for prefix in ("", "/nn", "/en"):
        assert 'hreflang="nb"' not in _main(Client().get(f"{prefix}{START}").content.decode())


def test_a_text_missing_in_the_pages_language_is_bokmal_marked_with_lang_and_dir(db):
    """A municipality's own question, written in nb, nn and en only."""
    content = copy.deepcopy(duty_guide.shipped())
    content["questions"][0]["text"] = {
        "nb": "Hvilken rolle har du?",
        "nn": "Kva rolle har du?",
        "en": "What is your role?",
    }
    municipality = MunicipalityFactory()
    DutyGuideVersion.objects.for_system(reason="test").create(
        municipality=municipality,
        number=2,
        content=content,
        reviewed_on=date(2026, 1, 5),
        saved_by=UserFactory(),
    )
    html = Client().get(f"/ar{START}?kommune={municipality.number}").content.decode()
    assert 'id="question-heading" lang="nb" dir="ltr">Hvilken rolle har du?</h1>' in html
    assert "اختر ما يناسب أكثر" in html  # the hint is still Arabic
    html = Client().get(f"/pl{START}?kommune={municipality.number}").content.decode()
    assert 'id="question-heading" lang="nb">Hvilken rolle har du?</h1>' in html


def test_an_older_version_without_the_new_languages_gets_the_shipped_translations(db):
    """Saved before se, pl, uk, ar and so were added: texts whose bokmål is unchanged
    show the shipped translation; a rule whose bokmål was changed shows bokmål."""
    content = copy.deepcopy(duty_guide.shipped())
    del content["review"]
    keep = ("nb", "nn", "en")
    for q in content["questions"]:
        q["text"] = {k: v for k, v in q["text"].items() if k in keep}
    for rule in content["rules"]:
        rule["title"] = {k: v for k, v in rule["title"].items() if k in keep}
        rule["text"] = {k: v for k, v in rule["text"].items() if k in keep}
    consult = next(r for r in content["rules"] if r["key"] == "consult_team")
    consult["text"] = {"nb": "Teamet i Heimby møtes hver tirsdag."}
    municipality = MunicipalityFactory()
    DutyGuideVersion.objects.for_system(reason="test").create(
        municipality=municipality,
        number=2,
        content=content,
        reviewed_on=date(2026, 1, 5),
        saved_by=UserFactory(),
    )
    query = f"?kommune={municipality.number}"
    html = Client().get(f"/uk{START}{query}").content.decode()
    assert 'id="question-heading">Хто ви?</h1>' in html
    assert "Чинною є норвезька версія" in html  # the shipped review status applies
    html = Client().get(f"/uk{START}skole/vold/ja/nei/{query}").content.decode()
    assert "Обов&#x27;язок запобігати злочинам стосується всіх" in html
    assert '<p class="ds-paragraph" lang="nb">Teamet i Heimby møtes hver tirsdag.</p>' in html
    assert "Обговоріть справу анонімно" not in html  # its title no longer matches its text


@pytest.mark.parametrize("path", ["laerer/", "skole/vold/ja/nei/ekstra/", "skole/ukjent/"])
def test_an_unknown_answer_is_404(db, path):
    assert Client().get(f"{START}{path}").status_code == 404


def test_the_guide_answers_only_get_and_head(db):
    assert Client().post(START).status_code == 405


def test_problems_finds_a_path_without_an_answer():
    content = copy.deepcopy(duty_guide.shipped())
    content["rules"] = [r for r in content["rules"] if r["when"].get("fare") == ["ja"]]
    found = duty_guide.problems(content)
    assert any("lead to no rule" in problem for problem in found)


def test_problems_finds_a_rule_without_a_source():
    content = copy.deepcopy(duty_guide.shipped())
    content["rules"][0]["sources"] = []
    assert any("no legal source" in p for p in duty_guide.problems(content))


def test_problems_finds_a_rule_naming_an_unknown_option():
    content = copy.deepcopy(duty_guide.shipped())
    content["rules"][0]["when"] = {"rolle": ["laerer"]}
    assert any("unknown options" in p for p in duty_guide.problems(content))
