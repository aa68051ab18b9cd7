"""A URLconf with staff views that write when they must not, used to test the
POST tenancy check and the wrong-role check.

The URL names are real ones (core:unit_edit, core:unit_delete,
core:member_detail), so the real builders make the objects. The writes use
plain SQL so that no manager's scoping rule can stop them: the point is that
the checks notice a write that got through.
"""

from functools import wraps

from django.db import connection
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotFound
from django.shortcuts import redirect
from django.urls import include, path

from vern.core.access import get_scoped_or_404, staff_view
from vern.core.models import Membership, Role, Unit


def _rename_unit(pk, name):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_unit SET name = %s WHERE id = %s", [name, pk])


def saves_before_checking(view):
    """The mistake: a decorator outside ``staff_view`` that handles POST itself,
    before anyone has checked the municipality or the roles."""

    @wraps(view)
    def wrapper(request, pk):
        if request.method == "POST":
            _rename_unit(pk, f"Omdøpt uten kontroll {pk}")
            return redirect("/ansatt/")
        return view(request, pk)

    return wrapper


@saves_before_checking
@staff_view(personal_data=None, roles={Role.ADMIN})
def unit_edit(request, pk):
    return HttpResponse(get_scoped_or_404(request, Unit, pk=pk).name)


@staff_view(personal_data=None, roles={Role.ADMIN})
def unit_delete(request, pk):
    if request.method == "POST":
        # The mistake: the write comes before the scoped lookup that answers 404.
        _rename_unit(pk, f"Skrevet før oppslaget {pk}")
    return HttpResponse(get_scoped_or_404(request, Unit, pk=pk).name)


def member_detail(request, pk):
    return HttpResponse(str(get_scoped_or_404(request, Membership, pk=pk).role))


# The mistake: the view declares administrators only, but the role check it
# runs is the default one (every staff role).
member_detail = staff_view(personal_data=None)(member_detail)
member_detail.vern_roles = frozenset({Role.ADMIN})


CONFIRM_PAGE = """
<form method="post" action="/ansatt/somewhere-else/"><input name="q" required></form>
<form method="post">
  <input type="hidden" name="csrfmiddlewaretoken" value="token">
  <input name="note" required>
  <select name="role"><option value="">---------</option><option value="reader">Leser</option></select>
  <input type="checkbox" name="notify" value="yes" checked>
  <input type="checkbox" name="ignored" value="yes">
  <textarea name="why" required></textarea>
  <button name="confirm" value="yes">Ja</button>
</form>
"""


@staff_view(personal_data=None, roles={Role.ADMIN})
def member_remove(request, pk):
    post = request.POST
    filled_in = (
        post.get("confirm") == "yes"
        and post.get("role") == "reader"
        and post.get("note")
        and post.get("why")
        and post.get("notify") == "yes"
        and "ignored" not in post
    )
    if request.method == "POST" and filled_in:
        # The mistake: the filled-in form skips the scoped lookup. An empty
        # POST does not get this far, so only the form's values show it.
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_membership SET role = 'admin' WHERE id = %s", [pk])
        return redirect("/ansatt/")
    get_scoped_or_404(request, Membership, pk=pk)
    return HttpResponse(CONFIRM_PAGE)


broken = (
    [
        path("unit/<int:pk>/", unit_edit, name="unit_edit"),
        path("unit/<int:pk>/delete/", unit_delete, name="unit_delete"),
        path("member/<int:pk>/", member_detail, name="member_detail"),
        path("member/<int:pk>/remove/", member_remove, name="member_remove"),
    ],
    "core",
)

urlpatterns = [path("ansatt/", include(broken))]


# Plain error pages: the real ones link to pages this URLconf does not have.
def not_found(request, exception):
    return HttpResponseNotFound("not found")


def forbidden(request, exception):
    return HttpResponseForbidden("forbidden")


handler404 = not_found
handler403 = forbidden
