"""A test mail backend that can refuse addresses or be down, and counts its connections.

Use it with the ``flaky_mail`` fixture (tests/conftest.py): mail still lands in
``django.core.mail.outbox`` as with the locmem backend.
"""

from __future__ import annotations

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    refused: set[str] = set()
    down = False
    opened = 0

    def open(self):
        if FlakyBackend.down:
            raise ConnectionRefusedError("the mail server is down")
        FlakyBackend.opened += 1
        return super().open()

    def send_messages(self, messages):
        for message in messages:
            refused = [address for address in message.to if address in FlakyBackend.refused]
            if refused:
                raise OSError(f"mailbox unavailable: {refused[0]}")
        return super().send_messages(messages)
