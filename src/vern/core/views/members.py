from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vern.core import services
from vern.core.access import get_scoped_or_404, scoped, staff_view
from vern.core.accounts import account_states
from vern.core.forms import MemberInviteForm, MemberRolesForm, add_errors
from vern.core.models import Invitation, Membership, Role, Unit

PAGE_SIZE = 50


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@staff_view(personal_data="core.membership", roles={Role.ADMIN}, unit_roles=False)
def member_list(request: HttpRequest) -> HttpResponse:
    members = (
        scoped(request, Membership)
        .select_related("user", "unit")
        .order_by("user__full_name", "user__email", "role")
    )
    people: dict[int, dict] = {}
    for membership in members:
        person = people.setdefault(
            membership.user_id,
            {"user": membership.user, "first": membership, "memberships": []},
        )
        person["memberships"].append(membership)
    # A large municipality has hundreds of people with access: a page at a time.
    page = Paginator(list(people.values()), PAGE_SIZE).get_page(request.GET.get("side"))
    states = account_states(person["user"] for person in page)
    for person in page:
        person["state"] = states[person["user"].pk]
    invitations = scoped(request, Invitation).select_related("user", "unit").order_by("created_at")
    return render(
        request,
        "core/members/list.html",
        {"people": page, "page": page, "invitations": invitations},
    )


@staff_view(personal_data=None, roles={Role.ADMIN}, unit_roles=False)
def member_invite(request: HttpRequest) -> HttpResponse:
    form = MemberInviteForm(request.POST or None, units=scoped(request, Unit))
    if request.method == "POST" and form.is_valid():
        try:
            given = services.member_invite_roles(
                municipality=request.municipality,
                actor=request.user,
                base_url=_base_url(request),
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                roles=form.cleaned_data["roles"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if isinstance(given[0], Invitation):
                messages.success(
                    request,
                    _(
                        "This address already has an account in Vern. The person has been sent "
                        "an invitation and gets the roles when they accept it."
                    ),
                )
            else:
                messages.success(request, _("The person was given access and an e-mail was sent."))
            return redirect("core:member_list")
    return render(
        request,
        "core/members/invite.html",
        {"form": form, "hours": settings.VERN_INVITATION_HOURS},
    )


def _person(request: HttpRequest, pk: int) -> tuple[Membership, list[Membership]]:
    """One of the person's memberships here (from the URL), and all of them."""
    membership = get_scoped_or_404(request, Membership.objects.select_related("user"), pk=pk)
    roles = list(scoped(request, Membership).filter(user=membership.user_id).select_related("unit"))
    return membership, roles


@staff_view(personal_data="core.membership", roles={Role.ADMIN}, unit_roles=False)
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's page: account state, and all their roles here in one form."""
    membership, roles = _person(request, pk)
    user = membership.user
    form = MemberRolesForm(
        request.POST or None,
        units=scoped(request, Unit),
        current={m.role: m.unit for m in roles},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.member_roles_set(
                municipality=request.municipality,
                user=user,
                actor=request.user,
                roles=form.cleaned_data["roles"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The roles were saved."))
            return redirect("core:member_list")
    state = account_states([user])[user.pk]
    return render(
        request,
        "core/members/detail.html",
        {
            "membership": membership,
            "person": user,
            "state": state,
            "form": form,
            "can_reinvite": services.awaits_first_password(user),
            "can_reset_otp": state.two_factor and user.pk != request.user.pk,
        },
    )


@staff_view(personal_data="core.membership", roles={Role.ADMIN}, unit_roles=False)
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Take all of a person's roles in the municipality away, after confirmation."""
    membership, roles = _person(request, pk)
    if request.method == "POST":
        try:
            services.member_remove_all(
                municipality=request.municipality, user=membership.user, actor=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("core:member_detail", pk=membership.pk)
        messages.success(request, _("The person was removed from the municipality."))
        return redirect("core:member_list")
    names = ", ".join(str(m.get_role_display()) for m in roles)
    return render(request, "core/members/remove.html", {"membership": membership, "roles": names})


@staff_view(personal_data="core.membership", roles={Role.ADMIN}, unit_roles=False)
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
            "hours": settings.VERN_INVITATION_HOURS,
        },
    )


@staff_view(personal_data="core.membership", roles={Role.ADMIN}, unit_roles=False)
def member_otp_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a person's authenticator so they set up a new one (a lost phone)."""
    membership = get_scoped_or_404(request, Membership.objects.select_related("user"), pk=pk)
    if request.method == "POST":
        try:
            services.member_otp_reset(membership=membership, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Two-factor login was reset. The person sets it up again at their next login."),
            )
        return redirect("core:member_detail", pk=membership.pk)
    user = membership.user
    return render(
        request,
        "core/members/otp_reset.html",
        {
            "membership": membership,
            "own": user.pk == request.user.pk,
            "state": account_states([user])[user.pk],
        },
    )


@staff_view(personal_data="core.invitation", roles={Role.ADMIN}, unit_roles=False)
def invitation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_scoped_or_404(request, Invitation.objects.select_related("user"), pk=pk)
    if request.method == "POST":
        services.invitation_withdraw(invitation=invitation, actor=request.user)
        messages.success(request, _("The invitation was withdrawn."))
        return redirect("core:member_list")
    return render(request, "core/members/withdraw.html", {"invitation": invitation})
