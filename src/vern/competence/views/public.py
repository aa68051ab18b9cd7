"""The duty guide's public pages: one page per question, then the answer.

The answers chosen so far are the URL path (``/pliktveileder/skole/vold/ja/nei/``), and a
municipality's own version is chosen with ``?kommune=<number>``, so each step has its own
address, the pages work without JavaScript, and nothing is stored: no session, no form,
no cookie.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse, translate_url
from django.views.decorators.http import require_safe

from vern.competence import duty_guide, selectors
from vern.core.models import Municipality

MUNICIPALITY_NUMBER = re.compile(r"^\d{4}$")


def _municipality(request: HttpRequest) -> Municipality | None:
    number = request.GET.get("kommune", "")
    if not MUNICIPALITY_NUMBER.match(number):
        return None
    return Municipality.objects.filter(number=number).first()


def _href(segments: list[str], query: str) -> str:
    path = reverse("duty_guide:start")
    if segments:
        path += "/".join(segments) + "/"
    return f"{path}?{query}" if query else path


@require_safe
def step(request: HttpRequest, path: str = "") -> HttpResponse:
    municipality = _municipality(request)
    guide = selectors.current_guide(municipality)
    content = guide.content
    segments = [segment for segment in path.split("/") if segment]
    found = duty_guide.resolve(content, segments)
    if found is None:
        raise Http404
    query = urlencode({"kommune": municipality.number}) if municipality else ""
    fallback = False

    def text(value: dict, *, outdated: bool = False) -> duty_guide.Shown:
        # A text shown in bokmål on another language's page carries lang (and dir).
        nonlocal fallback
        shown = duty_guide.shown(value, outdated=outdated)
        fallback = fallback or shown.lang != shown.page
        return shown

    answered = [
        {
            "question": text(question["text"]),
            "answer": text(option["label"]),
            "change": _href(segments[:index], query),
        }
        for index, (question, option) in enumerate(found.answered)
    ]
    context = {
        "guide": guide,
        "municipality": municipality,
        "intro": text(content["intro"]),
        "disclaimer": text(content["disclaimer"]),
        "answered": answered,
        "restart": _href([], query),
        "back": _href(segments[:-1], query) if segments else None,
        "step_number": len(segments) + 1,
        "step_count": len(content["questions"]),
    }
    if found.question is not None:
        question = found.question
        context["question"] = {
            "key": question["key"],
            "text": text(question["text"]),
            "hint": text(question["hint"]) if question.get("hint") else "",
            "options": [
                {"label": text(option["label"]), "href": _href([*segments, option["key"]], query)}
                for option in question["options"]
            ],
        }
        template = "competence/public/question.html"
    else:
        context["rules"] = [
            {
                "key": rule["key"],
                "urgent": rule.get("urgent", False),
                "title": text(rule["title"], outdated=duty_guide.is_outdated(rule)),
                "text": text(rule["text"], outdated=duty_guide.is_outdated(rule)),
                "outdated": duty_guide.is_outdated(rule),
                "sources": rule["sources"],
            }
            for rule in duty_guide.rules_for(content, tuple(segments))
        ]
        template = "competence/public/answer.html"
    context["fallback"] = fallback
    # Machine-assisted translations say so, and link to the same step in bokmål.
    if duty_guide.review_status(content) == duty_guide.MACHINE_ASSISTED:
        context["bokmal_url"] = translate_url(request.get_full_path(), duty_guide.BASE_LANGUAGE)
    return render(request, template, context)
