"""Writes of the competence app. Each runs in one transaction and writes its audit
entry inside it."""

from __future__ import annotations

import calendar
import copy
import math
from collections.abc import Generator
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vern.audit.services import audited_transaction, lock_chain, log_action
from vern.competence import csv_import, duty_guide, selectors
from vern.competence.models import (
    Attendance,
    Completion,
    CompletionImport,
    ConversationCount,
    Course,
    DutyGuideVersion,
    Employee,
    ProfessionalDay,
    QuestionGuide,
)
from vern.core.models import Municipality, User

LOCKED = "competence services: the row is re-read under a lock after the view's check"


def _save_guide_version(
    *,
    municipality: Municipality,
    actor: User,
    seen_version: int,
    content: dict,
    reviewed_on: date,
    note: str,
    audit_code: str,
    detail: dict,
) -> DutyGuideVersion:
    current = selectors.current_guide(municipality)
    if current.version != seen_version:
        raise ValidationError(
            _(
                "Someone saved a newer version of the guide (version %(version)s) after you "
                "opened it. Open it again and make your change there."
            )
            % {"version": current.version}
        )
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": _("The review date cannot be in the future.")})
    content = copy.deepcopy(content)
    content["version"] = current.version + 1
    content["reviewed_on"] = reviewed_on.isoformat()
    found = duty_guide.problems(content)
    if found:
        raise ValidationError(
            _("The guide cannot be saved: %(problems)s") % {"problems": "; ".join(found)}
        )
    version = DutyGuideVersion(
        municipality=municipality,
        number=content["version"],
        content=content,
        reviewed_on=reviewed_on,
        saved_by=actor,
        change_note=note,
    )
    version.full_clean()
    version.save()
    log_action(actor=actor, action="update", code=audit_code, target=version, detail=detail)
    return version


@audited_transaction
def guide_rule_save(
    *,
    municipality: Municipality,
    actor: User,
    seen_version: int,
    rule_key: str,
    titles: dict[str, str],
    texts: dict[str, str],
    sources: list[dict[str, str]],
    reviewed_on: date,
    note: str = "",
) -> DutyGuideVersion:
    """Save the municipality's guide with one rule's texts and sources changed.

    The guide is never changed in place: a new numbered version is saved, based on the
    version the editor opened (a newer one saved meanwhile is a conflict), and checked
    as a whole, so a rule cannot lose its legal source or its bokmål text.
    """
    content = copy.deepcopy(selectors.current_guide(municipality).content)
    rule = next((r for r in content["rules"] if r["key"] == rule_key), None)
    if rule is None:
        raise ValidationError(_("The guide has no such rule."))
    _apply_rule_texts(rule, titles, texts)
    rule["sources"] = sources
    return _save_guide_version(
        municipality=municipality,
        actor=actor,
        seen_version=seen_version,
        content=content,
        reviewed_on=reviewed_on,
        note=note,
        audit_code="competence.dutyguide.save",
        detail={"rule": rule_key, "reviewed_on": reviewed_on.isoformat()},
    )


def _apply_rule_texts(rule: dict, titles: dict[str, str], texts: dict[str, str]) -> None:
    """Put the edited languages' texts into a rule, keeping the languages not edited.

    When the bokmål title or text changes, every other language left as it was no
    longer says the same: it is marked outdated, so the public page shows bokmål
    instead (with a notice) until someone updates it. A language edited in the same
    save counts as updated.
    """
    old = {lang: (rule["title"].get(lang, ""), rule["text"].get(lang, "")) for lang in titles}
    for field, values in (("title", titles), ("text", texts)):
        for lang, value in values.items():
            if value.strip():
                rule[field][lang] = value.strip()
            else:
                rule[field].pop(lang, None)
    base = duty_guide.BASE_LANGUAGE
    edited = {
        lang
        for lang in titles
        if (rule["title"].get(lang, ""), rule["text"].get(lang, "")) != old[lang]
    }
    outdated = set(rule.get("outdated", [])) - edited
    if base in edited:
        outdated |= {
            lang
            for lang in duty_guide.CONTENT_LANGUAGES
            if lang != base
            and lang not in edited
            and (rule["title"].get(lang) or rule["text"].get(lang))
        }
    if outdated:
        rule["outdated"] = sorted(outdated, key=duty_guide.CONTENT_LANGUAGES.index)
    else:
        rule.pop("outdated", None)


@audited_transaction
def guide_mark_reviewed(
    *, municipality: Municipality, actor: User, seen_version: int, reviewed_on: date
) -> DutyGuideVersion:
    """Record that the guide was read through and still holds: a new version, same text."""
    content = selectors.current_guide(municipality).content
    return _save_guide_version(
        municipality=municipality,
        actor=actor,
        seen_version=seen_version,
        content=content,
        reviewed_on=reviewed_on,
        note=_("Reviewed without changes"),
        audit_code="competence.dutyguide.reviewed",
        detail={"reviewed_on": reviewed_on.isoformat()},
    )


# --- Courses, employees and completions ------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def expiry_for(course: Course, completed_on: date) -> date | None:
    """The last day a completion is valid (a 12-month course done 15.01.2026 holds
    until 14.01.2027), or None for a course that never has to be repeated."""
    if course.validity_months is None:
        return None
    return add_months(completed_on, course.validity_months) - timedelta(days=1)


def _refuse_double(queryset, message: str) -> None:
    if queryset.exists():
        raise ValidationError(message)


@audited_transaction
def course_save(
    *, municipality: Municipality, actor: User, course: Course | None, data: dict
) -> Course:
    """Create or change a course. Its code is unique in the municipality."""
    creating = course is None
    course = course or Course(municipality=municipality)
    for name, value in data.items():
        setattr(course, name, value)
    clash = Course.objects.for_system(reason=LOCKED).filter(
        municipality=municipality, code__iexact=course.code
    )
    if course.pk:
        clash = clash.exclude(pk=course.pk)
    _refuse_double(clash, _("Another course already has this code."))
    course.full_clean()
    old_validity = None
    if not creating:
        old_validity = Course.objects.for_system(reason=LOCKED).get(pk=course.pk).validity_months
    course.save()
    if not creating and old_validity != course.validity_months:
        # Expiry follows the course's validity: recompute the stored dates.
        for completion in Completion.objects.for_system(reason=LOCKED).filter(course=course):
            completion.expires_on = expiry_for(course, completion.completed_on)
            completion.save(update_fields=["expires_on"])
    log_action(
        actor=actor,
        action="create" if creating else "update",
        code="competence.course.create" if creating else "competence.course.update",
        target=course,
        detail={"fields": sorted(data)},
    )
    return course


@audited_transaction
def employee_save(
    *, municipality: Municipality, actor: User, employee: Employee | None, data: dict
) -> Employee:
    creating = employee is None
    employee = employee or Employee(municipality=municipality)
    for name, value in data.items():
        setattr(employee, name, value)
    clash = Employee.objects.for_system(reason=LOCKED).filter(
        municipality=municipality, employee_number__iexact=employee.employee_number
    )
    if employee.pk:
        clash = clash.exclude(pk=employee.pk)
    _refuse_double(clash, _("Another employee already has this employee number."))
    employee.full_clean()
    employee.save()
    log_action(
        actor=actor,
        action="create" if creating else "update",
        code="competence.employee.create" if creating else "competence.employee.update",
        target=employee,
        detail={"fields": sorted(data)},
    )
    return employee


def _completion(*, employee: Employee, course: Course, completed_on: date, source: str, actor):
    return Completion(
        employee=employee,
        course=course,
        completed_on=completed_on,
        expires_on=expiry_for(course, completed_on),
        source=source,
        created_by=actor,
    )


@audited_transaction
def completion_add(
    *, employee: Employee, course: Course, completed_on: date, actor: User
) -> Completion:
    """Record a completion entered by hand; the same one twice is refused."""
    if course.municipality_id != employee.municipality_id:
        raise ValidationError(_("The course belongs to another municipality."))
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": _("The date cannot be in the future.")})
    _refuse_double(
        employee.completions.filter(course=course, completed_on=completed_on),
        _("This completion is already recorded."),
    )
    completion = _completion(
        employee=employee,
        course=course,
        completed_on=completed_on,
        source=Completion.Source.MANUAL,
        actor=actor,
    )
    completion.full_clean()
    completion.save()
    log_action(
        actor=actor,
        action="create",
        code="competence.completion.create",
        target=completion,
        detail={"course": course.pk},
    )
    return completion


@audited_transaction
def completion_update(
    *, completion: Completion, course: Course, completed_on: date, actor: User
) -> Completion:
    """Correct a completion's course or date; its expiry follows the new values."""
    if course.municipality_id != completion.employee.municipality_id:
        raise ValidationError(_("The course belongs to another municipality."))
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": _("The date cannot be in the future.")})
    _refuse_double(
        Completion.objects.for_system(reason=LOCKED)
        .filter(employee=completion.employee, course=course, completed_on=completed_on)
        .exclude(pk=completion.pk),
        _("This completion is already recorded."),
    )
    completion.course = course
    completion.completed_on = completed_on
    completion.expires_on = expiry_for(course, completed_on)
    # Who first recorded it is not changed, and may be gone (then empty).
    completion.full_clean(exclude=["created_by"])
    completion.save(update_fields=["course", "completed_on", "expires_on"])
    log_action(
        actor=actor,
        action="update",
        code="competence.completion.update",
        target=completion,
        detail={"course": course.pk},
    )
    return completion


@audited_transaction
def completion_delete(*, completion: Completion, actor: User) -> None:
    log_action(
        actor=actor,
        action="delete",
        code="competence.completion.delete",
        target=completion,
        detail={"course": completion.course_id},
    )
    completion.delete()


# --- Import ----------------------------------------------------------------------


@audited_transaction
def import_upload(
    *, municipality: Municipality, actor: User, filename: str, data: bytes
) -> CompletionImport:
    """Keep an uploaded file (decoded, encrypted) for mapping and preview."""
    if len(data) > csv_import.MAX_BYTES:
        raise ValidationError(_("The file is too large."))
    try:
        text, encoding = csv_import.decode(data)
        header, _rows = csv_import.read(text)
    except csv_import.FileProblem as exc:
        raise ValidationError(str(exc)) from exc
    upload = CompletionImport(
        municipality=municipality,
        filename=filename[:200],
        encoding=encoding,
        text=text,
        mapping=csv_import.guess_mapping(header),
        created_by=actor,
    )
    upload.save()
    log_action(
        actor=actor,
        action="create",
        code="competence.import.upload",
        target=upload,
        detail={"rows": len(_rows), "encoding": encoding},
    )
    return upload


def import_set_mapping(*, upload: CompletionImport, mapping: dict[str, int]) -> None:
    upload.mapping = mapping
    upload.save(update_fields=["mapping"])


# An import reports its progress this many times (fewer for a file of fewer rows).
IMPORT_STEPS = 20


def import_plan(*, upload: CompletionImport, only_valid: bool, today: date) -> csv_import.Checked:
    """Check every row before importing: refused while rows have problems, unless the
    person chose to import only the valid ones. Nothing is written."""
    checked = selectors.import_check(upload=upload, today=today)
    if checked.invalid and not only_valid:
        raise ValidationError(
            _("%(count)s rows have problems. Correct the file, or import only the valid rows.")
            % {"count": len(checked.invalid)}
        )
    return checked


def import_steps(
    *, upload: CompletionImport, checked: csv_import.Checked, actor: User
) -> Generator[tuple[int, int], None, tuple[int, int, int]]:
    """Write the checked new rows in one transaction, a batch at a time, yielding
    (rows saved, rows to save) before the first batch and after each; the generator's
    value is (imported, already recorded, left out).

    The same shape as the directory's import (``directory/importer/run.py``: one
    transaction, "done of total" reported as it goes, the caller draws it), but a
    generator rather than a ``progress`` callback: a web page can only send what its
    view yields, and the import runs inside the request.

    The transaction stays open between the yields, so the page that shows the progress
    can stream it: if that stops half-way (the person closed the tab), closing the
    generator rolls everything back and the file can be imported again."""
    with transaction.atomic():
        lock_chain()
        locked = (
            CompletionImport.objects.for_system(reason=LOCKED).select_for_update().get(pk=upload.pk)
        )
        if locked.status != CompletionImport.Status.UPLOADED:
            raise ValidationError(_("This file has already been imported."))
        new = checked.new
        total = len(new)
        batch = max(1, math.ceil(total / IMPORT_STEPS))
        yield 0, total
        for start in range(0, total, batch):
            Completion.objects.bulk_create(
                [
                    _completion(
                        employee=row.employee,
                        course=row.course,
                        completed_on=row.completed_on,
                        source=Completion.Source.IMPORT,
                        actor=actor,
                    )
                    for row in new[start : start + batch]
                ]
            )
            yield min(start + batch, total), total
        locked.status = CompletionImport.Status.IMPORTED
        locked.imported = total
        locked.skipped = len(checked.invalid)
        locked.text = ""  # the file has done its work; the completions hold what is needed
        locked.save(update_fields=["status", "imported", "skipped", "text"])
        already = len(checked.valid) - total
        log_action(
            actor=actor,
            action="create",
            code="competence.import.run",
            target=locked,
            detail={"imported": total, "already": already, "left_out": len(checked.invalid)},
        )
    return total, already, len(checked.invalid)


# --- Professional days -------------------------------------------------------------


@audited_transaction
def professional_day_save(
    *, municipality: Municipality, actor: User, day: ProfessionalDay | None, data: dict
) -> ProfessionalDay:
    creating = day is None
    day = day or ProfessionalDay(municipality=municipality)
    for name, value in data.items():
        setattr(day, name, value)
    if day.course is not None and day.course.municipality_id != municipality.pk:
        raise ValidationError(_("The course belongs to another municipality."))
    day.full_clean()
    day.save()
    log_action(
        actor=actor,
        action="create" if creating else "update",
        code="competence.professionalday.create"
        if creating
        else "competence.professionalday.update",
        target=day,
        detail={"fields": sorted(data)},
    )
    return day


@audited_transaction
def attendance_set(
    *, day: ProfessionalDay, actor: User, employees: list[Employee]
) -> tuple[int, int]:
    """Make the attendance list exactly ``employees``; when the day counts as a course,
    attendants get a completion on the day (removed again if they are taken off the list
    and it came from the day). Returns (added, removed)."""
    wanted = {e.pk: e for e in employees if e.municipality_id == day.municipality_id}
    present = {a.employee_id: a for a in day.attendance.all()}
    added = [wanted[pk] for pk in wanted.keys() - present.keys()]
    removed = [present[pk] for pk in present.keys() - wanted.keys()]
    Attendance.objects.bulk_create([Attendance(day=day, employee=e) for e in added])
    for row in removed:
        row.delete()
    if day.course is not None and day.held_on <= timezone.localdate():
        existing = set(
            Completion.objects.for_system(reason=LOCKED)
            .filter(course=day.course, completed_on=day.held_on, employee__in=list(wanted))
            .values_list("employee_id", flat=True)
        )
        Completion.objects.bulk_create(
            [
                _completion(
                    employee=e,
                    course=day.course,
                    completed_on=day.held_on,
                    source=Completion.Source.PROFESSIONAL_DAY,
                    actor=actor,
                )
                for e in added
                if e.pk not in existing
            ]
        )
        Completion.objects.for_system(reason=LOCKED).filter(
            course=day.course,
            completed_on=day.held_on,
            source=Completion.Source.PROFESSIONAL_DAY,
            employee_id__in=[row.employee_id for row in removed],
        ).delete()
    log_action(
        actor=actor,
        action="update",
        code="competence.attendance.update",
        target=day,
        detail={"added": len(added), "removed": len(removed)},
    )
    return len(added), len(removed)


# --- Asking about violence (F9) --------------------------------------------------


@audited_transaction
def question_guide_save(
    *, municipality: Municipality, actor: User, setting: str, data: dict
) -> QuestionGuide:
    """Save the municipality's own guide for a setting (one per setting)."""
    guide = (
        QuestionGuide.objects.for_system(reason=LOCKED)
        .select_for_update()
        .filter(municipality=municipality, setting=setting)
        .first()
    ) or QuestionGuide(municipality=municipality, setting=setting)
    creating = guide.pk is None
    for name, value in data.items():
        setattr(guide, name, value)
    guide.updated_by = actor
    guide.full_clean()
    guide.save()
    log_action(
        actor=actor,
        action="create" if creating else "update",
        code="competence.questionguide.save",
        target=guide,
        detail={"setting": setting},
    )
    return guide


@audited_transaction
def conversation_count_set(
    *,
    municipality: Municipality,
    actor: User,
    unit,
    setting: str,
    year: int,
    quarter: int,
    held: int,
) -> ConversationCount:
    """Set (not add to) the number of conversations a unit held in a quarter, so sending
    the same form twice gives the same figure."""
    if unit.municipality_id != municipality.pk:
        raise ValidationError(_("The unit belongs to another municipality."))
    count, created = ConversationCount.objects.for_system(reason=LOCKED).update_or_create(
        municipality=municipality,
        unit=unit,
        setting=setting,
        year=year,
        quarter=quarter,
        defaults={"held": held, "updated_by": actor},
    )
    log_action(
        actor=actor,
        action="create" if created else "update",
        code="competence.conversations.set",
        target=count,
        detail={"setting": setting, "quarter": f"{year}-Q{quarter}", "held": held},
    )
    return count
