import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from vern.plans import services
from vern.plans.models import Area, Level, Measure

CODES = (
    [f"F{n}" for n in range(1, 17)]
    + [f"B{n}" for n in range(1, 7)]
    + [f"U{n}" for n in range(1, 7)]
)


def test_catalogue_has_the_28_measures_with_their_exact_codes(db):
    codes = list(Measure.objects.catalogue().values_list("code", flat=True))
    assert sorted(codes) == sorted(CODES)
    assert len(codes) == 28


def test_catalogue_is_ordered_f_then_b_then_u_by_number(db):
    assert list(Measure.objects.catalogue().values_list("code", flat=True)) == CODES


def test_catalogue_has_18_local_and_10_national_measures(db):
    catalogue = Measure.objects.catalogue()
    assert catalogue.filter(level=Level.LOCAL).count() == 18
    assert catalogue.filter(level=Level.NATIONAL).count() == 10
    assert set(catalogue.filter(level=Level.NATIONAL).values_list("code", flat=True)) == {
        *(f"F{n}" for n in range(10, 17)),
        "B6",
        "U5",
        "U6",
    }


def test_catalogue_measures_have_area_from_their_letter_and_both_languages(db):
    area_of = {"F": Area.PREVENTION, "B": Area.PROTECTION, "U": Area.PERPETRATORS}
    for measure in Measure.objects.catalogue():
        assert measure.area == area_of[measure.code[0]], measure.code
        assert measure.title_nb and measure.title_en, measure.code
        assert measure.summary_nb and measure.summary_en, measure.code
        assert measure.catalogue_version


def test_dumpdata_shows_every_code_in_plain_text(db):
    out = StringIO()
    call_command("dumpdata", "plans.measure", stdout=out)
    rows = json.loads(out.getvalue())
    dumped = {row["fields"]["code"] for row in rows if row["fields"]["municipality"] is None}
    assert dumped == set(CODES)
    for code in CODES:
        assert f'"code": "{code}"' in out.getvalue()


def test_dumpdata_of_the_whole_app_contains_the_catalogue(db):
    out = StringIO()
    call_command("dumpdata", "plans", stdout=out)
    codes = {row["fields"]["code"] for row in json.loads(out.getvalue())}
    assert set(CODES) <= codes


def test_a_local_measure_has_no_code_and_belongs_to_its_municipality(home, coordinator):
    measure = services.local_measure_create(
        municipality=home, actor=coordinator, title="  Trygg hjem-uke  ", area=Area.PREVENTION
    )
    measure.refresh_from_db()
    assert measure.code == ""
    assert measure.municipality == home
    assert measure.level == Level.LOCAL
    assert measure.title_nb == "Trygg hjem-uke"
    assert not measure.is_catalogue


def test_local_measures_are_available_only_to_their_own_municipality(
    home, other, coordinator, outsider
):
    ours = services.local_measure_create(
        municipality=home, actor=coordinator, title="Heimbys eget tiltak", area=Area.PROTECTION
    )
    theirs = services.local_measure_create(
        municipality=other, actor=outsider, title="Annenbys eget tiltak", area=Area.PROTECTION
    )
    available = Measure.objects.available_to(home)
    assert ours in available
    assert theirs not in available
    assert available.count() == 29
    assert Measure.objects.available_to(other).count() == 29
    assert ours not in Measure.objects.catalogue()


def test_a_catalogue_code_cannot_be_given_to_a_local_measure(home):
    with pytest.raises(IntegrityError), transaction.atomic():
        Measure.objects.create(municipality=home, code="F1", area=Area.PREVENTION, title_nb="x")


def test_catalogue_codes_are_unique(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Measure.objects.create(code="F1", area=Area.PREVENTION, title_nb="Kopi")


def test_catalogue_page_shows_own_local_measures_but_not_other_municipalities(
    home, other, coordinator, outsider, reader, login
):
    services.local_measure_create(
        municipality=home, actor=coordinator, title="Heimbys eget tiltak", area=Area.PREVENTION
    )
    services.local_measure_create(
        municipality=other, actor=outsider, title="Annenbys eget tiltak", area=Area.PREVENTION
    )
    html = login(reader).get(reverse("plans:catalogue")).content.decode()
    assert "Heimbys eget tiltak" in html
    assert "Annenbys eget tiltak" not in html
    assert "F16" in html and "U6" in html


def test_coordinator_adds_a_local_measure_through_the_catalogue_page(home, coordinator, login):
    response = login(coordinator).post(
        reverse("plans:local_measure_create"),
        {"title": "Felles mottaksteam", "area": "protection", "summary": ""},
    )
    assert response.status_code == 302
    measure = Measure.objects.get(municipality=home)
    assert (measure.title_nb, measure.code) == ("Felles mottaksteam", "")


def test_reader_cannot_add_a_local_measure(home, reader, login):
    response = login(reader).post(
        reverse("plans:local_measure_create"), {"title": "Nei", "area": "protection"}
    )
    assert response.status_code == 403
    assert not Measure.objects.filter(municipality=home).exists()
