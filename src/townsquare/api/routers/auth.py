"""Tokens for API clients."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from townsquare.api import auth
from townsquare.api.responses import errors
from townsquare.api.schemas import TokenIn, TokenOut

router = Router(tags=["auth"])


@router.post("/auth/token", response={200: TokenOut, **errors(400, 401, 429)},
             summary="Exchange an email and password (and a second-factor code) for an API token")
def token(request: HttpRequest, payload: TokenIn) -> dict:
    """A new token each call; keep it secret. Agency staff also send `otp`, the current code
    of their authenticator app: without it, or before they have set one up on the website,
    they get 401. Attempts are rate-limited per account and client address, and per account
    (429)."""
    return {"token": auth.token_for_credentials(request, payload.email, payload.password,
                                                payload.otp)}
