import re
import unicodedata

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from vern.core.emergency import emergency_lines
from vern.core.page_cache import public_page
from vern.directory.selectors import find_municipalities

CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _plain_digits(text: str) -> str:
    """Digits typed on another keyboard (Arabic-Indic, for example) as 0–9."""
    return "".join(
        str(unicodedata.digit(char))
        if char.isdigit() and unicodedata.digit(char, None) is not None
        else char
        for char in text
    )


def _home_stamp(request: HttpRequest) -> str:
    """The front page without a municipality asked for shows only what ships with
    the release (the emergency lines, the ways in, the forms): one kept page per
    language (``core.page_cache``). With ``kommune`` it answers that text, and is not
    kept: ``public_page`` keeps only a page asked without parameters by default."""
    return "front"


@public_page("front", stamp=_home_stamp)
def home(request: HttpRequest) -> HttpResponse:
    """The guide's entry: emergency lines, choose a municipality, ways in, search.

    Choosing a municipality is a GET form to this page (no cookie, no JavaScript):
    one match goes straight to that municipality's guide, several are listed to
    pick from, none gives a kind message and the form again.
    """
    context = {"emergency_lines": emergency_lines(), "chooser_searched": False}
    if "kommune" in request.GET:
        text = _plain_digits(CONTROL.sub(" ", request.GET["kommune"])).strip()[:100]
        matches = find_municipalities(text) if text else []
        if len(matches) == 1:
            return redirect("guide:municipality", matches[0].number)
        context.update(chooser_searched=True, chooser_text=text, matches=matches)
    return render(request, "public/home.html", context)


def staying_safe(request: HttpRequest) -> HttpResponse:
    return render(request, "public/staying_safe.html")


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "public/about.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form could not be checked (often an old page or blocked cookies): say so
    plainly, on a page that keeps the quick exit."""
    return render(request, "403_csrf.html", status=403)
