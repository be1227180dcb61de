"""Signing in: one password check with its limits (attempts.py) for the sign-in page and
the API, and the token exchange, which asks staff for their second factor too."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.accounts.actions import second_factor
from townsquare.accounts.actions.attempts import account_key, limit_attempt, remember_client
from townsquare.accounts.actions.tokens import issue_token
from townsquare.accounts.models import User
from townsquare.accounts.validation import clean_text
from townsquare.core.errors import Invalid, NotAuthenticated


def check_password(*, email: object, password: object, client: str,
                   request: Any = None) -> User:
    """The account whose email and password these are, or NotAuthenticated (RateLimited
    past the limits). Staff still need their second factor (second_factor_satisfied)."""
    try:
        address = clean_text(email, field="email", max_length=254).strip().lower()
    except Invalid as exc:
        raise NotAuthenticated(_("Wrong email or password.")) from exc
    if not address or not isinstance(password, str) or not password:
        raise NotAuthenticated(_("Wrong email or password."))
    limit_attempt("login", account_key(address), client)
    user = authenticate(request, email=address, password=password)
    if user is None:
        raise NotAuthenticated(_("Wrong email or password."))
    remember_client(user, client)
    return user


def token_for_credentials(*, email: object, password: object, otp: object = None,
                          client: str, request: Any = None) -> str:
    """A new API token for an email and password, and for staff a current second-factor
    code as well: no staff token is minted from a password alone."""
    user = check_password(email=email, password=password, client=client, request=request)
    if policy.needs_second_factor(user):
        if not second_factor.has_second_factor(user):
            raise NotAuthenticated(_(
                "This account needs a second factor: sign in on the website to set up "
                "your authenticator app, then send its current code as otp."))
        if otp is None or otp == "":
            raise NotAuthenticated(_(
                "This account needs a second-factor code: send the current code from "
                "your authenticator app as otp."))
        try:
            second_factor.verify_second_factor(user, otp, client=client)
        except Invalid as exc:
            raise NotAuthenticated(_("Wrong or expired second-factor code.")) from exc
    return issue_token(user, label="api")
