"""The link in an invitation, for choosing a first password.

Django's reset tokens expire after ``PASSWORD_RESET_TIMEOUT`` (an hour for a
forgotten password). An invitation often waits over a weekend, so its link
has its own generator, with its own salt (a reset token is no invitation
token, nor the other way round) and its own lifetime,
``VERN_INVITATION_HOURS`` (72 by default). Like a reset token, it stops
working once a password is chosen or the person logs in.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


def invitation_seconds() -> int:
    return int(settings.VERN_INVITATION_HOURS) * 60 * 60


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "vern.core.tokens.InvitationTokenGenerator"

    def check_token(self, user, token) -> bool:
        # Django's check_token compares the age with PASSWORD_RESET_TIMEOUT;
        # this is the same check with the invitation's lifetime.
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        signed = any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )
        return signed and (self._num_seconds(self._now()) - ts) <= invitation_seconds()


invitation_token_generator = InvitationTokenGenerator()
