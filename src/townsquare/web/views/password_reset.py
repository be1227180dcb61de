"""A forgotten password: ask for a link, then choose a new password through it.

Thin pages over accounts/actions/password_reset.py, which holds the limits and the mail.
The link's page is the one-time password link page (password_links.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from townsquare.accounts.actions import password_reset
from townsquare.accounts.password_reset_tokens import reset_tokens
from townsquare.core.clientaddr import client_address
from townsquare.web.errors import form_errors
from townsquare.web.password_forms import NewPasswordForm, PasswordResetRequestForm
from townsquare.web.views.password_links import PasswordLinkView


@never_cache
@require_http_methods(["GET", "POST"])
def request_link(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        with form_errors(form, up=()) as failed:
            password_reset.request_password_reset(form.cleaned_data["email"],
                                                  client=client_address(request))
            return redirect("web:password_reset_sent")
        status = failed.status
    return render(request, "web/accounts/password_reset.html", {
        "form": form, "has_errors": bool(form.errors),
    }, status=status)


@require_GET
def link_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accounts/password_reset_sent.html")


class NewPasswordView(PasswordLinkView):
    template_name = "web/accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    token_generator = reset_tokens
    reset_url_token = "new"  # noqa: S105  (a URL word, not a secret)
    success_url = reverse_lazy("web:login")
    extra_context = {"heading": gettext_lazy("Choose a new password"),
                     "button": gettext_lazy("Set the new password")}

    def form_valid(self, form: NewPasswordForm) -> HttpResponse:
        session_token = self.request.session.get(auth_views.INTERNAL_RESET_SESSION_TOKEN)
        with form_errors(form, {"password": "new_password1"}, up=()) as failed:
            password_reset.reset_password(
                self.kwargs["uidb64"], session_token, form.cleaned_data["new_password1"],
                client=client_address(self.request))
        if failed:
            response = self.form_invalid(form)
            response.status_code = failed.status
            return response
        self.request.session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
        messages.success(self.request, _("Your password is changed, and every other sign-in "
                                         "of your account has ended. Log in with the new "
                                         "password."))
        return redirect(self.success_url)

    def form_invalid(self, form: NewPasswordForm) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response
