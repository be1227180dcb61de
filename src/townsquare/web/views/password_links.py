"""The page behind a one-time password link: a forgotten password (password_reset.py) and a
new staff member's first password (agencies_auth.py) are the same page with other words.

Django's PasswordResetConfirmView moves the token from the URL into the session at once (so
it does not leak through the Referer header) and checks it; a used, expired or altered link
answers 404. The template extends web/accounts/password_link.html.
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpResponse


class PasswordLinkView(auth_views.PasswordResetConfirmView):
    def dispatch(self, *args: object, **kwargs: object) -> HttpResponse:
        response = super().dispatch(*args, **kwargs)
        if not self.validlink and response.status_code == 200:
            response.status_code = 404  # used, expired or altered: the link is no more
        return response

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        context["has_errors"] = bool(form is not None and form.errors)
        return context
