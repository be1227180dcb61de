"""A forgotten password, through the API: the same action as the pages
(accounts/actions/password_reset.py), the same limits and the same answers."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from townsquare.accounts.actions import password_reset
from townsquare.api.responses import errors
from townsquare.api.schemas import Email, Password
from townsquare.core.clientaddr import client_address

router = Router(tags=["auth"])


class PasswordResetIn(Schema):
    email: Email


class PasswordResetConfirmIn(Schema):
    uid: str = Field(max_length=64, description="The `uid` part of the link in the mail.")
    token: str = Field(max_length=100, description="The `token` part of the link in the mail.")
    password: Password


class DetailOut(Schema):
    detail: str


@router.post("/auth/password-reset", response={202: DetailOut, **errors(400, 429)},
             summary="Ask for a password reset link by email")
def request_password_reset(request: HttpRequest, payload: PasswordResetIn) -> tuple[int, dict]:
    """Always 202 for a well-formed address, whether or not an account uses it: the link
    goes only to an existing account, by email (`/accounts/password-reset/{uid}/{token}/`).
    Limited per client address and per email address (429)."""
    password_reset.request_password_reset(payload.email, client=client_address(request))
    return 202, {"detail": _("If an account uses this address, a link to reset its password "
                             "is on its way.")}


@router.post("/auth/password-reset/confirm", response={200: DetailOut, **errors(400, 429)},
             summary="Set a new password with the uid and token of a reset link")
def confirm_password_reset(request: HttpRequest, payload: PasswordResetConfirmIn) -> dict:
    """The link works once and expires. A new password ends every session of the account
    and revokes all its API tokens; 400 for a used, expired or altered link (no `fields`)
    or a weak password (`fields.password`)."""
    password_reset.reset_password(payload.uid, payload.token, payload.password,
                                  client=client_address(request))
    return {"detail": _("Your password is changed. Every API token of the account is "
                        "revoked and every session signed out.")}
