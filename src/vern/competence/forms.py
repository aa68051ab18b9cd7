from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vern.competence import duty_guide
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
        for lang in duty_guide.CONTENT_LANGUAGES:
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
        for lang in duty_guide.CONTENT_LANGUAGES:
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
