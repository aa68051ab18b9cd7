from django import forms
from django.utils.translation import gettext_lazy as _

from vern.audit.models import AuditEntry


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"), choices=[("", _("All")), *AuditEntry.Action.choices], required=False
    )
    code = forms.CharField(label=_("Event contains"), max_length=100, required=False)
    actor = forms.ModelChoiceField(label=_("Who"), queryset=None, required=False)
    date_from = forms.DateField(
        label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = actors
        self.fields["actor"].empty_label = _("Everyone")

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return data
