"""Time-based work for competence, run by ``vern tick``: a weekly reminder to the
coordinators about each course whose front-line staff have training running out.

Built on the routine engine's notice skeleton (``vern.core.routines.run_notices``):
each course is claimed for the week with a conditional UPDATE before mail is sent, so
two runs the same week send one reminder, and released if no mail could be sent.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vern.competence import selectors
from vern.competence.models import Course
from vern.core.models import Role
from vern.core.routines import Notice, compose, members, run_notices

TICK = "vern tick: course expiry reminders"


def send_expiry_reminders(*, today: date) -> int:
    monday = today - timedelta(days=today.weekday())

    def build(item: tuple[Course, int]) -> Notice | None:
        course, expiring = item
        if course.expiry_reminded_for == monday:
            return None
        link = (
            settings.VERN_BASE_URL.rstrip("/")
            + reverse("competence:employee_list")
            + f"?kurs={course.pk}&status=expiring"
        )
        subject, body = compose(
            "competence/mail/expiry_reminder.txt",
            {"course": course, "count": expiring, "link": link},
            _("Training running out: %(course)s"),
            course=lambda: course.title,
        )
        previous = course.expiry_reminded_for
        return Notice(
            target=course,
            code="competence.course.expiry_reminded",
            recipients=members(course.municipality_id, (Role.COORDINATOR, Role.ADMIN)),
            subject=subject,
            body=body,
            link=link,
            municipality_id=course.municipality_id,
            claim=lambda: (
                Course.objects.for_system(reason=TICK)
                .filter(pk=course.pk)
                .exclude(expiry_reminded_for=monday)
                .update(expiry_reminded_for=monday)
            ),
            release=lambda: (
                Course.objects.for_system(reason=TICK)
                .filter(pk=course.pk, expiry_reminded_for=monday)
                .update(expiry_reminded_for=previous)
            ),
            detail={"expiring": expiring},
        )

    return run_notices(
        selectors.expiring_for_reminders(today=today), build, job="send_expiry_reminders"
    )
