"""One spelling of the login name, for authentication and for the lock-out alike.

Staff log in with their e-mail address, which is stored in lower case and
matched without regard to case. django-axes counts failures per user name, so
it must count under the same key whatever the spelling typed: otherwise
``TEAM@…`` or ``" team@…"`` would each get a fresh set of attempts.
"""

from __future__ import annotations


def normalise_email(value: str) -> str:
    """The address as stored: without surrounding spaces, in lower case."""
    return value.strip().lower()


def lockout_key(request, credentials: dict | None = None) -> str | None:
    """django-axes' ``AXES_USERNAME_CALLABLE``: the case-folded address.

    axes passes the credentials given to ``authenticate`` when it has them
    (and, after a successful login, the stored address); otherwise the posted
    form.
    """
    if credentials:
        value = credentials.get("username")
    else:
        value = getattr(request, "POST", {}).get("username")
    if not isinstance(value, str):
        return None
    return normalise_email(value).casefold()
