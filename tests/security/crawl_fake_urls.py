"""A tiny site with one fault of each kind, for testing the crawler itself."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotFound
from django.urls import path

GOOD_SVG = (
    '<svg viewBox="0 0 24 24" width="20" height="20"><circle cx="12" cy="12.5" r="10"/>'
    '<path d="M2 12h20"/><path d="M12 2a15.3 15.3 0 0 1 4 10 15.3 15.3 0 0 1-4 10z"/>'
    '<polyline points="1,2 3.5,4 5,6.25"/></svg>'
)


def _page(body: str) -> HttpResponse:
    return HttpResponse(f"<!doctype html><html><body>{body}</body></html>")


def home(request):
    return _page(
        GOOD_SVG
        + '<a href="/fine/">fine</a> <a href="/comma/">chart</a> <a href="/english/">form</a>'
        ' <a href="/broken/">broken</a> <a href="/konto/logg-ut/">log out</a>'
        ' <a href="https://example.org/">elsewhere</a> <a href="tel:112">112</a>'
        ' <a href="/missing/">gone</a> <a href="/items/1/">1</a> <a href="/items/2/">2</a>'
        ' <a href="/items/3/">3</a> <a href="/secret/">not for you</a>'
    )


def fine(request):
    return _page("<p>Alt i orden.</p>")


def comma(request):
    return _page('<svg viewBox="0 0 320 120"><circle cx="160,0" cy="35.2" r="4"/></svg>')


def english(request):
    return _page('<select><option value="">- Select an option -</option></select>')


def broken(request):
    raise RuntimeError("this view is broken on purpose")


def secret(request):
    raise PermissionDenied


def log_out(request):
    raise AssertionError("the crawler must not follow the log-out link")


def not_found(request, exception):
    return HttpResponseNotFound("<p>Finnes ikke.</p>")


def forbidden(request, exception):
    return HttpResponseForbidden("<p>Ikke tilgang.</p>")


handler404 = not_found
handler403 = forbidden


def item(request, pk):
    return _page(f"<p>Ting {pk}</p>")


urlpatterns = [
    path("", home, name="home"),
    path("fine/", fine, name="fine"),
    path("comma/", comma, name="comma"),
    path("english/", english, name="english"),
    path("broken/", broken, name="broken"),
    path("konto/logg-ut/", log_out, name="logout"),
    path("secret/", secret, name="secret"),
    path("items/<int:pk>/", item, name="item"),
]
