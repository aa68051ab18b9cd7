"""The one permission mechanism for staff views.

Every staff view is wrapped in ``staff_view``. It demands a logged-in,
two-factor-verified user with one of the given roles in the request's active
municipality, and makes each view say whether it shows personal data:
``personal_data`` is a required keyword, so a view cannot forget to decide.
A view that shows personal data writes an audit read entry for each
successful response.

Objects are fetched with ``scoped(request, Model)`` or ``get_scoped_or_404``,
so a record of another municipality answers 404 just like a missing one.

Units: a membership bound to a unit grants its role for that unit's records
only. A view whose records belong to units says ``unit_scoped=True`` and
narrows its querysets with ``scoped_to_units`` (after ``scoped``), so a record
of another unit answers 404 too. Record access lists and stated reasons
(``record_access=True``, ``reason_required=...``) live in
``vern.core.record_access``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import wraps
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import Promise

from vern.core import kept_forms
from vern.core.audit_port import log_action, read_code
from vern.core.models import STAFF_ROLES, Role, UnitRecord

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


def scoped_to_units[M: models.Model](
    request: HttpRequest, source: type[M] | models.QuerySet[M], *, unit_field: str | None = None
) -> models.QuerySet[M]:
    """Narrow rows to the units the person may act in for this view.

    Only for views declared ``staff_view(unit_scoped=True)``; anything else is
    a programming error and raises, rather than showing every unit's records.
    Compose it with the municipality scoping:
    ``scoped_to_units(request, scoped(request, Model))``. ``unit_field`` is the
    lookup to the record's unit (default: the model's ``unit_field``, else
    ``"unit"``), for example ``"pupil__school"``.
    """
    if not getattr(request, "vern_unit_scoped", False):
        raise ImproperlyConfigured(
            "scoped_to_units() needs a view declared with staff_view(unit_scoped=True)"
        )
    queryset = source if isinstance(source, models.QuerySet) else source.objects.all()
    if request.unit_scope is None:
        return queryset
    field = unit_field or getattr(queryset.model, "unit_field", "unit")
    return queryset.filter(**{f"{field}__in": request.unit_scope})


def get_in_units_or_404[M: models.Model](
    request: HttpRequest, source: type[M] | models.QuerySet[M], *, unit_field=None, **lookup
) -> M:
    """One row of the active municipality and of the person's units, or 404."""
    return get_object_or_404(
        scoped_to_units(request, scoped(request, source), unit_field=unit_field), **lookup
    )


def _holds_unit_records(label: str | None) -> bool:
    """Whether the personal data a view declares belongs to units."""
    if not label:
        return False
    try:
        model = apps.get_model(label)
    except LookupError:
        return False
    return issubclass(model, UnitRecord) or hasattr(model, "unit_field")


def counted_roles(
    request: HttpRequest, allowed: frozenset, *, unit_roles: bool
) -> dict[str, frozenset[int] | None]:
    """The allowed roles that count for a view, each with its units (None: all).

    A role held for one unit counts only where ``unit_roles`` is true.
    """
    held = getattr(request, "role_units", None)
    if held is None:  # a request that did not pass TenantMiddleware
        held = dict.fromkeys(request.roles)
    return {
        role: units
        for role, units in held.items()
        if role in allowed and (units is None or unit_roles)
    }


def staff_view(
    *,
    personal_data: str | None,
    roles: Collection[Role] = ALL_ROLES,
    needs_municipality: bool = True,
    unit_scoped: bool = False,
    unit_roles: bool | None = None,
    record_access: bool = False,
    reason_required: bool | str | Promise = False,
) -> Callable:
    """Declare a staff view.

    ``personal_data`` is the label of the model whose personal data the view
    shows (for example ``"core.membership"``), or ``None`` when it shows none.
    ``roles`` are the roles (in the active municipality) that may use it.
    ``needs_municipality=False`` admits users without a municipality (the
    national role); such a view must not show municipal records.

    Units. ``unit_scoped=True``: the view's records belong to units; a role
    held for one unit admits the person, and ``request.unit_scope`` holds the
    units they may act in (``None`` when an allowed role is held for the whole
    municipality); the view narrows with ``scoped_to_units``. Otherwise
    ``unit_roles`` says whether a role held for one unit counts here: by
    default it does, unless ``personal_data`` names a ``UnitRecord`` (records
    that belong to units), where only whole-municipality roles count, so a view
    that forgets ``unit_scoped`` shuts unit staff out rather than showing them
    other units' records.

    ``record_access=True``: the view shows a record with an access list and
    must call ``require_record_access(request, record)`` before answering
    (``vern.core.record_access``); a coordinator not on the list is sent to
    state a reason first. ``reason_required``: the view is shown only after the
    person has stated why (a text here is the question the form asks); the
    reason is stored in the read's audit entry.
    """
    allowed = frozenset(roles)
    if unit_scoped and unit_roles is False:
        raise ImproperlyConfigured("A unit_scoped view admits roles held for a unit")
    decided: dict[str, bool] = {}

    def admits_unit_roles() -> bool:
        if unit_scoped or unit_roles is not None:
            return unit_scoped or bool(unit_roles)
        if "value" not in decided:  # models are loaded by the first request
            decided["value"] = not _holds_unit_records(personal_data)
        return decided["value"]

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            from vern.core import record_access as access_lists

            user = request.user
            if not user.is_authenticated:
                if request.method == "POST":
                    kept_forms.keep(request)  # the session expired while they typed
                return redirect_to_login(request.get_full_path())
            if settings.VERN_REQUIRE_2FA and not user.is_verified():
                return redirect("account:otp")
            if needs_municipality and request.municipality is None:
                raise PermissionDenied
            counted = counted_roles(request, allowed, unit_roles=admits_unit_roles())
            if not counted:
                raise PermissionDenied
            request.vern_counted_roles = counted
            request.vern_unit_scoped = unit_scoped
            request.unit_scope = (
                None
                if any(units is None for units in counted.values())
                else frozenset().union(*counted.values())
            )
            request.vern_access = access_lists.ReadContext()
            if reason_required:
                key = access_lists.page_key(request)
                reason = access_lists.current_reason(request, key)
                if reason is None:
                    return access_lists.redirect_to_reason(request, key)
                request.vern_access.reason = reason
            if request.method == "GET":
                request.vern_kept_form = kept_forms.take(request)
            try:
                response = view(request, *args, **kwargs)
            except access_lists.ReasonNeeded as needed:
                return access_lists.redirect_to_reason(request, needed.key)
            if record_access and response.status_code < 400 and not request.vern_access.checked:
                raise ImproperlyConfigured(
                    f"{view.__qualname__} is declared record_access=True but answered "
                    "without calling require_record_access()"
                )
            if personal_data and request.method in ("GET", "HEAD") and response.status_code == 200:
                _log_read(request, personal_data, kwargs)
            return response

        wrapper.vern_staff = True
        wrapper.vern_personal_data = personal_data
        wrapper.vern_roles = allowed
        wrapper.vern_needs_municipality = needs_municipality
        wrapper.vern_unit_scoped = unit_scoped
        wrapper.vern_record_access = record_access
        wrapper.vern_reason_required = bool(reason_required)
        wrapper.vern_reason_question = "" if isinstance(reason_required, bool) else reason_required
        return wrapper

    return decorator


def _log_read(request: HttpRequest, label: str, kwargs: dict) -> None:
    # A view that has written its own, more telling read entry (the audit log's
    # search) says so, and no second entry is made.
    if getattr(request, "vern_read_logged", False):
        return
    object_type = label
    object_id = next((str(v) for k, v in kwargs.items() if k == "pk" or k.endswith("_id")), "")
    context = getattr(request, "vern_access", None)
    if context is not None and context.record is not None:
        object_type, object_id = context.record
    detail = {"path": request.path}
    if request.GET:
        detail["query"] = request.GET.urlencode()
    if context is not None and context.break_glass:
        detail["break_glass"] = True
    log_action(
        actor=request.user,
        action="read",
        code=read_code(label),
        object_type=object_type,
        object_id=object_id,
        municipality=request.municipality,
        reason=(context.reason or "") if context is not None else "",
        detail=detail,
    )
