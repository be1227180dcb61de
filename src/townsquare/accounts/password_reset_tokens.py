"""The token in a password-reset link, and the link itself.

Django's password-reset token (an HMAC over the account's password hash and last sign-in,
with SECRET_KEY): it stops working once used, since the password changes, and after
PASSWORD_RESET_TIMEOUT. Nothing is stored. Its own salt keeps reset links and the staff
set-password links (agencies/links.py) apart: each works only on its own page.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from townsquare.accounts.models import User


class ResetTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "townsquare.accounts.password_reset"


reset_tokens = ResetTokenGenerator()

# The page that takes the link (web/urls.py, name "password_reset_confirm").
CONFIRM_PATH = "/accounts/password-reset/{uid}/{token}/"


def uid_of(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def user_of(uid: object) -> User | None:
    """The active account a link's `uid` names, or None for anything else."""
    if not isinstance(uid, str) or not uid or len(uid) > 64:
        return None
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def reset_link(user: User) -> str:
    token = reset_tokens.make_token(user)
    return f"{settings.SITE_URL}{CONFIRM_PATH.format(uid=uid_of(user), token=token)}"
