"""Eksempelby's pathways: every stage, an overdue step, an order ending in 10 days, a
release in 6 weeks; loading twice adds nothing; vern tick runs twice on it."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from vern.core.demo import load_demo
from vern.core.models import Step
from vern.pathways.models import Pathway, ProtectiveOrder, ReleaseFollowUp


def test_the_demo_has_pathways_in_every_stage(db):
    load_demo(password="demo-passord-pathways")
    today = timezone.localdate()
    pathways = Pathway.objects.for_system(reason="test").filter(municipality__number="9999")
    assert {p.stage for p in pathways} == {"contact", "assessment", "delivery", "closed"}
    assert (
        Step.objects.for_system(reason="test")
        .filter(subject_type="pathways.pathway", done_at__isnull=True, due_on__lt=today)
        .exists()
    )
    assert ProtectiveOrder.objects.for_system(reason="test").get().ends_on == today + timedelta(
        days=10
    )
    assert ReleaseFollowUp.objects.for_system(reason="test").get().expected_on == (
        today + timedelta(weeks=6)
    )
    count = pathways.count()
    load_demo(password="demo-passord-pathways")
    assert pathways.count() == count
    call_command("tick")
    call_command("tick")
