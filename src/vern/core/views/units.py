from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vern.core import services
from vern.core.access import get_scoped_or_404, scoped, staff_view
from vern.core.forms import UnitForm, add_errors
from vern.core.models import Role, Unit

PAGE_SIZE = 50


@staff_view(personal_data=None)
def unit_list(request: HttpRequest) -> HttpResponse:
    units = scoped(request, Unit).order_by("kind", "name", "pk")
    # Adding and changing units is for administrators of the whole municipality
    # (a principal is an administrator for the school only).
    held = getattr(request, "role_units", None) or {}
    can_manage = Role.ADMIN in held and held[Role.ADMIN] is None
    # A large municipality has hundreds of schools and kindergartens: a page at a time.
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("side"))
    return render(
        request,
        "core/units/list.html",
        {"units": page, "page": page, "can_manage": can_manage},
    )


@staff_view(personal_data=None, roles={Role.ADMIN}, unit_roles=False)
def unit_create(request: HttpRequest) -> HttpResponse:
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_create(
                municipality=request.municipality, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The unit was added."))
            return redirect("core:unit_list")
    return render(request, "core/units/form.html", {"form": form})


@staff_view(personal_data=None, roles={Role.ADMIN}, unit_roles=False)
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_scoped_or_404(request, Unit, pk=pk)
    form = UnitForm(request.POST or None, initial={"kind": unit.kind, "name": unit.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(unit=unit, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The unit was saved."))
            return redirect("core:unit_list")
    return render(request, "core/units/form.html", {"form": form, "unit": unit})


@staff_view(personal_data=None, roles={Role.ADMIN}, unit_roles=False)
def unit_delete(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_scoped_or_404(request, Unit, pk=pk)
    errors = []
    if request.method == "POST":
        try:
            services.unit_delete(unit=unit, actor=request.user)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("The unit was deleted."))
            return redirect("core:unit_list")
    return render(request, "core/units/delete.html", {"unit": unit, "errors": errors})
