"""The one permission mechanism for staff views.

Every staff view is wrapped in ``staff_view``. It demands a logged-in,
two-factor-verified user with one of the given roles in the request's active
municipality, and makes each view say whether it shows personal data:
``personal_data`` is a required keyword, so a view cannot forget to decide.
A view that shows personal data writes an audit read entry for each
successful response.

Objects are fetched with ``scoped(request, Model)`` or ``get_scoped_or_404``,
so a record of another municipality answers 404 just like a missing one.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import wraps
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from vern.core.models import STAFF_ROLES, Role

M = TypeVar("M", bound=models.Model)

# The default: the municipality's own staff (not outside organisation editors).
ALL_ROLES: frozenset[Role] = STAFF_ROLES


def scoped[M: models.Model](
    request: HttpRequest, source: type[M] | models.QuerySet[M]
) -> models.QuerySet[M]:
    """Rows of a scoped model (or queryset) in the request's active municipality."""
    queryset = source if isinstance(source, models.QuerySet) else source.objects.all()
    return queryset.for_user(request.user, municipality=request.municipality)


def get_scoped_or_404[M: models.Model](
    request: HttpRequest, source: type[M] | models.QuerySet[M], **lookup
) -> M:
    """One row of the active municipality, or 404 whether missing or not ours."""
    return get_object_or_404(scoped(request, source), **lookup)


def staff_view(
    *,
    personal_data: str | None,
    roles: Collection[Role] = ALL_ROLES,
    needs_municipality: bool = True,
) -> Callable:
    """Declare a staff view.

    ``personal_data`` is the label of the model whose personal data the view
    shows (for example ``"core.membership"``), or ``None`` when it shows none.
    ``roles`` are the roles (in the active municipality) that may use it.
    ``needs_municipality=False`` admits users without a municipality (the
    national role); such a view must not show municipal records.
    """
    allowed = frozenset(roles)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if settings.VERN_REQUIRE_2FA and not user.is_verified():
                return redirect("account:otp")
            if needs_municipality and request.municipality is None:
                raise PermissionDenied
            if not (request.roles & allowed):
                raise PermissionDenied
            response = view(request, *args, **kwargs)
            if personal_data and request.method in ("GET", "HEAD") and response.status_code == 200:
                _log_read(request, personal_data, kwargs)
            return response

        wrapper.vern_staff = True
        wrapper.vern_personal_data = personal_data
        wrapper.vern_roles = allowed
        wrapper.vern_needs_municipality = needs_municipality
        return wrapper

    return decorator


def _log_read(request: HttpRequest, label: str, kwargs: dict) -> None:
    from vern.audit.codes import read_code
    from vern.audit.services import log_action

    # A view that has written its own, more telling read entry (the audit log's
    # search) says so, and no second entry is made.
    if getattr(request, "vern_read_logged", False):
        return
    object_id = next((str(v) for k, v in kwargs.items() if k == "pk" or k.endswith("_id")), "")
    detail = {"path": request.path}
    if request.GET:
        detail["query"] = request.GET.urlencode()
    log_action(
        actor=request.user,
        action="read",
        code=read_code(label),
        object_type=label,
        object_id=object_id,
        municipality=request.municipality,
        detail=detail,
    )
