"""Who is calling: a bearer token, or the browser's Django session.

- `Authorization: Bearer <token>` (tokens from `POST /auth/token` or `townsquare
  issue_token`). A request that sends an Authorization header is judged by it alone.
- The session cookie, for the site's own pages. Unsafe methods then need the CSRF token
  (`X-CSRFToken` header), because the browser sends the cookie on cross-site requests
  too; bearer tokens are never sent by a browser on its own, so they need no CSRF check.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from townsquare.accounts.actions import authenticate_token, authentication, second_factor
from townsquare.core.clientaddr import client_address
from townsquare.core.errors import Forbidden

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return authenticate_token(token.strip())


class BrowserSession(APIKeyCookie):
    """The Django session (django-ninja's SessionAuth checks CSRF even with no session)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        if "Authorization" in request.headers:
            return None  # a wrong token must not fall back to a cookie sent alongside it
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not second_factor.second_factor_satisfied(user):
            return None  # agency staff: a password-only session is not signed in yet
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise Forbidden(_("CSRF check failed: send the X-CSRFToken header with the session."))
        return user

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return self(request)


# The operations that need a caller use this; the others are open to anyone.
caller = [BearerToken(), BrowserSession()]


# The one answer to "who is the client" (trusted proxies included): core/clientaddr.py.
client_ip = client_address


def token_for_credentials(request: HttpRequest, email: str, password: str,
                          otp: str | None = None) -> str:
    """Exchange an email and password (and for staff a second-factor code) for a token."""
    return authentication.token_for_credentials(
        email=email, password=password, otp=otp, client=client_address(request),
        request=request)
