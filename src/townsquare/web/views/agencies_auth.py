"""A new staff member's first steps: set a password through the one-time link
(agencies.links.password_set_link), then set up the authenticator app (TOTP) and, at every
later sign-in, type its code. The rules are in accounts/actions/second_factor.py."""

from __future__ import annotations

import base64
from collections.abc import Callable

import django_otp
import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from townsquare import policy
from townsquare.accounts.actions import second_factor
from townsquare.core.clientaddr import client_address
from townsquare.web.agency_forms import SecondFactorForm, StaffSetPasswordForm
from townsquare.web.errors import domain_errors, form_errors
from townsquare.web.navigation import redirect_next
from townsquare.web.views.agencies_access import is_second_factor_verified
from townsquare.web.views.password_links import PasswordLinkView


class SetPasswordView(PasswordLinkView):
    """Django's password-reset confirmation, with our pages; then the person is signed in
    (with the password only: agency pages ask for the second factor next)."""

    template_name = "web/agencies/set_password.html"
    form_class = StaffSetPasswordForm
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    reset_url_token = "set-password"  # noqa: S105  (a URL word, not a secret)
    success_url = reverse_lazy("web:agency_home")
    extra_context = {"heading": gettext_lazy("Set your password"),
                     "button": gettext_lazy("Set the password")}

    def form_valid(self, form: StaffSetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set. Next, protect your account "
                                         "with a second step at sign-in."))
        return response


def _staff_only(request: HttpRequest) -> None:
    if not policy.needs_second_factor(request.user):
        raise PermissionDenied(_("Only agency staff use a second factor here."))


def _with_next(name: str, request: HttpRequest) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    return f"{reverse(name)}?{urlencode({'next': nxt})}" if nxt else reverse(name)


def qr_svg(text: str, label: str) -> SafeString:
    """An inline SVG QR code (no script, no style attribute: the CSP allows it)."""
    svg = segno.make(text, error="m").svg_inline(scale=4, border=4, dark="#000",
                                                 light="#fff", svgclass="qr-code",
                                                 omitsize=False)
    # segno writes plain markup from the bits of the code; only the label is ours.
    labelled = svg.replace("<svg ", format_html('<svg role="img" aria-label="{}" ', label), 1)
    return mark_safe(labelled)  # noqa: S308


def grouped_secret(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@domain_errors
def totp_setup(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    user = request.user
    if is_second_factor_verified(user):
        return redirect_next(request, reverse("web:agency_home"))
    if second_factor.has_second_factor(user):
        return redirect(_with_next("web:totp_verify", request))
    device = second_factor.start_totp_enrolment(user)
    form = SecondFactorForm(request.POST or None)
    status = _check_code(request, form, lambda code: second_factor.confirm_totp_enrolment(
        user, device, code, client=client_address(request)))
    if status is None:
        messages.success(request, _("Your authenticator app is set up. You will type a "
                                    "code from it each time you sign in."))
        return redirect_next(request, reverse("web:agency_home"))
    uri = device.config_url
    return render(request, "web/agencies/totp_setup.html", {
        "form": form, "has_errors": bool(form.errors), "secret": grouped_secret(device),
        "qr": qr_svg(uri, "QR code of your sign-in secret, for an authenticator app"),
        "uri": uri, "next": request.POST.get("next") or request.GET.get("next") or "",
    }, status=status)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@domain_errors
def totp_verify(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    user = request.user
    if is_second_factor_verified(user):
        return redirect_next(request, reverse("web:agency_home"))
    if not second_factor.has_second_factor(user):
        return redirect(_with_next("web:totp_setup", request))
    form = SecondFactorForm(request.POST or None)
    status = _check_code(request, form,
                         lambda code: second_factor.verify_second_factor(
                             user, code, client=client_address(request)))
    if status is None:
        return redirect_next(request, reverse("web:agency_home"))
    return render(request, "web/agencies/totp_verify.html", {
        "form": form, "has_errors": bool(form.errors),
        "next": request.POST.get("next") or request.GET.get("next") or "",
    }, status=status)


def _check_code(request: HttpRequest, form: SecondFactorForm,
                check: Callable[[str], TOTPDevice]) -> int | None:
    """A posted code: None once `check` accepted it and the session holds the device; else
    the status to show the form with (200, or the error's status after a wrong code, which
    is written on the form's field). Forbidden (403) goes up as it is."""
    if request.method != "POST" or not form.is_valid():
        return 200
    with form_errors(form, up={403}) as failed:
        device = check(form.cleaned_data["code"])
    if failed:
        return failed.status
    _signed_in(request, device)
    return None


def _signed_in(request: HttpRequest, device: TOTPDevice) -> None:
    # A new session key with the raised privilege, as Django's login does for the password.
    request.session.cycle_key()
    django_otp.login(request, device)
