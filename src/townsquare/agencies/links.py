"""The one-time link with which a new staff member sets their password.

Django's password-reset token: it is signed with SECRET_KEY over the account's password
hash and last login, so it stops working once used (the password changes) and after
PASSWORD_RESET_TIMEOUT (3 days by default). Nothing is stored. The page at this URL
belongs to the web app (`/accounts/set-password/<uidb64>/<token>/`).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from townsquare.accounts.models import User


def password_set_link(user: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return f"{settings.SITE_URL}/accounts/set-password/{uidb64}/{token}/"
