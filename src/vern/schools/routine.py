"""The no-show routine as the routine engine runs it (``vern.core.routines``).

Each municipality may keep its own template (``RoutineStepTemplate``); without
one, ``DEFAULT_STEPS`` apply. The template in force when a case is opened is
turned into a ``Routine`` and started for the case, so the case's steps, with
their deadlines in working days after the first school day, are ``core.Step``
rows that ``vern tick`` reminds about and escalates: the responsible role at
the school, then the principal (the school's administrators), then the
coordinators.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from vern.core.models import Municipality, Role
from vern.core.routines import Routine, StepSpec

CODE = "schools.no_show"


@dataclass(frozen=True)
class DefaultStep:
    title: str
    role: str
    days: int


# The booklet's routine: the same day, day 2 and day 3 of school.
DEFAULT_STEPS = (
    DefaultStep(
        _("Try to reach the guardians and record the result"), Role.SCHOOL_CONTACT.value, 0
    ),
    DefaultStep(
        _(
            "Check whether the pupil has moved (population register, by the school office), "
            "contact the previous school and involve the health nurse"
        ),
        Role.SCHOOL_CONTACT.value,
        1,
    ),
    DefaultStep(
        _(
            "Decide with the principal whether to notify child welfare and/or the police, "
            "and record the decision and its grounds"
        ),
        Role.ADMIN.value,
        2,
    ),
)


@dataclass(frozen=True)
class TemplateStep:
    position: int
    title: str
    role: str
    days: int
    default: bool = False  # one of DEFAULT_STEPS, not the municipality's own text

    @property
    def code(self) -> str:
        return f"step-{self.position}"

    @property
    def display_title(self) -> str:
        """A default step in the reader's language; the municipality's own as written."""
        return default_title(self.position) if self.default else self.title


def default_title(position: int) -> str:
    """The default step at ``position`` (from 1) in the active language, or ""."""
    if 1 <= position <= len(DEFAULT_STEPS):
        return str(DEFAULT_STEPS[position - 1].title)
    return ""


def step_title(code: str, params: dict) -> str:
    """A case step's title in the active language where it is a default step
    (``core.step_titles.register_titles``); "" for the municipality's own steps."""
    position = params.get("default")
    return default_title(position) if isinstance(position, int) else ""


def template_steps(municipality: Municipality) -> list[TemplateStep]:
    """The municipality's routine, or the default when it has none of its own."""
    from vern.schools.models import RoutineStepTemplate

    own = list(RoutineStepTemplate.objects.filter(municipality=municipality).order_by("position"))
    if own:
        return [TemplateStep(s.position, s.title, s.role, s.days) for s in own]
    # Stored in the installation's language, like the notices about them.
    with translation.override(settings.LANGUAGE_CODE):
        return [
            TemplateStep(position, str(step.title), step.role, step.days, default=True)
            for position, step in enumerate(DEFAULT_STEPS, start=1)
        ]


def routine_for(municipality: Municipality) -> Routine:
    return Routine(
        code=CODE,
        steps=tuple(
            StepSpec(
                step.code,
                step.title,
                days=step.days,
                role=step.role,
                params={"default": step.position} if step.default else {},
            )
            for step in template_steps(municipality)
        ),
    )
