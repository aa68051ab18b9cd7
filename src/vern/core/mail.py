"""Helpers for the mail Vern sends."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.core import mail
from django.core.mail import EmailMessage

from vern.core.validators import one_line

logger = logging.getLogger(__name__)


def subject_line(text: str) -> str:
    """``text`` made safe as a mail subject: one line, control characters as spaces.

    Subjects are built from data (a service's or a measure's name). Names are
    refused with line breaks now, but older rows, SQL edits or imports from
    before that rule may still hold one, and Django refuses to send a subject
    with a line break at all (``BadHeaderError``): one bad name would stop a
    whole run of reminders, or answer the public error-report form with a 500.
    """
    return one_line(text)


def send_each(messages: Sequence[EmailMessage]) -> list[Exception | None]:
    """Send every message over ONE connection to the mail server.

    Returns, per message, ``None`` if it went out or the error that stopped it:
    a refused address does not stop the others. If the connection cannot be
    opened at all, every message has that error.
    """
    if not messages:
        return []
    # Django 6.1's successor of get_connection(): a new connection of the default mailer.
    connection = mail.mailers.default
    try:
        connection.open()
    except Exception as error:
        return [error] * len(messages)
    results: list[Exception | None] = []
    try:
        for message in messages:
            try:
                connection.send_messages([message])
            except Exception as error:
                results.append(error)
            else:
                results.append(None)
    finally:
        try:
            connection.close()
        except Exception:
            logger.exception("Closing the connection to the mail server failed")
    return results
