from django import forms
from django.utils.translation import gettext_lazy as _

from vern.audit import codes
from vern.audit.models import AuditEntry


def _code_choices():
    return [("", _("All")), *codes.choices()]


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"), choices=[("", _("All")), *AuditEntry.Action.choices], required=False
    )
    code = forms.ChoiceField(label=_("Event"), choices=_code_choices, required=False)
    person = forms.CharField(
        label=_("Who (name or e-mail address)"), max_length=200, required=False, strip=True
    )
    date_from = forms.DateField(
        label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return data

    def search(self) -> dict:
        """The filters given, as the audit entry of this search records them."""
        if not self.is_valid():
            return {}
        return {
            name: value.isoformat() if hasattr(value, "isoformat") else value
            for name, value in self.cleaned_data.items()
            if value
        }
