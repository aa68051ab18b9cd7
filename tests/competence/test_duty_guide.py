"""The public duty guide: branching, addresses, sources, no cookies."""

from __future__ import annotations

import copy
import re
from html import unescape

import pytest
from django.test import Client

from vern.competence import duty_guide

START = "/pliktveileder/"


def _links(html: str, prefix: str) -> list[str]:
    return [
        unescape(href) for href in re.findall(r'href="([^"]+)"', html) if href.startswith(prefix)
    ]


def test_the_shipped_guide_has_no_problems():
    assert duty_guide.problems(duty_guide.shipped()) == []


def test_every_path_through_the_pages_ends_in_an_answer_with_sources(db):
    """Walk the guide as a visitor does, following only the option links on each page."""
    client = Client()
    content = duty_guide.shipped()
    questions = len(content["questions"])
    seen, answers, queue = set(), 0, [START]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.cookies == {}, url
        html = response.content.decode()
        depth = url.removeprefix(START).count("/")
        if depth < questions:
            options = [
                link
                for link in _links(html, START)
                if link.count("/") == url.count("/") + 1 and link.startswith(url)
            ]
            assert len(options) >= 2, f"{url} is a dead end"
            queue.extend(options)
        else:
            answers += 1
            rules = re.findall(r'<article class="ds-card vern-duty-rule"', html)
            assert rules, f"{url} shows no rule"
            assert html.count("Rettskilde") >= len(rules), f"{url}: a rule without its source"
            assert "veiledning, ikke juridisk rådgivning" in html
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


def test_a_language_without_content_says_it_shows_bokmal(db):
    html = Client().get(f"/pl{START}").content.decode()
    assert "Hvem er du?" in html


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
