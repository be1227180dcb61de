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
from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from townsquare.accounts.actions import authenticate_token, issue_token
from townsquare.accounts.validation import clean_text
from townsquare.core import policy, ratelimit
from townsquare.core.clientaddr import client_address
from townsquare.core.errors import Forbidden, NotAuthenticated

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
        if policy.needs_second_factor(user) and not _second_factor_verified(user):
            return None  # agency staff: a password-only session is not signed in yet
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise Forbidden("CSRF check failed: send the X-CSRFToken header with the session.")
        return user

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return self(request)


def _second_factor_verified(user: Any) -> bool:
    # django-otp's OTPMiddleware installs is_verified() on the session's user.
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified is not None and is_verified())


# The operations that need a caller use this; the others are open to anyone.
caller = [BearerToken(), BrowserSession()]


# The one answer to "who is the client" (trusted proxies included): core/clientaddr.py.
client_ip = client_address


def token_for_credentials(request: HttpRequest, email: str, password: str) -> str:
    """Exchange an email and password for a new API token; rate-limited per email and IP."""
    address = clean_text(email, field="email", max_length=254).lower()
    ratelimit.hit("login", f"ip:{client_ip(request)}")
    ratelimit.hit("login", f"email:{address}")
    user = authenticate(request, email=address, password=password)
    if user is None:
        raise NotAuthenticated("Wrong email or password.")
    return issue_token(user, label="api")
