"""Login, two-factor verification and enrolment, logout, password reset, invitations."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from vern.core import services
from vern.core.forms import LoginForm, PasswordResetForm, TokenForm
from vern.core.middleware import SESSION_KEY
from vern.core.tokens import invitation_token_generator


class LoginView(auth_views.LoginView):
    template_name = "core/auth/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        services.record_login(user=form.get_user())
        services.remember_language(user=form.get_user(), language=translation.get_language())
        return response


class LogoutView(auth_views.LogoutView):
    pass


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(reverse_lazy(settings.LOGIN_REDIRECT_URL))


@never_cache
@login_required
def otp(request: HttpRequest) -> HttpResponse:
    """Second step of login: verify a TOTP code, or enrol a first device.

    A user without a confirmed device is shown a QR code for a new, unconfirmed
    device and confirms it by entering a code from it.
    """
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device, _created = TOTPDevice.objects.get_or_create(
            user=user, confirmed=False, defaults={"name": "Vern"}
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                services.record_login(
                    user=user, audit_code="core.user.otp_enrolled", action="create"
                )
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("The code is wrong or too old. Try the newest code."))
    context = {"form": form, "enrolling": enrolling, "next": _next_url(request)}
    if enrolling:
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(
            scale=4, dark="#000", light="#fff", title=_("QR code for your authenticator app")
        )
        context["secret"] = _base32(device.bin_key)
    return render(request, "core/auth/otp.html", context)


def _base32(raw: bytes) -> str:
    import base64

    text = base64.b32encode(raw).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "core/auth/password_reset.html"
    email_template_name = "core/mail/password_reset.txt"
    subject_template_name = "core/mail/password_reset_subject.txt"
    success_url = reverse_lazy("account:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "core/auth/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "core/auth/password_reset_confirm.html"
    success_url = reverse_lazy("account:password_reset_complete")


class InvitationPasswordView(PasswordResetConfirmView):
    """The invitation's link for choosing a first password (core/tokens.py).

    Django's reset page with the invitation's own token generator, so the
    link lasts VERN_INVITATION_HOURS while a forgotten-password link lasts an
    hour.
    """

    token_generator = invitation_token_generator

    def get_context_data(self, **kwargs):
        return super().get_context_data(invitation_hours=settings.VERN_INVITATION_HOURS, **kwargs)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "core/auth/password_reset_complete.html"


def _needs_second_factor(request: HttpRequest) -> HttpResponse | None:
    """Send a session without the second factor to it, and back to the invitations."""
    if settings.VERN_REQUIRE_2FA and not request.user.is_verified():
        return redirect(
            f"{reverse('account:otp')}?{urlencode({'next': reverse('account:invitations')})}"
        )
    return None


@login_required
def invitations(request: HttpRequest) -> HttpResponse:
    """The roles other municipalities have invited the logged-in person to."""
    if response := _needs_second_factor(request):
        return response
    pending = request.user.invitations.select_related("municipality", "unit").order_by("created_at")
    return render(request, "core/auth/invitations.html", {"invitations": pending})


@require_POST
@login_required
def invitation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept or decline one of one's own invitations (someone else's answers 404)."""
    if response := _needs_second_factor(request):
        return response
    invitation = get_object_or_404(request.user.invitations.select_related("municipality"), pk=pk)
    answer = request.POST.get("answer")
    try:
        if answer == "accept":
            membership = services.invitation_accept(invitation=invitation, user=request.user)
        elif answer == "decline":
            services.invitation_decline(invitation=invitation, user=request.user)
        else:
            messages.error(request, _("Choose whether to accept or decline the invitation."))
            return redirect("account:invitations")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("account:invitations")
    if answer == "decline":
        messages.success(request, _("You declined the invitation."))
        return redirect("account:invitations")
    request.session[SESSION_KEY] = membership.municipality_id
    messages.success(
        request,
        _("You now have the role %(role)s in %(municipality)s.")
        % {"role": membership.get_role_display(), "municipality": membership.municipality.name},
    )
    return redirect("core:dashboard")
