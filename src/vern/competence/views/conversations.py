"""Asking about violence in routine conversations (measure F9): question guides per
setting, and how many such conversations each unit held per quarter (numbers only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vern.competence import selectors, services
from vern.competence.forms import ConversationCountForm, QuestionGuideForm
from vern.competence.models import QuestionGuide, Setting
from vern.competence.views.training import EDITORS
from vern.core.access import scoped, staff_view
from vern.core.forms import add_errors
from vern.core.models import STAFF_ROLES, Role, Unit

# Those who hold the conversations, or answer for them, record how many there were.
RECORDERS = frozenset(
    {Role.ADMIN, Role.COORDINATOR, Role.CASE_WORKER, Role.SCHOOL_CONTACT, Role.TEAM_MEMBER}
)


def _setting(request: HttpRequest) -> str:
    value = request.GET.get("setting", Setting.HEALTH_STATION)
    if value not in Setting.values:
        raise Http404
    return value


@staff_view(personal_data=None, roles=STAFF_ROLES)
def overview(request: HttpRequest) -> HttpResponse:
    setting = _setting(request)
    quarters = selectors.last_quarters(timezone.localdate())
    rows, totals = selectors.conversation_table(
        user=request.user, municipality=request.municipality, setting=setting, quarters=quarters
    )
    return render(
        request,
        "competence/conversations.html",
        {
            "setting": setting,
            "setting_label": Setting(setting).label,
            "settings": Setting.choices,
            "quarters": quarters,
            "rows": rows,
            "totals": totals,
            "can_record": bool(request.roles & RECORDERS),
        },
    )


def _recording_units(request: HttpRequest):
    """The units the person may record for: all, or those their roles are held for."""
    units = scoped(request, Unit).order_by("name")
    held = request.vern_counted_roles
    if any(ids is None for ids in held.values()):
        return units
    return units.filter(pk__in=set().union(*held.values()))


@staff_view(personal_data=None, roles=RECORDERS)
def record(request: HttpRequest) -> HttpResponse:
    year, quarter = selectors.quarter_of(timezone.localdate())
    form = ConversationCountForm(
        request.POST or None,
        units=_recording_units(request),
        initial={"year": year, "quarter": quarter, "setting": request.GET.get("setting")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.conversation_count_set(
                municipality=request.municipality,
                actor=request.user,
                unit=data["unit"],
                setting=data["setting"],
                year=data["year"],
                quarter=data["quarter"],
                held=data["held"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The number is saved."))
            return redirect(reverse("competence:conversations") + f"?setting={data['setting']}")
    return render(request, "competence/conversation_form.html", {"form": form})


@staff_view(personal_data=None, roles=STAFF_ROLES)
def question_guide(request: HttpRequest) -> HttpResponse:
    setting = _setting(request)
    guide = selectors.question_guide(
        user=request.user, municipality=request.municipality, setting=setting
    )
    return render(
        request,
        "competence/question_guide.html",
        {
            "setting": setting,
            "setting_label": Setting(setting).label,
            "guide": guide,
            "can_edit": bool(request.roles & EDITORS),
        },
    )


@staff_view(personal_data=None, roles=EDITORS)
def question_guide_edit(request: HttpRequest) -> HttpResponse:
    setting = _setting(request)
    own = scoped(request, QuestionGuide).filter(setting=setting).first()
    current = selectors.question_guide(
        user=request.user, municipality=request.municipality, setting=setting
    )
    initial = {
        "introduction": current["introduction"],
        "questions": "\n".join(current["questions"]),
        "follow_up": current["follow_up"],
        "reviewed_on": timezone.localdate(),
    }
    form = QuestionGuideForm(request.POST or None, instance=own, initial=None if own else initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_guide_save(
                municipality=request.municipality,
                actor=request.user,
                setting=setting,
                data=form.cleaned_data,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The question guide is saved."))
            return redirect(reverse("competence:question_guide") + f"?setting={setting}")
    return render(
        request,
        "competence/question_guide_form.html",
        {"form": form, "setting": setting, "setting_label": Setting(setting).label},
    )
