from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vern.competence import csv_import, duty_guide
from vern.competence.models import Course, Employee, ProfessionalDay, QuestionGuide, Setting
from vern.core.models import Unit
from vern.core.validators import single_line, single_line_inputs

LANGUAGE_NAMES = {"nb": _("bokmål"), "nn": _("nynorsk"), "en": _("English")}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


@single_line_inputs
class GuideRuleForm(forms.Form):
    """One rule of the duty guide: its title and text per language, and its sources."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput)
    sources = forms.CharField(
        label=_("Legal sources"),
        required=False,  # clean_sources says what is missing
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One source per line: the name, and optionally a vertical bar and a link "
            "starting with https://, for example “straffeloven § 196 | https://lovdata.no/…”."
        ),
    )
    reviewed_on = forms.DateField(label=_("Last reviewed"), widget=DateInput)
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = {}
        for lang in duty_guide.EDIT_LANGUAGES:
            name = LANGUAGE_NAMES[lang]
            required = lang == duty_guide.BASE_LANGUAGE
            fields[f"title_{lang}"] = forms.CharField(
                label=_("Title (%(language)s)") % {"language": name},
                max_length=200,
                required=required,
                validators=[single_line],
            )
            fields[f"text_{lang}"] = forms.CharField(
                label=_("Text (%(language)s)") % {"language": name},
                widget=forms.Textarea(attrs={"rows": 8}),
                max_length=5000,
                required=required,
            )
        # Texts first, then sources, the review date and the note.
        self.fields = {**fields, **self.fields}

    def clean_sources(self) -> list[dict[str, str]]:
        sources = []
        for number, line in enumerate(self.cleaned_data["sources"].splitlines(), start=1):
            if not line.strip():
                continue
            title, _bar, url = (part.strip() for part in line.partition("|"))
            if not title:
                raise ValidationError(_("Line %(line)s has a link but no name.") % {"line": number})
            if url and not url.startswith("https://"):
                raise ValidationError(
                    _("The link on line %(line)s must start with https://.") % {"line": number}
                )
            sources.append({"title": title, "url": url} if url else {"title": title})
        if not sources:
            raise ValidationError(_("Give at least one legal source."))
        return sources

    def clean_reviewed_on(self):
        value = self.cleaned_data["reviewed_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The review date cannot be in the future."))
        return value

    @staticmethod
    def initial_for(rule: dict, version: int) -> dict:
        initial = {
            "seen_version": version,
            "sources": "\n".join(
                f"{s['title']} | {s['url']}" if s.get("url") else s["title"]
                for s in rule["sources"]
            ),
            "reviewed_on": timezone.localdate(),
        }
        for lang in duty_guide.EDIT_LANGUAGES:
            initial[f"title_{lang}"] = rule["title"].get(lang, "")
            initial[f"text_{lang}"] = rule["text"].get(lang, "")
        return initial


class GuideReviewedForm(forms.Form):
    seen_version = forms.IntegerField(widget=forms.HiddenInput)
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DateInput)

    def clean_reviewed_on(self):
        value = self.cleaned_data["reviewed_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The review date cannot be in the future."))
        return value


@single_line_inputs
class CourseForm(forms.ModelForm):
    target_kinds = forms.MultipleChoiceField(
        label=_("For units of kind"),
        choices=Unit.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked if the course is for every unit."),
    )

    class Meta:
        model = Course
        fields = [
            "title",
            "code",
            "topic",
            "description",
            "validity_months",
            "target_kinds",
            "active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


@single_line_inputs
class EmployeeForm(forms.ModelForm):
    class Meta:
        model = Employee
        fields = ["full_name", "employee_number", "email", "unit", "front_line", "active"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class CompletionForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())
    completed_on = forms.DateField(label=_("Completed on"), widget=DateInput)

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses

    def clean_completed_on(self):
        value = self.cleaned_data["completed_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return value


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "An export from the learning platform, with a header row. Comma or semicolon "
            "separated, UTF-8 or Windows-1252 (Excel's “CSV”). At most 5 MB."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > csv_import.MAX_BYTES:
            raise ValidationError(
                _("The file is %(size)s MB; at most 5 MB can be imported. Export fewer rows.")
                % {"size": round(upload.size / 1024 / 1024, 1)}
            )
        return upload


class MappingForm(forms.Form):
    """Which column holds which field."""

    def __init__(self, *args, header: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Choose a column"))] + [
            (str(index), title or _("Column %(number)s") % {"number": index + 1})
            for index, title in enumerate(header)
        ]
        for name, label in csv_import.FIELDS.items():
            self.fields[name] = forms.TypedChoiceField(label=label, choices=choices, coerce=int)

    def clean(self):
        data = super().clean()
        chosen = [data.get(name) for name in csv_import.FIELDS if data.get(name) is not None]
        if len(chosen) != len(set(chosen)):
            raise ValidationError(_("Choose a different column for each field."))
        return data


@single_line_inputs
class ProfessionalDayForm(forms.ModelForm):
    class Meta:
        model = ProfessionalDay
        fields = ["title", "held_on", "programme", "course"]
        widgets = {"held_on": DateInput, "programme": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses


class AttendanceForm(forms.Form):
    employees = forms.ModelMultipleChoiceField(
        label=_("Who attended"),
        queryset=Employee.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, employees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employees"].queryset = employees


class QuestionGuideForm(forms.ModelForm):
    class Meta:
        model = QuestionGuide
        fields = ["introduction", "questions", "follow_up", "reviewed_on"]
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 3}),
            "questions": forms.Textarea(attrs={"rows": 8}),
            "follow_up": forms.Textarea(attrs={"rows": 4}),
            "reviewed_on": DateInput,
        }

    def clean_reviewed_on(self):
        value = self.cleaned_data["reviewed_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The review date cannot be in the future."))
        return value

    def clean_questions(self):
        lines = [line.strip() for line in self.cleaned_data["questions"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise ValidationError(_("Write at least one question."))
        return "\n".join(lines)


QUARTERS = [
    (1, _("1st quarter")),
    (2, _("2nd quarter")),
    (3, _("3rd quarter")),
    (4, _("4th quarter")),
]


class ConversationCountForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    setting = forms.ChoiceField(label=_("Setting"), choices=Setting.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000)
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTERS, coerce=int)
    held = forms.IntegerField(
        label=_("Conversations held"),
        min_value=0,
        max_value=100_000,
        help_text=_("The number of conversations in which violence was asked about. No names."),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self):
        data = super().clean()
        year, quarter = data.get("year"), data.get("quarter")
        if year and quarter:
            today = timezone.localdate()
            if (year, quarter) > (today.year, (today.month - 1) // 3 + 1):
                raise ValidationError(_("The quarter has not started yet."))
        return data
