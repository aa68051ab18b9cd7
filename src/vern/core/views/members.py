from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vern.core import services
from vern.core.access import get_scoped_or_404, scoped, staff_view
from vern.core.forms import MemberInviteForm, MembershipForm, add_errors
from vern.core.models import Invitation, Membership, Role, Unit


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@staff_view(personal_data="core.membership", roles={Role.ADMIN})
def member_list(request: HttpRequest) -> HttpResponse:
    members = (
        scoped(request, Membership)
        .select_related("user", "unit")
        .order_by("user__full_name", "role")
    )
    invitations = scoped(request, Invitation).select_related("user", "unit").order_by("created_at")
    return render(
        request, "core/members/list.html", {"members": members, "invitations": invitations}
    )


@staff_view(personal_data=None, roles={Role.ADMIN})
def member_invite(request: HttpRequest) -> HttpResponse:
    form = MemberInviteForm(request.POST or None, units=scoped(request, Unit))
    if request.method == "POST" and form.is_valid():
        try:
            given = services.member_invite(
                municipality=request.municipality,
                actor=request.user,
                base_url=_base_url(request),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if isinstance(given, Invitation):
                messages.success(
                    request,
                    _(
                        "This address already has an account in Vern. The person has been sent "
                        "an invitation and gets the role when they accept it."
                    ),
                )
            else:
                messages.success(request, _("The person was given access and an e-mail was sent."))
            return redirect("core:member_list")
    return render(request, "core/members/invite.html", {"form": form})


@staff_view(personal_data="core.membership", roles={Role.ADMIN})
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_scoped_or_404(request, Membership.objects.select_related("user"), pk=pk)
    form = MembershipForm(
        request.POST or None,
        units=scoped(request, Unit),
        initial={"role": membership.role, "unit": membership.unit_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(
                membership=membership, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The role was saved."))
            return redirect("core:member_list")
    return render(
        request,
        "core/members/detail.html",
        {
            "membership": membership,
            "form": form,
            "can_reinvite": services.awaits_first_password(membership.user),
        },
    )


@staff_view(personal_data="core.membership", roles={Role.ADMIN})
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_scoped_or_404(request, Membership.objects.select_related("user"), pk=pk)
    if request.method == "POST":
        try:
            services.membership_remove(membership=membership, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("core:member_detail", pk=membership.pk)
        messages.success(request, _("The role was removed."))
        return redirect("core:member_list")
    return render(request, "core/members/remove.html", {"membership": membership})


@staff_view(personal_data="core.membership", roles={Role.ADMIN})
def member_reinvite(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a new link for choosing a password to someone who never chose one."""
    membership = get_scoped_or_404(request, Membership.objects.select_related("user"), pk=pk)
    if request.method == "POST":
        try:
            services.member_reinvite(
                membership=membership, actor=request.user, base_url=_base_url(request)
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The invitation was sent again."))
        return redirect("core:member_detail", pk=membership.pk)
    return render(
        request,
        "core/members/reinvite.html",
        {
            "membership": membership,
            "can_reinvite": services.awaits_first_password(membership.user),
        },
    )


@staff_view(personal_data="core.invitation", roles={Role.ADMIN})
def invitation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_scoped_or_404(request, Invitation.objects.select_related("user"), pk=pk)
    if request.method == "POST":
        services.invitation_withdraw(invitation=invitation, actor=request.user)
        messages.success(request, _("The invitation was withdrawn."))
        return redirect("core:member_list")
    return render(request, "core/members/withdraw.html", {"invitation": invitation})
