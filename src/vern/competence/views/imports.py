"""Importing completions from a learning platform's CSV export: upload, map the
columns, preview with every problem listed by row, then import in one transaction."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from vern.competence import csv_import, selectors, services
from vern.competence.forms import MappingForm, UploadForm
from vern.competence.models import CompletionImport
from vern.competence.views.training import EDITORS
from vern.core.access import get_scoped_or_404, staff_view
from vern.core.forms import add_errors

# A preview shows at most this many valid rows; every problem row is always listed.
PREVIEW_ROWS = 20


@staff_view(personal_data=None, roles=EDITORS)
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            created = services.import_upload(
                municipality=request.municipality,
                actor=request.user,
                filename=file.name,
                data=file.read(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("competence:import_map", created.pk)
    return render(request, "competence/import_upload.html", {"form": form})


def _upload(request: HttpRequest, pk: int) -> CompletionImport:
    return get_scoped_or_404(
        request, CompletionImport, pk=pk, status=CompletionImport.Status.UPLOADED
    )


@staff_view(personal_data="competence.completionimport", roles=EDITORS)
def map_columns(request: HttpRequest, pk: int) -> HttpResponse:
    found = _upload(request, pk)
    header, rows = csv_import.read(found.text)
    initial = {name: index for name, index in found.mapping.items()}
    form = MappingForm(request.POST or None, header=header, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.import_set_mapping(
            upload=found, mapping={name: form.cleaned_data[name] for name in csv_import.FIELDS}
        )
        return redirect("competence:import_preview", found.pk)
    return render(
        request,
        "competence/import_map.html",
        {"upload": found, "form": form, "header": header, "sample": rows[:3], "count": len(rows)},
    )


@staff_view(personal_data="competence.completionimport", roles=EDITORS)
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    found = _upload(request, pk)
    if set(found.mapping) != set(csv_import.FIELDS):
        return redirect("competence:import_map", found.pk)
    today = timezone.localdate()
    errors = []
    if request.method == "POST":
        only_valid = request.POST.get("mode") == "valid"
        try:
            imported, already, left_out = services.import_run(
                upload=found, actor=request.user, only_valid=only_valid, today=today
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(
                request,
                _(
                    "%(imported)s completions imported; %(already)s were already recorded "
                    "and %(left_out)s rows with problems were left out."
                )
                % {"imported": imported, "already": already, "left_out": left_out},
            )
            return redirect("competence:overview")
    checked = selectors.import_check(upload=found, today=today)
    return render(
        request,
        "competence/import_preview.html",
        {
            "upload": found,
            "checked": checked,
            "invalid": checked.invalid,
            "valid_sample": checked.valid[:PREVIEW_ROWS],
            "new_count": len(checked.new),
            "already_count": len(checked.valid) - len(checked.new),
            "errors": errors,
        },
    )
