"""Keeping what a person typed when their session ended before they saved.

Sessions end after 30 idle minutes (``SESSION_COOKIE_AGE``). A form sent
after that reaches ``staff_view`` from an anonymous visitor. Instead of losing
it, ``keep`` stores the submitted fields in the visitor's new session, on the
server, tagged with the account the expired session belonged to, the path and
the time; the person is sent to the login page. ``take`` hands the fields back
on the first page of that path the same account opens after logging in again,
within ``KEEP_SECONDS``, and removes them from the session; the page fills its
form with them (``static/vern/js/kept-form.js``) and the person checks and
submits it. The fields are never saved as the person's change without that.

What keeps this safe (see docs/security.md):

- The data stays on the server, in the session table, never in a cookie, and
  only the browser that sent it holds the session key.
- It is given back only to the account whose session expired. The account
  is read from the expired session's row; without one (no cookie, the row
  already cleared) nothing is kept. A different account logging in on the
  same browser never sees it, and it is dropped then.
- It is used once, and dropped after ``KEEP_SECONDS`` or at logout.
- Passwords, one-time codes, tokens and the CSRF token are never kept, and a
  form larger than ``MAX_CHARACTERS`` is not kept at all.
"""

from __future__ import annotations

import time
from importlib import import_module

from django.conf import settings
from django.http import HttpRequest

SESSION_KEY = "vern_kept_form"
KEEP_SECONDS = 15 * 60
MAX_CHARACTERS = 100_000
_SECRET_WORDS = ("password", "token", "otp", "secret", "csrf")


def _expired_owner(request: HttpRequest) -> str | None:
    """The account id of the session the browser still names, expired or not."""
    old_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not old_key or not hasattr(store, "get_model_class"):
        return None
    row = store.get_model_class().objects.filter(session_key=old_key).first()
    if row is None:
        return None
    owner = store().decode(row.session_data).get("_auth_user_id")
    row.delete()  # it has expired; nothing else will read it
    return str(owner) if owner else None


def keep(request: HttpRequest) -> bool:
    """Store the fields of an anonymous POST for the account whose session expired."""
    owner = _expired_owner(request)
    if owner is None:
        return False
    data = {
        name: request.POST.getlist(name)
        for name in request.POST
        if not any(word in name.lower() for word in _SECRET_WORDS)
    }
    if sum(len(value) for values in data.values() for value in values) > MAX_CHARACTERS:
        return False
    request.session[SESSION_KEY] = {
        "user": owner,
        "path": request.path,
        "data": data,
        "at": int(time.time()),
    }
    return True


def take(request: HttpRequest) -> dict | None:
    """The kept fields for this page and person, removed from the session; or None."""
    kept = request.session.get(SESSION_KEY)
    if not kept:
        return None
    too_old = time.time() - kept.get("at", 0) > KEEP_SECONDS
    if too_old or kept.get("user") != str(request.user.pk):
        del request.session[SESSION_KEY]
        return None
    if kept.get("path") != request.path:
        return None
    del request.session[SESSION_KEY]
    return kept["data"]
