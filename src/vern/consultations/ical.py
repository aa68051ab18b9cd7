"""iCalendar (RFC 5545) for a team's meetings, written by hand: a few fixed properties.

The feed carries the team's name, each meeting's times, place and a stable
UID, and nothing about concerns or people, since calendar services keep
copies of what they fetch. A moved or cancelled meeting keeps its UID and
sends a higher SEQUENCE (each change counts it up), and a cancelled one
STATUS:CANCELLED, so calendar programs update the event they already hold.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from vern.consultations.models import Meeting, Team

PRODID = "-//Vern//Konsultasjonsteam//NB"


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11); control characters become spaces."""
    text = "".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in text)
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character (RFC 5545 3.1)."""
    out, current, size = [], "", 0
    limit = 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(
    team: Team, meetings: Iterable[Meeting], *, now: datetime.datetime | None = None
) -> str:
    stamp = _utc(now or timezone.now())
    with override("nb"):
        summary = _("Consultation team: %(team)s") % {"team": team.name}
        name = _("Consultation team meetings")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for meeting in meetings:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{meeting.uid}@vern",
            f"DTSTAMP:{stamp}",
            f"SEQUENCE:{meeting.sequence}",
            "STATUS:CANCELLED" if meeting.is_cancelled else "STATUS:CONFIRMED",
            f"DTSTART:{_utc(meeting.starts_at)}",
            f"DTEND:{_utc(meeting.ends_at)}",
            f"SUMMARY:{escape(summary)}",
        ]
        if meeting.location:
            lines.append(f"LOCATION:{escape(meeting.location)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
