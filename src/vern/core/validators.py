"""Validators shared by the apps.

``single_line`` refuses control characters (line breaks, tabs, NUL, the C1
range and the Unicode line and paragraph separators) in text meant to be one
line: names, titles, short notes. Such text ends up in mail subjects, CSV
cells, PDF headings and HTTP headers, where a line break changes meaning (a
service named ``"Familievern\\nBcc: ..."`` broke every mail about it).

It is applied once, not field by field:

* to every single-line model ``CharField`` of ``core``, ``directory`` and
  ``plans`` by ``install_model_validators`` (called from ``CoreConfig.ready``),
  so ``full_clean`` refuses such text whichever way it comes in: staff forms,
  organisation editors' proposals, ``vern directory import``;
* to the single-line ``CharField`` inputs of a form class by the
  ``single_line_inputs`` class decorator, so the error stands on the field
  the person typed in, also where the form field has no model field of the
  same name.

The validator is added to the field instances at start-up, not written into
the field definitions, so it changes no migration.
"""

from __future__ import annotations

import re

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

# Model CharFields that are typed into a multi-line box on purpose.
MULTI_LINE_CHAR_FIELDS = {
    "directory.pendingchange.decision_note",
}
# Not text a person writes.
NOT_TEXT_FIELDS = {"core.user.password"}


@deconstructible
class SingleLineValidator:
    message = _("Write this on one line, without line breaks, tabs or other control characters.")
    code = "control_characters"

    def __call__(self, value) -> None:
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, SingleLineValidator)

    def __hash__(self) -> int:
        return hash(SingleLineValidator)


single_line = SingleLineValidator()

_SPACES = re.compile(r"\s+")


def one_line(text: str) -> str:
    """``text`` with control characters as spaces and runs of spaces as one."""
    return _SPACES.sub(" ", CONTROL_CHARACTERS.sub(" ", str(text))).strip()


def _add(field, validator) -> None:
    # ``validators`` is a cached property built from ``_validators``; setting
    # the cached value leaves ``_validators`` (and so migrations) unchanged.
    if validator not in field.validators:
        field.__dict__["validators"] = [*field.validators, validator]


def install_model_validators(app_labels=("core", "directory", "plans")) -> None:
    """Add ``single_line`` to the single-line CharFields of these apps' models."""
    for label in app_labels:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.concrete_fields:
                if not isinstance(field, models.CharField) or field.choices:
                    continue
                name = f"{model._meta.label_lower}.{field.name}"
                if name in MULTI_LINE_CHAR_FIELDS or name in NOT_TEXT_FIELDS:
                    continue
                _add(field, single_line)


def single_line_inputs[F: type[forms.BaseForm]](form_class: F) -> F:
    """Class decorator: ``single_line`` on every one-line text input of the form."""
    for field in form_class.base_fields.values():
        if (
            type(field) is forms.CharField  # not e-mail, URL, number, password ...
            and not isinstance(field.widget, forms.Textarea | forms.PasswordInput)
            and single_line not in field.validators
        ):
            field.validators = [*field.validators, single_line]
    return form_class
