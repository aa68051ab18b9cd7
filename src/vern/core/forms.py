from __future__ import annotations

import unicodedata

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vern.core.login import normalise_email
from vern.core.models import STAFF_ROLES, Role, Unit, User
from vern.core.services import awaits_first_password
from vern.core.validators import single_line_inputs


class PersonChoiceField(forms.ModelChoiceField):
    """A choice of one person (``selectors.people_with_roles``), shown by name."""

    def label_from_instance(self, obj) -> str:
        return obj.full_name or obj.email


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its fields where they match."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# Outside organisation editors are invited from the directory, not here.
ROLE_CHOICES = [(value, label) for value, label in Role.choices if value in STAFF_ROLES]


@single_line_inputs
class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _("The e-mail address or the password is wrong."),
        "inactive": _("This account is not active."),
    }

    def clean_username(self) -> str:
        # The same spelling reaches authentication and the lock-out (core/login.py).
        return normalise_email(self.cleaned_data["username"])


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, which also reaches invited people without a password yet.

    Django sends nothing to an account without a usable password. An invited
    person who never chose one (the invitation link lasts VERN_INVITATION_HOURS) must be
    able to get a new link here; the page answers the same whether or not the
    address is known.
    """

    def get_users(self, email):
        email = normalise_email(email)
        for user in User.objects.filter(email__iexact=email, is_active=True):
            # As Django does: the match must hold after Unicode folding too.
            same = _fold(user.email) == _fold(email)
            if same and (user.has_usable_password() or awaits_first_password(user)):
                yield user


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@single_line_inputs
class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the six digits shown in the app.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip()


@single_line_inputs
class UnitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Unit.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)


class RolesFormMixin:
    """A checkbox per role and, beside it, the role's unit (optional).

    No role is ticked in advance: the administrator chooses. ``cleaned_data``
    gets ``roles``, a dict of each ticked role to its unit or ``None``.
    """

    def _add_role_fields(self, units, current: dict | None = None) -> None:
        current = current or {}
        for value, label in ROLE_CHOICES:
            self.fields[f"role_{value}"] = forms.BooleanField(
                label=label, required=False, initial=value in current
            )
            unit = forms.ModelChoiceField(
                label=_("Unit for the role %(role)s") % {"role": label},
                queryset=units,
                required=False,
                empty_label=_("No unit"),
                initial=getattr(current.get(value), "pk", None),
            )
            self.fields[f"unit_{value}"] = unit

    def role_rows(self):
        return [(self[f"role_{value}"], self[f"unit_{value}"]) for value, _label in ROLE_CHOICES]

    def clean(self):
        data = super().clean()
        roles = {}
        for value, label in ROLE_CHOICES:
            unit = data.get(f"unit_{value}")
            if data.get(f"role_{value}"):
                roles[value] = unit
            elif unit is not None:
                self.add_error(
                    f"unit_{value}",
                    _("Tick the role %(role)s as well, or choose no unit.") % {"role": label},
                )
        if not roles:
            self.add_error(None, self.no_role_message)
        data["roles"] = roles
        return data

    no_role_message = _("Choose at least one role.")


@single_line_inputs
class MemberInviteForm(RolesFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_role_fields(units)


class MemberRolesForm(RolesFormMixin, forms.Form):
    no_role_message = _(
        "Choose at least one role. To take away all of this person's access, use "
        "“Remove from the municipality”."
    )

    def __init__(self, *args, units, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_role_fields(units, current)
