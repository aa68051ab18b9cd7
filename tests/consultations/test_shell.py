"""What the consultation team puts on the staff front page."""

from django.urls import reverse

from vern.consultations import services


def test_team_members_see_the_concerns_waiting_for_their_team(concern, chair, bystander, login):
    page = login(chair).get(reverse("core:dashboard")).text
    assert "1 bekymring venter på Konsultasjonsteamet" in page
    assert reverse("consultations:team_detail", args=[concern.team.pk]) in page
    assert (
        "venter på Konsultasjonsteamet" not in login(bystander).get(reverse("core:dashboard")).text
    )


def test_the_writer_of_a_draft_is_asked_to_complete_it(home, teacher, login):
    draft = services.concern_draft_from(
        municipality=home,
        submitted_by=teacher,
        age_band="6-9",
        setting="school",
        text="Holdes hjemme fra leir.",
    )
    page = login(teacher).get(reverse("core:dashboard")).text
    assert f"Utkast til bekymring {draft.reference}: fullfør og send" in page
    assert reverse("consultations:concern_draft", args=[draft.pk]) in page
