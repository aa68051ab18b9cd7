"""The municipality's own version of the duty guide."""

from __future__ import annotations

from django.test import Client

from vern.audit.models import AuditEntry
from vern.competence import duty_guide
from vern.competence.models import DutyGuideVersion

SHIPPED_RULE = next(r for r in duty_guide.shipped()["rules"] if r["key"] == "consult_team")
RULE = "/ansatt/kompetanse/pliktveileder/regel/?regel=consult_team"
REVIEWED = "/ansatt/kompetanse/pliktveileder/gjennomgatt/"


def _form(version=1, **changes):
    data = {
        "seen_version": version,
        "title_nb": "Ring konsultasjonsteamet",
        "text_nb": "Teamet i Heimby møtes hver tirsdag. Drøft saken uten navn.",
        "title_nn": "",
        "text_nn": "",
        "title_en": "",
        "text_en": "",
        "sources": "forvaltningsloven § 13 a | https://lovdata.no/lov/1967-02-10/%C2%A713a",
        "reviewed_on": "2026-01-05",
        "note": "Lokal kontakt",
    }
    data.update(changes)
    return data


def _versions(home):
    return DutyGuideVersion.objects.for_system(reason="test").filter(municipality=home)


def test_a_coordinator_saves_a_rule_as_a_new_version_shown_publicly(home, coordinator, login):
    response = login(coordinator).post(RULE, _form())
    assert response.status_code == 302
    version = _versions(home).get()
    assert version.number == 2
    assert version.reviewed_on.isoformat() == "2026-01-05"
    assert (
        AuditEntry.objects.for_system(reason="test")
        .filter(code="competence.dutyguide.save", municipality=home)
        .exists()
    )
    html = Client().get(f"/pliktveileder/skole/vold/ja/nei/?kommune={home.number}").content.decode()
    assert "Teamet i Heimby møtes hver tirsdag" in html
    assert "versjon 2" in html
    # Links keep the municipality, so the next step shows its version too.
    assert f"?kommune={home.number}" in html
    # Vern's default is unchanged for everyone else.
    assert (
        "Teamet i Heimby" not in Client().get("/pliktveileder/skole/vold/ja/nei/").content.decode()
    )


def test_a_rule_cannot_lose_its_source(home, coordinator, login):
    response = login(coordinator).post(RULE, _form(sources=""))
    assert response.status_code == 200
    assert "Oppgi minst én rettskilde." in response.content.decode()
    assert not _versions(home).exists()


def test_a_source_link_must_be_https(home, coordinator, login):
    response = login(coordinator).post(RULE, _form(sources="lov | http://example.test/"))
    assert response.status_code == 200
    assert not _versions(home).exists()


def test_a_save_based_on_an_old_version_is_refused(home, coordinator, login):
    client = login(coordinator)
    client.post(RULE, _form())
    response = client.post(RULE, _form(version=1, text_nb="Noe annet"))
    assert response.status_code == 200
    assert "nyere versjon" in response.content.decode()
    assert _versions(home).count() == 1


def test_marking_reviewed_keeps_the_text_and_moves_the_date(home, coordinator, login):
    client = login(coordinator)
    response = client.post(REVIEWED, {"seen_version": 1, "reviewed_on": "2026-02-01"})
    assert response.status_code == 302
    version = _versions(home).get()
    assert version.reviewed_on.isoformat() == "2026-02-01"
    from vern.competence import duty_guide

    assert version.content["rules"] == duty_guide.shipped()["rules"]


def test_a_reader_sees_the_guide_page_but_cannot_change_it(home, reader, login):
    client = login(reader)
    page = client.get("/ansatt/kompetanse/pliktveileder/")
    assert page.status_code == 200
    assert "regel/?regel=" not in page.content.decode()
    assert client.post(RULE, _form()).status_code == 403
    assert not _versions(home).exists()


def test_the_review_date_cannot_be_in_the_future(home, coordinator, login):
    response = login(coordinator).post(REVIEWED, {"seen_version": 1, "reviewed_on": "2999-01-01"})
    assert response.status_code == 200
    assert not _versions(home).exists()


def test_changing_the_bokmal_text_marks_the_other_languages_outdated(home, coordinator, login):
    """The public page then shows the new bokmål text (lang="nb") with a notice, not the
    old translation; a language edited in the same save stays in use."""
    response = login(coordinator).post(
        RULE,
        _form(
            title_nn="Ring konsultasjonsteamet",
            text_nn="Teamet i Heimby møtest kvar tysdag. Drøft saka utan namn.",
            title_en=SHIPPED_RULE["title"]["en"],
            text_en=SHIPPED_RULE["text"]["en"],
        ),
    )
    assert response.status_code == 302
    rule = next(r for r in _versions(home).get().content["rules"] if r["key"] == "consult_team")
    # en kept its old text, so it is outdated; nn was rewritten, so it is not.
    assert rule["outdated"] == ["en", "se", "pl", "uk", "ar", "so"]
    assert rule["text"]["pl"].startswith("Możesz omówić sprawę")  # kept, not lost
    url = f"/pl/pliktveileder/skole/vold/ja/nei/?kommune={home.number}"
    html = Client().get(url).content.decode()
    assert (
        '<p class="ds-paragraph" lang="nb">Teamet i Heimby møtes hver tirsdag. '
        "Drøft saken uten navn.</p>" in html
    )
    assert "Możesz omówić sprawę" not in html
    assert "Ta zasada została zmieniona po norwesku" in html
    assert "Obowiązek zapobiegania przestępstwom dotyczy wszystkich" in html  # other rules
    nn = Client().get(url.replace("/pl/", "/nn/")).content.decode()
    assert "Teamet i Heimby møtest kvar tysdag" in nn
    # A later edit of nn alone leaves the others outdated.
    response = login(coordinator).post(
        RULE,
        _form(
            version=2,
            title_nn="Ring konsultasjonsteamet",
            text_nn="Teamet møtest kvar tysdag.",
            title_en=SHIPPED_RULE["title"]["en"],
            text_en=SHIPPED_RULE["text"]["en"],
        ),
    )
    assert response.status_code == 302
    rule = next(
        r
        for r in _versions(home).order_by("-number").first().content["rules"]
        if r["key"] == "consult_team"
    )
    assert rule["outdated"] == ["en", "se", "pl", "uk", "ar", "so"]
