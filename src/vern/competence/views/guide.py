"""Staff pages for the municipality's own version of the duty guide."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from vern.competence import duty_guide, selectors, services
from vern.competence.forms import GuideReviewedForm, GuideRuleForm
from vern.competence.models import DutyGuideVersion
from vern.core.access import scoped, staff_view
from vern.core.forms import add_errors
from vern.core.models import STAFF_ROLES, Role

EDITORS = {Role.ADMIN, Role.COORDINATOR}


@staff_view(personal_data=None, roles=STAFF_ROLES)
def guide_overview(request: HttpRequest) -> HttpResponse:
    guide = selectors.current_guide(request.municipality)
    can_edit = bool(request.roles & EDITORS)
    versions = scoped(request, DutyGuideVersion).select_related("saved_by").order_by("-number")[:20]
    rules = [
        {
            "key": rule["key"],
            "title": duty_guide.text(rule["title"])[0],
            "sources": rule["sources"],
            "languages": [
                lang
                for lang in duty_guide.CONTENT_LANGUAGES
                if rule["text"].get(lang) and lang not in rule.get("outdated", ())
            ],
            "outdated": rule.get("outdated", []),
        }
        for rule in guide.content["rules"]
    ]
    return render(
        request,
        "competence/guide_overview.html",
        {
            "guide": guide,
            "rules": rules,
            "versions": versions,
            "can_edit": can_edit,
            "paths": len(duty_guide.all_paths(guide.content)),
        },
    )


@staff_view(personal_data=None, roles=EDITORS)
def guide_reviewed(request: HttpRequest) -> HttpResponse:
    """Confirm that the guide was read through and still holds (a new version)."""
    guide = selectors.current_guide(request.municipality)
    form = GuideReviewedForm(
        request.POST or None,
        initial={"seen_version": guide.version, "reviewed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.guide_mark_reviewed(
                municipality=request.municipality,
                actor=request.user,
                seen_version=form.cleaned_data["seen_version"],
                reviewed_on=form.cleaned_data["reviewed_on"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The guide is marked as reviewed."))
            return redirect("competence:guide_overview")
    return render(request, "competence/guide_reviewed.html", {"guide": guide, "form": form})


@staff_view(personal_data=None, roles=EDITORS)
def guide_rule_edit(request: HttpRequest) -> HttpResponse:
    """One rule of the active municipality's guide (``?regel=<key>``)."""
    key = request.GET.get("regel", "")
    guide = selectors.current_guide(request.municipality)
    rule = next((r for r in guide.content["rules"] if r["key"] == key), None)
    if rule is None:
        raise Http404
    form = GuideRuleForm(
        request.POST or None, initial=GuideRuleForm.initial_for(rule, guide.version)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.guide_rule_save(
                municipality=request.municipality,
                actor=request.user,
                seen_version=data["seen_version"],
                rule_key=key,
                titles={
                    lang: data.get(f"title_{lang}") or "" for lang in duty_guide.EDIT_LANGUAGES
                },
                texts={lang: data.get(f"text_{lang}") or "" for lang in duty_guide.EDIT_LANGUAGES},
                sources=data["sources"],
                reviewed_on=data["reviewed_on"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The rule is saved in a new version of the guide."))
            return redirect("competence:guide_overview")
    return render(
        request,
        "competence/guide_rule_form.html",
        {"guide": guide, "rule": rule, "title": duty_guide.text(rule["title"])[0], "form": form},
    )
