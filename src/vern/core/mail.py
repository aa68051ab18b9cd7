"""Helpers for the mail Vern sends."""

from __future__ import annotations

from vern.core.validators import one_line


def subject_line(text: str) -> str:
    """``text`` made safe as a mail subject: one line, control characters as spaces.

    Subjects are built from data (a service's or a measure's name). Names are
    refused with line breaks now, but older rows, SQL edits or imports from
    before that rule may still hold one, and Django refuses to send a subject
    with a line break at all (``BadHeaderError``): one bad name would stop a
    whole run of reminders, or answer the public error-report form with a 500.
    """
    return one_line(text)
