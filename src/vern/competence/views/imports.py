"""Importing completions from a learning platform's CSV export: upload, map the
columns, preview with every problem listed by row, then import in one transaction.

The import itself answers with a streamed page: its top at once, then a line with a
progress bar after each batch of rows is saved ("1200 of 4000 rows saved"), then the
result. It needs no JavaScript and no second request to poll: the browser shows the
page as it arrives. Like ``vern directory import``, which draws "1200 of 2000 services"
on the terminal as its one transaction goes, the running import reports rows done of
the total to whoever runs it. Vern has no background workers, and several app processes
share no memory, so a job polled from another request could not see the import's
uncommitted progress; the stream is the one request that can."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vern.competence import csv_import, selectors, services
from vern.competence.forms import MappingForm, UploadForm
from vern.competence.models import CompletionImport
from vern.competence.views.training import EDITORS
from vern.core.access import get_scoped_or_404, staff_view
from vern.core.forms import add_errors

# A preview shows at most this many valid rows; every problem row is always listed.
PREVIEW_ROWS = 20
# Where the running import's page gets its progress lines.
PROGRESS_MARK = "<!--vern-import-progress-->"


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
            planned = services.import_plan(upload=found, only_valid=only_valid, today=today)
        except ValidationError as exc:
            errors = exc.messages
        else:
            response = StreamingHttpResponse(_run(request, found, planned))
            # A proxy in front must pass each line on as it comes, not the page at the end.
            response["X-Accel-Buffering"] = "no"
            return response
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


def _run(request: HttpRequest, upload: CompletionImport, planned):
    """The running import's page, streamed: top, a line per batch, result, bottom."""
    # The lines are rendered after the view has returned: keep the page's language.
    with translation.override(translation.get_language()):
        page = render_to_string("competence/import_run.html", {"upload": upload}, request=request)
        top, bottom = page.split(PROGRESS_MARK)
        yield top
        steps = services.import_steps(upload=upload, checked=planned, actor=request.user)
        part: dict = {}
        try:
            while True:
                done, total = next(steps)
                yield render_to_string(
                    "competence/_import_progress.html", {"done": done, "total": total}
                )
        except StopIteration as finished:
            imported, already, left_out = finished.value
            part = {"imported": imported, "already": already, "left_out": left_out}
        except ValidationError as exc:
            part = {"errors": exc.messages}
        except IntegrityError:
            # A row changed between the check and the import (the same completion entered
            # by hand meanwhile): the transaction is rolled back, nothing is saved.
            part = {"errors": [_("The records changed while importing. Nothing was saved.")]}
        finally:
            # Closed half-way (the person left the page): the import's transaction is
            # rolled back now, not whenever the generator is collected.
            steps.close()
        yield render_to_string(
            "competence/_import_result.html", {"upload": upload, **part}, request=request
        )
        yield bottom
